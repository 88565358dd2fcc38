"""Settings in, a ready `ChatModel` out."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from veriassist.models.api import APIModel
from veriassist.models.base import ChatModel
from veriassist.models.cache import CachedModel, ReplyCache
from veriassist.models.errors import ModelNotConfigured
from veriassist.models.limits import CallLimiter
from veriassist.models.manual import ManualModel, default_stdin
from veriassist.models.record import RecordingModel, ReplayModel
from veriassist.models.scripted import ScriptedModel
from veriassist.models.settings import API_PROVIDERS, ModelSettings
from veriassist.paths import default_cache_dir

CACHE_FILE = "replies.sqlite3"
DEFAULT_MANUAL_DIR = Path("veriassist-manual")

NOT_CONFIGURED = """\
No model is configured. Choose one:
  - OpenAI:     export OPENAI_API_KEY=sk-...   and pass --model openai:gpt-4o-mini
  - a local OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio):
                --model openai:qwen2.5-coder --base-url http://localhost:11434/v1
  - Anthropic:  pip install 'veriassist[anthropic]', export ANTHROPIC_API_KEY=...
                and pass --model anthropic:claude-3-5-sonnet-latest
  - no model:   --model manual (you answer each prompt) or --model replay:DIR (a recorded run)
Instead of flags you can set VERIASSIST_MODEL and VERIASSIST_BASE_URL, or write a [model]
table in ./veriassist.toml or ~/.config/veriassist/config.toml:
    [model]
    model = "openai:gpt-4o-mini"
"""


def make_model(
    settings: ModelSettings,
    *,
    limiter: CallLimiter | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
) -> ChatModel:
    """Build the model the settings name, with cache and recording wrapped around it.

    Pass one `limiter` to every call of a batch run to cap its calls in flight; without
    one, `settings.max_concurrency` caps this instance alone. `sleep` and `rng` drive
    the retry backoff (tests inject them). `stdin`/`stderr` serve the manual model and
    default to the process's own.
    """
    spec = settings.spec
    if spec is None:
        raise ModelNotConfigured(NOT_CONFIGURED)
    if limiter is None and settings.max_concurrency is not None:
        limiter = CallLimiter(settings.max_concurrency)

    model: ChatModel
    if spec.provider in API_PROVIDERS:
        model = APIModel.from_settings(settings, limiter=limiter, sleep=sleep, rng=rng)
        if settings.cache_enabled:
            cache_dir = settings.cache_dir or default_cache_dir()
            model = CachedModel(model, ReplyCache(cache_dir / CACHE_FILE), settings.params)
    elif spec.provider == "replay":
        model = ReplayModel(Path(spec.name).expanduser(), settings.params)
    elif spec.provider == "manual":
        directory = Path(spec.name).expanduser() if spec.name else settings.manual_dir or DEFAULT_MANUAL_DIR
        model = ManualModel(
            directory,
            stdin=stdin if stdin is not None else default_stdin(),
            stderr=stderr if stderr is not None else sys.stderr,
            poll_s=settings.manual_poll_s,
            timeout_s=settings.manual_timeout_s,
            sleep=sleep,
        )
    else:
        model = ScriptedModel.from_file(Path(spec.name).expanduser())

    if settings.record_dir is not None:
        model = RecordingModel(model, settings.record_dir, settings.params)
    return model
