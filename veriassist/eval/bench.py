"""Score a suite: each problem's reference, samples made elsewhere, or an agent-loop model.

`plan` turns a request into jobs, `run_bench` runs them on an executor (local
processes or a Dask cluster) and records each result in the store as it finishes.
The CLI (`cli_bench.py`) is a thin shell over `run_bench`.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import functools
import hashlib
import importlib.util
import json
import os
import re
import subprocess
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from veriassist import __version__
from veriassist.agent.outcome import LoopOutcome, StrengthSettings
from veriassist.check.checker import CheckOptions, check
from veriassist.check.cvdp_harness import CvdpHarness
from veriassist.check.equivalence import FormalOptions, formal_check, yosys_installed
from veriassist.check.feedback import pack_evidence
from veriassist.check.reference_counts import (
    ReferenceCounts,
    counts_samples,
    measure,
    reference_key,
)
from veriassist.check.simulation import is_the_reference
from veriassist.eval.metrics import RunMetrics, compute
from veriassist.eval.store import RunInfo, RunStatus, Store, git_commit
from veriassist.extract import extract, fenced_blocks
from veriassist.suites import Suite, SuiteError, cvdp, load_suite
from veriassist.toolchain import ctrl_c, ivl_stages, runner
from veriassist.toolchain.sandbox import Sandbox
from veriassist.types import (
    Candidate,
    CheckResult,
    FailureKind,
    FeedbackMode,
    FormalStatus,
    FormalVerdict,
    JudgedBy,
    Problem,
    SampleRecord,
    SelfCheck,
    Severity,
    SourceFile,
    Strategy,
    Testbench,
    TestbenchStyle,
    feedback_shown,
)

if TYPE_CHECKING:
    from veriassist.models import ChatModel
    from veriassist.suites.audit import Finding

__all__ = [
    "BenchError",
    "BenchInterrupted",
    "BenchRequest",
    "BenchResult",
    "Job",
    "Mode",
    "candidate_from_text",
    "plan",
    "read_samples",
    "run_bench",
    "run_job",
    "summary_of",
]

Mode = Literal["reference", "samples", "model"]
ExecutorName = Literal["local", "dask"]
Progress = Callable[[int, int], None]  # (finished, total)

LOG_EXCERPT_CHARS = 4000
# Without a previous run's timing, a job's length is guessed from its testbench's size.
_BYTES_PER_SECOND = 200_000


class BenchError(Exception):
    """The request cannot run: a bad suite, samples that do not fit it, a bad option."""


class BenchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the run; it is recorded as interrupted and resumes under `run_name`."""

    def __init__(self, run_name: str) -> None:
        super().__init__(run_name)
        self.run_name = run_name


@dataclass(frozen=True)
class BenchRequest:
    """Everything `veriassist bench` was asked to do."""

    suite_path: Path
    mode: Mode = "reference"
    format: str | None = None
    task: str | None = None
    samples_path: Path | None = None  # mode "samples": a JSONL file or a directory
    model: str | None = None  # mode "model": a model spec
    base_url: str | None = None
    stand_in: bool = False  # the model is a test stand-in (a scripted server): records say so
    iterations: int = 5
    strategy: Strategy = Strategy.VERIASSIST
    feedback: FeedbackMode = FeedbackMode.OWN_TESTBENCH
    self_check: SelfCheck = SelfCheck.AUTO
    strength: StrengthSettings = field(default_factory=StrengthSettings)  # the own-testbench strength check
    samples_per_task: int = 1
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    db: Path = Path("veriassist.db")
    run_name: str | None = None
    timeout_s: float = 30.0
    sandbox: bool = True
    executor: ExecutorName = "local"
    scheduler: str | None = None
    limit: int | None = None  # only the first K problems
    only: tuple[str, ...] = ()  # only these task ids
    categories: tuple[str, ...] = ()  # CVDP: only these categories (cid003, ...)
    difficulties: tuple[str, ...] = ()  # CVDP: only these difficulties (easy, medium, hard)
    tiers: tuple[str, ...] = ()  # designs/: only these tiers (standard, hard)
    lint: bool = False  # lint the selected problems and record their flags on every sample
    exclude_flagged: Severity | None = None  # score only problems without findings this bad or worse
    # The formal verdict per sample against the reference: off, on, or auto (when Yosys is installed).
    # Never for the reference itself, nor where there is no reference.
    formal: str = "auto"

    @property
    def lints(self) -> bool:
        return self.lint or self.exclude_flagged is not None


@dataclass(frozen=True)
class Job:
    """One sample to check; everything a worker process needs, and nothing it must import."""

    task_id: str
    sample: int
    candidate: Candidate | None  # None: the sample held no code
    testbench: Testbench
    options: CheckOptions
    estimate_s: float = 0.0
    # The reference's sample count, measured once per problem for the whole run (not once per
    # worker process) and handed to every sample's check.
    reference_counted: bool = False
    reference_samples: int | None = None
    formal: FormalOptions | None = None  # None: no formal verdict for this sample


@dataclass(frozen=True)
class BenchResult:
    run: RunInfo
    records: tuple[SampleRecord, ...]  # every sample of the run, resumed ones included
    metrics: RunMetrics
    skipped: int  # samples a previous attempt of this run had already recorded
    notes: tuple[str, ...] = ()  # problems left out and why
    # Lint findings per linted problem (empty: clean); empty when the run was not linted.
    lint: dict[str, tuple[Finding, ...]] = field(default_factory=dict, hash=False, compare=False)
    excluded: tuple[str, ...] = ()  # problems --exclude-flagged left out, in suite order


