"""The check stage: compile and simulate one candidate against a testbench, into a CheckResult."""

from __future__ import annotations

from veriassist.check.checker import CheckOptions, check, compile_only

__all__ = ["CheckOptions", "check", "compile_only"]
