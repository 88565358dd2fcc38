"""Which provider failures are worth retrying, and how long to wait between tries."""

from __future__ import annotations

import enum
import random
from collections.abc import Iterator
from dataclasses import dataclass

from langchain_core import exceptions as lc_errors


class Failure(enum.Enum):
    TRANSIENT = "transient"  # 429, 5xx, timeouts, dropped connections: retry
    AUTH = "auth"  # 401/403
    NOT_FOUND = "not-found"  # 404
    UNREACHABLE = "unreachable"  # connection refused, unknown host
    BAD_REQUEST = "bad-request"  # other 4xx
    PROTOCOL = "protocol"  # a 200 that is not a chat completion
    OTHER = "other"  # not a provider failure: a bug, let it propagate


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a server's Retry-After wins when it gives one."""

    max_retries: int = 5
    base_s: float = 1.0
    max_s: float = 60.0

    def delay(self, retry_index: int, retry_after: float | None, rng: random.Random) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_s)
        ceiling = min(self.max_s, self.base_s * 2**retry_index)
        # Jitter keeps the threads of a batch run from retrying in lock step.
        return float(ceiling * rng.uniform(0.5, 1.0))


def status_code(exc: BaseException) -> int | None:
    for link in _chain(exc):
        code = getattr(link, "status_code", None)
        if isinstance(code, int):
            return code
    return None


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds from a `Retry-After` or `retry-after-ms` header, when the error carries one."""
    for link in _chain(exc):
        headers = getattr(getattr(link, "response", None), "headers", None)
        if headers is None:
            continue
        try:
            if headers.get("retry-after-ms") is not None:
                return float(headers["retry-after-ms"]) / 1000
            if headers.get("retry-after") is not None:
                return float(headers["retry-after"])
        except (TypeError, ValueError):
            return None  # an HTTP date; fall back to our own backoff
    return None


def classify(exc: BaseException) -> Failure:
    """Sort a provider exception by what to do about it, whatever the provider."""
    chain = list(_chain(exc))
    # Refused or unresolvable connections will not heal by waiting a second: say so now.
    if any(_is_refused(link) for link in chain):
        return Failure.UNREACHABLE
    code = status_code(exc)
    if code is not None:
        if code in (401, 403):
            return Failure.AUTH
        if code == 404:
            return Failure.NOT_FOUND
        if code in (408, 409, 425, 429) or code >= 500:
            return Failure.TRANSIENT
        if 400 <= code < 500:
            return Failure.BAD_REQUEST
    for link in chain:
        if isinstance(link, lc_errors.ModelAuthenticationError | lc_errors.ModelPermissionDeniedError):
            return Failure.AUTH
        if isinstance(link, lc_errors.ModelNotFoundError):
            return Failure.NOT_FOUND
        if isinstance(link, lc_errors.ModelInvalidRequestError):
            return Failure.BAD_REQUEST
        if isinstance(link, lc_errors.ModelError) and link.is_retryable:
            return Failure.TRANSIENT
        if isinstance(link, TimeoutError | ConnectionError):
            return Failure.TRANSIENT
        name = type(link).__name__
        if "Timeout" in name or name in {"RemoteProtocolError", "ReadError", "APIConnectionError"}:
            return Failure.TRANSIENT
        if name in {"APIResponseValidationError", "JSONDecodeError"}:
            return Failure.PROTOCOL
        # langchain-openai's words for a 200 whose body is not JSON (an HTML page, nothing).
        if isinstance(link, ValueError) and str(link).startswith("Unexpected response type"):
            return Failure.PROTOCOL
    return Failure.OTHER


def _is_refused(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionRefusedError):
        return True
    # httpx (and its fork httpx2, used by openai 3) raise ConnectError for refused
    # connections and DNS failures alike; a reset mid-request is a different class.
    return type(exc).__name__ == "ConnectError"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__
