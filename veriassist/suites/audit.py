"""Suite lint: find benchmark problems whose score would measure the suite, not the model.

Four checks per problem, each a list of `Finding`s:
- interface: the spec, the reference and the golden testbench disagree on the
  module name, port names, widths or (for positional connections) port order;
- reference: the reference fails its own testbench on the local simulator;
- strength: outputs the testbench hardly checks (the reference is X/Z, or the
  output is never read), and constant designs that pass;
- mutation: the testbench kills none of a handful of mutants of the reference.

A clean problem has no findings at all; statistics (mutants killed, share of
samples checked) are kept apart in `ProblemAudit` so they never read as flags.
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
from veriassist.hdl import mutate
from veriassist.spec import spec_interface
from veriassist.suites import Suite, lint_problem
from veriassist.toolchain import ctrl_c
from veriassist.toolchain.vcd import values_before_edges
from veriassist.types import (
    Candidate,
    CheckResult,
    FailureKind,
    Interface,
    Port,
    Problem,
    Severity,
    SourceFile,
    TestbenchStyle,
)

INTERFACE, REFERENCE, STRENGTH, MUTATION = "interface", "reference", "strength", "mutation"
CHECKS = (INTERFACE, REFERENCE, STRENGTH, MUTATION)
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a problem, as a researcher reads it."""

    task_id: str
    check: str  # one of CHECKS
    severity: Severity  # a StrEnum: compares equal to "error" | "warning" | "info"
    message: str

    def to_json(self) -> dict[str, str]:
        return {
            "task_id": self.task_id,
            "check": self.check,
            "severity": self.severity.value,
            "message": self.message,
        }

    @staticmethod
    def from_json(data: dict[str, str]) -> Finding:
        """The inverse of `to_json`: a finding read back from a run's record."""
        return Finding(data["task_id"], data["check"], Severity(data["severity"]), data["message"])


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
            pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: drop the queued problems
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
        tb_name = testbench.files[0].name
        try:
            instances = hdl.instantiations(tb_text)
        except hdl.HdlError:
            return _Context(problem, reference, tb_text, tb_name, None, None, testbench.toplevel)
        dut = next((i for i in instances if i.module == problem.top), None)
        ref = next((i for i in instances if i.module == testbench.reference_module), None)
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
        if width and port.width and width != port.width:
            findings.append(
                error(
                    f"port '{port.name}' is {_bits(port.width)} in the reference but {label} "
                    f"connects `{expr}`, which is {_bits(width)}"
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
        message = f"the reference fails its own testbench: {_why(own, options.check)}"
        return ProblemAudit(task, (Finding(task, REFERENCE, Severity.ERROR, message),))
    simulated = own.timings.get("compile_simulate_s", 0.0)  # the reference run: compile and simulate
    hang_s = min(options.check.timeout_s, max(options.hang_floor_s, options.hang_factor * simulated))
    quick = replace(options.check, timeout_s=hang_s, waveform=False)
    findings: list[Finding] = []
    outputs = [p for p in context.reference.ports if p.direction == "output"] if context.reference else []
    unread = _unread_outputs(context, outputs)
    findings.extend(
        Finding(
            task,
            STRENGTH,
            Severity.WARNING,
            f"output '{name}' goes to `{signal}`, which the testbench never reads: it is never checked",
        )
        for name, signal in unread
    )
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
            share = sum(1 for v in series if _is_known(v)) / len(series)
            known[port.name] = share
            if share < options.threshold:
                findings.append(_weak_output(task, problem.spec, port.name, share, len(series)))
    # Every design below is judged against the sample count the reference run just showed.
    findings.extend(_constant_findings(problem, values, quick, options.threshold, own.samples))
    killed, total, mutant_findings = _mutation(
        problem, quick, options.mutants, options.all_mutants, own.samples
    )
    findings.extend(mutant_findings)
    return ProblemAudit(task, tuple(findings), known, samples, killed, total)


def _why(result: CheckResult, options: CheckOptions) -> str:
    kind = result.kind
    detail = result.summary.removeprefix("failed: ").removeprefix(f"{kind.value}: ")
    if kind is FailureKind.TIMEOUT and detail == kind.value:
        return f"timeout (the testbench printed TIMEOUT, or the run passed {options.timeout_s:g} s)"
    return detail if detail.startswith(kind.value) else f"{kind.value}: {detail}"


_DONT_CARE = re.compile(r"don'?t[- ]care|do not care|\bdon.t care", re.IGNORECASE)


def _weak_output(task: str, spec: str, name: str, share: float, samples: int) -> Finding:
    said = any(
        _DONT_CARE.search(line) and re.search(rf"\b{re.escape(name)}\b", line) for line in spec.splitlines()
    )
    how = "the spec calls it don't-care there" if said else "the spec does not call it don't-care"
    message = (
        f"output '{name}' is checked in only {share:.0%} of {samples} samples "
        f"(the reference is X or Z in the rest, which the compare accepts from any design); {how}"
    )
    return Finding(task, STRENGTH, Severity.INFO if said else Severity.WARNING, message)


def _is_known(value: str) -> bool:
    return not any(c in "xXzZ" for c in value)


def _unread_outputs(context: _Context, outputs: Sequence[Port]) -> list[tuple[str, str]]:
    """Design outputs wired to a testbench signal that nothing in the testbench reads."""
    if context.dut is None:
        return []
    connected = _mapped(context.dut, outputs).by_port
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
        if isinstance(item, SyntaxNode) and item.kind == SyntaxKind.IdentifierName:
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
    signals = _mapped(context.ref_instance, outputs).by_port
    wanted = {p.name: (signals.get(p.name, ""), p.width) for p in outputs}
    return values_before_edges(vcd, context.tb_module, wanted)


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
) -> list[Finding]:
    assert problem.testbench is not None and problem.reference is not None
    findings = []
    for bit in "01":
        if _reference_is(values, bit, threshold):
            continue  # the reference itself is constant `bit`: that design is right to pass
        design = _constant_candidate(problem.reference, problem.top, bit)
        if design is None:
            continue
        if not check(design, problem.testbench, options, expected_samples=reference_samples).passed:
            continue
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
) -> tuple[int, int, list[Finding]]:
    assert problem.testbench is not None and problem.reference is not None
    if limit <= 0:
        return 0, 0, []
    killed = total = 0
    survivors: list[str] = []
    for mutant in mutate.mutants(problem.reference.text, limit):
        design = Candidate((SourceFile(problem.reference.name, mutant.text),), problem.top)
        result = check(design, problem.testbench, options, expected_samples=reference_samples)
        if result.kind.is_compile_failure:
            continue  # not a mutant of the behaviour, just broken code
        total += 1
        if result.passed:
            survivors.append(mutant.description)
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
    return killed, total, findings
