"""A scripted stand-in for a model, for tests and demos: replies come from a list."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from veriassist.models.base import (
    Completion,
    GenerationParams,
    Message,
    ModelKind,
    first_lines,
    render_messages,
    request_hash,
)
from veriassist.models.errors import ModelConfigError, ScriptExhausted


class ScriptedModel:
    """Returns `replies` in order and records every request it was sent.

    A reply that is an exception is raised instead, to script failures. Its
    completions say kind="scripted" and stand_in=True: no language model wrote them.
    """

    kind: ModelKind = "scripted"
    is_stand_in = True

    def __init__(self, replies: Iterable[str | BaseException], *, name: str = "scripted") -> None:
        self.replies: tuple[str | BaseException, ...] = tuple(replies)
        self._name = name
        self.requests: list[tuple[Message, ...]] = []
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path) -> ScriptedModel:
        """Replies from a JSON list of strings (the `scripted:FILE` model spec)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelConfigError(f"scripted:{path}: cannot read a JSON list of replies: {exc}") from exc
        if not isinstance(data, list) or not all(isinstance(r, str) for r in data):
            raise ModelConfigError(f"scripted:{path}: expected a JSON list of strings")
        return cls(data, name=f"scripted:{path}")

    @property
    def name(self) -> str:
        return self._name

    @property
    def remaining(self) -> int:
        return len(self.replies) - len(self.requests)

    def describe(self) -> str:
        return f"{self._name} (test stand-in, {len(self.replies)} replies)"

    def complete(self, messages: Sequence[Message]) -> Completion:
        with self._lock:
            index = len(self.requests)
            self.requests.append(tuple(messages))
        if index >= len(self.replies):
            raise ScriptExhausted(
                f"{self._name}: the script has {len(self.replies)} replies and request {index + 1} "
                f"asked for another. The request began:\n{first_lines(render_messages(messages))}"
            )
        reply = self.replies[index]
        if isinstance(reply, BaseException):
            raise reply
        return Completion(
            text=reply,
            model=self._name,
            kind="scripted",
            stand_in=True,
            request_hash=request_hash(messages, GenerationParams()),
        )
