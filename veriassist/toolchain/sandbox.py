"""The walls around every untrusted process: Landlock + seccomp where the kernel has them, else bubblewrap.

Both backends give the same promises (checked by the same tests, run against each):
writes only inside the work dir, no network, no user secrets, no signals or ptrace
outside, bounded CPU, memory, file size and processes. They differ in cost: bubblewrap
builds user, mount, pid and net namespaces for every simulation, 3-9 ms of kernel work on
a busy 2-core machine, more than many simulations take; `landlock_exec` (a small C
launcher built from the source beside this file on first use) costs about one exec.

Run as root, neither backend leaves the untrusted process root: it runs as nobody/nogroup
(65534) with no supplementary groups, so root-only files (/etc/shadow, keys of mode 600) stay
unreadable even in the dirs it may read, and its work dir is handed over to that user. Dirs
that user could not enter on the way to what it must read (/root holding a pyenv Python, a
pytest temp dir of mode 700) are covered with an empty tmpfs it may enter, with only the paths
it needs bound back (the launcher makes a mount namespace for that, ~0.2 ms). bubblewrap then
makes no user namespace (whose root is the real root, owner of those files): it stays root to
build the mounts and `setpriv` makes the process nobody (an exec more, ~1.5 ms).

VERIASSIST_SANDBOX=landlock|bwrap|auto (the default) picks one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import site
import stat
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

from veriassist.paths import default_cache_dir
from veriassist.toolchain.runner import Limits, Then, limits_shell, which

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


# Who the untrusted process is when VeriAssist runs as root: nobody/nogroup, no other groups.
NOBODY = 65534
# bubblewrap keeps just these past its set-up: to enter the work dir (now nobody's, mode 700
# maybe) and for setpriv to become nobody, which ends them all before the untrusted exec.
_SETPRIV_CAPS = ("cap_dac_read_search", "cap_setuid", "cap_setgid", "cap_setpcap")


class Sandbox:
    """Wraps an argv so that it runs inside the sandbox, with the run's limits applied."""

    _warned = False

    def __init__(self, enabled: bool = True, backend: str | None = None, *, python: bool = True) -> None:
        """`python`: the process may run this Python (cocotb does); without it, only the system
        dirs and the tools' own are readable, and (run as root) no dir needs covering for that."""
        self.python = python
        choice = backend or os.environ.get("VERIASSIST_SANDBOX", "auto")
        if choice not in ("auto", "landlock", "bwrap"):
            raise ValueError(f"VERIASSIST_SANDBOX must be landlock, bwrap or auto, not {choice!r}")
        self.landlock = landlock_exec() if enabled and choice in ("auto", "landlock") else None
        self.bwrap = which("bwrap") if enabled and self.landlock is None and choice != "landlock" else None
        # Run as root, bubblewrap needs setpriv (util-linux) to leave root; without it, it runs
        # the process as root in a user namespace, as before, with a warning.
        self.setpriv = which("setpriv") if self.bwrap is not None and _drop_to() is not None else None
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
        elif (
            self.bwrap is not None and _drop_to() is not None and self.setpriv is None and not Sandbox._warned
        ):
            Sandbox._warned = True
            warnings.warn(
                "setpriv (util-linux) is not on PATH: sandboxed runs keep root's access to root-only files.",
                RuntimeWarning,
                stacklevel=2,
            )

    @property
    def active(self) -> bool:
        return self.landlock is not None or self.bwrap is not None

    @property
    def backend(self) -> str:
        """Which walls hold the runs: "landlock", "bwrap" or "none" (recorded with each run)."""
        return "landlock" if self.landlock else "bwrap" if self.bwrap else "none"

    def wrap(
        self,
        argv: list[str],
        workdir: Path,
        limits: Limits,
        readable: Sequence[Path] = (),
        then: Then | None = None,
    ) -> list[str]:
        """The argv to run; `readable` names extra paths the process must read (include dirs).
        `then`: a second program, which the Landlock launcher sequences itself and the other
        backends through a shell.

        Run as root, this also hands the work dir over to the user the process runs as.
        """
        if self.landlock is not None:
            return self._landlock(argv, workdir, limits, readable, then)
        if then is not None:
            argv = then.script(argv)
        if self.bwrap is not None:
            return self._bwrap(argv, workdir, limits, readable)
        return limits_shell(argv, limits)

    def _landlock(
        self, argv: list[str], workdir: Path, limits: Limits, readable: Sequence[Path], then: Then | None
    ) -> list[str]:
        assert self.landlock is not None
        full = [self.landlock, "--rw", str(workdir)]
        extra = tuple(map(str, readable))
        for path in (*_readable_dirs(self.python), *_PROC_READ, *_DEV_READ, *extra):
            full += ["--ro", path]
        for path in _DEV_WRITE:
            full += ["--rw", path]
        full += [
            "--cpu", str(limits.cpu_s),
            "--mem", str(limits.memory_bytes),
            "--fsize", str(limits.file_bytes),
            "--nproc", str(limits.processes),
        ]  # fmt: skip
        ids = _drop_to()
        if ids is not None:
            _hand_over(workdir, *ids)
            full += ["--uid", str(ids[0]), "--gid", str(ids[1])]
            for cover in _covers((*_readable_covers(self.python), *_blocked((str(workdir), *extra), *ids))):
                full += ["--cover", cover]
        if then is not None:
            full += ["--then", str(len(argv)), then.marker]
            if then.piped:
                full += ["--pipe", str(then.piped)]
            return [*full, "--", *argv, *then.argv]
        return [*full, "--", *argv]

    def _bwrap(self, argv: list[str], workdir: Path, limits: Limits, readable: Sequence[Path]) -> list[str]:
        assert self.bwrap is not None
        work = str(workdir)
        extra = tuple(map(str, readable))
        ids = _drop_to() if self.setpriv is not None else None
        inner = limits_shell(argv, limits)
        if ids is not None:  # bubblewrap stays root to build the mounts; the process does not
            _hand_over(workdir, *ids)
            uid, gid = ids
            inner = [
                str(self.setpriv), f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--", *inner,
            ]  # fmt: skip
        prefix = [self.bwrap, "--ro-bind", "/", "/"]
        # Hide home directories (API keys, tokens, ssh keys, history) and temp dirs (other runs),
        # then put back what must be read from under them: this Python, our package, include dirs.
        # Run as root, dirs nobody may enter on the way to those are covered as well.
        hidden = _hidden_roots(os.path.expanduser("~"))
        if ids is not None:
            hidden = _covers((*hidden, *_readable_covers(self.python), *_blocked((work, *extra), *ids)))
        for root in hidden:
            prefix += ["--tmpfs", root]
        back: list[str] = []
        made: set[str] = set()  # dirs made in the tmpfs mounts: entered, not listed, by anyone
        for path in sorted({*_readable_dirs(self.python), *extra}, key=len):
            under = tuple(f"{d}/" for d in back)
            if (
                path.startswith(tuple(f"{r}/" for r in hidden))
                and not path.startswith(under)
                and os.path.exists(path)
            ):
                prefix += [*_dirs_to(path, hidden, back, made), "--ro-bind", path, path]
                back.append(path)
        # A fresh /dev with only the harmless nodes (bwrap's --dev mounts more, and costs ~0.4 ms more),
        # read-only once the work dir's mount point is made in it (when the work dir is in /dev/shm):
        # a writable /dev (or /dev/shm) would hold files that the work dir's size budget never sees.
        prefix += ["--tmpfs", "/dev"]
        for node in _DEV_NODES:
            prefix += ["--dev-bind", node, node]
        for link, target in _DEV_LINKS:
            prefix += ["--symlink", target, link]
        prefix += [
            "--proc", "/proc",
            *_dirs_to(work, (*hidden, "/dev"), back, made),
            "--bind", work, work,
            "--remount-ro", "/dev",
        ]  # fmt: skip
        for root in hidden:  # after the binds, which create their mount points in it
            prefix += ["--remount-ro", root]
        if ids is None:
            prefix += [
                "--unshare-all",
                "--cap-drop", "ALL",  # run by root, bwrap would otherwise keep every capability inside
            ]  # fmt: skip
        else:  # no user namespace: its root is the real root, for whom root-only files are open
            prefix += [
                "--unshare-ipc",
                "--unshare-pid",
                "--unshare-net",
                "--unshare-uts",
                "--unshare-cgroup-try",
            ]
            prefix += ["--cap-drop", "ALL"]
            for cap in _SETPRIV_CAPS:
                prefix += ["--cap-add", cap]
        prefix += [
            "--die-with-parent",
            "--setenv", "TMPDIR", f"{work}/tmp",
            "--chdir", work,
        ]  # fmt: skip
        return [*prefix, "--", *inner]


