"""What the language server holds between requests: the client's settings, pending lints, check results."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from veriassist import __version__

CLIENT_WAIT_S = 30.0  # how long a job waits for the client to answer a request


@dataclass(frozen=True)
class EditorSettings:
    """What the client may set, as initializationOptions or the `veriassist` configuration section."""

    model: str | None = None  # provider:name, e.g. openai:gpt-4o-mini (None: veriassist.toml / env)
    base_url: str | None = None
    iterations: int = 5
    testbench: str | None = None  # a path, absolute or relative to the file's folder
    sandbox: bool = True
    debounce_ms: int = 300

    @classmethod
    def from_client(cls, data: Any, base: EditorSettings | None = None) -> EditorSettings:
        """Read camelCase (VS Code) or snake_case keys; unknown keys are ignored, bad values kept at base."""
        base = base or cls()
        if not isinstance(data, Mapping):
            return base
        if isinstance(data.get("veriassist"), Mapping):
            data = data["veriassist"]
        values: dict[str, Any] = {}
        for key, kind, names in (
            ("model", str, ("model",)),
            ("base_url", str, ("baseUrl", "base_url")),
            ("iterations", int, ("iterations",)),
            ("testbench", str, ("testbench", "testbenchPath", "testbench_path")),
            ("sandbox", bool, ("sandbox",)),
            ("debounce_ms", int, ("debounceMs", "debounce_ms")),
        ):
            for name in names:
                value = data.get(name)
                if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
                    # An empty string in VS Code's settings UI means "not set".
                    values[key] = value if value != "" else None
                    break
        if values.get("iterations", 1) < 1 or values.get("debounce_ms", 0) < 0:
            values.pop("iterations" if values.get("iterations", 1) < 1 else "debounce_ms")
        return replace(base, **values)


@dataclass(frozen=True)
class CheckVerdict:
    """A failed check's verdict, shown on the `module` line until the next check (or close)."""

    top: str
    message: str
    version: int | None  # the document version that was checked: later text gets a "stale" note


class VeriAssistServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("veriassist", __version__)
        self.settings = EditorSettings()
        self.lint_tasks: dict[str, asyncio.Task[None]] = {}
        self.check_diagnostics: dict[str, list[types.Diagnostic]] = {}  # the last check's, until an edit
        self.check_verdicts: dict[str, CheckVerdict] = {}  # the last failed check's, until the next check
