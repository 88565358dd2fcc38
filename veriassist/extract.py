"""Reply text -> code. Models wrap code in many ways; none of them is trusted to be tidy.

Handles fenced blocks with or without a language tag (and a last fence the reply
never closed), bare `module ... endmodule` text, several modules across blocks
(a later definition of a module replaces an earlier one), a cocotb testbench in
Python, and replies with no usable code at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_FENCE = re.compile(
    r"^[ \t]*(```+|~~~+)[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE
)
_MODULE = re.compile(
    r"\b(?:module|macromodule)\s+(?:automatic\s+|static\s+)?([A-Za-z_][\w$]*)(.*?)\bendmodule\b", re.DOTALL
)
_VERILOG_TAGS = {"verilog", "systemverilog", "sv", "v", "vhdl-verilog", "svh", "vh"}
_PYTHON_TAGS = {"python", "py", "python3"}
_PREAMBLE = re.compile(
    r"^\s*`(?:timescale|default_nettype|define|ifndef|ifdef|endif|include)\b[^\n]*$", re.MULTILINE
)


@dataclass(frozen=True)
class Extracted:
    rtl: str | None  # every module found, in order, as one source text
    modules: tuple[str, ...]
    testbench: str | None  # a cocotb test module, when the reply has one
    problems: tuple[str, ...]  # what was wrong with the reply, for the model


def extract(reply: str, top: str | None = None) -> Extracted:
    """Pull the RTL (and a cocotb testbench, if any) out of a model's reply."""
    blocks = [(tag.lower(), body) for _, tag, body in _FENCE.findall(reply)]
    verilog_texts = [
        body for tag, body in blocks if tag in _VERILOG_TAGS or (not tag and _MODULE.search(body))
    ]
    python_texts = [body for tag, body in blocks if tag in _PYTHON_TAGS or (not tag and "cocotb" in body)]
    if not verilog_texts:
        # No fenced Verilog: take module...endmodule from the bare text, fences removed.
        verilog_texts = [_FENCE.sub("", reply) if blocks else reply]
    modules: dict[str, str] = {}
    preamble: list[str] = []
    for text in verilog_texts:
        for line in _PREAMBLE.findall(text.split("module", 1)[0]):
            if line.strip() not in preamble:
                preamble.append(line.strip())
        for match in _MODULE.finditer(text):
            modules.pop(match[1], None)  # a redefinition replaces the earlier one, at the end
            modules[match[1]] = match[0].strip()
    testbench = next((t.strip() + "\n" for t in reversed(python_texts) if "cocotb" in t), None)
    problems = []
    if not modules:
        problems.append(_no_module_problem(reply))
    elif top and top not in modules:
        names = ", ".join(f"`{m}`" for m in modules)
        problems.append(f"the reply defines {names} but not the required top module `{top}`")
    rtl = "\n\n".join([*preamble, *modules.values()]) + "\n" if modules else None
    return Extracted(rtl, tuple(modules), testbench, tuple(problems))


# A fence's whole info string, for blocks that name their file: ```verilog rtl/foo.sv
_INFO_FENCE = re.compile(
    r"^[ \t]*(```+|~~~+)[ \t]*([^\n]*)\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE
)
_INFO_PATH = re.compile(r"(?:^|[\s:=\"'])([\w.-]+(?:/[\w.-]+)+\.\w+)[\"']?\s*$")
_FILE_HEADER = re.compile(r"^\s*(?://|#)\s*file(?:name)?\s*:\s*(\S+)\s*$", re.IGNORECASE)


def named_files(reply: str) -> dict[str, str]:
    """Fenced blocks that name their file, by path (several-file replies, as CVDP expects).

    A block is named by a path in its fence's info string (```verilog rtl/foo.sv, or
    ```rtl/foo.sv) or by a first line `// file: rtl/foo.sv`; a block that starts with such
    a line may hold several files, each after its own `// file:` line (the `bundle` layout,
    which is how the loop shows a several-file design back to the model). A later block for
    the same path replaces an earlier one. Paths are returned as written: the caller decides
    which it accepts.
    """
    files: dict[str, str] = {}
    for _, info, body in _INFO_FENCE.findall(reply):
        named = _INFO_PATH.search(info.strip())
        found = unbundle(body)
        if named and not found:
            found = {named[1]: body}
        for path, text in found.items():
            files.pop(path, None)
            files[path] = text
    return files


def bundle(files: Mapping[str, str]) -> str:
    """Several files as one text: each after a `// file: PATH` line. `unbundle` reads it back.

    The loop keeps a design as one text (its ledger, its records, the code it shows the
    model); a several-file design travels in this layout, which is still plain Verilog.
    """
    return "".join(f"// file: {path}\n{_ended(text)}" for path, text in files.items())


def _ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def unbundle(text: str) -> dict[str, str]:
    """The files of a `bundle` text, by path; {} when its first non-blank line is not a `// file:` line."""
    lines = text.lstrip("\n").splitlines(keepends=True)
    if not lines or not _FILE_HEADER.match(lines[0]):
        return {}
    files: dict[str, list[str]] = {}
    current: list[str] = []
    for line in lines:
        header = _FILE_HEADER.match(line)
        if header and "/" in header[1]:
            files.pop(header[1], None)  # a file given twice: the later one counts
            current = files[header[1]] = []
        elif header and not files:
            return {}  # a first line that names no path (`// File: foo.sv`) is a comment
        else:
            current.append(line)
    return {path: "".join(body) for path, body in files.items()}


def fenced_blocks(reply: str) -> list[str]:
    """The bodies of the reply's fenced blocks, in order, whatever their language tags."""
    return [body for _, _, body in _FENCE.findall(reply)]


def _no_module_problem(reply: str) -> str:
    if not reply.strip():
        return "the reply was empty"
    if "module" in reply and "endmodule" not in reply:
        return "the reply has `module` but no `endmodule`: the code is incomplete (cut off?)"
    return "the reply contains no Verilog `module ... endmodule` block"
