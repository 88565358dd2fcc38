"""The agent loop: generate, simulate, self-check on evidence, self-correct."""