# -- samples from elsewhere ----------------------------------------------------------


def read_samples(path: Path) -> dict[str, list[str]]:
    """Completions per task id, in sample order, from a JSONL file or a directory.

    A JSONL line is `{"task_id": ..., "completion": ...}`; the i-th line of a task is its
    sample i, unless the task's lines number their samples (`"sample": N`, from 0). A CVDP
    answers file (`{"<id>": {"output": {path: text}}}` per line) is read by suites.cvdp. A
    directory holds `<task_id>.sv` (sample 0) or `<task_id>/sample<N>.sv`.

    Raises:
        BenchError: unreadable file, a bad line, a sample given twice, or a directory with no samples.
    """
    if path.is_dir():
        return _samples_from_dir(path)
    try:
        answers = cvdp.read_answers(path)  # CVDP's own layout: {"<id>": {"output": {path: text}}}
    except SuiteError as error:
        raise BenchError(str(error)) from None
    if answers is not None:
        return answers
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        raise BenchError(f"{path}: cannot read samples ({error.strerror})") from None
    found: dict[str, list[str]] = {}
    numbered: dict[str, dict[int, tuple[int, str]]] = {}  # task -> sample -> (line, completion)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise BenchError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict) or not all(
            isinstance(record.get(key), str) for key in ("task_id", "completion")
        ):
            raise BenchError(f"{path}:{number}: expected an object with text fields task_id and completion")
        task, index = record["task_id"], record.get("sample")
        if task in (numbered if index is None else found):
            raise BenchError(f"{path}:{number}: task {task!r} numbers some of its samples and not others")
        if index is None:
            found.setdefault(task, []).append(record["completion"])
            continue
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise BenchError(f"{path}:{number}: 'sample' must be a whole number from 0, not {index!r}")
        earlier = numbered.setdefault(task, {}).get(index)
        if earlier is not None:  # two completions for one sample: which one would be scored?
            raise BenchError(f"{path}:{number}: task {task!r} sample {index} is already on line {earlier[0]}")
        numbered[task][index] = (number, record["completion"])
    for task, by_index in numbered.items():
        if sorted(by_index) != list(range(len(by_index))):
            raise BenchError(f"{path}: task {task!r} numbers its samples with gaps ({sorted(by_index)})")
        found[task] = [by_index[i][1] for i in range(len(by_index))]
    if not found:
        raise BenchError(f"{path}: holds no samples")
    return found


_SAMPLE_FILE = re.compile(r"sample(\d+)\.s?v$")


