"""The one way VeriAssist runs a subprocess.

Every tool wrapper builds an argv and hands it here. This module owns what is
dangerous about running untrusted designs: the wall-clock timeout that kills the
whole process group, the output cap that keeps only head and tail, the resource
limits, and reading what a run left behind. The sandbox (sandbox.py) wraps the argv:
anything with a `wrap` method, as `Wrapper` below says, so this module needs none of it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import selectors
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol


class ToolMissing(RuntimeError):
    """A required external program is not installed."""


# Which Debian package provides each tool, for the error message.
_PACKAGES = {"iverilog": "iverilog", "vvp": "iverilog", "bwrap": "bubblewrap"}


@functools.lru_cache(maxsize=64)
def _which(name: str, search_path: str | None) -> str | None:
    return shutil.which(name, path=search_path)


def which(name: str) -> str | None:
    """shutil.which, remembered per PATH value: every check asks, and a PATH walk costs a few stats."""
    return _which(name, os.environ.get("PATH"))


def require_tool(name: str) -> str:
    """Return the tool's path, or raise ToolMissing naming the package to install."""
    path = which(name)
    if path is None:
        package = _PACKAGES.get(name, name)
        raise ToolMissing(f"`{name}` was not found on PATH. Install it with: sudo apt-get install {package}")
    return path


@dataclass(frozen=True)
class Limits:
    """Bounds for one untrusted process."""

    wall_s: float = 30.0
    cpu_s: int = 120
    memory_bytes: int = 4 << 30
    file_bytes: int = 256 << 20  # largest file it may write (a runaway VCD, a log)
    disk_bytes: int = 1 << 30  # all of its work dir together (on /dev/shm, files are memory)
    processes: int = 512
    output_bytes: int = 256 << 10  # per stream, split between head and tail


@dataclass(frozen=True)
class Phase:
    """A second clock: once `marker` shows on stdout, the process has `wall_s` more seconds.

    Lets one process compile and then simulate, each under its own time limit, with no
    `timeout` program in between (that exec costs a millisecond per check).
    """

    marker: bytes
    wall_s: float


@dataclass(frozen=True)
class ProcessResult:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool
    duration_s: float
    dropped_bytes: int  # output left out between head and tail
    # CPU seconds (user + system) of the process and of the descendants it reaped; None where
    # the kernel did not say. Far below duration_s on a timeout: the machine was busy elsewhere.
    cpu_s: float | None = None

    @property
    def output(self) -> str:
        return self.stdout + (("\n" + self.stderr) if self.stderr else "")


class _CappedBuffer:
    """Keeps the first and last `limit/2` bytes and counts what fell in between."""

    def __init__(self, limit: int) -> None:
        self.half = max(limit // 2, 1)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.half - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            if len(self.tail) > self.half:
                del self.tail[: len(self.tail) - self.half]

    @property
    def dropped(self) -> int:
        return self.total - len(self.head) - len(self.tail)

    def text(self) -> str:
        head = self.head.decode("utf-8", "replace")
        if not self.dropped:
            return head + self.tail.decode("utf-8", "replace")
        tail = self.tail.decode("utf-8", "replace")
        return f"{head}\n[... {self.dropped} bytes of output left out ...]\n{tail}"


# Only these reach an untrusted process: never API keys or tokens.
_ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "PYENV_VERSION")


@dataclass(frozen=True)
class Then:
    """A second program for one run: after the first exits, a line `marker` + its exit status,
    then (only when that status is 0) `argv`. Both programs' stderr goes into stdout.

    `piped`: when not 0, the first program is two, its first `piped` words writing into the
    rest, as a shell's `a | b` (the status is b's)."""

    marker: str
    argv: list[str]
    piped: int = 0

    def script(self, first: list[str]) -> list[str]:
        """The two as one shell command, for a sandbox that cannot sequence them itself."""
        if self.piped:
            run_first = f"{{ {shlex.join(first[: self.piped])} | {shlex.join(first[self.piped :])}; }}"
        else:
            run_first = shlex.join(first)
        return [
            "/bin/sh",
            "-c",
            f"{run_first} 2>&1; rc=$?; echo {shlex.quote(self.marker)}$rc; "
            f"[ $rc -eq 0 ] || exit $rc; exec {shlex.join(self.argv)} 2>&1",
        ]


class Wrapper(Protocol):
    """What `run` needs of a sandbox (veriassist.toolchain.sandbox.Sandbox is one)."""

    def wrap(
        self,
        argv: list[str],
        workdir: Path,
        limits: Limits,
        readable: Sequence[Path] = (),
        then: Then | None = None,
    ) -> list[str]:
        """The argv that runs `argv` (then `then`) inside the sandbox, under `limits`, in `workdir`."""
        ...


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: os.environ[k] for k in _ENV_KEEP if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update(extra or {})
    return env


