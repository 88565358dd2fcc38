"""The suite audit: find benchmark problems whose score would measure the suite, not the model.

Five checks per problem, each a list of `Finding`s:
- interface: the spec, the reference and the golden testbench disagree on the
  module name, port names, widths, (for positional connections) port order, or
  the reset's polarity;
- reference: the reference fails its own testbench on the local simulator;
- toolchain: the local simulator cannot run the reference ("sorry, unsupported"):
  a limit of Icarus, not a fault of the problem;
- strength: outputs the testbench hardly checks (the reference is X/Z, or the
  output is never read), constant designs that pass, and designs that pass the
  testbench but a proof shows differ from the reference (`formal_check`);
- mutation: the testbench kills none of a handful of mutants of the reference.

Severity follows what a finding does to a score: ERROR when scores are wrong for
sure (a reference that fails, a testbench that passes a design proved wrong, one
that checks no output), WARNING when they may be, INFO for notes. A clean problem
has no findings at all; statistics (mutants killed, share of samples checked) are
kept apart in `ProblemAudit` so they never read as flags.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pyslang import Bag, SourceManager
from pyslang.ast import Compilation, CompilationOptions
from pyslang.syntax import SyntaxKind, SyntaxNode, SyntaxTree

from veriassist import hdl
from veriassist.check.checker import CheckOptions, check
from veriassist.check.equivalence import FormalOptions, formal_check, yosys_installed
from veriassist.hdl import mutate
from veriassist.spec import spec_interface
from veriassist.suites import Suite, lint_problem, real_file_names
from veriassist.toolchain import ctrl_c
from veriassist.toolchain.vcd import values_before_edges
from veriassist.types import (
    Candidate,
    CheckResult,
    FailureKind,
    FormalStatus,
    FormalVerdict,
    Interface,
    Port,
    Problem,
    Severity,
    SourceFile,
    Testbench,
    TestbenchStyle,
)

INTERFACE, REFERENCE, TOOLCHAIN, STRENGTH, MUTATION = (
    "interface",
    "reference",
    "toolchain",
    "strength",
    "mutation",
)
CHECKS = (INTERFACE, REFERENCE, TOOLCHAIN, STRENGTH, MUTATION)
FORMAL_MODES = ("off", "auto", "on")
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a problem, as a researcher reads it."""

    task_id: str
    check: str  # one of CHECKS
    severity: Severity  # a StrEnum: compares equal to "error" | "warning" | "info"
    message: str
    evidence: str = ""  # e.g. a counterexample table, for a reader who wants the proof

    def to_json(self) -> dict[str, str]:
        data = {
            "task_id": self.task_id,
            "check": self.check,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.evidence:
            data["evidence"] = self.evidence
        return data

    @staticmethod
    def from_json(data: dict[str, str]) -> Finding:
        """The inverse of `to_json`: a finding read back from a run's record."""
        return Finding(
            data["task_id"],
            data["check"],
            Severity(data["severity"]),
            data["message"],
            data.get("evidence", ""),
        )


@dataclass(frozen=True)
class AuditOptions:
    threshold: float = 0.5  # flag outputs whose reference is known in fewer samples than this share
    mutants: int = 4  # at most this many mutants per problem
    # The mutation finding is "kills none", so by default the mutants stop at the first one
    # killed; True runs all of them, to measure the testbench's kill ratio.
    all_mutants: bool = False
    simulate: bool = True  # False: interface checks only, no simulator needed
    check: CheckOptions = CheckOptions(waveform=False)  # noqa: RUF009 - frozen, so sharing it is safe
    # Mutants and constant designs may hang (a mutated counter never reaching its bound):
    # cap them at this many times the reference's own simulation time, within these bounds.
    hang_factor: float = 20.0
    hang_floor_s: float = 1.0
    # Designs that pass the testbench (mutants, constant designs) are proved against the
    # reference with Yosys: "auto" when Yosys is installed, "on" always (and every mutant
    # runs, not only those before the first kill), "off" never.
    formal: str = "auto"
    formal_options: FormalOptions = FormalOptions(cycles=12, timeout_s=10)  # noqa: RUF009 - frozen

    @property
    def proves(self) -> bool:
        return self.formal == "on" or (self.formal == "auto" and yosys_installed())


@dataclass(frozen=True)
class ProblemAudit:
    """Findings for one problem plus the measurements behind them."""

    task_id: str
    findings: tuple[Finding, ...]
    # output -> share of samples in which the reference's value is known
    known_share: dict[str, float] = field(default_factory=dict)
    samples: int | None = None
    mutants_killed: int = 0
    mutants_total: int = 0  # mutants that compiled (a mutant that does not compile tests nothing)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "findings": [f.to_json() for f in self.findings],
            "known_share": self.known_share,
            "samples": self.samples,
            "mutants_killed": self.mutants_killed,
            "mutants_total": self.mutants_total,
            "seconds": round(self.seconds, 3),
        }


# --- Public entry points -------------------------------------------------------------------------


