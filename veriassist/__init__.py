"""VeriAssist: spec to working Verilog with the simulator in the loop."""

from __future__ import annotations

__version__ = "0.1.0"
