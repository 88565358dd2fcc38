"""Real providers through LangChain (`init_chat_model`), with our own retries and errors."""

from __future__ import annotations

import importlib.util
import random
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage

from veriassist.models.base import Completion, Message, ModelKind
from veriassist.models.errors import (
    MissingExtra,
    ModelAuthError,
    ModelConfigError,
    ModelError,
    ModelNotFound,
    ModelProtocolError,
    ModelRequestError,
    ModelRetriesExhausted,
    ModelUnreachable,
)
from veriassist.models.limits import CallLimiter
from veriassist.models.pricing import Price, builtin_price
from veriassist.models.retry import Failure, RetryPolicy, classify, retry_after_s, status_code
from veriassist.models.settings import ModelSettings, ModelSpec

DEFAULT_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "ollama": "http://localhost:11434",
}
_EXTRAS = {"anthropic": "langchain_anthropic", "ollama": "langchain_ollama"}
_KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
# Local OpenAI-compatible servers ignore the key, but the openai client refuses to
# start without one; vLLM's docs use this placeholder.
_PLACEHOLDER_KEY = "EMPTY"


def build_chat_model(spec: ModelSpec, settings: ModelSettings) -> BaseChatModel:
    """A LangChain chat model for an API provider, with the client's own retries off."""
    if spec.provider in _EXTRAS and importlib.util.find_spec(_EXTRAS[spec.provider]) is None:
        raise MissingExtra(
            f"model {spec} needs the {spec.provider} extra: pip install 'veriassist[{spec.provider}]'"
            + (
                f". Or use Ollama's OpenAI-compatible endpoint, which needs no extra: "
                f"--model openai:{spec.name} --base-url http://localhost:11434/v1"
                if spec.provider == "ollama"
                else ""
            )
        )
    key = settings.api_key.get_secret_value() if settings.api_key else None
    kwargs: dict[str, Any] = {}
    if settings.temperature is not None:
        kwargs["temperature"] = settings.temperature
    if settings.top_p is not None:
        kwargs["top_p"] = settings.top_p
    if settings.base_url:
        kwargs["base_url"] = settings.base_url
    if spec.provider == "openai":
        if key is None and not settings.base_url:
            raise ModelAuthError(
                f"no API key for {spec}: set OPENAI_API_KEY (or VERIASSIST_API_KEY, or api_key in [model])"
            )
        kwargs.update(
            api_key=key or _PLACEHOLDER_KEY,
            timeout=settings.timeout_s,
            max_retries=0,  # ours are the only retries
            stream_usage=True,  # custom base URLs default to no usage in streams
        )
        if settings.max_tokens is not None:
            kwargs["max_tokens"] = settings.max_tokens
        if settings.seed is not None:
            kwargs["seed"] = settings.seed
    elif spec.provider == "anthropic":
        if key is None:
            raise ModelAuthError(
                f"no API key for {spec}: set ANTHROPIC_API_KEY (or VERIASSIST_API_KEY, or api_key in [model])"
            )
        kwargs.update(api_key=key, timeout=settings.timeout_s, max_retries=0)
        if settings.max_tokens is not None:
            kwargs["max_tokens"] = settings.max_tokens
        # Anthropic has no seed parameter; the seed still keys the cache.
    elif spec.provider == "ollama":
        kwargs["client_kwargs"] = {"timeout": settings.timeout_s}
        if settings.max_tokens is not None:
            kwargs["num_predict"] = settings.max_tokens
        if settings.seed is not None:
            kwargs["seed"] = settings.seed
    else:
        raise ModelConfigError(f"{spec.provider!r} is not an API provider")

    from langchain.chat_models import init_chat_model

    try:
        chat: BaseChatModel = init_chat_model(spec.name, model_provider=spec.provider, **kwargs)
        return chat
    except ImportError as exc:
        raise MissingExtra(f"model {spec}: {exc}. Try: pip install 'veriassist[{spec.provider}]'") from exc