def _dirs_to(path: str, roots: Sequence[str], back: Sequence[str], made: set[str]) -> list[str]:
    """bwrap options making the dirs between a tmpfs root and `path`, which it mounts there:
    enterable by anyone (bwrap would copy their modes, and a 700 dir would shut nobody out)."""
    root = next((r for r in roots if path.startswith(f"{r}/")), None)
    if root is None:
        return []
    options: list[str] = []
    at = root
    for part in path[len(root) + 1 :].split("/")[:-1]:
        at = f"{at}/{part}"
        if at not in made and not any(at == b or at.startswith(f"{b}/") for b in back):
            made.add(at)
            options += ["--perms", "0711", "--dir", at]
    return options


@functools.cache
def _drop_to() -> tuple[int, int] | None:
    """The (uid, gid) the process runs as, when VeriAssist runs as root; else None."""
    if os.geteuid() != 0:
        return None
    # In a user namespace (a rootless container), nobody must be mapped to become it.
    for name in ("uid_map", "gid_map"):
        try:
            ranges = Path(f"/proc/self/{name}").read_text().split("\n")
        except OSError:
            continue
        mapped = (line.split() for line in ranges if line.strip())
        if not any(int(inside) <= NOBODY < int(inside) + int(count) for inside, _, count in mapped):
            return None
    return NOBODY, NOBODY


