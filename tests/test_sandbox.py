"""The sandbox's walls, checked against each backend this machine has (Landlock + seccomp, bubblewrap).

Every wall test has a control: the same code, run without the sandbox, does get through.
"""

from __future__ import annotations

import os
import signal
import site
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from support import landlock_abi

from veriassist.toolchain import runner, sandbox
from veriassist.toolchain.runner import Limits
from veriassist.toolchain.sandbox import Sandbox


def _python(code: str, work: Path, box: Sandbox | None) -> runner.ProcessResult:
    return runner.run([sys.executable, "-c", code], work, sandbox=box, limits=Limits(wall_s=20))


# Run as root, the process runs as nobody; run by anyone else, it is no one special already.
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox leaves root only when run as root")

_TRY_READ = (
    "import os, sys\n"
    "print('uid', os.getuid(), os.getgid(), os.getgroups())\n"
    "for path in sys.argv[1:]:\n"
    "    try:\n        open(path, 'rb').read(1); print('read', path)\n"
    "    except OSError as e:\n        print('denied', path, e.errno)"
)


def test_writes_land_in_the_work_dir_and_nowhere_else(tmp_path: Path, sandbox_backend: str) -> None:
    outside = tmp_path / "outside.txt"
    work = tmp_path / "work"
    work.mkdir()
    code = (
        "open('inside.txt', 'w').write('ok')\n"
        f"try:\n    open({str(outside)!r}, 'w').write('escaped')\nexcept OSError as e:\n    print('blocked', e.errno)"
    )
    result = _python(code, work, Sandbox(True))
    assert Sandbox(True).backend == sandbox_backend
    assert (work / "inside.txt").read_text() == "ok"
    assert "blocked" in result.stdout
    assert not outside.exists()
    _python(code, work, None)
    assert outside.read_text() == "escaped"  # the control: unsandboxed, the write lands


def test_the_users_secrets_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox_backend: str
) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("PRIVATE KEY")
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    code = f"try:\n    print(open({str(home / '.ssh' / 'id_ed25519')!r}).read())\nexcept OSError:\n    print('hidden')"
    assert _python(code, work, Sandbox(True)).stdout.strip() == "hidden"
    assert _python(code, work, None).stdout.strip() == "PRIVATE KEY"


def test_other_runs_and_temp_files_cannot_be_read(tmp_path: Path, sandbox_backend: str) -> None:
    other = tmp_path / "other-run"
    other.mkdir()
    (other / "tb.sv").write_text("// another run's testbench, with its nonce")
    work = tmp_path / "work"
    work.mkdir()
    code = f"try:\n    print(open({str(other / 'tb.sv')!r}).read())\nexcept OSError:\n    print('hidden')"
    assert _python(code, work, Sandbox(True)).stdout.strip() == "hidden"
    assert "another run" in _python(code, work, None).stdout


def test_other_processes_cannot_be_looked_at_in_proc(tmp_path: Path, sandbox_backend: str) -> None:
    """Command lines can hold secrets; under Landlock, /proc shows only the process's own entry."""
    secret = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "--token=sk-SECRET"])
    try:
        script = f"cat /proc/{secret.pid}/cmdline 2>/dev/null | tr '\\0' ' '; echo; ls /proc 2>/dev/null | grep -c '^[0-9]'"
        boxed = runner.run(["/bin/sh", "-c", script], tmp_path, sandbox=Sandbox(True)).stdout.splitlines()
        control = runner.run(["/bin/sh", "-c", script], tmp_path).stdout.splitlines()
    finally:
        secret.kill()
        secret.wait()
    assert "sk-SECRET" in control[0] and int(control[1]) > 20
    assert "sk-SECRET" not in boxed[0]
    assert int(boxed[1]) <= 8  # bwrap: only the sandbox's own few processes; Landlock: none listed


