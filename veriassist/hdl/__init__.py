"""Facts about Verilog source, read with pyslang: parsing, the static check, and mutants.

`from veriassist import hdl` gives the parse functions, which most stages need.
"""

from __future__ import annotations

from veriassist.hdl.parse import (
    HdlError,
    Instantiation,
    instantiations,
    interface_differences,
    module_header,
    module_interface,
    module_names,
    rename_module,
    string_literals,
    syntax_errors,
    top_modules,
)

__all__ = [
    "HdlError",
    "Instantiation",
    "instantiations",
    "interface_differences",
    "module_header",
    "module_interface",
    "module_names",
    "rename_module",
    "string_literals",
    "syntax_errors",
    "top_modules",
]