def audit_suite(suite: Suite, jobs: int = 1, options: AuditOptions | None = None) -> dict[str, list[Finding]]:
    """Lint every problem of `suite`: task_id -> findings (empty when clean), in suite order."""
    return {r.task_id: list(r.findings) for r in audit_problems(suite.problems, jobs, options)}


def audit_problems(
    problems: Sequence[Problem],
    jobs: int = 1,
    options: AuditOptions | None = None,
    *,
    on_result: Callable[[ProblemAudit], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ProblemAudit]:
    """Lint `problems`, `jobs` at a time in worker processes; results in the order given.

    `on_result` gets each problem's result as it finishes (to record it at once), and
    `progress` (finished, total) after each.
    """
    options = options or AuditOptions()
    results: dict[int, ProblemAudit] = {}

    def finished(index: int, result: ProblemAudit) -> None:
        results[index] = result
        if on_result is not None:
            on_result(result)
        if progress is not None:
            progress(len(results), len(problems))

    if progress is not None:
        progress(0, len(problems))
    if jobs <= 1 or len(problems) <= 1:
        for index, problem in enumerate(problems):
            finished(index, audit_one(problem, options))
        return [results[i] for i in range(len(problems))]
    # Longest first, so no long problem starts last while the other workers sit idle.
    order = sorted(range(len(problems)), key=lambda i: _size(problems[i]), reverse=True)
    with (
        ctrl_c.raised_between_waits() as waits,
        ctrl_c.process_pool(jobs) as pool,
    ):
        futures = {pool.submit(audit_one, problems[i], options): i for i in order}
        try:
            for future in waits.each(futures):
                finished(futures[future], future.result())
        except BaseException:
            ctrl_c.abandon(pool)  # Ctrl-C: drop the queued problems
            raise
    return [results[i] for i in range(len(problems))]


def _size(problem: Problem) -> int:
    """A problem's expected lint time, by the text simulated (the testbench's size dominates)."""
    testbench, reference = problem.testbench, problem.reference
    files = [*(testbench.files if testbench else ()), *((reference,) if reference else ())]
    return sum(len(f.text) for f in files)


def lint_flags(findings: Iterable[Finding], at_least: Severity | str = Severity.INFO) -> tuple[str, ...]:
    """The flags a sample record carries (`severity:check`), for findings at or above `at_least`."""
    floor = _RANK[Severity(at_least)]
    return tuple(sorted({f"{f.severity.value}:{f.check}" for f in findings if _RANK[f.severity] >= floor}))


def is_flagged(findings: Iterable[Finding], at_least: Severity | str) -> bool:
    """True when some finding is at or above `at_least`: what `bench --exclude-flagged` leaves out."""
    return bool(lint_flags(findings, at_least))


def audit_one(problem: Problem, options: AuditOptions | None = None) -> ProblemAudit:
    """Run every check on one problem."""
    options = options or AuditOptions()
    started = time.perf_counter()
    context = _Context.of(problem)
    findings = _interface_findings(problem, context)
    result = ProblemAudit(problem.task_id, ())
    if options.simulate:
        result = _dynamic(problem, context, options)
        findings.extend(result.findings)
    return replace(result, findings=tuple(findings), seconds=time.perf_counter() - started)


# --- What the testbench does with the design -----------------------------------------------------


@dataclass(frozen=True)
class _Instance:
    """An instance in the testbench, its connections mapped to port names where possible."""

    instance: hdl.Instantiation
    by_port: dict[str, str]  # port -> expression text
    positional: bool
    extra: tuple[str, ...]  # named connections to ports the reference lacks


_REFERENCE_MODULES = ("RefModule", "reference_module")


@dataclass(frozen=True)
class _Context:
    problem: Problem
    reference: Interface | None  # the reference's ports (None when it does not parse)
    tb_text: str
    tb_name: str
    dut: hdl.Instantiation | None
    ref_instance: hdl.Instantiation | None
    tb_module: str

    @staticmethod
    def of(problem: Problem) -> _Context:
        reference = None
        if problem.reference is not None:
            try:
                reference = hdl.module_interface(problem.reference.text, problem.top)
            except hdl.HdlError:
                reference = None
        testbench = problem.testbench
        if testbench is None or testbench.style is TestbenchStyle.COCOTB or not testbench.files:
            return _Context(problem, reference, "", "", None, None, "")
        tb_text = "\n".join(f.text for f in testbench.files)
        tb_name = real_file_names(problem)[1]
        try:
            instances = hdl.instantiations(tb_text)
        except hdl.HdlError:
            return _Context(problem, reference, tb_text, tb_name, None, None, testbench.toplevel)
        dut = next((i for i in instances if i.module == problem.top), None)
        # VerilogEval v1 embeds its reference_module in the test, so it is not named on the testbench.
        names = {testbench.reference_module} if testbench.reference_module else set(_REFERENCE_MODULES)
        ref = next((i for i in instances if i.module in names and i is not dut), None)
        parent = dut.parent if dut is not None else testbench.toplevel
        return _Context(problem, reference, tb_text, tb_name, dut, ref, parent)


def _mapped(instance: hdl.Instantiation, ports: Sequence[Port]) -> _Instance:
    names = [p.name for p in ports]
    by_port: dict[str, str] = {}
    extra: list[str] = []
    positional = any(name is None for name, _ in instance.connections)
    wildcard = any(name == "*" for name, _ in instance.connections)
    for index, (name, expr) in enumerate(instance.connections):
        if name is None:
            if index < len(names):
                by_port[names[index]] = expr
        elif name != "*":
            if name in names:
                by_port[name] = expr
            else:
                extra.append(name)
    if wildcard:  # `.*` connects every remaining port to the signal of the same name
        for name in names:
            by_port.setdefault(name, name)
    return _Instance(instance, by_port, positional, tuple(extra))


def _interface_findings(problem: Problem, context: _Context) -> list[Finding]:
    """Spec vs reference (the suites' own lint), then testbench vs reference and spec."""

    def error(message: str) -> Finding:
        return Finding(problem.task_id, INTERFACE, Severity.ERROR, message)

    findings = [error(message) for message in lint_problem(problem)]
    findings.extend(error(message) for message in _reset_polarity(problem, context.reference))
    reference, dut = context.reference, context.dut
    testbench = problem.testbench
    if testbench is None or testbench.style is TestbenchStyle.COCOTB or reference is None:
        return findings
    where = context.tb_name
    if dut is None:
        if context.tb_module:
            findings.append(error(f"{where} never instantiates the design module '{problem.top}'"))
        return findings
    ours = _mapped(dut, reference.ports)
    label = f"{where} (instance {dut.instance})"
    findings.extend(
        error(f"{label} connects port '{name}', which the reference's {problem.top} does not have")
        for name in ours.extra
    )
    if ours.positional and len(dut.connections) != len(reference.ports):
        findings.append(
            error(
                f"{label} connects {len(dut.connections)} ports by position, "
                f"but the reference has {len(reference.ports)}"
            )
        )
    widths = _signal_widths(context.tb_text, context.tb_module)
    for port in reference.ports:
        expr = ours.by_port.get(port.name)
        if expr is None or expr == "":
            if port.direction == "input":
                findings.append(error(f"{label} leaves input '{port.name}' unconnected"))
            continue
        width = widths.get(expr)
        # Only a signal narrower than an output loses bits: the design's high bits are never
        # compared. A wider one (VerilogEval's `logic [3:0] out_both_ref` on a 3-bit port) holds
        # the same undriven bits for the reference and the design, and an input is the same
        # value for both.
        if width and port.width and port.direction == "output" and width < port.width:
            findings.append(
                Finding(
                    problem.task_id,
                    STRENGTH,
                    Severity.WARNING,
                    f"output '{port.name}' is {_bits(port.width)} in the reference but {label} connects "
                    f"`{expr}`, which is {_bits(width)}: the top {_bits(port.width - width)} are never checked",
                )
            )
    if ours.positional:
        findings.extend(error(m) for m in _positional_findings(problem, context, ours, reference, label))
    return findings


def _positional_findings(
    problem: Problem, context: _Context, ours: _Instance, reference: Interface, label: str
) -> list[str]:
    """Port order matters only here: a design that follows the spec's order must be wired as the spec says."""
    messages = []
    stated = spec_interface(problem.spec)
    order = [p.name for p in reference.ports]
    if stated is not None and stated.ports and {p.name for p in stated.ports} == set(order):
        spec_order = [p.name for p in stated.ports]
        if spec_order != order:
            messages.append(
                f"{label} connects {problem.top} by position, so port order matters: the spec lists "
                f"({', '.join(spec_order)}) but the reference declares ({', '.join(order)})"
            )
    if context.ref_instance is not None:
        theirs = _mapped(context.ref_instance, reference.ports)
        swapped = [
            f"'{p.name}' gets `{ours.by_port[p.name]}` (the reference instance "
            f"{context.ref_instance.instance} gets `{theirs.by_port[p.name]}`)"
            for p in reference.ports
            if p.direction == "input"
            and p.name in ours.by_port
            and p.name in theirs.by_port
            and ours.by_port[p.name] != theirs.by_port[p.name]
        ]
        if swapped:
            messages.append(
                f"{label} connects inputs by position differently from the reference: {'; '.join(swapped)}"
            )
    return messages


_RESET_NAME = re.compile(r"(^|_)(a?s?rst|a?s?reset|areset)(_?n|_ni|_b|_i)?$|^n(rst|reset)$", re.IGNORECASE)


def _reset_polarity(problem: Problem, reference: Interface | None) -> list[str]:
    """The spec says the reset acts at one level, the reference at the other (RTLLM sequence_detector)."""
    if reference is None or problem.reference is None:
        return []
    messages = []
    resets = [p.name for p in reference.ports if p.direction == "input" and _RESET_NAME.search(p.name)]
    for name in resets:
        acts = _reference_reset_level(problem.reference.text, name)
        if acts is None:
            continue
        said = _spec_reset_levels(problem.spec, name)
        against = [sentence for level, sentence in said if level != acts]
        if against and not any(level == acts for level, _ in said):
            quoted = against[0] if len(against[0]) <= 120 else against[0][:117] + "..."
            messages.append(
                f'reset polarity: the spec says the reset acts when {_LEVEL[1 - acts]} ("{quoted}") but '
                f"the reference ({real_file_names(problem)[0]}) resets when '{name}' is {_LEVEL[acts]}"
            )
    return messages


_LEVEL = {0: "low", 1: "high"}


def _reference_reset_level(text: str, name: str) -> int | None:
    """1 when the reference resets on `name` high, 0 on low; None when it cannot be told."""
    n = re.escape(name)
    low = re.search(rf"negedge\s+{n}\b|\bif\s*\(\s*(?:!|~)\s*{n}\s*\)|\b{n}\s*==\s*(?:1'b)?0\b", text)
    high = re.search(rf"posedge\s+{n}\b|\bif\s*\(\s*{n}\s*\)|\b{n}\s*==\s*(?:1'b)?1\b", text)
    if bool(low) == bool(high):
        return None
    return 0 if low else 1


def _spec_reset_levels(spec: str, name: str) -> list[tuple[int, str]]:
    """(level, sentence) for each sentence of the spec that says at which level the reset acts."""
    subject = rf"(?:\b{re.escape(name)}\b|\breset\b|\brst\b)"
    stated = re.compile(
        rf"{subject}(?:\s+(?:signal|input|pin|line))?(?:\s*\([^)]*\))?\s+(?:is|goes|becomes|==?)\s+"
        rf"(?:asserted\s+|driven\s+)?(high|low|1|0)\b|\bactive[- ](high|low)\b",
        re.IGNORECASE,
    )
    found = []
    for sentence in _sentences(spec):
        if not re.search(subject, sentence, re.IGNORECASE):
            continue
        levels = {
            0 if (m.group(1) or m.group(2)).lower() in ("low", "0") else 1 for m in stated.finditer(sentence)
        }
        if len(levels) == 1:
            found.append((levels.pop(), sentence.strip()))
    return found


def _sentences(text: str) -> list[str]:
    """Sentences, with a paragraph's lines joined: what a reader takes as one statement."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        joined = " ".join(line.strip() for line in paragraph.splitlines())
        sentences.extend(s for s in re.split(r"(?<=[.!?;])\s+|\s+-(?=[A-Z])", joined) if s.strip())
    return sentences


def _signal_widths(text: str, module: str) -> dict[str, int]:
    """Bit widths of the signals declared in the testbench module (elaborated, so parameters count)."""
    if not module:
        return {}
    sources = SourceManager()
    sources.setDisableLocalIncludes(True)
    tree = SyntaxTree.fromFileInMemory(text, sources, "testbench.sv")
    options = CompilationOptions()
    options.topModules = {module}
    compilation = Compilation(Bag([options]))
    compilation.addSyntaxTree(tree)
    tops = compilation.getRoot().topInstances
    if not tops:
        return {}
    widths: dict[str, int] = {}
    for symbol in tops[0].body:
        symbol_type = getattr(symbol, "type", None)
        if symbol.name and symbol_type is not None and getattr(symbol_type, "isIntegral", False):
            widths[symbol.name] = int(symbol_type.bitWidth)
    return widths


def _bits(width: int) -> str:
    return f"{width} bit" if width == 1 else f"{width} bits"


# --- Simulation-based checks ---------------------------------------------------------------------


def _dynamic(problem: Problem, context: _Context, options: AuditOptions) -> ProblemAudit:
    task = problem.task_id
    testbench, reference = problem.testbench, problem.reference
    if testbench is None or reference is None:
        missing = "testbench" if testbench is None else "usable reference"
        message = f"no {missing}, so the reference and the testbench cannot be checked"
        return ProblemAudit(task, (Finding(task, REFERENCE, Severity.WARNING, message),))
    # Keep the reference run's work dir: its wave.vcd gives the reference's values below.
    kept = replace(options.check, keep_workdir=True)
    # The reference's own run is the reference run: no count to hold it to.
    own = check(Candidate((reference,), problem.top), testbench, kept, expected_samples=None)
    try:
        return _after_reference_run(problem, context, options, own)
    finally:
        if own.workdir is not None:
            shutil.rmtree(own.workdir, ignore_errors=True)


def _after_reference_run(
    problem: Problem, context: _Context, options: AuditOptions, own: CheckResult
) -> ProblemAudit:
    task = problem.task_id
    if not own.passed:
        return ProblemAudit(task, (_reference_failure(problem, own, options.check),))
    simulated = own.timings.get("compile_simulate_s", 0.0)  # the reference run: compile and simulate
    hang_s = min(options.check.timeout_s, max(options.hang_floor_s, options.hang_factor * simulated))
    quick = replace(options.check, timeout_s=hang_s, waveform=False)
    findings: list[Finding] = []
    outputs = [p for p in context.reference.ports if p.direction == "output"] if context.reference else []
    unread = _unread_outputs(context, outputs)
    findings.extend(_unread_findings(task, context, outputs, unread))
    values = _reference_values(problem, context, outputs, own.workdir)
    known: dict[str, float] = {}
    samples = None
    if values is not None:
        samples = max((len(v) for v in values.values()), default=0) or None
        skip = {name for name, _ in unread}
        for port in outputs:
            series = values.get(port.name)
            if not series or port.name in skip:
                continue
            share = sum(1 for v in series if _checked(v)) / len(series)
            known[port.name] = share
            if share < options.threshold:
                findings.append(_weak_output(task, problem.spec, port.name, share, len(series), len(outputs)))
    proofs = _Proofs(problem, options) if options.proves else None
    # Every design below is judged against the sample count the reference run just showed.
    findings.extend(_constant_findings(problem, values, quick, options.threshold, own.samples, proofs))
    all_mutants = options.all_mutants or options.formal == "on"
    killed, total, mutant_findings = _mutation(
        problem, quick, options.mutants, all_mutants, own.samples, proofs
    )
    findings.extend(mutant_findings)
    if proofs is not None:
        findings.extend(proofs.findings())
    return ProblemAudit(task, tuple(findings), known, samples, killed, total)


def _reference_failure(problem: Problem, own: CheckResult, options: CheckOptions) -> Finding:
    """Why the reference fails: a limit of the local simulator, or a fault of the problem."""
    task = problem.task_id
    unsupported = [d.message for d in own.diagnostics if "sorry" in d.message.lower()]
    if not unsupported:
        unsupported = [line.strip() for line in own.compile_log.splitlines() if "sorry:" in line]
    if unsupported:
        message = (
            f"Icarus cannot compile the reference ({real_file_names(problem)[0]}): {unsupported[0]}; "
            "a limit of the local simulator, not a fault of the problem, so this problem cannot be scored here"
        )
        return Finding(task, TOOLCHAIN, Severity.WARNING, message)
    return Finding(
        task, REFERENCE, Severity.ERROR, f"the reference fails its own testbench: {_why(own, options)}"
    )


def _why(result: CheckResult, options: CheckOptions) -> str:
    kind = result.kind
    if kind is FailureKind.TIMEOUT:
        if any("TIMEOUT" in line for line in result.sim_log.splitlines()):
            return "timeout: the testbench's own guard fired (it printed TIMEOUT before the design finished)"
        return f"timeout: the simulation passed the {options.timeout_s:g} s wall-clock limit"
    detail = result.summary.removeprefix("failed: ").removeprefix(f"{kind.value}: ")
    return detail if detail.startswith(kind.value) else f"{kind.value}: {detail}"


def _unread_findings(
    task: str, context: _Context, outputs: Sequence[Port], unread: Sequence[tuple[str, str]]
) -> list[Finding]:
    """Outputs the testbench never reads; all of them unread means any design passes."""
    if outputs and len(unread) == len(outputs) and len(outputs) > 1:
        names = ", ".join(f"'{name}'" for name, _ in unread)
        message = f"the testbench reads none of the outputs ({names}): any design that compiles passes"
        return [Finding(task, STRENGTH, Severity.ERROR, message)]
    return [
        Finding(
            task,
            STRENGTH,
            Severity.ERROR if len(outputs) == 1 else Severity.WARNING,
            f"output '{name}' goes to `{signal}`, which {context.tb_name} never reads: it is never checked",
        )
        for name, signal in unread
    ]


_DONT_CARE = re.compile(r"don'?t[- ]care|do not care|\bdon.t care|\bx\b.{0,20}\ballowed", re.IGNORECASE)


def _weak_output(task: str, spec: str, name: str, share: float, samples: int, outputs: int) -> Finding:
    said = _spec_allows_dont_care(spec, name, only_output=outputs == 1)
    how = "the spec calls it don't-care there" if said else "the spec does not call it don't-care"
    message = (
        f"output '{name}' is checked in only {share:.0%} of {samples} samples "
        f"(the reference is X or Z in the rest, which the compare accepts from any design); {how}"
    )
    return Finding(task, STRENGTH, Severity.INFO if said else Severity.WARNING, message)


def _spec_allows_dont_care(spec: str, name: str, *, only_output: bool) -> bool:
    """The spec says `name` is don't-care somewhere: read by sentence and paragraph, not physical line.

    A paragraph that says "don't care" and names the output counts; so does any mention when
    the design has only the one output.
    """
    named = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])")
    for paragraph in re.split(r"\n[ \t]*\n", spec):
        if not _DONT_CARE.search(paragraph):
            continue
        if only_output or named.search(paragraph):
            return True
    return False


def _is_known(value: str) -> bool:
    return not any(c in "xXzZ" for c in value)


def _checked(value: str) -> bool:
    """A sample checks the output when some bit of the reference is known: the compare is per bit."""
    return any(c in "01" for c in value)


def _unread_outputs(context: _Context, outputs: Sequence[Port]) -> list[tuple[str, str]]:
    """Design outputs wired to a testbench signal that nothing in the testbench reads."""
    if context.dut is None or context.reference is None:
        return []
    # Map with every port: a positional connection's index counts inputs too.
    connected = _mapped(context.dut, context.reference.ports).by_port
    wired = {
        port.name: signal
        for port in outputs
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", signal := connected.get(port.name, ""))
    }
    if not wired:
        return []
    read = _read_signals(context, set(wired.values()))
    return [(name, signal) for name, signal in wired.items() if signal not in read]


def _read_signals(context: _Context, signals: set[str]) -> set[str]:
    """Those of `signals` some statement in the testbench uses, beyond declaring, connecting or dumping."""
    sources = SourceManager()
    sources.setDisableLocalIncludes(True)
    tree = SyntaxTree.fromFileInMemory(context.tb_text, sources, "testbench.sv")
    read: set[str] = set()

    def visit(item: Any) -> bool:
        # `y_dut[0]` reads y_dut too (one bit of it: what the rest leave unchecked shows in a check).
        if isinstance(item, SyntaxNode) and item.kind in (
            SyntaxKind.IdentifierName,
            SyntaxKind.IdentifierSelectName,
        ):
            name = item.identifier.valueText  # type: ignore[attr-defined]
            if name in signals and name not in read and not _passive_use(item):
                read.add(name)
        return True

    tree.root.visit(visit)
    return read


def _passive_use(node: Any) -> bool:
    """A use inside a port connection or a `$dump...` call reads nothing for the verdict."""
    parent = node.parent
    while parent is not None:
        if parent.kind in (SyntaxKind.HierarchyInstantiation, SyntaxKind.DataDeclaration):
            return True
        if parent.kind == SyntaxKind.InvocationExpression and str(parent.left).strip().startswith("$dump"):
            return True
        parent = parent.parent
    return False


def _reference_values(
    problem: Problem, context: _Context, outputs: Sequence[Port], workdir: Path | None
) -> dict[str, list[str]] | None:
    """Each output's reference value at every compare instant, from the testbench's own waveform.

    Only COMPARE testbenches dump the reference's outputs (`<out>_ref` in tb scope); None otherwise.
    """
    testbench = problem.testbench
    if (
        testbench is None
        or testbench.style is not TestbenchStyle.COMPARE
        or context.ref_instance is None
        or problem.reference is None
        or not outputs
    ):
        return None
    vcd = workdir / "wave.vcd" if workdir is not None else None
    if vcd is None or not vcd.is_file():
        return None
    ports = context.reference.ports if context.reference is not None else outputs
    signals = _mapped(context.ref_instance, ports).by_port
    wanted = {p.name: (signals.get(p.name, ""), p.width) for p in outputs}
    values = values_before_edges(vcd, context.tb_module, wanted)
    if values is None:
        return None
    # A testbench signal wider than the port (`logic [3:0] out_both_ref` on a 3-bit port) has
    # undriven high bits that nobody compares against the design: keep the port's own bits.
    widths = {p.name: p.width for p in outputs}
    return {
        name: [v[-widths[name] :] if 0 < widths[name] < len(v) else v for v in series]
        for name, series in values.items()
    }


# --- Constant designs and mutants ----------------------------------------------------------------


def constant_design(reference: SourceFile, top: str, bit: str) -> SourceFile | None:
    """A module with the reference's interface whose every output is stuck at `bit` ('0' or '1')."""
    try:
        interface = hdl.module_interface(reference.text, top)
        header = hdl.module_header(reference.text, top)
    except hdl.HdlError:
        return None
    outputs = [p for p in interface.ports if p.direction == "output"]
    if not outputs:
        return None
    if not re.search(r"\b(input|output|inout)\b", header):
        # A non-ANSI header lists names only; restate the ports with their widths.
        ports = ", ".join(f"{p.direction} {_range(p.width)}{p.name}" for p in interface.ports)
        header = f"module {top} ({ports});"
    body = "\n".join(f"  assign {p.name} = '{bit};" for p in outputs)
    return SourceFile(f"{top}_stuck_at_{bit}.sv", f"{header}\n{body}\nendmodule\n")


def _range(width: int) -> str:
    return f"[{width - 1}:0] " if width > 1 else ""


def _constant_findings(
    problem: Problem,
    values: dict[str, list[str]] | None,
    options: CheckOptions,
    threshold: float,
    reference_samples: int | None,
    proofs: _Proofs | None = None,
) -> list[Finding]:
    assert problem.testbench is not None and problem.reference is not None
    constant = _constant_outputs(problem.reference.text, problem.top)
    findings = []
    for bit in "01":
        if _reference_is(values, bit, threshold):
            continue  # the reference itself is constant `bit`: that design is right to pass
        if constant is not None and set(constant.values()) == {bit}:
            continue  # the reference drives `bit` on every output: the spec may well ask for that
        design = _constant_candidate(problem.reference, problem.top, bit)
        if design is None:
            continue
        if not check(design, problem.testbench, options, expected_samples=reference_samples).passed:
            continue
        if proofs is not None:
            proofs.prove(design, f"a design with every output stuck at {bit}")
        unseen = " (the reference's outputs are not in a waveform to confirm they vary)"
        seen = "" if values is not None else unseen
        findings.append(
            Finding(
                problem.task_id,
                STRENGTH,
                Severity.WARNING,
                f"a design with every output stuck at {bit} passes the testbench{seen}",
            )
        )
    return findings


_CONSTANT_ASSIGN = re.compile(
    r"\bassign\s+([A-Za-z_][A-Za-z0-9_$]*)\s*=\s*(?:\d*'[sS]?([bBdDhHoO])?)?([0-9a-fA-F_]+)\s*;"
)


def _constant_outputs(text: str, top: str) -> dict[str, str] | None:
    """output -> '0' or '1' when the reference drives every output with a constant of all 0s or 1s.

    VerilogEval has problems whose right answer is a constant (`zero`, `step_one`): a constant
    design passing them is the point, not a weakness.
    """
    try:
        outputs = [p for p in hdl.module_interface(text, top).ports if p.direction == "output"]
    except hdl.HdlError:
        return None
    driven: dict[str, str] = {}
    for match in _CONSTANT_ASSIGN.finditer(text):
        name, base, digits = match.groups()
        try:
            value = int(digits.replace("_", ""), _BASES.get((base or "d").lower(), 10))
        except ValueError:
            continue
        port = next((p for p in outputs if p.name == name), None)
        if port is None:
            continue
        if value == 0:
            driven[name] = "0"
        elif port.width and value == (1 << port.width) - 1:
            driven[name] = "1"
    if not outputs or any(p.name not in driven for p in outputs):
        return None
    return driven


_BASES = {"b": 2, "o": 8, "d": 10, "h": 16}


def _constant_candidate(reference: SourceFile, top: str, bit: str) -> Candidate | None:
    design = constant_design(reference, top, bit)
    return Candidate((design,), top) if design is not None else None


def _reference_is(values: dict[str, list[str]] | None, bit: str, threshold: float) -> bool:
    """True when the reference is seen to be constant `bit`: then a constant design is right to pass.

    Seen means known in at least `threshold` of the samples: a reference that is X most of
    the run and 0 otherwise does not excuse a design stuck at 0.
    """
    if not values:
        return False
    for series in values.values():
        known = [v for v in series if _is_known(v)]
        if not series or len(known) < threshold * len(series) or any(set(v) != {bit} for v in known):
            return False
    return True


def _mutation(
    problem: Problem,
    options: CheckOptions,
    limit: int,
    all_mutants: bool = False,
    reference_samples: int | None = None,
    proofs: _Proofs | None = None,
) -> tuple[int, int, list[Finding]]:
    assert problem.testbench is not None and problem.reference is not None
    if limit <= 0:
        return 0, 0, []
    killed = total = 0
    survivors: list[str] = []
    unchecked: list[tuple[str, tuple[str, ...]]] = []  # passing mutants whose outputs differ unchecked
    testbench = _beside_reference(problem)
    for mutant in mutate.mutants(problem.reference.text, limit):
        design = Candidate((SourceFile(problem.reference.name, mutant.text),), problem.top)
        result = check(design, testbench, options, expected_samples=reference_samples)
        if result.kind.is_compile_failure:
            continue  # not a mutant of the behaviour, just broken code
        total += 1
        if result.passed:
            survivors.append(mutant.description)
            if result.warnings:
                unchecked.append((mutant.description, result.warnings))
            if proofs is not None:
                proofs.prove(design, f"the mutant of the reference at {mutant.description}")
        else:
            killed += 1
            if not all_mutants:
                break  # one kill already rules the finding out
    findings = []
    if total and not killed:
        findings.append(
            Finding(
                problem.task_id,
                MUTATION,
                Severity.WARNING,
                f"the testbench kills none of {total} mutants of the reference ({'; '.join(survivors)})",
            )
        )
    findings.extend(_unchecked_findings(problem.task_id, unchecked))
    return killed, total, findings


def _beside_reference(problem: Problem) -> Testbench:
    """A self-checking testbench given the problem's reference, so a check compares the outputs
    with it over the whole run (check/unchecked.py); a comparing testbench has its own already."""
    testbench = problem.testbench
    assert testbench is not None
    if testbench.style is TestbenchStyle.BANNER and testbench.reference is None and problem.reference:
        return replace(testbench, reference=problem.reference)
    return testbench


def _unchecked_findings(task: str, unchecked: Sequence[tuple[str, tuple[str, ...]]]) -> list[Finding]:
    """A mutant that passes while its outputs differ from the reference's: the testbench leaves
    those bits unchecked. One finding per output named, with the first mutant that showed it."""
    by_output: dict[str, tuple[str, str]] = {}
    for description, warnings in unchecked:
        for warning in warnings:
            output = warning.split("`", 2)[1] if warning.count("`") >= 2 else warning
            by_output.setdefault(output.split("[", 1)[0], (description, warning))
    return [
        Finding(
            task,
            STRENGTH,
            Severity.WARNING,
            f"{warning}, in a mutant of the reference that passes ({description}): the testbench is weak there",
        )
        for description, warning in by_output.values()
    ]


# --- Proofs: designs the testbench passes, against the reference ---------------------------------


class _Proofs:
    """Prove designs that pass the testbench against the reference; a refuted one marks it weak.

    A testbench samples behaviour; a proof covers all of it. A design that passes every
    sample yet is proved different from the reference (with a counterexample) shows the
    testbench passes wrong designs: Prob053-style vacuous testbenches are caught directly.
    """

    def __init__(self, problem: Problem, options: AuditOptions) -> None:
        self.problem = problem
        self.options = options.formal_options
        self.testbench = _formal_testbench(problem)
        self.refuted: list[tuple[str, FormalVerdict]] = []
        self.unknown: list[str] = []

    def prove(self, design: Candidate, what: str) -> FormalVerdict | None:
        if self.testbench is None:
            return None
        verdict = formal_check(design, self.testbench, self.options)
        if verdict.status is FormalStatus.NOT_EQUIVALENT:
            self.refuted.append((what, verdict))
        elif verdict.status is FormalStatus.UNKNOWN:
            self.unknown.append(verdict.reason)
        return verdict

    def findings(self) -> list[Finding]:
        if not self.refuted:
            return []
        what, verdict = self.refuted[0]
        more = f" ({len(self.refuted) - 1} more such designs)" if len(self.refuted) > 1 else ""
        message = (
            f"the testbench passes {what}, which a proof shows differs from the reference "
            f"(counterexample of {len(verdict.counterexample)} steps; {verdict.reason}){more}: "
            "the testbench passes wrong designs"
        )
        return [Finding(self.problem.task_id, STRENGTH, Severity.ERROR, message, evidence=verdict.table)]


def _formal_testbench(problem: Problem) -> Testbench | None:
    """The testbench as `formal_check` wants it: with the reference beside it, under its own name."""
    testbench, reference = problem.testbench, problem.reference
    if testbench is None or reference is None:
        return None
    if testbench.reference is not None:
        return testbench
    gold = f"{problem.top}__reference"
    try:
        text = hdl.rename_module(reference.text, problem.top, gold)
    except hdl.HdlError:
        return None
    return replace(testbench, reference=SourceFile(reference.name, text), reference_module=gold)


# --- Labelled findings: the audit's precision and recall -----------------------------------------


@dataclass(frozen=True)
class Label:
    """One known finding of a suite: true (a real problem) or false (an alarm the audit must not raise)."""

    task: str
    check: str
    match: str  # a regular expression the finding's message matches
    label: bool
    evidence: str = ""

    def matches(self, finding: Finding) -> bool:
        return (
            finding.task_id == self.task
            and finding.check == self.check
            and re.search(self.match, finding.message) is not None
        )


@dataclass(frozen=True)
class LabelScore:
    """How the audit's findings (warnings and errors) compare with the labels."""

    true_positives: tuple[Finding, ...]  # findings matching a true label
    false_positives: tuple[tuple[Finding, Label], ...]  # findings matching a false label
    missed: tuple[Label, ...]  # true labels no finding matches
    unlabelled: tuple[Finding, ...]  # findings no label speaks of
    found: tuple[Label, ...] = ()  # true labels some finding matches

    @property
    def precision(self) -> float | None:
        judged = len(self.true_positives) + len(self.false_positives)
        return len(self.true_positives) / judged if judged else None

    @property
    def recall(self) -> float | None:
        total = len(self.found) + len(self.missed)
        return len(self.found) / total if total else None


def read_labels(text: str) -> list[Label]:
    """Labels from TOML: `[[finding]]` tables with task, check, match, label and evidence.

    Raises:
        ValueError: a table lacks a field, or its `match` is not a valid regular expression.
    """
    import tomllib

    labels = []
    for index, entry in enumerate(tomllib.loads(text).get("finding", []), start=1):
        missing = [k for k in ("task", "check", "match", "label") if k not in entry]
        if missing:
            raise ValueError(f"label {index}: missing {', '.join(missing)}")
        try:
            re.compile(entry["match"])
        except re.error as error:
            raise ValueError(f"label {index}: match is not a regular expression ({error})") from None
        labels.append(
            Label(
                entry["task"], entry["check"], entry["match"], bool(entry["label"]), entry.get("evidence", "")
            )
        )
    return labels


def score_labels(findings: Iterable[Finding], labels: Sequence[Label]) -> LabelScore:
    """Compare findings at warning or above with the labels (notes are not claims of a fault)."""
    flagged = [f for f in findings if _RANK[f.severity] >= _RANK[Severity.WARNING]]
    true_positives: list[Finding] = []
    false_positives: list[tuple[Finding, Label]] = []
    unlabelled: list[Finding] = []
    found: list[Label] = []
    for finding in flagged:
        wrong = next((lab for lab in labels if not lab.label and lab.matches(finding)), None)
        right = [lab for lab in labels if lab.label and lab.matches(finding)]
        if wrong is not None:
            false_positives.append((finding, wrong))
        elif right:
            true_positives.append(finding)
            found.extend(lab for lab in right if lab not in found)
        else:
            unlabelled.append(finding)
    missed = tuple(lab for lab in labels if lab.label and lab not in found)
    return LabelScore(tuple(true_positives), tuple(false_positives), missed, tuple(unlabelled), tuple(found))
