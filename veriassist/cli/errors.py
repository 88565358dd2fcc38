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
    "check_seconds",
    "usage_error",
]

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them


def usage_error(message: str, command: str | None = None) -> typer.Exit:
    """Print `veriassist [COMMAND]: error: MESSAGE` on stderr; return the exit (status 2) to raise."""
    prefix = f"veriassist {command}" if command else "veriassist"
    typer.echo(f"{prefix}: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def check_seconds(value: float, option: str, command: str | None = None) -> float:
    """`value` when it is a usable time limit; a usage error otherwise.

    nan would compare false against every deadline (a run that never times out), inf is no
    limit, and 0 or less times out every run before it starts.
    """
    if not math.isfinite(value) or value <= 0:
        raise usage_error(f"{option} must be a finite number of seconds above 0, not {value}", command)
    return value
