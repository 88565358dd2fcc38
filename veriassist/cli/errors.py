"""How every `veriassist` command ends on bad input: one line on stderr and a known exit status."""

from __future__ import annotations

import math

import typer

__all__ = [
    "EXIT_FAIL",
    "EXIT_INTERRUPTED",
    "EXIT_PASS",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "PREFIX",
    "check_seconds",
    "run_error",
    "usage_error",
]

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them


PREFIX = "veriassist: error:"  # every command's errors start the same way, so scripts can grep one


def usage_error(message: str, command: str | None = None) -> typer.Exit:
    """Print `veriassist: error: [COMMAND: ]MESSAGE` on stderr; return the exit (status 2) to raise."""
    typer.echo(f"{PREFIX} {command + ': ' if command else ''}{message}", err=True)
    return typer.Exit(EXIT_USAGE)


def run_error(message: str, command: str | None = None) -> typer.Exit:
    """A run that started and then failed: the same prefix as a usage error, status 1."""
    typer.echo(f"{PREFIX} {command + ': ' if command else ''}{message}", err=True)
    return typer.Exit(EXIT_FAIL)


def check_seconds(value: float, option: str, command: str | None = None) -> float:
    """`value` when it is a usable time limit; a usage error otherwise.

    nan would compare false against every deadline (a run that never times out), inf is no
    limit, and 0 or less times out every run before it starts.
    """
    if not math.isfinite(value) or value <= 0:
        raise usage_error(f"{option} must be a finite number of seconds above 0, not {value}", command)
    return value
