"""The walls around every untrusted process: Landlock + seccomp where the kernel has them, else bubblewrap.

Both backends give the same promises (checked by the same tests, run against each):
writes only inside the work dir, no network, no user secrets, no signals or ptrace
outside, bounded CPU, memory, file size and processes. They differ in cost: bubblewrap
builds user, mount, pid and net namespaces for every simulation, 3-9 ms of kernel work on
a busy 2-core machine, more than many simulations take; `landlock_exec` (a small C
launcher built from the source beside this file on first use) costs about one exec.

VERIASSIST_SANDBOX=landlock|bwrap|auto (the default) picks one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import site
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

from veriassist.paths import default_cache_dir
from veriassist.toolchain.runner import Limits, limits_shell, which

_LANDLOCK_SOURCE = Path(__file__).with_name("landlock_exec.c")

# Readable (and executable) by sandboxed processes under Landlock; everything else is not,
# which hides home directories, /tmp and other runs' work dirs. bubblewrap hides those too.
_SYSTEM_DIRS = (
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/etc",
    "/opt",
    "/sys",
)
# Of /proc, only the process's own entry (opened by the launcher, whose pid it keeps across
# exec) and system-wide facts: other processes' command lines and the like stay unreadable.
_PROC_READ = (
    "/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/filesystems",
    "/proc/sys/kernel", "/proc/sys/vm",
)  # fmt: skip
_DEV_READ = ("/dev/urandom", "/dev/random")
_DEV_WRITE = ("/dev/null", "/dev/zero")

_DEV_NODES = (*_DEV_WRITE, *_DEV_READ)
_DEV_LINKS = (  # what programs expect to find beside them, as bwrap's --dev makes them
    ("/dev/fd", "/proc/self/fd"),
    ("/dev/stdin", "/proc/self/fd/0"),
    ("/dev/stdout", "/proc/self/fd/1"),
    ("/dev/stderr", "/proc/self/fd/2"),
)


class Sandbox:
    """Wraps an argv so that it runs inside the sandbox, with the run's limits applied."""

    _warned = False

    def __init__(self, enabled: bool = True, backend: str | None = None) -> None:
        choice = backend or os.environ.get("VERIASSIST_SANDBOX", "auto")
        if choice not in ("auto", "landlock", "bwrap"):
            raise ValueError(f"VERIASSIST_SANDBOX must be landlock, bwrap or auto, not {choice!r}")
        self.landlock = landlock_exec() if enabled and choice in ("auto", "landlock") else None
        self.bwrap = which("bwrap") if enabled and self.landlock is None and choice != "landlock" else None
        if enabled and not self.active and not Sandbox._warned:
            Sandbox._warned = True
            wanted = (
                "Landlock (Linux 6.12+ and a C compiler)" if choice == "landlock" else "bubblewrap (bwrap)"
            )
            warnings.warn(
                f"{wanted} is not available: simulations run WITHOUT a sandbox. "
                "Install bubblewrap with `sudo apt-get install bubblewrap`, or pass --no-sandbox to silence this.",
                RuntimeWarning,
                stacklevel=2,
            )

    @property
    def active(self) -> bool:
        return self.landlock is not None or self.bwrap is not None

    @property
    def backend(self) -> str:
        return "landlock" if self.landlock else "bwrap" if self.bwrap else "none"

    def wrap(
        self, argv: list[str], workdir: Path, limits: Limits, readable: Sequence[Path] = ()
    ) -> list[str]:
        """The argv to run; `readable` names extra paths the process must read (include dirs)."""
        if self.landlock is not None:
            return self._landlock(argv, workdir, limits, readable)
        if self.bwrap is not None:
            return self._bwrap(limits_shell(argv, limits), workdir, readable)
        return limits_shell(argv, limits)

    def _landlock(
        self, argv: list[str], workdir: Path, limits: Limits, readable: Sequence[Path]
    ) -> list[str]:
        assert self.landlock is not None
        full = [self.landlock, "--rw", str(workdir)]
        for path in (*_readable_dirs(), *_PROC_READ, *_DEV_READ, *map(str, readable)):
            full += ["--ro", path]
        for path in _DEV_WRITE:
            full += ["--rw", path]
        full += [
            "--cpu", str(limits.cpu_s),
            "--mem", str(limits.memory_bytes),
            "--fsize", str(limits.file_bytes),
            "--nproc", str(limits.processes),
        ]  # fmt: skip
        return [*full, "--", *argv]

    def _bwrap(self, argv: list[str], workdir: Path, readable: Sequence[Path]) -> list[str]:
        assert self.bwrap is not None
        work = str(workdir)
        prefix = [self.bwrap, "--ro-bind", "/", "/"]
        # Hide home directories (API keys, tokens, ssh keys, history) and temp dirs (other runs),
        # then put back what must be read from under them: this Python, our package, include dirs.
        hidden = _hidden_roots(os.path.expanduser("~"))
        for root in hidden:
            prefix += ["--tmpfs", root]
        back: list[str] = []
        for path in sorted({*_readable_dirs(), *map(str, readable)}, key=len):
            under = tuple(f"{d}/" for d in back)
            if (
                path.startswith(tuple(f"{r}/" for r in hidden))
                and not path.startswith(under)
                and os.path.exists(path)
            ):
                back.append(path)
                prefix += ["--ro-bind", path, path]
        # A fresh /dev with only the harmless nodes (bwrap's --dev mounts more, and costs ~0.4 ms more).
        # It comes before the work dir's bind, which it would otherwise hide when the work dir is in /dev/shm.
        prefix += ["--tmpfs", "/dev"]
        for node in _DEV_NODES:
            prefix += ["--dev-bind", node, node]
        for link, target in _DEV_LINKS:
            prefix += ["--symlink", target, link]
        prefix += [
            "--proc", "/proc",
            "--bind", work, work,
        ]  # fmt: skip
        for root in hidden:  # after the binds, which create their mount points in it
            prefix += ["--remount-ro", root]
        prefix += [
            "--unshare-all",
            "--cap-drop", "ALL",  # run by root, bwrap would otherwise keep every capability inside
            "--die-with-parent",
            "--setenv", "TMPDIR", f"{work}/tmp",
            "--chdir", work,
        ]  # fmt: skip
        return [*prefix, "--", *argv]


