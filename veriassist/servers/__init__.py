"""Thin shells over the stages for editors and coding agents: a language server and an MCP server."""
