"""Attacks from an outside probe: each one must end in the safe behaviour, through the real simulator.

Every test is one way an untrusted (LLM-written) design, a model-written cocotb testbench,
or an editor/agent client could get a pass it did not earn, read what it must not, or take
the machine down. They drive the public surfaces in a subprocess (`veriassist check|bench|runs`,
the language server, the MCP server), as the attack would reach them. The attack files are
in tests/fixtures/attacks/, each saying on its first line what it tries; the honest
testbenches they run against are in tests/fixtures/attacks/benches/.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
import pytest_lsp
from lsprotocol import types
from mcp import Client, StdioServerParameters
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.simulator

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
ATTACKS = FIXTURES / "attacks"
BENCHES = ATTACKS / "benches"
CHECK = FIXTURES / "check"
DESIGNS = FIXTURES / "suites" / "designs"  # and_gate, counter4
AND_GATE = DESIGNS / "and_gate"

COUNTER_TB = ("--tb", CHECK / "counter_test.sv", "--ref", CHECK / "counter_ref.sv")  # VerilogEval compare
AND_GATE_TB = ("--tb", AND_GATE / "testbench.sv", "--ref", AND_GATE / "reference.sv")  # designs/ compare
AND_GATE_COCOTB = ("--tb", BENCHES / "and_gate_cocotb.py")


@dataclass
class Ran:
    code: int | None  # None: still running when its time was up (and then killed)
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err

    def json(self) -> dict[str, Any]:
        assert self.code is not None, f"did not finish in time; stderr: {self.err[-2000:]}"
        try:
            data: dict[str, Any] = json.loads(self.out)
        except json.JSONDecodeError:
            pytest.fail(f"no JSON on stdout (exit {self.code}); stderr: {self.err[-2000:]}")
        return data


def veriassist(
    *args: str | Path, timeout: float = 60, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Ran:
    """`python -m veriassist ARGS` in its own process group, killed (with its group) after `timeout`."""
    started = time.monotonic()
    # This checkout's package, whatever the cwd (`-m` looks in the cwd first).
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    proc = subprocess.Popen(
        [sys.executable, "-m", "veriassist", *map(str, args)],
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": path, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this call started
        out, err = proc.communicate()
        code = None
    return Ran(code, out, err, time.monotonic() - started)


def check(candidate: Path, bench: Sequence[str | Path], *extra: str, **kw: Any) -> Ran:
    return veriassist("check", candidate, *bench, "--json", *extra, **kw)


def assert_not_passed(ran: Ran) -> dict[str, Any]:
    """A clean failing verdict: exit 1, JSON on stdout, passed false, no traceback."""
    data = ran.json()
    assert data["passed"] is False, data["summary"]
    assert ran.code == 1, ran.err[-2000:]
    assert "Traceback" not in ran.err
    return data


def reasons(data: dict[str, Any]) -> str:
    return " ".join([data["summary"], *data["rejections"], data["feedback"]])


# -- 1. code only Icarus compiles ---------------------------------------------------------


@pytest.mark.parametrize("attack", ["ifdef_icarus_force.sv", "ifndef_slang_stats.sv"])
def test_code_hidden_behind_an_icarus_only_ifdef_does_not_pass_a_wrong_design(attack: str) -> None:
    """Icarus defines __ICARUS__ and pyslang defines __slang__: a block only one of them sees
    must not carry a `force` or a write into the testbench past the static check."""
    assert_not_passed(check(ATTACKS / attack, COUNTER_TB))


# -- 2. instantiating the reference --------------------------------------------------------


@pytest.mark.parametrize(
    ("attack", "bench", "reference"),
    [
        ("instantiates_refmodule.sv", COUNTER_TB, "RefModule"),
        ("instantiates_and_gate_ref.sv", AND_GATE_TB, "and_gate_ref"),
    ],
)
def test_a_design_that_instantiates_the_reference_is_not_passed_and_is_told_which_module(
    attack: str, bench: Sequence[str | Path], reference: str
) -> None:
    data = assert_not_passed(check(ATTACKS / attack, bench))
    assert reference in " ".join([data["summary"], *data["rejections"]]), data["summary"]


# -- 3. cocotb's results.xml ---------------------------------------------------------------


def test_a_cocotb_verdict_cannot_come_from_a_results_file_the_design_wrote() -> None:
    """The design is an OR gate; it writes a passing results.xml from a final block, after cocotb's."""
    data = assert_not_passed(check(ATTACKS / "cocotb_results_forged.sv", AND_GATE_COCOTB))
    assert not any(t["passed"] for t in data["tests"]), data["tests"]


