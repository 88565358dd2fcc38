"""Records that pass between the pipeline's stages.

Every stage takes and returns these frozen dataclasses, so a stage can be tested
alone and a record can be stored or sent as JSON without surprises.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class TestbenchStyle(enum.StrEnum):
    """How a testbench reports its verdict."""

    __test__ = False  # not a pytest test class, despite the name

    # A Verilog `tb` comparing a reference with the design, printing
    # `Mismatches: N in M samples` (VerilogEval, and our own designs/).
    COMPARE = "compare"
    # A self-checking Verilog testbench printing a pass banner (RTLLM).
    BANNER = "banner"
    # A cocotb 2.x Python testbench (what the agent writes).
    COCOTB = "cocotb"
    # A CVDP harness: cocotb tests plus the src/.env naming sources, top and test module.
    CVDP = "cvdp"


class FailureKind(enum.StrEnum):
    """Why a check failed; a superset of VerilogEval's `sv-iv-analyze` codes."""

    PASS = "pass"  # .
    NO_MODULE = "no-module"
    WRONG_MODULE_NAME = "wrong-module-name"
    PORT_MISMATCH = "port-mismatch"
    REJECTED = "rejected-by-static-check"
    SYNTAX_ERROR = "syntax-error"  # S
    EXPLICIT_CAST = "explicit-cast-needed"  # e
    ZERO_WIDTH_CONSTANT = "zero-width-constant"  # 0
    NO_SENSITIVITIES = "no-sensitivities"  # n
    DECLARED_AS_WIRE = "declared-as-wire"  # w
    UNKNOWN_MODULE = "unknown-module"  # m
    UNBOUND_CLK = "unbound-clk"  # c
    UNBOUND_PORT = "unbound-port"  # p
    COMPILE_ERROR = "compile-error"  # C
    TIMEOUT = "timeout"  # T
    MISMATCH_WITH_RESET = "mismatch-with-reset"  # r: the RTL has posedge/negedge reset logic
    MISMATCH = "mismatch"  # R
    TEST_FAILED = "test-failed"  # cocotb test or banner testbench reported failure
    NO_VERDICT = "no-verdict"  # the testbench never said pass or fail
    SIMULATOR_CRASH = "simulator-crash"
    TESTBENCH_ERROR = "testbench-error"  # the testbench itself is broken

    @property
    def is_compile_failure(self) -> bool:
        return self in _COMPILE_KINDS

    @property
    def code(self) -> str:
        """VerilogEval's one-letter code, or '?' for our own kinds."""
        return _VERILOGEVAL_CODES.get(self, "?")


_COMPILE_KINDS = frozenset(
    {
        FailureKind.NO_MODULE,
        FailureKind.WRONG_MODULE_NAME,
        FailureKind.PORT_MISMATCH,
        FailureKind.REJECTED,
        FailureKind.SYNTAX_ERROR,
        FailureKind.EXPLICIT_CAST,
        FailureKind.ZERO_WIDTH_CONSTANT,
        FailureKind.NO_SENSITIVITIES,
        FailureKind.DECLARED_AS_WIRE,
        FailureKind.UNKNOWN_MODULE,
        FailureKind.UNBOUND_CLK,
        FailureKind.UNBOUND_PORT,
        FailureKind.COMPILE_ERROR,
    }
)
_VERILOGEVAL_CODES = {
    FailureKind.PASS: ".",
    FailureKind.SYNTAX_ERROR: "S",
    FailureKind.EXPLICIT_CAST: "e",
    FailureKind.ZERO_WIDTH_CONSTANT: "0",
    FailureKind.NO_SENSITIVITIES: "n",
    FailureKind.DECLARED_AS_WIRE: "w",
    FailureKind.UNKNOWN_MODULE: "m",
    FailureKind.UNBOUND_CLK: "c",
    FailureKind.UNBOUND_PORT: "p",
    FailureKind.COMPILE_ERROR: "C",
    FailureKind.TIMEOUT: "T",
    FailureKind.MISMATCH_WITH_RESET: "r",
    FailureKind.MISMATCH: "R",
}