def limits_shell(argv: list[str], limits: Limits) -> list[str]:
    """Apply the rlimits in a tiny shell before exec: cheaper than a preexec_fn, which forces fork."""
    ulimits = (
        f"ulimit -t {limits.cpu_s}; ulimit -v {limits.memory_bytes // 1024}; "
        f"ulimit -f {limits.file_bytes // 512}; ulimit -c 0; ulimit -p {limits.processes}; "
    )
    if len(argv) == 3 and argv[:2] == ["/bin/sh", "-c"]:
        return ["/bin/sh", "-c", ulimits + argv[2]]  # already a shell: one exec fewer
    return ["/bin/sh", "-c", ulimits + 'exec "$@"', "veriassist-limits", *argv]


def open_output(path: Path, max_bytes: int | None = None) -> BinaryIO:
    """Open a file an untrusted run left in its work dir, for reading by trusted code.

    Only a regular file, never through a symlink (which could point the reader at the user's
    secrets, to be sent on as feedback) and never a FIFO or device (which could hang it or feed
    it forever). Raises OSError otherwise, or when the file is over `max_bytes`.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or (max_bytes is not None and info.st_size > max_bytes):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file of a readable size", str(path))
    return os.fdopen(fd, "rb")


def work_root() -> str | None:
    """Where work dirs go: a tmpfs when there is a roomy one, since each check writes and deletes
    a few files; else the system's temp dir (a container's 64 MiB /dev/shm would fill up)."""
    configured = os.environ.get("VERIASSIST_WORK_ROOT")
    if configured:
        return configured
    shm = "/dev/shm"
    try:
        roomy = shutil.disk_usage(shm).free >= _ROOMY_SHM_BYTES and os.access(shm, os.W_OK)
    except OSError:
        return None
    return shm if roomy else None


_ROOMY_SHM_BYTES = 2 << 30


def run(
    argv: list[str],
    workdir: Path,
    *,
    limits: Limits | None = None,
    sandbox: Wrapper | None = None,
    env: dict[str, str] | None = None,
    phase: Phase | None = None,
    readable: Sequence[Path] = (),
    then: Then | None = None,
) -> ProcessResult:
    """Run argv in workdir under limits (and the sandbox, when given).

    Never raises for what the program does (a crash, a timeout, a flood of output); raises
    KeyboardInterrupt once `stop_running` was called, since a killed run is no result.
    `readable`: paths outside the work dir the process must read (the sandbox hides the rest).
    `then`: a second program, run in the same launch when the first succeeds.
    """
    limits = limits or Limits()
    if _stopped:
        raise KeyboardInterrupt
    (workdir / "tmp").mkdir(exist_ok=True)  # before the sandbox hands the work dir over
    if sandbox:
        full = sandbox.wrap(argv, workdir, limits, readable, then)
    else:
        full = limits_shell(then.script(argv) if then else argv, limits)
    env = env if env is not None else clean_env()
    env.setdefault("TMPDIR", str(workdir / "tmp"))
    # Our own pipes, writable by others (who can reach them only through /proc/PID/fd of a
    # process holding them): the sandbox may run the process as another user, who must still
    # be able to open /dev/stdout. Never readable by others: the output is ours.
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    start = time.perf_counter()
    try:
        os.fchmod(out_write, 0o622)
        os.fchmod(err_write, 0o622)
        proc = subprocess.Popen(
            full,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out_write,
            stderr=err_write,
            env=env,
            start_new_session=True,  # own process group, so a timeout can kill every descendant
        )
    except BaseException:
        os.close(out_read)
        os.close(err_read)
        raise
    finally:
        os.close(out_write)
        os.close(err_write)
    out, err = _CappedBuffer(limits.output_bytes), _CappedBuffer(limits.output_bytes)
    watch = _DiskWatch(workdir, limits.disk_bytes)
    _running.add(proc.pid)
    try:
        stopped = _pump(
            proc, (out_read, err_read), out, err, deadline=start + limits.wall_s, phase=phase, watch=watch
        )
    finally:
        _running.discard(proc.pid)
        os.close(out_read)
        os.close(err_read)
    if _stopped:  # killed by stop_running: not a result anyone may take for a verdict
        proc.wait()
        raise KeyboardInterrupt
    if stopped == "disk":
        err.add(f"\n[veriassist: stopped: {watch.reason}]\n".encode())
    returncode, cpu_s = _reap(proc)
    return ProcessResult(
        argv=tuple(argv),
        returncode=returncode,
        stdout=out.text(),
        stderr=err.text(),
        timed_out=stopped == "timeout",
        duration_s=time.perf_counter() - start,
        dropped_bytes=out.dropped + err.dropped,
        cpu_s=cpu_s,
    )


def _reap(proc: subprocess.Popen[bytes]) -> tuple[int, float | None]:
    """Wait for the process: its exit code, and the CPU time it and what it reaped used."""
    if proc.returncode is None:
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except ChildProcessError:  # reaped elsewhere (proc.wait on the no-pidfd path did)
            return proc.wait(), None
        proc.returncode = os.waitstatus_to_exitcode(status)
        return proc.returncode, usage.ru_utime + usage.ru_stime
    return proc.returncode, None


class _DiskWatch:
    """Stops a run whose work dir outgrows its budget: RLIMIT_FSIZE bounds each file, not their
    number, and on /dev/shm every byte written is memory. Looked at twice a second at most, so
    a short simulation never pays for it."""

    INTERVAL_S = 0.5
    MAX_ENTRIES = 100_000

    def __init__(self, workdir: Path, budget: int) -> None:
        self.workdir, self.budget = workdir, budget
        self.next_look = time.perf_counter() + self.INTERVAL_S
        self.reason = ""

    def exceeded(self) -> bool:
        now = time.perf_counter()
        if now < self.next_look:
            return False
        self.next_look = now + self.INTERVAL_S
        if _usage(self.workdir, self.budget, self.MAX_ENTRIES) <= self.budget:
            return False
        self.reason = (
            f"the run wrote more than {self.budget >> 20} MiB (or {self.MAX_ENTRIES} files) into its work dir"
        )
        return True


def _usage(root: Path, stop_above: int, max_entries: int) -> int:
    """Bytes the files under `root` occupy, counted only until past `stop_above` (or too many files)."""
    total, entries, folders = 0, 0, [str(root)]
    while folders:
        try:
            listing = os.scandir(folders.pop())
        except OSError:
            continue
        with listing:
            for entry in listing:
                entries += 1
                try:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                except OSError:
                    continue
                if total > stop_above or entries > max_entries:
                    return stop_above + 1
    return total


def _pump(
    proc: subprocess.Popen[bytes],
    pipes: tuple[int, int],
    out: _CappedBuffer,
    err: _CappedBuffer,
    deadline: float,
    phase: Phase | None = None,
    watch: _DiskWatch | None = None,
) -> str | None:
    """Drain both pipes (the read ends of stdout's and stderr's) into capped buffers until EOF
    and exit; "timeout" or "disk" if it was stopped."""
    selector = selectors.DefaultSelector()
    selector.register(pipes[0], selectors.EVENT_READ, out)
    selector.register(pipes[1], selectors.EVENT_READ, err)
    # Wait for the exit in the same select: Popen.wait(timeout) polls with sleeps, ~1 ms per run.
    exit_fd = _pidfd(proc.pid)
    if exit_fd is not None:
        selector.register(exit_fd, selectors.EVENT_READ, None)
    waiting_for = 2 if exit_fd is None else 3  # stdout, stderr[, exit]
    stopped: str | None = None
    recent = b""  # the end of stdout so far, long enough to find a marker split across reads
    while waiting_for:
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or (watch is not None and watch.exceeded()):
            stopped = "timeout" if remaining <= 0 else "disk"
            _kill_group(proc)
            break
        for key, _ in selector.select(timeout=min(remaining, _DiskWatch.INTERVAL_S)):
            chunk = os.read(key.fd, 65536) if key.data is not None else b""
            if chunk:
                key.data.add(chunk)
                if phase is not None and key.data is out:
                    recent += chunk
                    if phase.marker in recent:
                        deadline = min(deadline, time.perf_counter() + phase.wall_s)
                        phase = None
                    recent = recent[-len(phase.marker) :] if phase else b""
            else:
                selector.unregister(key.fileobj)
                waiting_for -= 1
    selector.close()
    if exit_fd is not None:
        # The leader has exited but is not reaped, so its group id is still ours: kill what it
        # left running in the background (the sandbox stops anything from leaving the group).
        _kill_group(proc)
        os.close(exit_fd)
    elif stopped is None:  # no pidfd: wait for the exit the slower way, under the same deadline
        try:
            proc.wait(timeout=max(deadline - time.perf_counter(), 0.05))
        except subprocess.TimeoutExpired:
            stopped = "timeout"
            _kill_group(proc)
    return stopped


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when `pid` exits; None where the kernel or a seccomp
    profile does not offer pidfd_open (Linux < 5.3, some container runtimes)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


# Process groups of the runs in progress in this process: what `stop_running` kills.
_running: set[int] = set()
_stopped = False  # set by stop_running: runs raise KeyboardInterrupt until resume_running


def stop_running() -> None:
    """Kill every run this process has in progress and start no more: each `run`, in any
    thread, raises KeyboardInterrupt instead of returning (a killed run is no verdict).

    Safe in a signal handler: it raises nothing and takes no lock (see veriassist/ctrl_c.py).
    """
    global _stopped
    _stopped = True
    for group in list(_running):
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)


def resume_running() -> None:
    global _stopped
    _stopped = False


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except PermissionError:  # pragma: no cover - should not happen for our own children
        print(f"veriassist: could not kill process group {proc.pid}", file=sys.stderr)