# -- 4. golden data ------------------------------------------------------------------------


def test_a_design_cannot_play_back_the_testbench_golden_data() -> None:
    """The candidate adds nothing: it reads expected_sums.hex (the testbench's support file)."""
    ran = check(ATTACKS / "golden_playback.v", ("--tb", BENCHES / "golden_adder" / "adder_tb.v"))
    assert_not_passed(ran)


# -- 5. a simulator that dies --------------------------------------------------------------


def test_a_run_whose_simulator_dies_is_never_a_pass() -> None:
    """The candidate reads the nonce from sim.vvp, prints a stamped `Mismatches: 0` from a final
    block that runs before the testbench's, then makes vvp abort (std::bad_alloc, SIGABRT)."""
    data = assert_not_passed(check(ATTACKS / "nonce_then_crash.sv", COUNTER_TB))
    assert data["verdict"] != "pass"


# What a design that crashes vvp achieves, stood in for by the testbench itself (counter_test.sv
# with one change): it prints its real, passing summary, then the simulator goes down.
_SUMMARY = '    $display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);\n'
ENDINGS = {
    "fatal": (_SUMMARY, _SUMMARY + '    $fatal(1, "the simulator goes down after the summary");\n'),
    # 16 GiB: std::bad_alloc, and vvp aborts (SIGABRT)
    "sigabrt": (
        _SUMMARY,
        _SUMMARY + "    $fflush;\n    huge = new[32'h7fff_ffff];\n",
    ),
}
_DECLARATIONS = ("  stats stats1;\n", "  stats stats1;\n  longint huge[];\n")


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_a_passing_summary_followed_by_an_abnormal_simulator_exit_is_not_a_pass(
    ending: str, tmp_path: Path
) -> None:
    """The step past the static check, on its own: an honest design, and a testbench that prints
    its real `Mismatches: 0` and then has vvp exit 1 ($fatal) or die by SIGABRT."""
    honest = (CHECK / "counter_test.sv").read_text()
    old, new = ENDINGS[ending]
    assert old in honest
    bench = tmp_path / f"counter_test_{ending}.sv"
    bench.write_text(honest.replace(old, new).replace(*_DECLARATIONS))
    assert_not_passed(check(CHECK / "counter_good.sv", ("--tb", bench, "--ref", CHECK / "counter_ref.sv")))


# -- 6. /etc/shadow ------------------------------------------------------------------------


def shadow_lines() -> list[str]:
    if os.geteuid() != 0:
        pytest.skip("only root can read /etc/shadow; the attack needs the test to run as root")
    try:
        text = Path("/etc/shadow").read_text()
    except OSError:
        pytest.skip("no readable /etc/shadow")
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("candidate", "bench"),
    [
        (AND_GATE / "reference.sv", ("--tb", ATTACKS / "shadow_cocotb_tb.py")),
        (ATTACKS / "shadow_icarus_read.sv", AND_GATE_TB),
    ],
    ids=["cocotb-testbench", "design-in-ifdef"],
)
def test_no_line_of_etc_shadow_reaches_the_check_output(
    sandbox_backend: str, candidate: Path, bench: Sequence[str | Path]
) -> None:
    lines = shadow_lines()
    as_json = check(candidate, bench)
    as_text = veriassist("check", candidate, *bench)
    for ran in (as_json, as_text):
        assert ran.code in (0, 1), ran.err[-2000:]
        leaked = [line for line in lines if line in ran.text]
        assert not leaked, f"{len(leaked)} line(s) of /etc/shadow in the output under {sandbox_backend}"


# -- 7. includes the parser follows before any sandbox -------------------------------------


