"""One interface over chat models: real providers through LangChain, plus the cache,
record/replay, a manual (human) model and a scripted stand-in for tests.

Typical use::

    settings = resolve_settings({"model": "openai:gpt-4o-mini", "temperature": 0})
    model = make_model(settings)
    completion = model.complete([Message("user", "Write a 4-bit counter.")])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from veriassist.models.base import (
    ChatModel,
    Completion,
    GenerationParams,
    Message,
    ModelKind,
    ModelWrapper,
    Role,
    request_hash,
)
from veriassist.models.cache import CachedModel, ReplyCache
from veriassist.models.errors import (
    ManualTimeout,
    MissingExtra,
    ModelAuthError,
    ModelConfigError,
    ModelError,
    ModelNotConfigured,
    ModelNotFound,
    ModelProtocolError,
    ModelRequestError,
    ModelRetriesExhausted,
    ModelUnreachable,
    ReplayMiss,
    ScriptExhausted,
)
from veriassist.models.limits import CallLimiter
from veriassist.models.manual import ManualModel
from veriassist.models.pricing import BUILTIN_PRICES, Price
from veriassist.models.record import RecordingModel, ReplayModel
from veriassist.models.scripted import ScriptedModel

if TYPE_CHECKING:
    from veriassist.models.api import APIModel, build_chat_model
    from veriassist.models.factory import make_model
    from veriassist.models.retry import RetryPolicy
    from veriassist.models.settings import ModelSettings, ModelSpec, parse_model_spec, resolve_settings

# These load LangChain (about a second) or pydantic (a tenth), so they are imported on first
# use: the loop, the check stage, a bench of samples and `veriassist --help` need only the
# light names above (PEP 562).
_LAZY = {
    "ModelSettings": "veriassist.models.settings",
    "ModelSpec": "veriassist.models.settings",
    "parse_model_spec": "veriassist.models.settings",
    "resolve_settings": "veriassist.models.settings",
    "APIModel": "veriassist.models.api",
    "build_chat_model": "veriassist.models.api",
    "make_model": "veriassist.models.factory",
    "RetryPolicy": "veriassist.models.retry",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BUILTIN_PRICES",
    "APIModel",
    "CachedModel",
    "CallLimiter",
    "ChatModel",
    "Completion",
    "GenerationParams",
    "ManualModel",
    "ManualTimeout",
    "Message",
    "MissingExtra",
    "ModelAuthError",
    "ModelConfigError",
    "ModelError",
    "ModelKind",
    "ModelNotConfigured",
    "ModelNotFound",
    "ModelProtocolError",
    "ModelRequestError",
    "ModelRetriesExhausted",
    "ModelSettings",
    "ModelSpec",
    "ModelUnreachable",
    "ModelWrapper",
    "Price",
    "RecordingModel",
    "ReplayMiss",
    "ReplayModel",
    "ReplyCache",
    "RetryPolicy",
    "Role",
    "ScriptExhausted",
    "ScriptedModel",
    "build_chat_model",
    "make_model",
    "parse_model_spec",
    "request_hash",
    "resolve_settings",
]