class Severity(enum.StrEnum):
    """How bad a diagnostic or a suite-audit finding is (also `bench --exclude-flagged`)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Strategy(enum.StrEnum):
    """What the agent loop asks of the model and how it corrects."""

    VERIASSIST = "veriassist"  # RTL plus its own cocotb testbench, self-verify, simulate, correct
    ZERO_SHOT = "zero-shot"  # one call, no correction
    COMPILE_ONLY = "compile-only"  # RTL only, corrected on compiler evidence


class FeedbackMode(enum.StrEnum):
    """Which evidence the model is shown after an attempt (what `--feedback` asks for and records store)."""

    OWN_TESTBENCH = "own-testbench"  # its own testbench's results; the golden one stays hidden
    GOLDEN = "golden"  # the golden testbench's results (AutoChip/MAGE style)
    # Recorded, not requested: what a strategy really shows when it writes no testbench.
    COMPILER = "compiler"  # compile-only: the compiler's diagnostics
    NONE = "none"  # zero-shot: nothing is fed back


def feedback_shown(strategy: Strategy | str, requested: FeedbackMode | str) -> FeedbackMode:
    """The evidence a strategy really shows the model, whatever `--feedback` asked for."""
    strategy, requested = Strategy(strategy), FeedbackMode(requested)
    if strategy is Strategy.ZERO_SHOT:
        return FeedbackMode.NONE
    if requested is FeedbackMode.GOLDEN:
        return FeedbackMode.GOLDEN
    return FeedbackMode.COMPILER if strategy is Strategy.COMPILE_ONLY else requested


class JudgedBy(enum.StrEnum):
    """Which testbench's verdict a loop outcome reports."""

    GOLDEN = "golden"
    OWN_TESTBENCH = "own-testbench"
    NONE = "none"  # compile-only with no golden testbench: nothing simulated it


class StopReason(enum.StrEnum):
    """Why the agent loop stopped. The values are what records and outputs store."""

    PASSED = "passed"  # the evidence the model may see passes, and so does the verdict that counts
    # The model's own evidence passes, so the loop stopped, but the golden testbench fails it.
    OWN_PASSED_GOLDEN_FAILED = "own-tests-passed-golden-failed"
    ITERATIONS = "iteration-limit"
    SINGLE_ATTEMPT = "single-attempt"  # zero-shot: the strategy makes one attempt
    TOKENS = "token-budget"
    TIME = "time-budget"
    FORMAT_ERRORS = "no-usable-code"  # too many replies in a row without usable code
    MODEL_ERROR = "model-error"  # the outcome's `model_error` says which
    # The own tests pass but kill too few mutants of the design, and no strengthening round is left.
    WEAK_TESTS = "weak-tests"

    @classmethod
    def _missing_(cls, value: object) -> StopReason | None:
        # Names stored before the rename still load.
        return _OLD_STOP_REASONS.get(str(value))


_OLD_STOP_REASONS = {
    "own-check-passed": StopReason.OWN_PASSED_GOLDEN_FAILED,
    "iterations": StopReason.ITERATIONS,
    "zero-shot": StopReason.SINGLE_ATTEMPT,
    "tokens": StopReason.TOKENS,
    "time": StopReason.TIME,
    "format-errors": StopReason.FORMAT_ERRORS,
}


class SelfCheck(enum.StrEnum):
    """When the loop asks the model to check its first design against the spec's requirements."""

    AUTO = "auto"  # only on evidence: its own tests fail or look weak
    ALWAYS = "always"
    NEVER = "never"


class SelfCheckOutcome(enum.StrEnum):
    """What a self-check did, recorded on the iteration it checked."""

    KEPT = "kept"
    REVISED_RTL = "revised-rtl"
    REVISED_TESTS = "revised-tests"
    REVISED_BOTH = "revised-rtl-and-tests"
    UNUSABLE = "unusable-reply"  # code we could not use: the design was kept


@dataclass(frozen=True)
class SourceFile:
    """A named source text; names are bare file names, never paths."""

    name: str
    text: str


@dataclass(frozen=True)
class Port:
    name: str
    direction: str  # input | output | inout
    width: int  # bits; 0 when it could not be computed
    declared: str = ""  # the type as written, e.g. "logic [7:0]"


@dataclass(frozen=True)
class Interface:
    module: str
    ports: tuple[Port, ...]
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """The design under test: one or more RTL files and the top module's name."""

    files: tuple[SourceFile, ...]
    top: str


