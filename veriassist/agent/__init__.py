"""The agent loop: generate, self-verify, simulate, self-correct."""
