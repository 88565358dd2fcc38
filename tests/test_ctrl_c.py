"""Ctrl-C in the bench's pools: raised between waits in the main thread, stopping runs elsewhere."""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from veriassist.toolchain import ctrl_c, runner
from veriassist.toolchain.runner import Limits


def test_ctrl_c_during_a_wait_is_raised_between_waits_with_no_lock_left_held() -> None:
    assert threading.current_thread() is threading.main_thread()
    before = signal.getsignal(signal.SIGINT)
    with cf.ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(time.sleep, 0.5) for _ in range(200)]  # many locks for wait to take
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        with pytest.raises(KeyboardInterrupt), ctrl_c.raised_between_waits() as waits:
            for _ in waits.each(futures):
                pass
        for future in futures:  # every future's lock is free: the pool can shut down
            assert future._condition.acquire(blocking=False)
            future._condition.release()
            future.cancel()
    assert signal.getsignal(signal.SIGINT) is before
    assert runner._stopped  # the interrupted run's other threads end at their next simulation
    with ctrl_c.raised_between_waits():  # until this process waits on a pool again
        assert not runner._stopped


def test_stop_running_kills_runs_in_other_threads_which_then_raise(tmp_path: Path) -> None:
    outcome: list[BaseException | runner.ProcessResult] = []

    def long_run() -> None:
        try:
            outcome.append(runner.run([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path))
        except BaseException as error:  # KeyboardInterrupt is what is expected
            outcome.append(error)

    worker = threading.Thread(target=long_run)
    worker.start()
    deadline = time.monotonic() + 10
    while not runner._running and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    try:
        runner.stop_running()
        worker.join(10)
        assert time.monotonic() - started < 5
        assert len(outcome) == 1 and isinstance(outcome[0], KeyboardInterrupt)  # no result: no verdict
        with pytest.raises(KeyboardInterrupt):
            runner.run(["true"], tmp_path)  # and no new run starts
    finally:
        runner.resume_running()
    assert runner.run(["true"], tmp_path, limits=Limits(wall_s=5)).returncode == 0


def _sleep_in_a_run(workdir: str) -> str:
    """Pool job: a 30 s run, which only a stop of this worker's runs can cut short."""
    runner.run([sys.executable, "-c", "import time; time.sleep(30)"], Path(workdir), limits=Limits(wall_s=60))
    return "finished"


def test_sigterm_during_a_wait_is_raised_between_waits_and_passed_on_to_the_pools_workers(
    tmp_path: Path,
) -> None:
    """`kill PID` reaches the bench alone; its workers must stop their runs as on Ctrl-C."""
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    pool = ctrl_c.process_pool(1)
    try:
        future = pool.submit(_sleep_in_a_run, str(tmp_path))
        deadline = time.monotonic() + 30
        while not future.running() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # the worker is inside its run
        threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGTERM)).start()
        with pytest.raises(KeyboardInterrupt), ctrl_c.raised_between_waits() as waits:
            for _ in waits.each([future]):
                pass
        assert ctrl_c.last_signal() == "SIGTERM"
        # The worker's run was killed and raised: no result, long before its 30 s.
        assert isinstance(future.exception(timeout=20), KeyboardInterrupt)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        runner.resume_running()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_sigterm_outside_a_wait_raises_keyboard_interrupt_like_ctrl_c() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), ctrl_c.sigterm_interrupts():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler raises here, at once
    assert ctrl_c.last_signal() == "SIGTERM"
    assert signal.getsignal(signal.SIGTERM) is before


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def test_abandon_returns_only_once_the_pool_is_closed_so_no_exit_hook_races_it() -> None:
    """CPython 3.11's exit hook wakes every live pool manager thread without a lock; one still
    closing its pipe then prints "Bad file descriptor" over a clean Ctrl-C or SIGTERM."""
    pool = ctrl_c.process_pool(1)
    running = pool.submit(_sleep, 1.0)
    queued = [pool.submit(_sleep, 1.0) for _ in range(3)]  # the first may be in the pool's call queue
    deadline = time.monotonic() + 30
    while not running.running() and time.monotonic() < deadline:
        time.sleep(0.02)
    manager = pool._executor_manager_thread
    assert manager is not None and manager.is_alive()
    ctrl_c.abandon(pool, wait_s=20)
    assert not manager.is_alive()  # closed: nothing left for the exit hook to race
    assert running.result(timeout=0) == "slept"  # the running job was given its time to end
    assert queued[-1].cancelled()  # queued work was dropped
