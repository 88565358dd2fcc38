"""The one subprocess runner: timeouts kill the whole group, output is capped, the sandbox holds."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from veriassist.toolchain import runner, sandbox
from veriassist.toolchain.runner import Limits, ToolMissing


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    script = "sleep 60 & echo $! > child.pid; wait"
    result = runner.run(["sh", "-c", script], tmp_path, limits=Limits(wall_s=0.5))
    assert result.timed_out
    assert result.duration_s < 5
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 3
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_cpu_time_tells_a_busy_run_from_one_that_waited(tmp_path: Path) -> None:
    # What the simulators' timeout retry rests on: a run stalled by other load used little CPU.
    waited = runner.run(["/bin/sh", "-c", "sleep 5"], tmp_path, limits=Limits(wall_s=0.5))
    busy = runner.run(["/bin/sh", "-c", "while :; do :; done"], tmp_path, limits=Limits(wall_s=0.5))
    assert waited.timed_out and busy.timed_out
    assert waited.cpu_s is not None and waited.cpu_s < 0.1
    assert busy.cpu_s is not None and busy.cpu_s > waited.cpu_s
    finished = runner.run(["/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"], tmp_path)
    assert not finished.timed_out and finished.cpu_s is not None and finished.cpu_s > 0


def test_phase_marker_starts_a_shorter_clock_even_when_split_across_reads(tmp_path: Path) -> None:
    # The marker arrives in two writes; after it, only phase.wall_s remains of the 30 s budget.
    script = "printf 'compile done MARK'; sleep 0.2; printf 'ER=0\\n'; sleep 60"
    phase = runner.Phase(b"MARKER=", wall_s=0.5)
    result = runner.run(["/bin/sh", "-c", script], tmp_path, limits=Limits(wall_s=30), phase=phase)
    assert result.timed_out
    assert result.duration_s < 5
    assert "MARKER=0" in result.stdout


def test_without_its_marker_a_phase_never_starts(tmp_path: Path) -> None:
    script = "echo no marker here; sleep 1; echo finished"
    phase = runner.Phase(b"MARKER=", wall_s=0.2)
    result = runner.run(["/bin/sh", "-c", script], tmp_path, limits=Limits(wall_s=10), phase=phase)
    assert not result.timed_out
    assert result.stdout.split() == ["no", "marker", "here", "finished"]


def test_a_process_that_closes_its_pipes_but_keeps_running_still_times_out(tmp_path: Path) -> None:
    result = runner.run(["/bin/sh", "-c", "exec >&- 2>&-; sleep 60"], tmp_path, limits=Limits(wall_s=0.5))
    assert result.timed_out
    assert result.duration_s < 5


def test_output_is_capped_keeping_head_and_tail(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('HEAD' + 'x' * 50_000_000 + 'TAIL')"
    result = runner.run([sys.executable, "-c", code], tmp_path, limits=Limits(output_bytes=64 << 10))
    assert result.returncode == 0
    assert result.stdout.startswith("HEAD") and result.stdout.endswith("TAIL")
    assert len(result.stdout) < 70_000
    assert result.dropped_bytes > 49_000_000


def test_file_size_limit_stops_a_runaway_writer(tmp_path: Path) -> None:
    code = "f = open('big', 'wb')\nfor _ in range(100): f.write(b'0' * (1 << 20))"
    result = runner.run([sys.executable, "-c", code], tmp_path, limits=Limits(file_bytes=4 << 20))
    assert result.returncode != 0
    assert (tmp_path / "big").stat().st_size <= 4 << 20


def test_missing_tool_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolMissing, match="apt-get install iverilog"):
        runner.require_tool("vvp")


def test_secrets_in_the_environment_do_not_reach_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-for-test")
    result = runner.run([sys.executable, "-c", "import os; print(sorted(os.environ))"], tmp_path)
    assert "OPENAI_API_KEY" not in result.stdout


def test_without_pidfd_the_runner_still_waits_and_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_pidfd", lambda pid: None)
    done = runner.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"], tmp_path, limits=Limits(wall_s=5))
    assert (done.returncode, done.stdout, done.stderr, done.timed_out) == (3, "out\n", "err\n", False)
    hung = runner.run(["/bin/sh", "-c", "exec >&- 2>&-; sleep 60"], tmp_path, limits=Limits(wall_s=0.5))
    assert hung.timed_out and hung.duration_s < 5


def test_outputs_are_read_only_from_regular_files_in_the_work_dir(tmp_path: Path) -> None:
    """Trusted code reading what a run left behind must not follow links out, or block on a FIFO."""
    (tmp_path / "real.xml").write_text("<ok/>")
    with runner.open_output(tmp_path / "real.xml") as handle:
        assert handle.read() == b"<ok/>"
    secret = tmp_path / "secret.txt"
    secret.write_text("sk-secret")
    (tmp_path / "link.xml").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo.xml")  # opening it for reading would block until a writer came
    (tmp_path / "dev.xml").symlink_to("/dev/zero")
    for name in ("link.xml", "fifo.xml", "dev.xml"):
        with pytest.raises(OSError):
            runner.open_output(tmp_path / name)
    with pytest.raises(OSError):
        runner.open_output(tmp_path / "real.xml", max_bytes=3)


def test_a_run_that_fills_its_work_dir_is_stopped(tmp_path: Path) -> None:
    """Each file is bounded by RLIMIT_FSIZE, their number is not: the work dir as a whole is watched."""
    code = (
        "import time\n"
        "for i in range(12):\n"
        "    open(f'f{i}', 'wb').write(b'x' * (1 << 20)); time.sleep(0.15)\n"
        "print('wrote all')"
    )
    small = runner.run([sys.executable, "-c", code], tmp_path, limits=Limits(wall_s=20, disk_bytes=3 << 20))
    assert "wrote all" not in small.stdout and not small.timed_out
    assert "wrote more than 3 MiB" in small.stderr
    assert len(list(tmp_path.glob("f*"))) < 12
    roomy = tmp_path / "roomy"
    roomy.mkdir()
    fine = runner.run([sys.executable, "-c", code], roomy, limits=Limits(wall_s=20, disk_bytes=64 << 20))
    assert "wrote all" in fine.stdout and "wrote more" not in fine.stderr


def test_work_dirs_go_to_a_roomy_tmpfs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERIASSIST_WORK_ROOT", raising=False)
    monkeypatch.setattr(runner, "_ROOMY_SHM_BYTES", 1 << 60)  # more than any /dev/shm has
    assert runner.work_root() is None  # the system temp dir, then
    monkeypatch.setattr(runner, "_ROOMY_SHM_BYTES", 0)
    assert runner.work_root() == ("/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    monkeypatch.setenv("VERIASSIST_WORK_ROOT", "/somewhere/else")
    assert runner.work_root() == "/somewhere/else"


def test_the_runner_needs_nothing_of_the_sandbox() -> None:
    """sandbox imports runner, never the other way (not even for type checking, which made a
    cycle that a function-level import hid); and both import at the top of the module only."""
    for module, forbidden in ((runner, "sandbox"), (sandbox, None)):
        tree = ast.parse(Path(module.__file__ or "").read_text())
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert id(node) in top, f"{module.__name__}:{node.lineno} imports inside a block"
                assert not forbidden or not any(forbidden in name for name in names), names
    code = "import sys, veriassist.toolchain.runner; print(sorted(m for m in sys.modules if 'sandbox' in m))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


class _Tagging:
    """Any object with `wrap` is a sandbox to the runner (runner.Wrapper)."""

    def __init__(self) -> None:
        self.asked: list[tuple[Path, Limits, tuple[Path, ...]]] = []

    def wrap(
        self,
        argv: list[str],
        workdir: Path,
        limits: Limits,
        readable: Sequence[Path] = (),
        then: runner.Then | None = None,
    ) -> list[str]:
        self.asked.append((workdir, limits, tuple(readable)))
        return [
            "/usr/bin/env",
            "WRAPPED=yes",
            *runner.limits_shell(then.script(argv) if then else argv, limits),
        ]


def test_run_takes_any_wrapper_and_makes_the_tmp_dir_before_asking_it(tmp_path: Path) -> None:
    tagging = _Tagging()
    limits = Limits(cpu_s=9)
    done = runner.run(
        ["/bin/sh", "-c", "echo $WRAPPED; ulimit -t"],
        tmp_path,
        limits=limits,
        sandbox=tagging,
        readable=[Path("/opt")],
    )
    assert done.stdout.split() == ["yes", "9"]
    assert tagging.asked == [(tmp_path, limits, (Path("/opt"),))]
    assert (tmp_path / "tmp").is_dir()


def test_stdout_can_be_reopened_by_another_user(tmp_path: Path) -> None:
    """The pipes are the runner's own, writable by the user a sandbox runs the process as
    (`echo > /dev/stdout` reopens the pipe through /proc, checked against its mode); never readable."""
    done = runner.run(["/bin/sh", "-c", "echo out > /dev/stdout; echo err > /dev/stderr"], tmp_path)
    assert (done.stdout, done.stderr) == ("out\n", "err\n")
    if os.geteuid() == 0 and runner.which("setpriv"):
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        script = "echo out > /dev/stdout; echo err > /dev/stderr; cat /proc/self/fd/1 2>/dev/null || echo unreadable"
        done = runner.run([*nobody, "/bin/sh", "-c", script], tmp_path)
        assert (done.stdout, done.stderr) == ("out\nunreadable\n", "err\n")