@functools.cache  # asked before every simulation; the answer changes only with $HOME
def _hidden_roots(home: str) -> tuple[str, ...]:
    """Home directories and temp dirs: what bubblewrap covers with an empty tmpfs."""
    roots = ["/home", "/root", "/tmp", "/var/tmp", "/run/user", home]
    found = [r for r in dict.fromkeys(os.path.realpath(r) for r in roots) if r != "/" and os.path.isdir(r)]
    # A root inside another is covered already (and mounting over it twice costs a mount).
    return tuple(r for r in found if not any(r.startswith(f"{other}/") for other in found))


@functools.cache
def _readable_dirs() -> tuple[str, ...]:
    """System dirs, this Python (cocotb runs in it), our package, and where the tools live."""
    import veriassist

    dirs = [*_SYSTEM_DIRS, sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    dirs += [sysconfig.get_path(name) for name in ("purelib", "platlib", "stdlib", "platstdlib")]
    if site.ENABLE_USER_SITE:  # `pip install --user` puts cocotb and the rest under ~/.local
        dirs.append(site.getusersitepackages())
    dirs.append(str(Path(veriassist.__file__).resolve().parent))
    for tool in ("iverilog", "vvp", "verible-verilog-lint"):
        found = which(tool)
        if found:  # a tool built into ~/.local or /opt/x: its bin and lib dirs, not all of ~/.local
            prefix = Path(found).resolve().parent.parent
            dirs += [str(prefix / sub) for sub in ("bin", "lib", "lib64")]
    return tuple(dict.fromkeys(d for d in dirs if d))


def landlock_exec() -> str | None:
    """The launcher's path, built on first use; None when this machine cannot have it."""
    # Asked before every simulation: remembered per value of the variables that place the cache.
    return _landlock_exec(os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))


@functools.cache
def _landlock_exec(xdg_cache_home: str | None, home: str | None) -> str | None:
    cache = default_cache_dir()
    source = _LANDLOCK_SOURCE.read_bytes()
    digest = hashlib.sha256(source + platform.machine().encode()).hexdigest()[:16]
    binary = cache / f"landlock_exec-{digest}"
    if not binary.is_file() and not _build(source, binary):
        return None
    try:
        probe = subprocess.run([str(binary), "--ro", "/", "--", "/bin/true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):  # e.g. a cache dir on a noexec mount
        return None
    return str(binary) if probe.returncode == 0 else None  # e.g. a kernel older than Landlock ABI 6


def _build(source: bytes, binary: Path) -> bool:
    compiler = which("cc") or which("gcc")
    if compiler is None:
        return False
    try:
        binary.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=binary.parent) as scratch:
            (Path(scratch) / "landlock_exec.c").write_bytes(source)
            built = Path(scratch) / "landlock_exec"
            compiled = subprocess.run(
                [compiler, "-O2", "-o", str(built), str(Path(scratch) / "landlock_exec.c")],
                capture_output=True,
                timeout=60,
                check=False,
            )
            if compiled.returncode != 0:
                return False
            os.replace(built, binary)  # atomic: parallel workers may build at once
    except (OSError, subprocess.TimeoutExpired):
        return False
    return True
