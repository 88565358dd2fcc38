"""Records and the one interface every chat model here satisfies."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]
# Where a reply's text came from. A cache hit keeps the kind of the call that made it
# and sets `cached`, so a report can still tell an API reply from a scripted one.
ModelKind = Literal["api", "scripted", "replay", "manual"]
_ROLES = ("system", "user", "assistant")
_KINDS = ("api", "scripted", "replay", "manual")


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            raise ValueError(f"role must be one of {_ROLES}, not {self.role!r}")

    def to_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        return cls(role=data["role"], content=str(data["content"]))


@dataclass(frozen=True)
class GenerationParams:
    """The sampling settings that change a reply, and so belong in cache and replay keys."""

    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Completion:
    """A model's reply with what it cost.

    `stand_in` is True when no language model wrote the text (a scripted reply, or a
    replay of one), so records and reports never show a stand-in's pass rate as a
    model's. `cached` replies cost no call; their token counts are the original call's.
    """

    text: str
    model: str
    kind: ModelKind
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_s: float = 0.0
    cost_usd: float | None = None
    cached: bool = False
    stand_in: bool = False
    attempts: int = 1
    request_hash: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, not {self.kind!r}")

    @property
    def total_tokens(self) -> int | None:
        if self.prompt_tokens is None and self.completion_tokens is None:
            return None
        return (self.prompt_tokens or 0) + (self.completion_tokens or 0)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Completion:
        known = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in known})


@runtime_checkable
class ChatModel(Protocol):
    """What the loop talks to. Implementations must be safe to call from several threads."""

    @property
    def name(self) -> str:
        """Short id stored with every record, e.g. `openai:gpt-4o` or `scripted`."""
        ...

    @property
    def kind(self) -> ModelKind: ...

    @property
    def is_stand_in(self) -> bool:
        """True when no language model answers (scripted, or a replay of a scripted run)."""
        ...

    def describe(self) -> str:
        """Exactly what this is, e.g. `openai:gpt-4o @ https://api.openai.com/v1`."""
        ...

    def complete(self, messages: Sequence[Message]) -> Completion: ...


class ModelWrapper:
    """A model around another (cache, recording, timing): it is what it wraps, except `complete`."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def kind(self) -> ModelKind:
        return self.inner.kind

    @property
    def is_stand_in(self) -> bool:
        return self.inner.is_stand_in

    def describe(self) -> str:
        return self.inner.describe()

    def complete(self, messages: Sequence[Message]) -> Completion:
        return self.inner.complete(messages)


def request_hash(messages: Sequence[Message], params: GenerationParams) -> str:
    """Stable hex digest of a request: messages plus generation settings.

    The model's identity is left out on purpose, so a recording made against one
    endpoint can be replayed under `replay:DIR`; the cache adds the identity itself.
    """
    payload = {"messages": [m.to_json() for m in messages], "params": params.to_json()}
    return stable_digest(payload)


def messages_hash(messages: Sequence[Message]) -> str:
    """Digest of the messages alone, to tell a replay miss caused only by other settings."""
    return stable_digest({"messages": [m.to_json() for m in messages]})


def stable_digest(payload: object) -> str:
    """SHA-256 hex of canonical JSON."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def render_messages(messages: Sequence[Message]) -> str:
    """Messages as plain text a person can read (manual model, error messages)."""
    parts = [f"### {m.role}\n\n{m.content.rstrip()}\n" for m in messages]
    return "\n".join(parts)


def first_lines(text: str, count: int = 8, width: int = 160) -> str:
    lines = text.splitlines()
    shown = [line if len(line) <= width else line[: width - 1] + "…" for line in lines[:count]]
    if len(lines) > count:
        shown.append(f"… ({len(lines) - count} more lines)")
    return "\n".join(shown)