def test_dev_offers_the_usual_nodes_and_nothing_of_the_hosts(tmp_path: Path, sandbox_backend: str) -> None:
    script = (
        "echo to-stdout > /dev/stdout; echo to-null > /dev/null; head -c 4 /dev/urandom | wc -c; "
        "echo listed: $(ls /dev 2>/dev/null | sort); ls /dev/shm >/dev/null 2>&1 || echo no-shm"
    )
    result = runner.run(["/bin/sh", "-c", script], tmp_path, sandbox=Sandbox(True))
    lines = result.stdout.splitlines()
    assert lines[:2] == ["to-stdout", "4"]
    if sandbox_backend == "bwrap":  # a fresh /dev
        assert lines[2].split() == [
            "listed:",
            "fd",
            "null",
            "random",
            "stderr",
            "stdin",
            "stdout",
            "urandom",
            "zero",
        ]
    else:  # the host's /dev, but nothing in it can be listed or opened except the usual nodes
        assert lines[2].split() == ["listed:"]
    assert lines[-1] == "no-shm"  # other runs' work dirs live in /dev/shm


def test_no_network_tcp_or_udp(tmp_path: Path, sandbox_backend: str) -> None:
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    code = (
        "import socket\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {tcp.getsockname()[1]}), timeout=2); print('tcp')\n"
        "except OSError as e:\n    print('no tcp', e.errno)\n"
        "try:\n    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        f"    s.sendto(b'leak', ('127.0.0.1', {udp.getsockname()[1]})); print('udp sent')\n"
        "except OSError as e:\n    print('no udp', e.errno)"
    )
    try:
        boxed = _python(code, tmp_path, Sandbox(True))
        time.sleep(0.1)
        with pytest.raises(BlockingIOError):
            udp.recv(16)  # nothing arrived from inside
        control = _python(code, tmp_path, None)
        time.sleep(0.1)
        assert udp.recv(16) == b"leak"
    finally:
        tcp.close()
        udp.close()
    assert "no tcp" in boxed.stdout
    assert "tcp" in control.stdout.split() and "udp sent" in control.stdout


def test_processes_outside_cannot_be_signalled(tmp_path: Path, sandbox_backend: str) -> None:
    victim = subprocess.Popen(["sleep", "30"])
    try:
        code = f"import os, signal\ntry:\n    os.kill({victim.pid}, signal.SIGKILL); print('killed')\nexcept OSError:\n    print('refused')"
        assert _python(code, tmp_path, Sandbox(True)).stdout.strip() == "refused"
        assert victim.poll() is None
        assert _python(code, tmp_path, None).stdout.strip() == "killed"
        assert victim.wait(timeout=5) == -signal.SIGKILL
    finally:
        victim.kill()
        victim.wait()


def test_nothing_outlives_the_run(tmp_path: Path, sandbox_backend: str) -> None:
    """A background process, even one that tries to leave the process group, dies with the run."""
    beat = "while :; do echo . >> beat; sleep 0.02; done"
    script = f"setsid sh -c '{beat}' >/dev/null 2>&1 & sh -c '{beat}' >/dev/null 2>&1 & sleep 0.2; exit 0"
    result = runner.run(["/bin/sh", "-c", script], tmp_path, sandbox=Sandbox(True), limits=Limits(wall_s=10))
    assert not result.timed_out and (tmp_path / "beat").stat().st_size > 0
    time.sleep(0.1)
    size = (tmp_path / "beat").stat().st_size
    time.sleep(0.3)
    assert (tmp_path / "beat").stat().st_size == size  # no heartbeat after the run