def _hand_over(workdir: Path, uid: int, gid: int) -> None:
    """Give the work dir, its dirs and the files VeriAssist wrote there to the process's user.

    Never through a symlink, nor a file with other links (its other names may be anywhere)."""
    if os.stat(workdir).st_uid != uid:
        os.chown(workdir, uid, gid)
    folders = [str(workdir)]
    while folders:
        with os.scandir(folders.pop()) as listing:
            for entry in listing:
                info = entry.stat(follow_symlinks=False)
                folder = stat.S_ISDIR(info.st_mode)
                if folder:
                    folders.append(entry.path)
                if info.st_uid != uid and (folder or (stat.S_ISREG(info.st_mode) and info.st_nlink == 1)):
                    os.chown(entry.path, uid, gid, follow_symlinks=False)


def _blocked(paths: Sequence[str], uid: int, gid: int) -> list[str]:
    """For each path, the outermost dir on its way that the user cannot enter (if any)."""
    found = []
    for path in paths:
        real = os.path.realpath(path)
        at = ""
        for part in real.split("/")[1:-1]:
            at = f"{at}/{part}"
            try:
                info = os.stat(at)
            except OSError:
                break
            bits = 0o100 if info.st_uid == uid else 0o010 if info.st_gid == gid else 0o001
            if not info.st_mode & bits:
                found.append(at)
                break
    return found


def _covers(dirs: Sequence[str]) -> tuple[str, ...]:
    """The dirs, less those inside another (covered with it), in a stable order."""
    unique = sorted(set(dirs), key=lambda d: (len(d), d))
    kept: list[str] = []
    for d in unique:
        if not any(d == k or d.startswith(f"{k}/") for k in kept):
            kept.append(d)
    return tuple(kept)


@functools.cache
def _readable_covers(python: bool) -> tuple[str, ...]:
    """What nobody cannot enter on the way to the system dirs (and this Python and our package)."""
    ids = _drop_to()
    return () if ids is None else _covers(_blocked(_readable_dirs(python), *ids))


@functools.cache  # asked before every simulation; the answer changes only with $HOME
def _hidden_roots(home: str) -> tuple[str, ...]:
    """Home directories and temp dirs: what bubblewrap covers with an empty tmpfs."""
    roots = ["/home", "/root", "/tmp", "/var/tmp", "/run/user", home]
    found = [r for r in dict.fromkeys(os.path.realpath(r) for r in roots) if r != "/" and os.path.isdir(r)]
    # A root inside another is covered already (and mounting over it twice costs a mount).
    return tuple(r for r in found if not any(r.startswith(f"{other}/") for other in found))


@functools.cache
def _readable_dirs(python: bool = True) -> tuple[str, ...]:
    """System dirs, where the tools live, and (`python`) this Python (cocotb runs in it) and our package."""
    dirs = list(_SYSTEM_DIRS)
    if python:
        dirs += [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
        dirs += [sysconfig.get_path(name) for name in ("purelib", "platlib", "stdlib", "platstdlib")]
        if site.ENABLE_USER_SITE:  # `pip install --user` puts cocotb and the rest under ~/.local
            dirs.append(site.getusersitepackages())
        dirs.append(str(Path(__file__).resolve().parent.parent))  # the veriassist package
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
    digest = hashlib.sha256(source + platform.machine().encode() + _BUILT_WITH).hexdigest()[:16]
    binary = cache / f"landlock_exec-{digest}"
    if not binary.is_file() and not _build(source, binary):
        return None
    probe_argv = [str(binary), "--ro", "/"]
    ids = _drop_to()
    if ids is not None:  # leaving root (and covering a dir, in a mount namespace) must work too
        probe_argv += ["--uid", str(ids[0]), "--gid", str(ids[1]), "--cover", str(cache)]
    try:
        probe = subprocess.run([*probe_argv, "--", "/bin/true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):  # e.g. a cache dir on a noexec mount
        return None
    return str(binary) if probe.returncode == 0 else None  # e.g. a kernel older than Landlock ABI 6


_BUILT_WITH = b"-O2 -static, else -O2"  # part of the cached binary's name: a new recipe builds anew


def _build(source: bytes, binary: Path) -> bool:
    compiler = which("cc") or which("gcc")
    if compiler is None:
        return False
    try:
        binary.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=binary.parent) as scratch:
            (Path(scratch) / "landlock_exec.c").write_bytes(source)
            built = Path(scratch) / "landlock_exec"
            source_path = str(Path(scratch) / "landlock_exec.c")
            # Static when the C library allows: no dynamic loader to run at each of its starts
            # (~0.2 ms a check on a busy VM).
            for linking in (["-static"], []):
                compiled = subprocess.run(
                    [compiler, "-O2", *linking, "-o", str(built), source_path],
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
                if compiled.returncode == 0:
                    break
            else:
                return False
            os.replace(built, binary)  # atomic: parallel workers may build at once
    except (OSError, subprocess.TimeoutExpired):
        return False
    return True