def _samples_from_dir(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    source: dict[str, Path] = {}  # task -> where its samples came from: a task given twice is an error
    for entry in sorted(path.iterdir()):
        if entry.is_file() and entry.suffix in (".sv", ".v"):
            task, texts = entry.stem, [entry.read_text(errors="replace")]
        elif entry.is_dir():
            numbered: dict[int, Path] = {}
            for f in sorted(entry.iterdir()):
                if not (m := _SAMPLE_FILE.fullmatch(f.name)):
                    continue
                if (other := numbered.setdefault(int(m.group(1)), f)) is not f:
                    raise BenchError(
                        f"{entry}: sample {int(m.group(1))} of task {entry.name!r} twice: {other.name}, {f.name}"
                    )
            if not numbered:
                continue
            if sorted(numbered) != list(range(len(numbered))):
                raise BenchError(f"{entry}: sample files must be numbered sample0, sample1, ... without gaps")
            task, texts = entry.name, [numbered[i].read_text(errors="replace") for i in sorted(numbered)]
        else:
            continue
        if task in source:
            raise BenchError(f"{path}: samples of task {task!r} twice: {source[task].name} and {entry.name}")
        found[task], source[task] = texts, entry
    if not found:
        raise BenchError(f"{path}: no <task_id>.sv files or <task_id>/sample<N>.sv folders")
    return found


_MODULE = re.compile(r"\bmodule\b")


def candidate_from_text(problem: Problem, text: str) -> Candidate | None:
    """Turn a completion into a candidate, or None when it holds no code at all.

    A completion without a `module` keyword continues the problem's module header
    (VerilogEval v1 completions do), so the header is put in front of it. Otherwise the
    modules are taken out of any fences and prose the way the agent loop takes them.
    """
    if not text.strip():
        return None
    if not _MODULE.search(text):
        blocks = fenced_blocks(text)
        header = problem.metadata.get("prompt") or problem.interface or ""
        text = f"{header}\n" + ("\n".join(blocks) if blocks else text)
    # With no complete module, the text goes as it is: the compiler says what is wrong.
    code = extract(text, problem.top).rtl or text
    return Candidate((SourceFile(f"{problem.top}.sv", code),), problem.top)


# -- planning ------------------------------------------------------------------------


def load(request: BenchRequest) -> Suite:
    """Load the suite, with a usage error for anything wrong with it."""
    try:
        return load_suite(request.suite_path, format=request.format, task=request.task)
    except SuiteError as error:
        raise BenchError(str(error)) from None


def select(suite: Suite, request: BenchRequest) -> tuple[list[Problem], list[str]]:
    """The problems to run, after --only and --limit, and notes on those left out."""
    problems = list(suite.problems)
    if request.only:
        known = {p.task_id for p in problems}
        unknown = [t for t in request.only if t not in known]
        if unknown:
            raise BenchError(f"--only names problems the suite does not have: {', '.join(unknown)}")
        problems = [p for p in problems if p.task_id in request.only]
    problems = _by_category(problems, suite, request)
    problems = _by_tier(problems, suite, request.tiers)
    if request.limit is not None:
        problems = problems[: request.limit]
    notes = [
        f"{p.task_id}: skipped: {p.metadata['skip']}"
        if p.metadata.get("skip")
        else f"{p.task_id}: no golden testbench, cannot be scored"
        for p in problems
        if p.testbench is None
    ]
    return [p for p in problems if p.testbench is not None], notes


def _by_tier(problems: list[Problem], suite: Suite, tiers: tuple[str, ...]) -> list[Problem]:
    """designs/'s --tier selection: the manifest's `tier`."""
    if not tiers:
        return problems
    known = sorted({str(p.metadata.get("tier")) for p in suite.problems if p.metadata.get("tier")})
    if not known:
        raise BenchError(f"--tier selects designs by their design.toml tier; this suite is {suite.format}")
    odd = [t for t in tiers if t not in known]
    if odd:
        raise BenchError(f"--tier {odd[0]}: this suite's tiers are {', '.join(known)}")
    return [p for p in problems if p.metadata.get("tier") in tiers]


def _by_category(problems: list[Problem], suite: Suite, request: BenchRequest) -> list[Problem]:
    """CVDP's --category and --difficulty selection."""
    if not (request.categories or request.difficulties):
        return problems
    if suite.format != cvdp.FORMAT:
        raise BenchError("--category and --difficulty select CVDP problems; this suite is " + suite.format)
    odd = [d for d in request.difficulties if d not in cvdp.DIFFICULTIES]
    if odd:
        raise BenchError(f"--difficulty {odd[0]}: use one of {', '.join(cvdp.DIFFICULTIES)}")
    if request.categories:
        problems = [p for p in problems if p.metadata.get("category") in request.categories]
    if request.difficulties:
        problems = [p for p in problems if p.metadata.get("difficulty") in request.difficulties]
    return problems


def formal_options(request: BenchRequest) -> FormalOptions | None:
    """The formal check's options for this request, or None when it is off (auto: Yosys missing)."""
    if request.formal not in ("off", "auto", "on"):
        raise BenchError(f"--formal {request.formal}: expected off, auto or on")
    if request.formal == "off" or (request.formal == "auto" and not yosys_installed()):
        return None
    return FormalOptions(sandbox=request.sandbox)


def _formal_for(
    candidate: Candidate | None, testbench: Testbench, formal: FormalOptions | None
) -> FormalOptions | None:
    """A sample gets the proof when there is a reference and the sample is not that reference."""
    if formal is None or candidate is None or testbench.reference is None:
        return None
    return None if is_the_reference(candidate, testbench) else formal


def plan(
    problems: Sequence[Problem], request: BenchRequest, samples: dict[str, list[str]] | None = None
) -> tuple[list[Job], list[str]]:
    """Jobs for the reference and samples modes, and notes on problems left without any."""
    # A failure's waveform window is drawn when its feedback is read (check/feedback.py):
    # most of a batch's failures are never looked at, and drawing costs a millisecond each.
    options = CheckOptions(timeout_s=request.timeout_s, sandbox=request.sandbox, defer_waveform=True)
    formal = formal_options(request)
    jobs: list[Job] = []
    notes: list[str] = []
    for problem in problems:
        assert problem.testbench is not None
        if problem.testbench.style is TestbenchStyle.CVDP:
            if request.mode == "reference":
                reference = cvdp.reference_candidate(problem)
                if reference is None:
                    notes.append(f"{problem.task_id}: no reference to run (use the _with_solutions file)")
                cvdp_candidates: list[Candidate | None] = [reference] if reference is not None else []
            else:
                texts = (samples or {}).get(problem.task_id, [])
                if not texts:
                    notes.append(f"{problem.task_id}: no samples")
                cvdp_candidates = [cvdp.candidate_from_reply(problem, t) for t in texts]
            for index, candidate in enumerate(cvdp_candidates):
                jobs.append(Job(problem.task_id, index, candidate, problem.testbench, options))
            continue
        if request.mode == "reference":
            if problem.reference is None:
                notes.append(f"{problem.task_id}: no reference to run")
                continue
            texts = [problem.reference.text]
            candidates: list[Candidate | None] = [Candidate((problem.reference,), problem.top)]
        else:
            texts = (samples or {}).get(problem.task_id, [])
            if not texts:
                notes.append(f"{problem.task_id}: no samples")
            candidates = [candidate_from_text(problem, t) for t in texts]
        for index, candidate in enumerate(candidates):
            proof = _formal_for(candidate, problem.testbench, formal)
            jobs.append(Job(problem.task_id, index, candidate, problem.testbench, options, formal=proof))
    return jobs, notes


def _testbench_bytes(testbench: Testbench) -> int:
    size = sum(len(f.text) for f in testbench.files)
    return size + (len(testbench.reference.text) if testbench.reference else 0)


def with_estimates(jobs: Sequence[Job], previous: dict[str, float]) -> list[Job]:
    """Jobs longest first: by a previous run's time, else by testbench size."""
    estimated = [replace(job, estimate_s=_estimate(job, previous)) for job in jobs]
    return sorted(estimated, key=lambda job: job.estimate_s, reverse=True)


def _estimate(job: Job, previous: dict[str, float]) -> float:
    return previous.get(job.task_id, _testbench_bytes(job.testbench) / _BYTES_PER_SECOND)


def previous_timings(store: Store, suite_path: str, runs: int = 3) -> dict[str, float]:
    """Seconds per task from the latest runs over the same suite (newest wins)."""
    timings: dict[str, float] = {}
    same = [run for run in store.list_runs() if run.suite_path == suite_path][-runs:]
    for run in same:  # oldest first, so newer timings overwrite older ones
        for task_id, taken in store.sample_timings(run.id):
            if "total" in taken:
                timings[task_id] = float(taken["total"])
    return timings


# -- one sample ----------------------------------------------------------------------


def run_job(job: Job) -> SampleRecord:
    """Check one sample; runs in a worker process (module-level, so it pickles)."""
    if job.candidate is None:
        summary = "the sample holds no code"
        return SampleRecord(job.task_id, job.sample, False, FailureKind.NO_MODULE, log_excerpt=summary)
    if job.testbench.style is TestbenchStyle.CVDP:
        return _record(job, _run_cvdp(job))
    if job.reference_counted:
        expected = job.reference_samples
    else:  # not planned by _plan_counts (a job made elsewhere): measure it here, in the open
        expected = ReferenceCounts().expected(job.candidate, job.testbench, job.options)
    record = _record(job, check(job.candidate, job.testbench, job.options, expected_samples=expected))
    if job.formal is None:
        return record
    return replace(record, formal=formal_check(job.candidate, job.testbench, job.formal))


def _is_cvdp(problem: Problem) -> bool:
    return problem.testbench is not None and problem.testbench.style is TestbenchStyle.CVDP


def _run_cvdp(job: Job) -> CheckResult:
    """A CVDP problem's own harness (check() does not dispatch to it yet)."""
    assert job.candidate is not None
    return CvdpHarness().run(job.candidate, job.testbench, job.options, expected_samples=None)


def run_reference_job(job: Job) -> tuple[SampleRecord, int | None]:
    """Check a sample that is the reference itself: its run also gives the reference's count
    (None when it did not pass), which later samples of the problem are held to."""
    assert job.candidate is not None
    result = check(job.candidate, job.testbench, job.options, expected_samples=None)
    return _record(job, result), result.samples if result.passed else None


def _record(job: Job, result: CheckResult) -> SampleRecord:
    assert job.candidate is not None
    logs = "\n".join(part for part in (result.compile_log, result.sim_log) if part.strip())
    timings = {name.removesuffix("_s"): value for name, value in result.timings.items()}
    timings["total"] = timings.pop("total", sum(timings.values()))
    return SampleRecord(
        task_id=job.task_id,
        sample=job.sample,
        passed=result.passed,
        kind=result.kind,
        golden_passed=result.passed,
        golden_kind=result.kind,
        timings=timings,
        # The summary leads, so `summary_of` can read it back from a stored record.
        log_excerpt=_excerpt(f"{result.summary}\n{logs}"),
        evidence=None if result.passed else pack_evidence(result, job.candidate),
        warnings=result.warnings,
    )


@dataclass(frozen=True)
class FormalSummary:
    """A run's two verdicts side by side: the testbench's, and the proof against the reference."""

    samples: int
    checked: int  # samples with a formal verdict
    statuses: dict[str, int]  # formal status -> samples
    passed: int  # by the testbench alone
    passed_not_disproved: int  # by the testbench, and not refuted by the proof
    # Where the two disagree, the worst first: a testbench pass the proof refutes, then a
    # testbench failure the proof calls equivalent (a timeout, an X, a testbench too strict).
    contradicted: tuple[SampleRecord, ...]
    proved_but_failed: tuple[SampleRecord, ...]

    @property
    def disagreements(self) -> tuple[SampleRecord, ...]:
        return self.contradicted + self.proved_but_failed


def formal_summary(records: Sequence[SampleRecord]) -> FormalSummary | None:
    """None when no sample of the run had a formal verdict."""
    judged = [r for r in records if r.formal is not None]
    if not judged:
        return None
    statuses: dict[str, int] = {}
    for record in judged:
        assert record.formal is not None
        statuses[record.formal.status.value] = statuses.get(record.formal.status.value, 0) + 1
    contradicted = tuple(r for r in judged if r.passed and r.formal is not None and r.formal.refuted)
    proved = tuple(
        r
        for r in judged
        if not r.passed and r.formal is not None and r.formal.status is FormalStatus.EQUIVALENT
    )
    passed = sum(1 for r in records if r.passed)
    return FormalSummary(
        samples=len(records),
        checked=len(judged),
        statuses=statuses,
        passed=passed,
        passed_not_disproved=passed - len(contradicted),
        contradicted=contradicted,
        proved_but_failed=proved,
    )


def summary_of(record: SampleRecord) -> str:
    """The one-line summary a sample was recorded with."""
    return record.log_excerpt.split("\n", 1)[0]


def _excerpt(text: str) -> str:
    if len(text) <= LOG_EXCERPT_CHARS:
        return text
    half = LOG_EXCERPT_CHARS // 2
    return f"{text[:half]}\n[... {len(text) - 2 * half} characters left out ...]\n{text[-half:]}"


# -- the run -------------------------------------------------------------------------


def versions(sandbox: bool = True) -> dict[str, str | None]:
    """Versions of what made the verdicts, stored with the run (and which sandbox held the checks)."""
    return {
        "veriassist": __version__,
        "iverilog": _iverilog_version(*_identity(runner.which("iverilog"))),
        "cocotb": installed_version("cocotb"),
        "sandbox": Sandbox(sandbox).backend,  # on first use this builds the Landlock launcher
    }


def installed_version(package: str) -> str | None:
    """An installed package's version (cocotb.__version__ without cocotb's 0.2 s import): from
    the name of its `NAME-VERSION.dist-info` beside it, as pip installs it, else as
    importlib.metadata finds it (whose own import is 30 ms of every CLI run)."""
    spec = importlib.util.find_spec(package)  # finds a top-level package without importing it
    if spec is None or spec.origin is None:
        return None
    beside = list(Path(spec.origin).parent.parent.glob(f"{package}-*.dist-info"))
    if len(beside) == 1:
        return beside[0].name.removeprefix(f"{package}-").removesuffix(".dist-info")
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _identity(path: str | None) -> tuple[str | None, int, int]:
    """A program as its version's cache key: its path, modification time and size."""
    try:
        info = os.stat(path) if path else None
    except OSError:
        info = None
    return (path, info.st_mtime_ns, info.st_size) if info else (None, 0, 0)


@functools.lru_cache(maxsize=4)
def _iverilog_version(path: str | None, mtime_ns: int, size: int) -> str | None:
    """`iverilog -V`'s first line, asked once per installed binary (it also runs `ivl -V`: 10 ms)."""
    if path is None:
        return None
    try:
        iverilog = subprocess.run([path, "-V"], capture_output=True, text=True, timeout=10, check=False)
        first = (iverilog.stdout or iverilog.stderr).splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return None
    # `Icarus Verilog version 11.0 (stable) ()`: the empty parens are an unset build tag.
    return first.replace(" ()", "").strip()


def default_run_name(suite: Suite, mode: Mode) -> str:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{suite.name.replace('/', '-')}-{mode}-{stamp}"


def _settings(request: BenchRequest, samples_digest: str | None) -> dict[str, Any]:
    """What decides the verdicts; a resumed run must match it. Selection and -j do not."""
    settings: dict[str, Any] = {
        "mode": request.mode,
        "task": request.task,
        "timeout_s": request.timeout_s,
        "sandbox": request.sandbox,
    }
    if request.mode == "samples":
        settings["samples"] = str(request.samples_path)
        settings["samples_sha256"] = samples_digest
    if request.mode == "model":
        settings.update(
            iterations=request.iterations,
            samples_per_task=request.samples_per_task,
            base_url=request.base_url,
        )
    # Only when asked, so runs made before the lint existed resume as they were.
    if request.lints:
        settings["lint"] = True
    if request.exclude_flagged is not None:
        settings["exclude_flagged"] = request.exclude_flagged
    if request.mode == "model" and request.self_check is not SelfCheck.AUTO:
        settings["self_check"] = request.self_check  # only when not the default: older runs resume
    if request.mode == "model" and request.strength != StrengthSettings():
        settings["strength"] = asdict(request.strength)  # likewise only when not the default
    return settings


def _digest(samples: dict[str, list[str]]) -> str:
    return hashlib.sha256(json.dumps(samples, sort_keys=True).encode()).hexdigest()


def run_bench(request: BenchRequest, *, progress: Progress | None = None) -> BenchResult:
    """Run the request, recording every sample the moment it finishes.

    A KeyboardInterrupt marks the run interrupted and is re-raised; any other error
    marks it failed. Running again with the same run name resumes it.

    Raises:
        BenchError: a bad suite, samples or option (nothing was run).
    """
    if request.executor == "dask" and not request.scheduler:
        raise BenchError("--executor dask needs --scheduler ADDRESS")
    if request.jobs < 1:
        raise BenchError("-j must be at least 1")
    if request.exclude_flagged is not None and request.exclude_flagged not in tuple(Severity):
        raise BenchError(f"--exclude-flagged takes one of {', '.join(Severity)}")
    with cf.ThreadPoolExecutor(2) as aside:
        asked = aside.submit(versions, request.sandbox)  # `iverilog -V` runs while the suite loads,
        given = Path(request.suite_path)  # and git, for the commit of the suite's checkout
        commit = aside.submit(git_commit, given if given.is_dir() else given.parent)
        suite = load(request)
        problems, notes = select(suite, request)
        if request.lints and any(_is_cvdp(p) for p in problems):
            raise BenchError("--audit and --exclude-flagged do not cover CVDP problems yet")
        samples = None
        if request.mode == "samples":
            if request.samples_path is None:
                raise BenchError("--samples needs a JSONL file or a directory")
            samples = read_samples(request.samples_path)
            known = {p.task_id for p in suite.problems}
            unknown = sorted(set(samples) - known)
            if unknown:
                raise BenchError(f"the samples name tasks the suite does not have: {', '.join(unknown[:10])}")
        made_by, suite_commit = asked.result(), commit.result()

    model, concurrency = _make_model(request) if request.mode == "model" else (None, 0)
    suite_path = str(Path(request.suite_path).resolve())
    with Store(request.db) as store:
        run = store.start_run(
            request.run_name or default_run_name(suite, request.mode),
            suite_path=suite_path,
            suite_format=suite.format,
            suite_commit=suite_commit,
            model=model.name if model is not None else request.mode,
            model_kind=model.kind if model is not None else request.mode,
            stand_in=model.is_stand_in if model is not None else False,
            strategy=request.strategy if model is not None else request.mode,
            feedback_mode=feedback_shown(request.strategy, request.feedback) if model is not None else "none",
            settings=_settings(request, _digest(samples) if samples else None),
            versions=made_by,
        )
        done = store.done_keys(run.id)
        lint: dict[str, tuple[Finding, ...]] = {}
        excluded: list[str] = []
        try:
            if request.lints:
                lint = _lint(problems, request, store, run.id, progress)
                problems, excluded, lint_notes = _exclude_flagged(problems, lint, request.exclude_flagged)
                notes += lint_notes
            if model is None:
                jobs, plan_notes = plan(problems, request, samples)
                notes += plan_notes
                todo = [job for job in jobs if (job.task_id, job.sample) not in done]
                todo = with_estimates(todo, previous_timings(store, suite_path))
                _run_checks(todo, request, store, run.id, progress, made_by["iverilog"] or "")
                skipped = len(jobs) - len(todo)
            else:
                workers = max(request.jobs, concurrency)
                counts = _seeded_counts(problems, store, made_by["iverilog"] or "")
                try:
                    skipped = _run_model(
                        problems, model, request, workers, store, run.id, done, progress, counts
                    )
                finally:  # also after Ctrl-C: what was measured holds
                    _keep_counts(problems, counts, store, made_by["iverilog"] or "")
        except KeyboardInterrupt:
            _attach_lint_flags(store, run.id, lint)
            how = "SIGTERM" if ctrl_c.last_signal() == "SIGTERM" else "Ctrl-C"
            store.finish_run(run.id, RunStatus.INTERRUPTED, f"interrupted ({how})")
            raise BenchInterrupted(run.name) from None
        except BaseException as error:
            store.finish_run(run.id, RunStatus.FAILED, f"{type(error).__name__}: {error}")
            raise
        _attach_lint_flags(store, run.id, lint)
        store.finish_run(run.id, RunStatus.COMPLETED)
        records = store.samples(run.id)
        metrics = compute(records, store.iterations(run.id))
        return BenchResult(
            store.get_run(run.name), tuple(records), metrics, skipped, tuple(notes), lint, tuple(excluded)
        )


# -- the suite lint ------------------------------------------------------------------


def _lint(
    problems: Sequence[Problem], request: BenchRequest, store: Store, run_id: int, progress: Progress | None
) -> dict[str, tuple[Finding, ...]]:
    """Findings per problem: recorded ones from an earlier attempt of this run, the rest linted now.

    Each problem's findings are committed as they arrive, so an interrupted lint resumes too.
    """
    from veriassist.suites.audit import (  # only runs with --audit need it
        AuditOptions,
        Finding,
        audit_problems,
    )

    stored = store.lint_results(run_id)
    found = {task: tuple(Finding.from_json(f) for f in findings) for task, findings in stored.items()}
    todo = [p for p in problems if p.task_id not in found]
    audit = AuditOptions()
    options = AuditOptions(
        check=CheckOptions(timeout_s=request.timeout_s, sandbox=request.sandbox, waveform=False),
        formal=request.formal,  # --formal also decides whether the audit proves passing mutants
        formal_options=replace(audit.formal_options, sandbox=request.sandbox),
    )

    def record(result: Any) -> None:
        store.record_lint(run_id, result.task_id, [f.to_json() for f in result.findings])
        found[result.task_id] = result.findings

    audit_problems(todo, request.jobs, options, on_result=record, progress=progress)
    return {p.task_id: found[p.task_id] for p in problems if p.task_id in found}


def _exclude_flagged(
    problems: Sequence[Problem], lint: dict[str, tuple[Finding, ...]], severity: str | None
) -> tuple[list[Problem], list[str], list[str]]:
    """The problems left to score, those left out, and a note on each one left out."""
    if severity is None:
        return list(problems), [], []
    from veriassist.suites.audit import is_flagged, lint_flags

    kept: list[Problem] = []
    excluded: list[str] = []
    notes: list[str] = []
    for problem in problems:
        findings = lint.get(problem.task_id, ())
        if not is_flagged(findings, severity):
            kept.append(problem)
            continue
        excluded.append(problem.task_id)
        worst = [f for f in findings if is_flagged((f,), severity)]
        notes.append(
            f"{problem.task_id}: excluded by --exclude-flagged {severity} "
            f"({', '.join(lint_flags(findings, severity))}): {worst[0].message}"
        )
    return kept, excluded, notes


def _attach_lint_flags(store: Store, run_id: int, lint: dict[str, tuple[Finding, ...]]) -> None:
    """Put each linted problem's flags on its samples (the agent loop records samples without them)."""
    if not lint:
        return
    from veriassist.suites.audit import lint_flags

    for sample in store.samples(run_id):
        findings = lint.get(sample.task_id)
        if findings is None:
            continue
        flags = lint_flags(findings)
        if sample.lint_flags != flags:
            store.set_lint_flags(run_id, sample.task_id, sample.sample, flags)


@contextmanager
def _executor(request: BenchRequest) -> Iterator[cf.Executor]:
    if request.executor == "dask":
        from distributed import Client

        with Client(request.scheduler) as client:  # type: ignore[no-untyped-call]
            yield client.get_executor()
        return
    pool = ctrl_c.process_pool(request.jobs)
    try:
        yield pool
    except BaseException:
        # Ctrl-C or an error: drop queued work instead of waiting for all of it.
        ctrl_c.abandon(pool)
        raise
    pool.shutdown(wait=True)


def _run_checks(
    jobs: Sequence[Job],
    request: BenchRequest,
    store: Store,
    run_id: int,
    progress: Progress | None,
    simulator: str,
) -> None:
    if progress:
        progress(0, len(jobs))
    if not jobs:
        return
    plan = _plan_counts(jobs, store.reference_samples(), simulator)
    # Count each problem's reference samples once, ahead of its samples; the others start at once.
    queue: deque[tuple[str, Job, str | None]] = deque(
        [("count", group[0], task) for task, group in plan.waiting.items()]
        + [
            ("reference" if i in plan.references else "sample", job, plan.references.get(i))
            for i, job in enumerate(plan.ready)
        ]
    )
    _warm_workers()
    # A few jobs per worker in flight, not all: each wait looks at every pending future, and a
    # run of thousands of samples would pay for that on every one that finishes.
    window = max(4 * request.jobs, 8)
    with ctrl_c.raised_between_waits() as waits, _executor(request) as executor:
        what: dict[cf.Future[Any], tuple[str, list[str | None]]] = {}
        pending: set[cf.Future[Any]] = set()

        def top_up() -> None:
            while queue and len(pending) < window:
                kind, batch, keys = _next_batch(queue, request.jobs)
                submitted: cf.Future[Any] = executor.submit(run_batch, kind, batch)
                what[submitted] = (kind, keys)
                pending.add(submitted)

        top_up()
        finished = 0
        while pending:
            done, pending = waits.first(pending)
            for future in done:
                kind, keys = what.pop(future)
                for result, key in zip(future.result(), keys, strict=True):
                    if kind == "count":
                        assert key is not None
                        if result is not None:  # a failed reference run (a timeout under load?) is not kept
                            store.record_reference_samples(plan.keys[key], result)
                        counted = {"reference_counted": True, "reference_samples": result}
                        # Next in line: they have waited for this count.
                        queue.extendleft(
                            reversed([("sample", replace(j, **counted), None) for j in plan.waiting.pop(key)])
                        )
                        continue
                    record = result
                    if kind == "reference":
                        assert key is not None
                        record, samples = result
                        if samples is not None:
                            store.record_reference_samples(key, samples)
                    store.record_sample(run_id, record)
                    finished += 1
                    if progress:
                        progress(finished, len(jobs))
            top_up()


# Jobs sent to a worker at once, at most: one pool round trip (~1 ms of the bench's own CPU)
# for all, and a problem's testbench and reference parsed once for its samples in a batch.
MAX_BATCH = 4


def _next_batch(
    queue: deque[tuple[str, Job, str | None]], workers: int
) -> tuple[str, list[Job], list[str | None]]:
    """The next job, with the ones after it of the same kind, in a batch that shrinks as the queue
    does (guided scheduling): batches early, single jobs at the end, when workers must finish
    together. A count runs alone: samples wait for it."""
    kind, job, key = queue.popleft()
    batch, keys = [job], [key]
    size = 1 if kind == "count" else min(MAX_BATCH, len(queue) // (4 * workers) + 1)
    while len(batch) < size and queue and queue[0][0] == kind:
        _, job, key = queue.popleft()
        batch.append(job)
        keys.append(key)
    return kind, batch, keys


def run_batch(kind: str, batch: list[Job]) -> list[Any]:
    """Run a batch of one kind of job in a worker process (module-level, so it pickles)."""
    runs = {"count": count_reference, "reference": run_reference_job, "sample": run_job}[kind]
    return [runs(job) for job in batch]


def _warm_workers() -> None:
    """Do here, before the workers fork, what each would otherwise do on its first sample:
    learn iverilog's stages from its driver (a compile of a probe, ~40 ms)."""
    iverilog = runner.which("iverilog")
    if iverilog is not None:
        ivl_stages.stages(iverilog)


@dataclass
class _CountPlan:
    """Which samples can start at once, and which wait for their reference's sample count."""

    ready: list[Job] = field(default_factory=list)  # in the given (longest-first) order
    references: dict[int, str] = field(default_factory=dict)  # ready index -> count key: the reference itself
    waiting: dict[str, list[Job]] = field(default_factory=dict)  # task -> samples waiting for its count
    keys: dict[str, str] = field(default_factory=dict)  # task -> count key


def _plan_counts(jobs: Sequence[Job], known: Mapping[str, int | None], simulator: str) -> _CountPlan:
    """A count measured by an earlier run with the same reference, testbench and simulator holds."""
    plan = _CountPlan()
    for job in jobs:
        candidate = job.candidate
        if candidate is None or not counts_samples(job.testbench):
            plan.ready.append(job)
            continue
        is_reference = is_the_reference(candidate, job.testbench)
        if job.task_id not in plan.keys:  # one hash of the reference and testbench per problem
            plan.keys[job.task_id] = _count_key(candidate.top, job.testbench, simulator)
        key = plan.keys[job.task_id]
        if is_reference:
            if key not in known:
                plan.references[len(plan.ready)] = key
            plan.ready.append(job)
        elif key in known:
            plan.ready.append(replace(job, reference_counted=True, reference_samples=known[key]))
        else:
            plan.waiting.setdefault(job.task_id, []).append(job)
    return plan


def _counted(problems: Sequence[Problem]) -> list[tuple[str, Testbench]]:
    return [(p.top, p.testbench) for p in problems if p.testbench and counts_samples(p.testbench)]


def _seeded_counts(problems: Sequence[Problem], store: Store, simulator: str) -> ReferenceCounts:
    """Model runs judge in this process: a cache holding the counts the store already has."""
    known = store.reference_samples()
    counts = ReferenceCounts()
    for top, testbench in _counted(problems):
        key = _count_key(top, testbench, simulator)
        if key in known:
            counts.remember(top, testbench, known[key])
    return counts


def _keep_counts(problems: Sequence[Problem], counts: ReferenceCounts, store: Store, simulator: str) -> None:
    """Store the counts the loops measured, so later runs on this database need no reference run."""
    known = store.reference_samples()
    for top, testbench in _counted(problems):
        key, samples = _count_key(top, testbench, simulator), counts.known(top, testbench)
        if key not in known and samples is not None:
            store.record_reference_samples(key, samples)


def _count_key(top: str, testbench: Testbench, simulator: str) -> str:
    return hashlib.sha256(f"{reference_key(top, testbench)}\0{simulator}".encode()).hexdigest()


def count_reference(job: Job) -> int | None:
    """The reference's sample count under the job's testbench; runs in a worker process."""
    assert job.candidate is not None
    return measure(job.candidate.top, job.testbench, job.options)


# -- the agent loop ------------------------------------------------------------------


def _make_model(request: BenchRequest) -> tuple[ChatModel, int]:
    """The run's one model, behind a limiter every loop thread shares; and that limit."""
    from veriassist.models import CallLimiter, ModelError, make_model, resolve_settings

    try:
        overrides = {
            "model": request.model,
            "base_url": request.base_url,
            "stand_in": request.stand_in or None,
        }
        settings = resolve_settings(overrides)
        concurrency = settings.max_concurrency or request.jobs
        return make_model(settings, limiter=CallLimiter(concurrency)), concurrency
    except ModelError as error:
        raise BenchError(str(error)) from None


def _run_model(
    problems: Sequence[Problem],
    model: ChatModel,
    request: BenchRequest,
    workers: int,
    store: Store,
    run_id: int,
    done: set[tuple[str, int]],
    progress: Progress | None,
    counts: ReferenceCounts,
) -> int:
    """Run the loop per problem and sample in threads: model calls overlap with simulations."""

    formal = formal_options(request)

    from veriassist.agent.run import run_problem  # the loop: only model runs need it (~50 ms of imports)

    def solve(problem: Problem, sample: int) -> tuple[LoopOutcome, FormalVerdict | None]:
        outcome = run_problem(
            problem,
            model,
            iterations=request.iterations,
            strategy=request.strategy,
            feedback=request.feedback,
            self_check=request.self_check,
            strength=request.strength,
            timeout_s=request.timeout_s,
            sandbox=request.sandbox,
            sample=sample,
            # Each iteration is committed as it finishes, so a killed run keeps them all.
            on_record=lambda iteration: store.record_iteration(run_id, iteration),
            counts=counts,  # one reference run per problem, shared by its samples and kept in the store
        )
        return outcome, _final_proof(problem, outcome, formal)

    wanted = [(p, i) for p in problems for i in range(request.samples_per_task)]
    todo = [(p, i) for p, i in wanted if (p.task_id, i) not in done]
    if progress:
        progress(0, len(todo))
    # The model's CallLimiter caps calls in flight; the other threads simulate meanwhile.
    pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bench-loop")
    try:
        futures = {pool.submit(solve, p, i): (p, i) for p, i in todo}
        with ctrl_c.raised_between_waits() as waits:
            for finished, future in enumerate(waits.each(futures), start=1):
                problem, sample = futures[future]
                outcome, proof = future.result()
                _record_outcome(store, run_id, problem.task_id, sample, outcome, proof)
                if progress:
                    progress(finished, len(todo))
    except BaseException:
        ctrl_c.abandon(pool)
        raise
    pool.shutdown(wait=True)
    return len(wanted) - len(todo)


def _final_proof(
    problem: Problem, outcome: LoopOutcome, formal: FormalOptions | None
) -> FormalVerdict | None:
    """The formal verdict on the loop's final RTL (after the loop: the model never sees it here)."""
    if formal is None or problem.testbench is None or outcome.rtl is None:
        return None
    candidate = candidate_from_text(problem, outcome.rtl)
    proof = _formal_for(candidate, problem.testbench, formal)
    return None if candidate is None or proof is None else formal_check(candidate, problem.testbench, proof)


def _record_outcome(
    store: Store,
    run_id: int,
    task_id: str,
    sample: int,
    outcome: LoopOutcome,
    formal: FormalVerdict | None = None,
) -> None:
    # The loop recorded each iteration as it finished: a sample row means its history is complete.
    golden = outcome.judged_by is JudgedBy.GOLDEN
    store.record_sample(
        run_id,
        SampleRecord(
            task_id=task_id,
            sample=sample,
            passed=outcome.passed,
            kind=outcome.kind,
            iterations=max(len(outcome.iterations), 1),
            golden_passed=outcome.passed if golden else None,
            golden_kind=outcome.kind if golden else None,
            timings={"total": outcome.elapsed_s},
            tokens_in=outcome.tokens_in,
            tokens_out=outcome.tokens_out,
            cost=outcome.cost,
            log_excerpt=_excerpt(f"{outcome.kind.value}: stopped by {outcome.stopped}"),
            feedback=outcome.feedback,
            formal=formal,
        ),
    )
