"""Model settings and where they come from: CLI > environment > project file > user file."""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from veriassist.models.base import GenerationParams
from veriassist.models.errors import ModelConfigError

API_PROVIDERS = ("openai", "anthropic", "ollama")

PROJECT_CONFIG = "veriassist.toml"

# Our own variables sit at the environment level of the precedence.
_ENV_KEYS = {
    "VERIASSIST_MODEL": "model",
    "VERIASSIST_BASE_URL": "base_url",
    "VERIASSIST_API_KEY": "api_key",
    "VERIASSIST_CACHE_DIR": "cache_dir",
    "VERIASSIST_RECORD_DIR": "record_dir",
    "VERIASSIST_STAND_IN": "stand_in",
}
# The providers' own variables are ambient (other tools read them too), so they only
# fill in what no CLI flag, VERIASSIST_* variable or config file set, and only for
# the provider that was chosen.
_PROVIDER_ENV: dict[str, dict[str, tuple[str, ...]]] = {
    "openai": {"api_key": ("OPENAI_API_KEY",), "base_url": ("OPENAI_BASE_URL", "OPENAI_API_BASE")},
    "anthropic": {"api_key": ("ANTHROPIC_API_KEY",), "base_url": ("ANTHROPIC_BASE_URL",)},
    "ollama": {"base_url": ("OLLAMA_HOST",)},
}
_PATH_KEYS = ("cache_dir", "record_dir", "manual_dir")


@dataclass(frozen=True)
class ModelSpec:
    """A parsed `provider:name` spec; `name` is a directory or file for replay/manual/scripted."""

    provider: str
    name: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.name}" if self.name else self.provider


def parse_model_spec(spec: str) -> ModelSpec:
    """Split `provider:name`; raise ModelConfigError with a suggestion when it does not parse."""
    provider, sep, name = spec.strip().partition(":")
    provider = provider.lower()
    if provider == "manual":
        return ModelSpec("manual", name)
    if provider in (*API_PROVIDERS, "replay", "scripted"):
        if not name:
            raise ModelConfigError(f"model spec {spec!r} needs a name after '{provider}:'")
        return ModelSpec(provider, name)
    known = ", ".join(f"{p}:NAME" for p in API_PROVIDERS) + ", replay:DIR, manual[:DIR], scripted:FILE"
    if not sep:
        guess = "anthropic" if spec.lower().startswith("claude") else "openai"
        raise ModelConfigError(
            f"model spec {spec!r} has no provider; write e.g. '{guess}:{spec}'. Known forms: {known}"
        )
    raise ModelConfigError(f"unknown provider {provider!r} in model spec {spec!r}. Known forms: {known}")


class ModelSettings(BaseModel):
    """Everything that chooses and tunes a model. Unknown keys are errors, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = Field(None, description="provider:name, replay:DIR, manual[:DIR] or scripted:FILE")
    base_url: str | None = Field(None, description="OpenAI-compatible (or provider) endpoint")
    api_key: SecretStr | None = None
    temperature: float | None = Field(None, ge=0, le=2, description="None: the provider's default")
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, gt=0)
    seed: int | None = None
    timeout_s: float = Field(120.0, gt=0, description="per HTTP request")
    max_retries: int = Field(5, ge=0, description="retries on 429, 5xx and timeouts")
    backoff_base_s: float = Field(1.0, ge=0)
    backoff_max_s: float = Field(60.0, ge=0)
    stream: bool = False
    cache: bool | None = Field(None, description="None: on when temperature is 0")
    no_cache: bool = Field(False, description="bypass the cache for this run")
    cache_dir: Path | None = None
    record_dir: Path | None = None
    manual_dir: Path | None = None
    manual_poll_s: float = Field(0.5, gt=0)
    manual_timeout_s: float | None = Field(None, gt=0)
    price_input_per_mtok: float | None = Field(None, ge=0, description="USD per 1M prompt tokens")
    price_output_per_mtok: float | None = Field(None, ge=0, description="USD per 1M completion tokens")
    max_concurrency: int | None = Field(None, ge=1, description="calls in flight at once")
    stand_in: bool = Field(
        False, description="the endpoint is a test stand-in (e.g. a scripted local server): mark every record"
    )

    @field_validator("model")
    @classmethod
    def _model_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse_model_spec(value)
        return value

    @property
    def spec(self) -> ModelSpec | None:
        return parse_model_spec(self.model) if self.model else None

    @property
    def params(self) -> GenerationParams:
        return GenerationParams(
            temperature=self.temperature, top_p=self.top_p, max_tokens=self.max_tokens, seed=self.seed
        )

    @property
    def cache_enabled(self) -> bool:
        if self.no_cache:
            return False
        if self.cache is not None:
            return self.cache
        return self.temperature == 0


def resolve_settings(
    cli_overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    home: Path | None = None,
) -> ModelSettings:
    """Merge the user file, the project file, the environment and CLI flags, in rising precedence.

    CLI values of None mean "not given" (that is what an unset typer option passes).
    Relative paths in a config file are taken from that file's directory.
    """
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    home = Path.home() if home is None else home

    config_home = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    user_file = config_home / "veriassist" / "config.toml"
    layers: list[tuple[str, dict[str, Any]]] = [
        (str(user_file), _read_config(user_file)),
        (str(cwd / PROJECT_CONFIG), _read_config(cwd / PROJECT_CONFIG)),
        ("environment", _absolute({key: env[name] for name, key in _ENV_KEYS.items() if env.get(name)}, cwd)),
        ("command line", _absolute({k: v for k, v in (cli_overrides or {}).items() if v is not None}, cwd)),
    ]
    merged: dict[str, Any] = {}
    for source, layer in layers:
        _validate(layer, source)
        merged.update(layer)

    spec = parse_model_spec(merged["model"]) if merged.get("model") else None
    if spec is not None:
        for key, names in _PROVIDER_ENV.get(spec.provider, {}).items():
            if merged.get(key) is None:
                value = next((env[n] for n in names if env.get(n)), None)
                if value is not None:
                    merged[key] = value
    if spec is not None and spec.provider == "ollama" and merged.get("base_url"):
        # OLLAMA_HOST is often written without a scheme.
        url = str(merged["base_url"])
        merged["base_url"] = url if "://" in url else f"http://{url}"
    return _validate(merged, "merged settings")


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ModelConfigError(f"{path}: not valid TOML: {exc}") from exc
    # Other tables belong to other parts of VeriAssist; only [model] is ours.
    table = data.get("model", {})
    if not isinstance(table, dict):
        raise ModelConfigError(f"{path}: 'model' must be a table ([model]), not {type(table).__name__}")
    return _absolute(table, path.parent)


def _absolute(layer: dict[str, Any], base: Path) -> dict[str, Any]:
    out = dict(layer)
    for key in _PATH_KEYS:
        if isinstance(out.get(key), str | Path):
            path = Path(out[key]).expanduser()
            out[key] = path if path.is_absolute() else base / path
    return out


def _validate(layer: Mapping[str, Any], source: str) -> ModelSettings:
    try:
        return ModelSettings.model_validate(dict(layer))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(settings)"
            if err["type"] == "extra_forbidden":
                close = difflib.get_close_matches(key, list(ModelSettings.model_fields), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"unknown key {key!r}{hint}")
            else:
                problems.append(f"{key}: {err['msg']}")
        raise ModelConfigError(f"{source}: " + "; ".join(problems)) from exc
    except ModelConfigError as exc:
        raise ModelConfigError(f"{source}: {exc}") from exc