class APIModel:
    """A provider's chat model behind our retry policy, error messages and usage accounting."""

    kind: ModelKind = "api"

    def __init__(
        self,
        spec: ModelSpec,
        chat_model: BaseChatModel,
        *,
        base_url: str | None = None,
        stream: bool = False,
        retry: RetryPolicy | None = None,
        price: Price | None = None,
        limiter: CallLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        stand_in: bool = False,
    ) -> None:
        self.spec = spec
        self.chat_model = chat_model
        self.base_url = base_url or DEFAULT_URLS.get(spec.provider, "")
        self.custom_url = base_url is not None
        self.stream = stream
        self.retry = retry or RetryPolicy()
        self.price = price
        self.limiter = limiter
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        # Set when the endpoint is known to be a stand-in (a scripted server speaking the
        # protocol): the client code is real, the replies are not a model's.
        self.is_stand_in = stand_in

    @classmethod
    def from_settings(
        cls,
        settings: ModelSettings,
        *,
        limiter: CallLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> APIModel:
        spec = settings.spec
        if spec is None:
            raise ModelConfigError("no model in the settings")
        price: Price | None = None
        if settings.price_input_per_mtok is not None or settings.price_output_per_mtok is not None:
            price = Price(settings.price_input_per_mtok or 0.0, settings.price_output_per_mtok or 0.0)
        elif not settings.base_url:
            # The table holds list prices of the providers' own endpoints only.
            price = builtin_price(spec.provider, spec.name)
        return cls(
            spec,
            build_chat_model(spec, settings),
            base_url=settings.base_url,
            stream=settings.stream,
            retry=RetryPolicy(settings.max_retries, settings.backoff_base_s, settings.backoff_max_s),
            price=price,
            limiter=limiter,
            sleep=sleep,
            rng=rng,
            stand_in=settings.stand_in,
        )

    @property
    def name(self) -> str:
        return str(self.spec)

    def describe(self) -> str:
        return f"{self.spec} @ {self.base_url}" + (" (test stand-in)" if self.is_stand_in else "")

    def complete(self, messages: Sequence[Message]) -> Completion:
        request = [_to_langchain(m) for m in messages]
        attempt = 0
        while True:
            attempt += 1
            start = self._clock()
            try:
                with self._slot():
                    reply = self._call(request)
            except Exception as exc:
                failure = classify(exc)
                if failure is Failure.OTHER:
                    raise
                if failure is Failure.TRANSIENT and attempt <= self.retry.max_retries:
                    self._sleep(self.retry.delay(attempt - 1, retry_after_s(exc), self._rng))
                    continue
                raise self._error(failure, exc, attempt) from exc
            latency = self._clock() - start
            break
        usage = reply.usage_metadata
        prompt_tokens = usage["input_tokens"] if usage else None
        completion_tokens = usage["output_tokens"] if usage else None
        return Completion(
            text=reply.text,
            model=self.name,
            kind="api",
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_s=latency,
            cost_usd=self.price.cost(prompt_tokens, completion_tokens) if self.price else None,
            attempts=attempt,
            stand_in=self.is_stand_in,
        )

    def _slot(self) -> AbstractContextManager[object]:
        return self.limiter if self.limiter is not None else nullcontext()

    def _call(self, request: list[BaseMessage]) -> AIMessage:
        if not self.stream:
            reply = self.chat_model.invoke(request)
            if not isinstance(reply, AIMessage):
                raise ModelProtocolError(f"{self.describe()} returned {type(reply).__name__}, not a message")
            return reply
        merged: AIMessageChunk | None = None
        for chunk in self.chat_model.stream(request):
            merged = chunk if merged is None else merged + chunk
        return merged if merged is not None else AIMessageChunk(content="")

    def _error(self, failure: Failure, exc: BaseException, attempts: int) -> ModelError:
        code = status_code(exc)
        coded = f" ({code})" if code is not None else ""
        detail = _detail(exc)
        where = self.describe()
        if failure is Failure.AUTH:
            key_hint = (
                f"set {_KEY_ENV[self.spec.provider]}" if self.spec.provider in _KEY_ENV else "check the key"
            )
            if self.custom_url:
                key_hint = "check the API key this server expects (--api-key or VERIASSIST_API_KEY)"
            return ModelAuthError(f"{where} rejected the credentials{coded}: {detail}. To fix: {key_hint}.")
        if failure is Failure.NOT_FOUND:
            return ModelNotFound(
                f"{where}: model {self.spec.name!r} not found{coded}: {detail}. Check the model name "
                f"(an OpenAI-compatible server lists its models at GET {self.base_url.rstrip('/')}/models) "
                "and the base URL (OpenAI-compatible servers usually end in /v1)."
            )
        if failure is Failure.UNREACHABLE:
            return ModelUnreachable(
                f"could not connect to {self._endpoint()} for {self.spec} ({detail}). "
                "Is the server running, and is the URL right?"
            )
        if failure is Failure.BAD_REQUEST:
            return ModelRequestError(f"{where} refused the request{coded}: {detail}")
        if failure is Failure.PROTOCOL:
            return ModelProtocolError(
                f"{where} did not answer with a chat completion: {detail}. "
                f"Is {self.base_url} an OpenAI-compatible endpoint?"
            )
        return ModelRetriesExhausted(
            f"{where}: gave up after {attempts} attempts ({attempts - 1} retries); "
            f"last error{coded}: {detail}",
            attempts=attempts,
        )

    def _endpoint(self) -> str:
        if self.spec.provider == "openai":
            return f"{self.base_url.rstrip('/')}/chat/completions"
        return self.base_url


def _to_langchain(message: Message) -> BaseMessage:
    if message.role == "system":
        return SystemMessage(content=message.content)
    if message.role == "user":
        return HumanMessage(content=message.content)
    return AIMessage(content=message.content)


def _detail(exc: BaseException) -> str:
    # The innermost cause usually names the real problem ("Connection refused").
    root: BaseException = exc
    while root.__cause__ is not None:
        root = root.__cause__
    text = str(exc).strip() or type(exc).__name__
    if root is not exc and str(root).strip() and str(root) not in text:
        text = f"{text}: {root}"
    first = text.splitlines()[0] if text else ""
    return first if len(first) <= 300 else first[:299] + "…"