@pytest.mark.parametrize("target", ["/etc/shadow", "fifo", "../fifo", "../x"])
def test_an_include_from_outside_the_design_is_refused_promptly_without_reading_it(
    tmp_path: Path, target: str
) -> None:
    """pyslang runs in the unsandboxed main process: an absolute or `..` include must not be read
    (a FIFO there would block the check for ever, past any --timeout)."""
    here = tmp_path / "candidate"
    here.mkdir()
    os.mkfifo(tmp_path / "fifo")
    secret = "veriassist_attack_secret_3f9a"
    (tmp_path / "x").write_text(f"wire {secret};\n")
    path = str(tmp_path / "fifo") if target == "fifo" else target
    candidate = here / "and_gate.sv"
    candidate.write_text((ATTACKS / "include_outside.sv").read_text().replace("@PATH@", path))
    ran = check(candidate, AND_GATE_TB, "--timeout", "5", timeout=20, cwd=here)
    assert ran.code is not None, "the check was still running 20 s later (it opened the FIFO)"
    data = assert_not_passed(ran)
    assert data["verdict"] == "rejected-by-static-check", data["summary"]
    assert "include" in data["summary"]
    assert secret not in ran.text
    if target == "/etc/shadow" and os.access("/etc/shadow", os.R_OK):
        assert not [
            line for line in Path("/etc/shadow").read_text().splitlines() if line and line in ran.text
        ]


# -- 8. the language server and directories outside the workspace -------------------------


SECRET_TOKEN = "sk_live_4f3c2a9b1e7d"


@pytest.fixture
def lsp_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """(the declared workspace root, a folder outside it holding a token and a file that includes it)."""
    workspace, outside = tmp_path / "workspace", tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    (outside / "api_token.txt").write_text(SECRET_TOKEN + "\n")
    return workspace, outside


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "veriassist", "lsp"]))
async def lsp(lsp_client: LanguageClient, lsp_dirs: tuple[Path, Path]) -> Any:
    workspace, _ = lsp_dirs
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
            initialization_options={"debounceMs": 0},
        )
    )
    yield
    await lsp_client.shutdown_session()


def _did_open(client: LanguageClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "systemverilog", 1, text))
    )
    return uri


@pytest.mark.asyncio
async def test_the_language_server_puts_no_file_from_outside_the_workspace_into_diagnostics(
    lsp: LanguageClient, lsp_dirs: tuple[Path, Path]
) -> None:
    workspace, outside = lsp_dirs
    evil = _did_open(lsp, outside / "evil.sv", (ATTACKS / "lsp_include_neighbour.sv").read_text())
    # A file inside the workspace, linted after the outside one: once its diagnostics are in,
    # the server has had its go at the outside file too.
    inside = _did_open(lsp, workspace / "inside.sv", "module inside(output w);\n  assign w = \nendmodule\n")
    try:
        async with asyncio.timeout(30):
            while inside not in lsp.diagnostics:
                await lsp.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async with asyncio.timeout(3):
            while evil not in lsp.diagnostics:
                await lsp.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    except TimeoutError:
        pass  # publishing nothing for a file outside the workspace is a safe answer too
    assert inside in lsp.diagnostics, "the server never linted a file inside its workspace"
    messages = [d.message for found in lsp.diagnostics.values() for d in found]
    assert not [m for m in messages if SECRET_TOKEN in m], messages


# -- 9. deep nesting -----------------------------------------------------------------------


def deep(kind: str) -> str:
    """A design nested deeper than pyslang's parser goes (it raises RuntimeError)."""
    head = f"// attack: {kind} nested too deep for the parser, to crash the check instead of failing one sample\n"
    if kind == "parentheses":
        n = 200_000
        body = "  assign out = " + "(" * n + "a & b" + ")" * n + ";\n"
    else:
        n = 5_000
        body = "  reg r;\n  always @* " + "begin " * n + "r = a & b; " + "end " * n + "\n  assign out = r;\n"
    return head + "module and_gate(input a, input b, output out);\n" + body + "endmodule\n"


@pytest.mark.parametrize("kind", ["parentheses", "begins"])
def test_a_design_nested_too_deep_is_a_clean_per_sample_rejection(tmp_path: Path, kind: str) -> None:
    candidate = tmp_path / "and_gate.sv"
    candidate.write_text(deep(kind))
    data = assert_not_passed(check(candidate, AND_GATE_TB))
    assert re.search(r"nest|deep|depth", reasons(data), re.IGNORECASE), data["summary"]


