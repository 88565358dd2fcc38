"""Ctrl-C (and kill -9) for the bench's and the lint's pools: no hangs, no false verdicts, no orphans.

A KeyboardInterrupt raised at an arbitrary point can hang a concurrent.futures pool for good:
- in the main thread, inside `wait` or `as_completed`, between the locks they take on every
  future: one stays held, and the pool's manager thread, and so the interpreter's exit, block
  on it (seen here as a Ctrl-C test that timed out once in a while);
- in a worker process, half-way through sending a result: the pool then reads a torn message.
So a worker's Ctrl-C only stops its simulations (after which `runner.run` raises
KeyboardInterrupt at an ordinary point, so a killed run is never taken for a verdict), and
the main thread's Ctrl-C only sets a flag, which `Waits` turns into KeyboardInterrupt between
two waits.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from veriassist.toolchain import runner

_POLL_S = 0.2  # how soon a Ctrl-C pressed during a wait is acted on


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool whose workers take Ctrl-C, and the death of this process, as `_in_worker` says."""
    return cf.ProcessPoolExecutor(max_workers=workers, initializer=_in_worker, initargs=(os.getpid(),))


def _in_worker(parent: int) -> None:
    """Pool initializer (initargs: the bench's pid). Ctrl-C, sent to the whole process group,
    stops this worker's simulations; and the worker dies with the bench, so a `kill -9` of it
    leaves no worker waiting for work for ever (its simulations then die with the worker)."""
    signal.signal(signal.SIGINT, lambda signum, frame: runner.stop_running())
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: no such wiring, as before
        return
    if os.getppid() != parent:  # the bench died before the line above
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class Waits:
    """Waits on futures; a Ctrl-C pressed meanwhile is raised between waits, never inside one."""

    def __init__(self) -> None:
        self.pressed = threading.Event()

    def first(self, pending: set[cf.Future[Any]]) -> tuple[set[cf.Future[Any]], set[cf.Future[Any]]]:
        """(done, still pending) once at least one future is done."""
        while True:
            done, rest = cf.wait(pending, timeout=_POLL_S, return_when=cf.FIRST_COMPLETED)
            if self.pressed.is_set():
                runner.stop_running()  # simulations that threads of this process are running
                raise KeyboardInterrupt
            if done:
                return done, rest

    def each(self, futures: Iterable[cf.Future[Any]]) -> Iterator[cf.Future[Any]]:
        """Every future, as it finishes (what `as_completed` does)."""
        pending = set(futures)
        while pending:
            done, pending = self.first(pending)
            yield from done


@contextmanager
def raised_between_waits() -> Iterator[Waits]:
    """While inside, Ctrl-C in the main thread is deferred to the next `Waits` call."""
    waits = Waits()
    if threading.current_thread() is not threading.main_thread():
        yield waits  # only the main thread ever gets KeyboardInterrupt: nothing to defer
        return
    # After a Ctrl-C, runs stay stopped (so the interrupted run's threads end at their next
    # simulation rather than finishing their loops) until this process starts waiting again.
    runner.resume_running()
    previous = signal.signal(signal.SIGINT, lambda signum, frame: waits.pressed.set())
    try:
        yield waits
    finally:
        signal.signal(signal.SIGINT, previous)
