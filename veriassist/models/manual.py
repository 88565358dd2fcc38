"""A person (or any chat tool they paste into) as the model."""

from __future__ import annotations

import os
import re
import select
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from veriassist.models.base import Completion, Message, ModelKind, render_messages
from veriassist.models.errors import ManualTimeout

_END_OF_REPLY = "."


class ManualModel:
    """Writes each prompt to `prompt-NNN.md` and waits for `reply-NNN.md` or a reply on stdin.

    A reply file is taken once it is non-empty and its size held still for one poll,
    so an editor that writes in pieces is not read half-way. On stdin, a reply ends
    with a line holding only "." or with end of input.
    """

    kind: ModelKind = "manual"
    # A person is not a stand-in for a model, but neither is their pass rate a model's:
    # records carry kind="manual" so reports keep them apart.
    is_stand_in = False

    def __init__(
        self,
        directory: Path,
        *,
        stdin: TextIO | None = None,
        stderr: TextIO | None = None,
        poll_s: float = 0.5,
        timeout_s: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self.stdin = stdin
        self.stderr = stderr
        self.poll_s = poll_s
        self.timeout_s = timeout_s
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._exchange = threading.Lock()
        self.directory.mkdir(parents=True, exist_ok=True)
        numbers = [
            int(m.group(1)) for p in directory.glob("prompt-*.md") if (m := re.search(r"(\d+)", p.name))
        ]
        # Continue after an earlier session's files so an old reply is never taken for a new prompt.
        self._next = max(numbers, default=0) + 1

    @property
    def name(self) -> str:
        return "manual"

    def describe(self) -> str:
        return f"manual (answered by a person or another tool; prompts in {self.directory})"

    def prompt_path(self, number: int) -> Path:
        return self.directory / f"prompt-{number:03d}.md"

    def reply_path(self, number: int) -> Path:
        return self.directory / f"reply-{number:03d}.md"

    def complete(self, messages: Sequence[Message]) -> Completion:
        if self.stdin is not None:
            # Replies may come on stdin, which names no prompt: one prompt at a time.
            with self._exchange:
                return self._exchange_one(messages)
        # Replies come by file only: prompts of parallel loops (`bench -j N`) wait side by side.
        return self._exchange_one(messages)

    def _exchange_one(self, messages: Sequence[Message]) -> Completion:
        text = render_messages(messages)
        with self._lock:  # numbers and announcements never interleave
            number = self._claim(text)
            reply_file = self.reply_path(number)
            if self.stderr is not None:
                how = f"write the reply to {reply_file}"
                if _is_terminal(self.stdin):  # piped or closed input: no one there to paste
                    how += f", or paste it here and end it with a line holding only '{_END_OF_REPLY}'"
                print(
                    f"\n==== prompt {number:03d} ({self.prompt_path(number)}) ====\n{text}", file=self.stderr
                )
                print(f"==== {how} ====", file=self.stderr, flush=True)
        start = self._clock()
        reply = self._wait(reply_file)
        # No tokenizer sees the text: chars/4 estimates, which records of kind "manual" mark as such.
        return Completion(
            text=reply,
            model="manual",
            kind="manual",
            prompt_tokens=estimate_tokens(text),
            completion_tokens=estimate_tokens(reply),
            latency_s=self._clock() - start,
        )

    def _claim(self, text: str) -> int:
        """The next free prompt number, taken by creating its file: another run on the same
        directory (a second `bench`) never gets the same number."""
        # Written whole under a private name, then linked into place: the link fails if the
        # number is taken, and whoever lists the folder never sees a half-written prompt.
        draft = self.directory / f".prompt-{os.getpid()}-{threading.get_ident()}.tmp"
        draft.write_text(text, encoding="utf-8")
        try:
            while True:
                number = self._next
                self._next += 1
                try:
                    os.link(draft, self.prompt_path(number))
                    return number
                except FileExistsError:
                    continue
        finally:
            draft.unlink(missing_ok=True)

    def _wait(self, reply_file: Path) -> str:
        start = self._clock()
        last_size = -1
        stdin_open = self.stdin is not None
        while True:
            if reply_file.is_file():
                size = reply_file.stat().st_size
                if size > 0 and size == last_size:
                    return reply_file.read_text(encoding="utf-8")
                last_size = size
            if stdin_open and self._stdin_ready():
                typed = self._read_stdin()
                if typed is None:
                    stdin_open = False  # end of input: keep waiting for the file
                elif typed.strip():
                    reply_file.write_text(typed, encoding="utf-8")  # so the exchange stays on disk
                    return typed
            if self.timeout_s is not None and self._clock() - start > self.timeout_s:
                raise ManualTimeout(f"no reply in {reply_file} after {self.timeout_s:g} s")
            self._sleep(self.poll_s)

    def _stdin_ready(self) -> bool:
        assert self.stdin is not None
        try:
            fileno = self.stdin.fileno()
        except (OSError, ValueError, AttributeError):
            return True  # an in-memory stream: reading never blocks
        readable, _, _ = select.select([fileno], [], [], 0)
        return bool(readable)

    def _read_stdin(self) -> str | None:
        assert self.stdin is not None
        lines: list[str] = []
        for line in iter(self.stdin.readline, ""):
            if line.rstrip("\r\n") == _END_OF_REPLY:
                return "".join(lines)
            lines.append(line)
        return "".join(lines) if lines else None


def estimate_tokens(text: str) -> int:
    """A rough token count for text no tokenizer saw: a token is about four characters."""
    return (len(text) + 3) // 4


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def default_stdin() -> TextIO | None:
    """stdin when a person at a terminal may paste replies into it; else None (replies by file)."""
    stream = sys.stdin
    if stream is None or stream.closed or not _is_terminal(stream):
        return None
    return stream
