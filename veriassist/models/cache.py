"""A disk cache of replies, keyed by model, messages and generation settings."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from veriassist.models.base import (
    ChatModel,
    Completion,
    GenerationParams,
    Message,
    ModelWrapper,
    request_hash,
    stable_digest,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    completion TEXT NOT NULL,
    created REAL NOT NULL
)
"""


class ReplyCache:
    """Replies in one SQLite file; safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # A connection per operation: cheap next to a model call, and never shared by threads.
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            db = self._connect()
            try:
                row = db.execute("SELECT completion FROM replies WHERE key = ?", (key,)).fetchone()
            finally:
                db.close()
        return json.loads(row[0]) if row else None

    def put(self, key: str, model: str, completion: Mapping[str, Any]) -> None:
        with self._lock:
            db = self._connect()
            try:
                with db:
                    db.execute(
                        "INSERT OR REPLACE INTO replies (key, model, completion, created) "
                        "VALUES (?, ?, ?, ?)",
                        (key, model, json.dumps(completion), time.time()),
                    )
            finally:
                db.close()


class CachedModel(ModelWrapper):
    """Answers from the cache when it can; a hit is marked cached=True and costs nothing."""

    def __init__(
        self,
        inner: ChatModel,
        cache: ReplyCache,
        params: GenerationParams,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(inner)
        self.cache = cache
        self.params = params
        self._clock = clock

    def complete(self, messages: Sequence[Message]) -> Completion:
        start = self._clock()
        digest = request_hash(messages, self.params)
        # The endpoint is part of the key: the same model name on two servers is two models.
        key = stable_digest({"model": self.inner.describe(), "request": digest})
        stored = self.cache.get(key)
        if stored is not None:
            hit = Completion.from_json(stored)
            return dataclasses.replace(
                hit,
                cached=True,
                cost_usd=0.0,
                latency_s=self._clock() - start,
                attempts=0,
                request_hash=digest,
            )
        completion = dataclasses.replace(self.inner.complete(messages), request_hash=digest)
        # An empty reply is more likely a hiccup than an answer; let the next run ask again.
        if completion.text.strip():
            self.cache.put(key, self.inner.name, completion.to_json())
        return completion