@dataclass(frozen=True)
class Testbench:
    """A testbench plus everything it needs next to it.

    `reference` is compiled beside the candidate for COMPARE testbenches, renamed to
    `reference_module` (the name the testbench instantiates) when it differs.
    """

    __test__ = False

    style: TestbenchStyle
    files: tuple[SourceFile, ...]
    toplevel: str = "tb"  # Verilog testbench top; for cocotb, the Python module
    reference: SourceFile | None = None
    reference_module: str | None = None
    support_files: tuple[Path, ...] = ()  # data files the testbench reads by relative path


@dataclass(frozen=True)
class Problem:
    """One benchmark task: a spec and, when the suite has them, a reference and a golden testbench."""

    task_id: str
    spec: str
    top: str
    testbench: Testbench | None = None
    reference: SourceFile | None = None
    interface: str | None = None  # the module header, when the suite gives it
    suite: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    notes: tuple[str, ...] = ()  # what the loader reconciled or found odd


class FormalStatus(enum.StrEnum):
    """The formal verdict on a candidate against the reference (check/equivalence.py)."""

    EQUIVALENT = "equivalent"  # proved for every input (sequence)
    NOT_EQUIVALENT = "not_equivalent"  # with a counterexample
    BOUNDED = "bounded"  # equivalent up to `cycles` clock cycles after reset
    UNKNOWN = "unknown"  # with the reason: no yosys, unreadable design, timeout


@dataclass(frozen=True)
class CounterexampleStep:
    """One step of a counterexample: a half clock cycle for clocked designs (clk low, then high)."""

    step: int
    inputs: tuple[tuple[str, str], ...]  # port -> binary value driven
    outputs: tuple[tuple[str, str, str], ...]  # port, reference value, candidate value (binary)


@dataclass(frozen=True)
class FormalVerdict:
    status: FormalStatus
    reason: str = ""  # why unknown, or what was assumed (reset, clock)
    cycles: int | None = None  # BOUNDED: how many clock cycles after reset were proved
    counterexample: tuple[CounterexampleStep, ...] = ()
    table: str = ""  # the counterexample as a text table, as a model reads it
    duration_s: float = 0.0
    clock: str = ""  # the clock input the proof drove ("" for combinational designs)
    per_cycle: bool = False  # counterexample steps are clock cycles (else half cycles when clocked)

    @property
    def summary(self) -> str:
        if self.status is FormalStatus.EQUIVALENT:
            return "formally equivalent to the reference"
        if self.status is FormalStatus.BOUNDED:
            return f"equivalent to the reference for {self.cycles} cycles after reset (bounded proof)"
        if self.status is FormalStatus.NOT_EQUIVALENT:
            return f"not equivalent to the reference (counterexample of {len(self.counterexample)} steps)"
        return f"formal check unknown: {self.reason}"

    @property
    def refuted(self) -> bool:
        return self.status is FormalStatus.NOT_EQUIVALENT

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "summary": self.summary,
            "reason": self.reason,
            "cycles": self.cycles,
            "counterexample": [
                {
                    "step": s.step,
                    "inputs": dict(s.inputs),
                    "outputs": {o: {"ref": r, "dut": d} for o, r, d in s.outputs},
                }
                for s in self.counterexample
            ],
            "table": self.table,
            "duration_s": round(self.duration_s, 4),
            "clock": self.clock,
            "per_cycle": self.per_cycle,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FormalVerdict:
        steps = tuple(
            CounterexampleStep(
                int(s["step"]),
                tuple((str(k), str(v)) for k, v in s["inputs"].items()),
                tuple((str(o), str(v["ref"]), str(v["dut"])) for o, v in s["outputs"].items()),
            )
            for s in data.get("counterexample", [])
        )
        return cls(
            FormalStatus(data["status"]),
            reason=str(data.get("reason", "")),
            cycles=data.get("cycles"),
            counterexample=steps,
            table=str(data.get("table", "")),
            duration_s=float(data.get("duration_s", 0.0)),
            clock=str(data.get("clock", "")),
            per_cycle=bool(data.get("per_cycle", False)),
        )


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    severity: Severity
    message: str
    column: int | None = None
    source: str = "iverilog"


@dataclass(frozen=True)
class OutputMismatch:
    output: str
    count: int
    first_time: int | None  # simulation time of the first mismatch, in the testbench's units


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False

    name: str
    passed: bool
    message: str = ""
    sim_time_ns: float | None = None