def test_one_sample_nested_too_deep_does_not_fail_the_whole_bench(tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    good = (AND_GATE / "reference.sv").read_text()
    samples.write_text(
        "".join(
            json.dumps({"task_id": "and_gate", "completion": c}) + "\n" for c in (deep("parentheses"), good)
        )
    )
    ran = veriassist("bench", DESIGNS, "--samples", samples, "--db", tmp_path / "deep.db", "--json")
    assert ran.code == 0, ran.err[-2000:]
    data = ran.json()
    verdicts = {(r["task_id"], r["sample"]): (r["passed"], r["verdict"]) for r in data["results"]}
    assert verdicts[("and_gate", 1)] == (True, "pass")
    assert verdicts[("and_gate", 0)][0] is False


# -- 10. MCP run_benchmark(jobs=...) -------------------------------------------------------

# Loaded by every Python process of the MCP server (via PYTHONPATH): records each process pool's
# requested size, and clamps it to the core count so that this test cannot fork dozens of workers.
_POOL_GUARD = """\
import concurrent.futures as _cf
import os as _os

_real_init = _cf.ProcessPoolExecutor.__init__


def _guarded_init(self, max_workers=None, *args, **kwargs):
    with open(_os.environ["VERIASSIST_TEST_POOL_LOG"], "a") as log:
        log.write(f"{max_workers}\\n")
    if max_workers is not None:
        max_workers = min(max_workers, _os.cpu_count() or 1)
    _real_init(self, max_workers, *args, **kwargs)


_cf.ProcessPoolExecutor.__init__ = _guarded_init
"""


@pytest.mark.asyncio
async def test_mcp_run_benchmark_caps_jobs_at_the_core_count_or_refuses(tmp_path: Path) -> None:
    cores = os.cpu_count() or 1
    jobs = max(64, 8 * cores)
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(_POOL_GUARD)
    pools = tmp_path / "pools.log"
    env = {"PYTHONPATH": str(guard), "VERIASSIST_TEST_POOL_LOG": str(pools)}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "veriassist", "mcp"], env=env, cwd=ROOT
    )
    async with Client(params) as client:
        with anyio.fail_after(120):
            result = await client.call_tool(
                "run_benchmark", {"suite_path": str(DESIGNS), "db": str(tmp_path / "j.db"), "jobs": jobs}
            )
    requested = [int(n) for n in pools.read_text().split() if n != "None"] if pools.exists() else []
    if result.is_error:
        text = " ".join(getattr(c, "text", "") for c in result.content)
        assert re.search(r"jobs|core|cpu", text, re.IGNORECASE), text
        assert "Traceback" not in text
    else:
        assert result.structured_content["samples"] == result.structured_content["passed"] == 2
    assert all(n <= cores for n in requested), (
        f"asked for a pool of {max(requested)} workers on {cores} cores"
    )


# -- 11. file system tasks missing from the refused list -----------------------------------


@pytest.mark.parametrize("task", ["$fopenw", "$fopena", "$fputc", "$readmemh", "$readmemb", "$sdf_annotate"])
def test_a_file_system_task_the_refused_list_lacked_is_rejected_by_the_static_check(task: str) -> None:
    ran = check(ATTACKS / f"refused_{task[1:]}.sv", COUNTER_TB)
    data = assert_not_passed(ran)
    assert data["verdict"] == "rejected-by-static-check", data["summary"]
    assert any(task in r for r in data["rejections"]), data["rejections"]


# -- 12. bubblewrap's private /dev ---------------------------------------------------------


def test_a_testbench_cannot_write_into_dev_or_dev_shm_outside_its_budget(sandbox_backend: str) -> None:
    """A cocotb testbench runs in the sandbox like the design: 50 MB into /dev/shm (memory that the
    work dir's 1 GiB budget does not count) and 1 MB into /dev must both be refused."""
    try:
        ran = check(AND_GATE / "reference.sv", ("--tb", ATTACKS / "dev_shm_fill_tb.py"))
        data = ran.json()
        messages = " ".join(t["message"] for t in data["tests"])
        assert ": wrote " not in ran.text, f"{sandbox_backend}: {messages}"
        assert "/dev/shm/veriassist-attack-fill: refused" in messages, (sandbox_backend, data["summary"])
        assert "/dev/veriassist-attack-fill: refused" in messages, (sandbox_backend, data["summary"])
    finally:
        for leftover in (Path("/dev/shm/veriassist-attack-fill"), Path("/dev/veriassist-attack-fill")):
            leftover.unlink(missing_ok=True)  # had a write reached the host's own /dev


# -- 13. SIGTERM to bench ------------------------------------------------------------------


