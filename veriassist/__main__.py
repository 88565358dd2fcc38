from __future__ import annotations

from veriassist.cli import main

main()