def test_the_limits_apply_inside(tmp_path: Path, sandbox_backend: str) -> None:
    limits = Limits(cpu_s=7, file_bytes=512 * 1000, memory_bytes=3 << 30)
    result = runner.run(
        ["/bin/sh", "-c", "ulimit -t; ulimit -f; ulimit -v; ulimit -c"],
        tmp_path,
        sandbox=Sandbox(True),
        limits=limits,
    )
    assert result.stdout.split() == ["7", "1000", str((3 << 30) // 1024), "0"]


def test_without_landlock_it_falls_back_to_bubblewrap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No C compiler to build the launcher: bubblewrap holds the run instead."""
    bwrap = runner.which("bwrap")
    if bwrap is None:
        pytest.fail("bubblewrap is part of the test set-up (tools/setup.sh installs it)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bwrap", "setpriv", "sh"):
        (bin_dir / tool).symlink_to(runner.which(tool) or "/bin/sh")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("VERIASSIST_SANDBOX", raising=False)
    box = Sandbox(True)
    assert (box.backend, sandbox.landlock_exec()) == ("bwrap", None)
    monkeypatch.setattr(Sandbox, "_warned", False)
    with pytest.warns(RuntimeWarning, match="Landlock"):
        assert not Sandbox(True, backend="landlock").active


def test_a_launcher_that_cannot_run_means_bubblewrap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache dir on a noexec mount, say: the launcher is there but cannot start."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("VERIASSIST_SANDBOX", raising=False)
    assert sandbox.landlock_exec() is not None or landlock_abi() < 6  # built here
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache) + "/")  # a new cache key, the same files
    for built in (cache / "veriassist").glob("landlock_exec-*"):
        built.chmod(0o600)  # not executable: exec fails with EACCES
    assert sandbox.landlock_exec() is None
    assert Sandbox(True).backend == ("bwrap" if runner.which("bwrap") else "none")


def test_the_launcher_explains_what_it_cannot_do(tmp_path: Path) -> None:
    """Built here from its source, so this runs on any kernel: one with Landlock ABI 6 parses
    the options; an older one is refused first, in words (and auto mode uses bubblewrap)."""
    launcher = tmp_path / "landlock_exec"
    assert sandbox._build(sandbox._LANDLOCK_SOURCE.read_bytes(), launcher)

    def ran(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(launcher), *args], capture_output=True, text=True, check=False)

    if landlock_abi() < 6:
        old = ran("--ro", "/", "--", "true")
        assert old.returncode == 125 and "ABI 6 is needed" in old.stderr
        assert sandbox.landlock_exec() is None
        return
    bad = ran("--bogus", "1", "--", "true")
    assert bad.returncode == 125 and "unknown option --bogus" in bad.stderr
    missing = ran("--ro", "/", "--", str(tmp_path / "nope"))
    assert missing.returncode == 125 and "cannot run" in missing.stderr
    for half in (("--uid", "65534"), ("--gid", "65534"), ("--cover", str(tmp_path))):  # a user needs both ids
        lone = ran("--ro", "/", *half, "--", "true")
        assert lone.returncode == 125 and "usage" in lone.stderr, half
    bad = ran("--uid", "nobody", "--gid", "65534", "--", "true")
    assert bad.returncode == 125 and "bad number nobody" in bad.stderr
    assert sandbox.landlock_exec() is not None


def test_a_missing_bubblewrap_warns_once_and_runs_unsandboxed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", "/usr/bin/does-not-exist")
    monkeypatch.setenv("VERIASSIST_SANDBOX", "bwrap")
    monkeypatch.setattr(Sandbox, "_warned", False)
    with pytest.warns(RuntimeWarning, match="bubblewrap"):
        box = Sandbox(True)
    assert not box.active
    assert box.wrap(["true"], tmp_path, Limits())[-2:] == ["veriassist-limits", "true"]


def test_an_unknown_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERIASSIST_SANDBOX", "docker")
    with pytest.raises(ValueError, match="landlock, bwrap or auto"):
        Sandbox(True)


def test_no_capabilities_inside_even_for_root(tmp_path: Path, sandbox_backend: str) -> None:
    # exec: under Landlock a process reads only its own /proc entry if it is the one launched.
    script = "exec grep -E '^Cap(Eff|Prm|Bnd|Amb)' /proc/self/status"
    caps = runner.run(["/bin/sh", "-c", script], tmp_path, sandbox=Sandbox(True)).stdout.split()
    assert caps[1::2] == ["0000000000000000"] * 4, caps
    # The control: this test machine runs as root, whose processes do have capabilities outside.
    outside = runner.run(["/bin/sh", "-c", script], tmp_path).stdout.split()
    assert os.geteuid() != 0 or outside[3] != "0000000000000000"


def test_files_it_may_read_it_cannot_chmod_or_touch(tmp_path: Path, sandbox_backend: str) -> None:
    """Landlock does not cover metadata: the owner of a readable file could chmod it."""
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = shared / "project.sv"
    victim.write_text("module keep; endmodule\n")
    victim.chmod(0o644)  # readable by anyone: run as root, the process is nobody
    before = victim.stat()
    work = tmp_path / "work"
    work.mkdir()
    script = f"cat {victim} >/dev/null && echo read; chmod 777 {victim}; touch -d 2001-01-01 {victim}; true"
    boxed = runner.run(["/bin/sh", "-c", script], work, sandbox=Sandbox(True), readable=[shared])
    assert "read" in boxed.stdout
    after = victim.stat()
    assert (after.st_mode, after.st_mtime) == (before.st_mode, before.st_mtime)
    runner.run(["/bin/sh", "-c", script], work)  # the control: unsandboxed, both land
    assert victim.stat().st_mode & 0o777 == 0o777


def test_what_runs_may_read_covers_a_user_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cocotb runs import from wherever VeriAssist's dependencies are: a venv, the system, or
    `pip install --user`; a tool under a home prefix gives its bin and lib dirs only."""
    monkeypatch.setattr(site, "ENABLE_USER_SITE", True)
    monkeypatch.setattr(site, "getusersitepackages", lambda: str(tmp_path / "user-site"))
    tool = tmp_path / "prefix" / "bin" / "vvp"
    tool.parent.mkdir(parents=True)
    tool.write_text("#!/bin/sh\n")  # a vvp built into a home prefix
    monkeypatch.setattr(sandbox, "which", lambda name: str(tool) if name == "vvp" else None)
    readable = sandbox._readable_dirs.__wrapped__()
    assert str(tmp_path / "user-site") in readable and sys.prefix in readable
    assert str(Path(sandbox.__file__).resolve().parent.parent) in readable  # the veriassist package
    prefix = tmp_path / "prefix"
    assert {str(prefix / "bin"), str(prefix / "lib")} <= set(readable) and str(prefix) not in readable


@as_root
def test_root_only_files_cannot_be_read_even_where_reading_is_allowed(
    tmp_path: Path, sandbox_backend: str
) -> None:
    """Run as root, the process is nobody with no groups: /etc/shadow and a key of mode 600 in a
    dir it may read stay shut, while the ordinary file beside the key is read."""
    shared = tmp_path / "shared"
    shared.mkdir()
    key, source = shared / "deploy-key.pem", shared / "top.sv"
    key.write_text("PRIVATE KEY")
    key.chmod(0o600)
    source.write_text("module top; endmodule\n")
    work = tmp_path / "work"
    work.mkdir()
    secrets = [str(key)] + (["/etc/shadow"] if os.path.exists("/etc/shadow") else [])
    argv = [sys.executable, "-c", _TRY_READ, *secrets, str(source)]
    boxed = runner.run(argv, work, sandbox=Sandbox(True), readable=[shared]).stdout.splitlines()
    assert boxed[0] == "uid 65534 65534 []", boxed
    assert boxed[1:] == [f"denied {path} 13" for path in secrets] + [f"read {source}"]
    control = runner.run(argv, work, readable=[shared]).stdout.splitlines()  # root, unsandboxed
    assert control[1:] == [f"read {path}" for path in (*secrets, source)]


@as_root
def test_the_work_dir_is_handed_to_the_process_but_no_file_linked_from_elsewhere(
    tmp_path: Path, sandbox_backend: str
) -> None:
    """Its dirs (made by VeriAssist, mode 700 here) are the process's to write; the files written
    for it are readable, even one copied from a mode-600 source; a hard link to a file outside
    keeps its owner (chown follows the inode, so handing the link over would give the outside file)."""
    work = tmp_path / "work"
    (work / "tb").mkdir(parents=True)
    (work / "tb").chmod(0o700)
    (work / "data.hex").write_text("00\n")
    (work / "data.hex").chmod(0o600)
    outside = tmp_path / "outside.txt"
    outside.write_text("root's own")
    outside.chmod(0o600)
    os.link(outside, work / "linked.txt")
    script = (
        "echo made > tb/out.txt && echo wrote; cat data.hex; cat linked.txt 2>/dev/null || echo not-linked"
    )
    boxed = runner.run(["/bin/sh", "-c", script], work, sandbox=Sandbox(True))
    assert boxed.stdout.split() == ["wrote", "00", "not-linked"], boxed.stderr
    assert (work / "tb" / "out.txt").stat().st_uid == 65534
    assert (outside.stat().st_uid, stat.S_IMODE(outside.stat().st_mode)) == (0, 0o600)


@pytest.mark.parametrize("leaves_root", [True, False], ids=["as-nobody", "keeping-its-uid"])
def test_nothing_can_be_written_in_dev_or_dev_shm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox_backend: str, leaves_root: bool
) -> None:
    """A private, writable /dev or /dev/shm holds memory that the work dir's budget never counts.
    Shut even for a process that keeps its uid (as one run by an ordinary user does, owning
    bubblewrap's /dev), not only by nobody's lack of rights."""
    if not leaves_root:
        monkeypatch.setattr(sandbox, "_drop_to", lambda: None)
    script = (
        "for f in /dev/veriassist-fill /dev/shm/veriassist-fill /dev/mqueue/veriassist-fill; do "
        "head -c 1000000 /dev/zero > $f 2>/dev/null && echo wrote $f; done; "
        "mkdir /dev/shm 2>/dev/null && echo made /dev/shm; mkdir /dev/x 2>/dev/null && echo made /dev/x; echo done"
    )
    try:
        boxed = runner.run(["/bin/sh", "-c", script], tmp_path, sandbox=Sandbox(True))
        assert boxed.stdout.split() == ["done"], boxed.stdout
    finally:  # had a write reached the host's own /dev
        for leftover in ("/dev/veriassist-fill", "/dev/shm/veriassist-fill"):
            Path(leftover).unlink(missing_ok=True)


@pytest.mark.skipif(not os.access("/dev/shm", os.W_OK), reason="no writable /dev/shm for work dirs")
def test_a_work_dir_in_dev_shm_is_writable_and_the_rest_of_dev_shm_is_not(sandbox_backend: str) -> None:
    """Work dirs live in /dev/shm when it is roomy (runner.work_root): beside other runs' dirs."""
    with (
        tempfile.TemporaryDirectory(prefix="veriassist-", dir="/dev/shm") as work,
        tempfile.TemporaryDirectory(prefix="veriassist-", dir="/dev/shm") as other,
    ):
        Path(other, "tb.sv").write_text("// another run's testbench")
        script = (
            f"echo ok > out.txt && echo wrote-work; cat {other}/tb.sv 2>/dev/null || echo hidden; "
            "echo x > /dev/shm/veriassist-fill 2>/dev/null && echo wrote-shm; ls /dev/shm 2>/dev/null | wc -l"
        )
        try:
            boxed = runner.run(["/bin/sh", "-c", script], Path(work), sandbox=Sandbox(True))
        finally:
            Path("/dev/shm/veriassist-fill").unlink(missing_ok=True)
        lines = boxed.stdout.split()
        assert lines[:2] == ["wrote-work", "hidden"], boxed.stdout
        assert int(lines[2]) <= 1  # at most the work dir's own mount point
        assert Path(work, "out.txt").read_text() == "ok\n"


@as_root
def test_host_device_nodes_cannot_be_chmodded(tmp_path: Path, sandbox_backend: str) -> None:
    """bubblewrap binds /dev/null and the like from the host: as their owner, root in a user
    namespace could chmod them (iverilog chmods its output: `-o /dev/null` would make it 755)."""
    nodes = ("/dev/null", "/dev/zero")
    before = {node: os.stat(node).st_mode for node in nodes}
    try:
        script = "chmod 0777 /dev/null /dev/zero 2>/dev/null; true"  # more open, not less, should it land
        runner.run(["/bin/sh", "-c", script], tmp_path, sandbox=Sandbox(True))
        assert {node: os.stat(node).st_mode for node in nodes} == before
    finally:
        for node, mode in before.items():
            os.chmod(node, stat.S_IMODE(mode))


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandboxed", "no-sandbox"])
def test_a_second_program_runs_after_the_marker_only_when_the_first_succeeds(
    tmp_path: Path, sandbox_backend: str, sandboxed: bool
) -> None:
    """A compile and its simulation share one launch (runner.Then): the Landlock launcher
    sequences them itself, the other backends through a shell; all must agree."""
    box = Sandbox(sandboxed)
    second = runner.Then("MARK=", ["/bin/sh", "-c", "echo second; echo oops >&2; exit 3"])

    def run(first: str) -> runner.ProcessResult:
        return runner.run(
            ["/bin/sh", "-c", first], tmp_path, sandbox=box, limits=Limits(wall_s=20), then=second
        )

    ran = run("echo first; echo warn >&2")
    assert ran.stdout.split("\n") == [
        "first",
        "warn",
        "MARK=0",
        "second",
        "oops",
        "",
    ]  # stderr in stdout, in order
    assert ran.returncode == 3
    failed = run("echo broken >&2; exit 4")
    assert failed.stdout == "broken\nMARK=4\n" and failed.returncode == 4  # the second never ran
    killed = run("kill -9 $$")
    assert killed.stdout.endswith("MARK=137\n")  # as a shell reports a signal: 128 + 9


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandboxed", "no-sandbox"])
def test_a_piped_first_program_feeds_its_reader_and_the_status_is_the_readers(
    tmp_path: Path, sandbox_backend: str, sandboxed: bool
) -> None:
    """iverilog's preprocessor and compiler run as `ivlpp | ivl` with no shell of the driver's
    (runner.Then.piped): the writer's output is the reader's input, both stderrs reach
    stdout, and the status is the reader's, as a shell pipeline's."""
    box = Sandbox(sandboxed)
    second = runner.Then("MARK=", ["/bin/echo", "second"], piped=3)

    def run(writer: str, reader: str) -> runner.ProcessResult:
        first = ["/bin/sh", "-c", writer, "/bin/sh", "-c", reader]
        return runner.run(first, tmp_path, sandbox=box, limits=Limits(wall_s=20), then=second)

    ran = run("echo source; echo note >&2", "tr a-z A-Z")
    assert sorted(ran.stdout.split("\n")[:2]) == ["SOURCE", "note"]  # the two run at once
    assert ran.stdout.split("\n")[2:] == ["MARK=0", "second", ""] and ran.returncode == 0
    writer_failed = run("echo half; exit 2", "cat; echo read >&2")
    assert writer_failed.stdout == "half\nread\nMARK=0\nsecond\n"  # a pipeline's status is its reader's
    reader_failed = run("echo source", "cat >/dev/null; exit 5")
    assert reader_failed.stdout == "MARK=5\n" and reader_failed.returncode == 5
    killed = run("echo source", "kill -9 $$")
    assert killed.stdout.endswith("MARK=137\n")


def test_the_launcher_is_built_static_when_it_can_be_and_dynamic_when_it_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Static saves the dynamic loader at each of its starts; a C library without a static
    archive (libc.a) must still give a launcher."""
    source = sandbox._LANDLOCK_SOURCE.read_bytes()
    real = subprocess.run
    linked: list[bool] = []

    def no_static_libc(argv: list[str], *args: object, **kwargs: object) -> object:
        if "-static" in argv:
            linked.append(True)
            return subprocess.CompletedProcess(argv, 1, b"", b"cannot find -lc")
        linked.append(False)
        return real(argv, *args, **kwargs)  # type: ignore[call-overload]

    assert sandbox._build(source, tmp_path / "static")
    described = real(["file", str(tmp_path / "static")], capture_output=True, text=True).stdout
    assert "statically linked" in described or not runner.which("file")
    monkeypatch.setattr(subprocess, "run", no_static_libc)
    assert sandbox._build(source, tmp_path / "dynamic")
    assert linked == [True, False] and os.access(tmp_path / "dynamic", os.X_OK)


@pytest.mark.skipif(os.geteuid() != 0, reason="the cover is for a run as root")
def test_a_run_that_needs_no_python_reads_only_system_and_tool_dirs(tmp_path: Path) -> None:
    """iverilog and vvp need no Python: this Python and our package stay unreadable, and a
    Python under a dir nobody may enter (/root) needs no cover (nor the mount namespace)."""
    stdlib = Path(os.__file__)
    if stdlib.is_relative_to("/usr"):
        pytest.skip("this Python lives in a system dir, readable anyway")
    with_python = Sandbox(True, python=True)
    without = Sandbox(True, python=False)
    if without.backend != "landlock":
        pytest.skip("the launcher's options are what this reads")
    argv = without.wrap(["/bin/cat", str(stdlib)], tmp_path, Limits())
    assert sys.prefix not in argv and sys.base_prefix not in argv
    assert "/root" not in argv  # no cover for the way to a Python under /root
    assert runner.run(["/bin/cat", str(stdlib)], tmp_path, sandbox=without).returncode != 0
    assert runner.run(["/bin/cat", str(stdlib)], tmp_path, sandbox=with_python).returncode == 0
    compiled = runner.run(["iverilog", "-V"], tmp_path, sandbox=without)
    assert compiled.returncode == 0 and "Icarus Verilog" in compiled.stdout