def _processes_under(root: Path) -> list[int]:
    """Processes whose working directory is inside `root` (the runs' work dirs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue
            if cwd == str(root) or cwd.startswith(f"{root}/"):
                found.append(int(entry.name))
    return found


def test_sigterm_to_bench_marks_the_run_interrupted_and_leaves_nothing_behind(tmp_path: Path) -> None:
    hung = (  # from t=1, x toggles forever without time moving on
        "module and_gate (input a, input b, output out);\n  reg x;\n  initial #1 x = 1;\n"
        "  always @(x) x <= ~x;\n  assign out = a & b;\nendmodule\n"
    )
    samples = tmp_path / "hung.jsonl"
    samples.write_text(
        "".join(json.dumps({"task_id": "and_gate", "completion": hung}) + "\n" for _ in range(4))
    )
    work, db = tmp_path / "work", tmp_path / "term.db"
    work.mkdir()
    argv = [sys.executable, "-m", "veriassist", "bench", str(DESIGNS), "--samples", str(samples)]
    argv += ["--db", str(db), "--run", "termed", "-j", "2", "--timeout", "60", "--json"]
    env = {**os.environ, "VERIASSIST_WORK_ROOT": str(work)}
    run = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        first_seen: dict[str, float] = {}
        deadline = time.monotonic() + 30
        hung_seen = False  # a work dir still there half a second later: a hung simulation, not the count run
        while time.monotonic() < deadline and not hung_seen:
            now = time.monotonic()
            for d in work.iterdir():
                first_seen.setdefault(d.name, now)
            hung_seen = any(now - first_seen[d.name] > 0.5 for d in work.iterdir() if d.name in first_seen)
            time.sleep(0.05)
        assert hung_seen, "the hung simulation never started"
        run.send_signal(signal.SIGTERM)  # what `kill`, systemd and `docker stop` send: to the main process
        started = time.monotonic()
        _, err = run.communicate(timeout=30)
        assert time.monotonic() - started < 15, "the bench took its time to stop after SIGTERM"
        assert run.returncode != 0
        assert "Traceback" not in err
        with sqlite3.connect(db) as connection:
            (status,) = connection.execute("SELECT status FROM runs WHERE name = 'termed'").fetchone()
        assert status == "interrupted", err[-2000:]
        grace = time.monotonic() + 3
        while time.monotonic() < grace and (list(work.iterdir()) or _processes_under(work)):
            time.sleep(0.1)
        assert _processes_under(work) == [], "simulations outlived the bench"
        assert list(work.iterdir()) == [], "work dirs left behind"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        for pid in _processes_under(work):  # orphaned simulations of this test's own run
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# -- edge validation -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_a_usage_error(value: str) -> None:
    ran = veriassist("check", CHECK / "counter_good.sv", *COUNTER_TB, f"--timeout={value}", "--json")
    assert ran.code == 2, ran.text[-2000:]
    assert "timeout" in ran.err.lower()
    assert "Traceback" not in ran.err
    assert ran.out.strip() == ""  # no verdict was given


def test_runs_show_on_a_file_that_is_not_a_database_is_a_one_line_error(tmp_path: Path) -> None:
    notadb = tmp_path / "notadb.txt"
    notadb.write_text("these are my notes, not a SQLite database\n" * 20)
    ran = veriassist("runs", "show", "anything", "--db", notadb)
    assert ran.code == 2, ran.err[-2000:]
    assert "Traceback" not in ran.err
    assert len(ran.err.strip().splitlines()) == 1, ran.err
    assert "notadb.txt" in ran.err


def test_bench_on_the_filesystem_root_is_refused_quickly(tmp_path: Path) -> None:
    ran = veriassist("bench", "/", "--reference", "--db", tmp_path / "root.db", "--json", timeout=15)
    assert ran.code is not None, "`bench /` was still walking the file system 15 s later"
    assert ran.code == 2, ran.err[-2000:]
    assert "Traceback" not in ran.err


def test_bench_with_a_db_in_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "dir" / "runs.db"
    ran = veriassist("bench", DESIGNS, "--reference", "--db", db, "--json")
    assert ran.code == 2, ran.err[-2000:]
    assert "Traceback" not in ran.err
    assert str(db.parent) in ran.err or "runs.db" in ran.err


def test_check_json_names_the_sandbox_backend_it_ran_under(sandbox_backend: str) -> None:
    data = check(CHECK / "counter_good.sv", COUNTER_TB).json()
    assert data["passed"] is True
    named = {k: v for k, v in data.items() if "sandbox" in k and isinstance(v, str)}
    assert sandbox_backend in named.values(), f"no key naming the backend in {sorted(data)}"
