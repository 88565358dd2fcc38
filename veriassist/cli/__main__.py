"""`python -m veriassist.cli`: the same command as `veriassist`."""

from __future__ import annotations

from veriassist.cli import main

main()
