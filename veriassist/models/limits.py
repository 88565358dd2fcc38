"""A cap on calls in flight, shared by every model instance of one run."""

from __future__ import annotations

import threading
from types import TracebackType


class CallLimiter:
    """A bounded semaphore with a name a report can show.

    Batch runs execute the synchronous loop in a thread pool; pass one limiter to
    every `make_model` call of the run so the cap holds across all of them. It is held
    for one HTTP attempt only, never across a backoff sleep or a cache lookup.
    """

    def __init__(self, max_concurrent: int) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.max_concurrent = max_concurrent
        self._semaphore = threading.BoundedSemaphore(max_concurrent)

    def __enter__(self) -> CallLimiter:
        self._semaphore.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._semaphore.release()

    def __repr__(self) -> str:
        return f"CallLimiter({self.max_concurrent})"