@dataclass(frozen=True)
class WaveDump:
    """A failing run's waveform dump, kept so that its window is drawn only when someone reads
    the feedback (CheckOptions.defer_waveform): a batch run fails hundreds of samples, and most
    of their evidence is never looked at."""

    vcd: bytes
    around: int | None  # the first mismatch in the dump's units; None: found in the dump
    scope: str | None = None  # as waveform_window's: show this scope's signals (cocotb runs)


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    kind: FailureKind
    diagnostics: tuple[Diagnostic, ...] = ()
    mismatches: tuple[OutputMismatch, ...] = ()
    total_mismatches: int | None = None
    samples: int | None = None
    first_mismatch_time: int | None = None
    tests: tuple[TestOutcome, ...] = ()
    rejections: tuple[str, ...] = ()  # static-check reasons the candidate was refused
    waveform: str = ""  # compact table around the first mismatch
    compile_log: str = ""
    sim_log: str = ""
    timings: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    sandboxed: bool = False
    summary: str = ""  # one line a person reads first
    workdir: Path | None = None  # kept for the caller (CheckOptions.keep_workdir), who removes it
    # Evidence the verdict does not weigh: outputs that differ from the reference where the
    # testbench never looks ("the testbench does not check `y[7:1]`: ..."); check/unchecked.py.
    warnings: tuple[str, ...] = ()
    dump: WaveDump | None = field(default=None, repr=False, compare=False)  # instead of `waveform`

    def to_json(self) -> dict[str, Any]:
        """Every field but the raw dump (`waveform` is its readable form)."""
        data = dataclasses.asdict(dataclasses.replace(self, dump=None))
        del data["dump"]
        data["kind"] = self.kind.value
        data["workdir"] = None if self.workdir is None else str(self.workdir)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        """The inverse of to_json."""
        workdir = data.get("workdir")
        return cls(
            **{
                **data,
                "kind": FailureKind(data["kind"]),
                "diagnostics": tuple(
                    Diagnostic(**{**d, "severity": Severity(d["severity"])})
                    for d in data.get("diagnostics", ())
                ),
                "mismatches": tuple(OutputMismatch(**m) for m in data.get("mismatches", ())),
                "tests": tuple(TestOutcome(**t) for t in data.get("tests", ())),
                "rejections": tuple(data.get("rejections", ())),
                "warnings": tuple(data.get("warnings", ())),
                "workdir": None if workdir is None else Path(workdir),
            }
        )


@dataclass(frozen=True)
class SampleRecord:
    """The final outcome of one sample of one task."""

    task_id: str
    sample: int
    passed: bool
    kind: FailureKind
    iterations: int = 1
    golden_passed: bool | None = None
    golden_kind: FailureKind | None = None
    timings: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = None  # None: unknown (local model, no price), not free
    log_excerpt: str = ""
    feedback: str = ""
    lint_flags: tuple[str, ...] | None = None  # None: lint not run
    formal: FormalVerdict | None = None  # None: no formal check ran (off, no reference, the reference itself)
    warnings: tuple[str, ...] = ()  # the golden check's warnings (CheckResult.warnings)
    # A failed check's verdict, candidate and waveform dump, packed (check/feedback.py) so that
    # `feedback_of` renders the feedback when it is read; then `feedback` is empty.
    evidence: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class IterationRecord:
    """One loop iteration of one sample (agent runs); iterations are numbered from 1."""

    task_id: str
    sample: int
    iteration: int
    own_passed: bool | None = None
    own_kind: FailureKind | None = None
    golden_passed: bool | None = None
    golden_kind: FailureKind | None = None
    prompt: str = ""
    reply: str = ""
    feedback: str = ""  # the evidence (or the format problem) sent back to the model after this iteration
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float | None = None
    code_hash: str | None = None
    self_check: SelfCheckOutcome | None = None  # None: no self-check ran on this iteration
    # The hidden golden check's one-line verdict ("1104 of 3336 samples mismatch"), for the
    # records only: in own-testbench mode the model never sees it.
    golden_summary: str = ""
    # The own-testbench strength check (None: none ran on this iteration): the share of the
    # design's mutants its own tests kill, and the survivors, one description a line.
    kill_ratio: float | None = None
    survivors: str = ""
    # On the iteration that answered a request to strengthen the tests: did the golden verdict
    # change from the one before the request (None: no request answered, or no golden testbench)?
    golden_changed: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # kinds are StrEnums: they serialise as their values
