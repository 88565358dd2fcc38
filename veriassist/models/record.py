"""Record every exchange as JSON, and replay a recording without any model."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veriassist.models.base import (
    ChatModel,
    Completion,
    GenerationParams,
    Message,
    ModelKind,
    ModelWrapper,
    first_lines,
    messages_hash,
    render_messages,
    request_hash,
)
from veriassist.models.errors import ModelConfigError, ReplayMiss

FORMAT = "veriassist-exchange/1"
_NUMBERED = re.compile(r"^(\d+)-")


class RecordingModel(ModelWrapper):
    """Writes each exchange (messages, settings, reply, usage) to `DIR/NNNNN-HASH.json`."""

    def __init__(self, inner: ChatModel, directory: Path, params: GenerationParams) -> None:
        super().__init__(inner)
        self.directory = directory
        self.params = params
        directory.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in directory.glob("*.json") if (m := _NUMBERED.match(p.name))]
        self._counter = itertools.count(max(numbers, default=0) + 1)
        self._lock = threading.Lock()

    def complete(self, messages: Sequence[Message]) -> Completion:
        digest = request_hash(messages, self.params)
        completion = dataclasses.replace(self.inner.complete(messages), request_hash=digest)
        record = {
            "format": FORMAT,
            "request_hash": digest,
            "model": completion.model,
            "model_description": self.inner.describe(),
            "stand_in": completion.stand_in or self.inner.is_stand_in,
            "messages": [m.to_json() for m in messages],
            "params": self.params.to_json(),
            "completion": completion.to_json(),
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self._write(digest, record)
        return completion

    def _write(self, digest: str, record: dict[str, Any]) -> None:
        text = json.dumps(record, indent=2, ensure_ascii=False)
        while True:
            with self._lock:
                number = next(self._counter)
            try:
                # "x" so two processes recording into one directory never overwrite each other.
                with (self.directory / f"{number:05d}-{digest[:16]}.json").open("x", encoding="utf-8") as fh:
                    fh.write(text)
                return
            except FileExistsError:
                continue


@dataclasses.dataclass(frozen=True)
class _Recorded:
    completion: Completion
    description: str
    stand_in: bool


class ReplayModel:
    """Answers from a recording, keyed by request hash; a request not recorded is an error."""

    kind: ModelKind = "replay"

    def __init__(self, directory: Path, params: GenerationParams) -> None:
        self.directory = directory
        self.params = params
        files = sorted(directory.glob("*.json")) if directory.is_dir() else []
        if not files:
            raise ModelConfigError(f"replay:{directory}: no recorded exchanges (*.json) there")
        self._queues: dict[str, deque[_Recorded]] = {}
        self._by_messages: dict[str, list[dict[str, Any]]] = {}
        self._sources: dict[str, None] = {}
        self._prompts: list[str] = []  # every recorded request, to say where a missed one differs
        for path in files:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ModelConfigError(f"replay:{directory}: {path.name} is not valid JSON: {exc}") from exc
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                continue  # not one of ours; a recording directory may hold notes
            recorded = _Recorded(
                completion=Completion.from_json(data["completion"]),
                description=str(data.get("model_description", data.get("model", "?"))),
                stand_in=bool(data.get("stand_in", False)),
            )
            self._queues.setdefault(data["request_hash"], deque()).append(recorded)
            messages = [Message.from_json(m) for m in data["messages"]]
            self._by_messages.setdefault(messages_hash(messages), []).append(data["params"])
            self._prompts.append(render_messages(messages))
            self._sources[recorded.description] = None
        # Inherit the recorded source: replaying a scripted run is still a stand-in.
        self.is_stand_in = any(r.stand_in for q in self._queues.values() for r in q)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"replay:{self.directory}"

    def describe(self) -> str:
        return f"replay of {self.directory} (recorded from {', '.join(self._sources) or 'nothing'})"

    def complete(self, messages: Sequence[Message]) -> Completion:
        digest = request_hash(messages, self.params)
        with self._lock:
            queue = self._queues.get(digest)
            recorded = queue.popleft() if queue else None
        if recorded is None:
            raise ReplayMiss(self._miss_message(digest, messages, known=queue is not None))
        return dataclasses.replace(
            recorded.completion, kind="replay", stand_in=recorded.stand_in, request_hash=digest
        )

    def _miss_message(self, digest: str, messages: Sequence[Message], *, known: bool) -> str:
        if known:
            why = "it was recorded, but every recorded reply to it has been replayed already"
        else:
            why = "it is not in the recording"
            other = self._by_messages.get(messages_hash(messages))
            if other:
                why += (
                    f"; the same messages were recorded with other settings {other[0]} "
                    f"(this run has {self.params.to_json()})"
                )
        return (
            f"replay:{self.directory}: request {digest[:16]}: {why}. The request began:\n"
            f"{first_lines(render_messages(messages))}"
            + _first_difference(render_messages(messages), self._prompts)
        )


def _first_difference(prompt: str, recorded: Sequence[str]) -> str:
    """Where `prompt` leaves the recorded request closest to it: the line a prompt change broke."""
    if not recorded:
        return ""
    lines = prompt.splitlines()

    def shared(other: str) -> int:
        n = 0
        for a, b in zip(lines, other.splitlines(), strict=False):
            if a != b:
                break
            n += 1
        return n

    closest = max(recorded, key=shared)
    at = shared(closest)
    theirs = closest.splitlines()
    now = lines[at] if at < len(lines) else "(the prompt ends here)"
    was = theirs[at] if at < len(theirs) else "(the recorded prompt ends here)"
    return f"\nIt differs from the closest recorded request at line {at + 1}:\n  recorded: {was}\n  now:      {now}"
