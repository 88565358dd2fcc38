"""Ctrl-C, SIGTERM (and kill -9) for the bench's and the audit's pools: no hangs, no false verdicts,
no orphans, no work dirs left behind.

A KeyboardInterrupt raised at an arbitrary point can hang a concurrent.futures pool for good:
- in the main thread, inside `wait` or `as_completed`, between the locks they take on every
  future: one stays held, and the pool's manager thread, and so the interpreter's exit, block
  on it (seen here as a Ctrl-C test that timed out once in a while);
- in a worker process, half-way through sending a result: the pool then reads a torn message.
So a worker's Ctrl-C only stops its simulations (after which `runner.run` raises
KeyboardInterrupt at an ordinary point, so a killed run is never taken for a verdict), and
the main thread's Ctrl-C only sets a flag, which `Waits` turns into KeyboardInterrupt between
two waits.

SIGTERM takes the same road. Unlike a terminal's Ctrl-C it usually reaches only the main
process (`kill PID`), so the main process passes it on to its pools' workers as a Ctrl-C;
left to the default action, it would kill the bench with its run still marked running and
its workers' work dirs left in /dev/shm.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import os
import signal
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from veriassist.toolchain import runner

_POLL_S = 0.2  # how soon a Ctrl-C pressed during a wait is acted on


# Pools made by `process_pool` and not yet collected: whose workers a SIGTERM is passed on to.
_pools: weakref.WeakSet[cf.ProcessPoolExecutor] = weakref.WeakSet()
_last_signal: str | None = None  # the signal that stopped the latest wait: "SIGINT" or "SIGTERM"


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool whose workers take Ctrl-C, and the death of this process, as `_in_worker` says."""
    pool = cf.ProcessPoolExecutor(max_workers=workers, initializer=_in_worker, initargs=(os.getpid(),))
    _pools.add(pool)
    return pool


def abandon(pool: cf.Executor, wait_s: float = 5.0) -> None:
    """Ctrl-C, SIGTERM or an error: drop the queued work and give the running jobs (whose
    simulations the signal stopped) up to `wait_s` to end. Waiting closes the pool before the
    interpreter exits: CPython 3.11's exit hook can race a pool still closing and print a
    traceback ("Bad file descriptor") over a clean stop. One call both cancels and waits: a
    `shutdown(wait=False)` first would forget the pool's manager thread, and a later
    `shutdown(wait=True)` would then return at once, waiting for nothing."""
    closing = threading.Thread(
        target=pool.shutdown, kwargs={"wait": True, "cancel_futures": True}, daemon=True
    )
    closing.start()
    closing.join(wait_s)


def _in_worker(parent: int) -> None:
    """Pool initializer (initargs: the bench's pid). Ctrl-C or SIGTERM, sent to the whole process
    group or passed on by the bench, stops this worker's simulations (the work dirs are removed
    as they unwind); and the worker dies with the bench, so a `kill -9` of it leaves no worker
    waiting for work for ever (its simulations then die with the worker)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: runner.stop_running())
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
    """While inside, Ctrl-C or SIGTERM in the main thread is deferred to the next `Waits` call."""
    waits = Waits()
    if threading.current_thread() is not threading.main_thread():
        yield waits  # only the main thread ever gets KeyboardInterrupt: nothing to defer
        return
    # After a Ctrl-C, runs stay stopped (so the interrupted run's threads end at their next
    # simulation rather than finishing their loops) until this process starts waiting again.
    runner.resume_running()

    def pressed(signum: int, frame: object) -> None:
        _note(signum)
        waits.pressed.set()

    def terminated(signum: int, frame: object) -> None:
        pressed(signum, frame)
        _pass_on_to_workers()

    previous_int = signal.signal(signal.SIGINT, pressed)
    previous_term = signal.signal(signal.SIGTERM, terminated)
    try:
        yield waits
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)
    if waits.pressed.is_set():  # came after the last wait: still a stop, never a lost signal
        runner.stop_running()
        raise KeyboardInterrupt


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises KeyboardInterrupt in the main thread, as Ctrl-C does, so the
    same clean-up runs; inside `raised_between_waits` it is deferred like Ctrl-C."""
    global _last_signal
    _last_signal = None
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        _note(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def last_signal() -> str | None:
    """Which signal ("SIGINT" or "SIGTERM") stopped the latest wait or `sigterm_interrupts` block."""
    return _last_signal


def _note(signum: int) -> None:
    global _last_signal
    _last_signal = signal.Signals(signum).name


def _pass_on_to_workers() -> None:
    """Send Ctrl-C to every worker of this process's pools (a signal handler: raises nothing)."""
    for pool in list(_pools):
        # `_processes` is the pool's pid -> process map (None once shut down); there is no public one.
        for pid in list(getattr(pool, "_processes", None) or ()):
            with contextlib.suppress(OSError):  # already gone
                os.kill(pid, signal.SIGINT)
