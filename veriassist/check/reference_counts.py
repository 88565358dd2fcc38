"""How many samples a reference shows under its comparing testbench, measured once and cached.

A candidate must show as many samples as its reference: one that ends the run early
compares fewer and must not pass. A testbench that ends the run with a `$finish` of its
own needs no count: that `$finish` is stamped, and a run it did not end is no verdict
(check/verdict.py). For the others the count comes from one simulation of the reference;
a `ReferenceCounts` cache, made by the caller (a bench run, a suite audit, an agent loop,
a server) and passed where it is needed, keeps it. `check()` only takes the number.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import replace

from veriassist.check.checker import check
from veriassist.check.simulation import CheckOptions, is_the_reference, reference_as
from veriassist.check.simulators import ends_marked, simulator_for
from veriassist.types import Candidate, CheckResult, Interface, SourceFile, Testbench, TestbenchStyle


def counts_samples(testbench: Testbench) -> bool:
    """True when a candidate's sample count is held to the reference's: a comparing testbench
    whose end is not marked by a `$finish` of its own."""
    return (
        testbench.style is TestbenchStyle.COMPARE
        and testbench.reference is not None
        and not ends_marked(testbench)
    )


def reference_key(top: str, testbench: Testbench) -> str:
    """What a reference sample count depends on: the top's name, the reference and the testbench."""
    assert testbench.reference is not None
    parts = [top, testbench.reference.text, *(f.text for f in testbench.files)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def measure(top: str, testbench: Testbench, options: CheckOptions) -> int | None:
    """Simulate the reference as the design `top`: its sample count, or None when it did not pass."""
    if not counts_samples(testbench):
        return None
    as_design = Candidate((SourceFile("reference_as_dut.sv", reference_as(top, testbench)),), top)
    quiet = replace(options, waveform=False, keep_workdir=False)
    result = simulator_for(testbench).run(as_design, testbench, quiet, expected_samples=None)
    return result.samples if result.passed else None


class ReferenceCounts:
    """Reference sample counts by `reference_key`; thread-safe. Each reference runs at most once
    per cache (two threads asking at once may both run it; the answer is the same)."""

    def __init__(self, known: Mapping[str, int | None] | None = None) -> None:
        self._counts: dict[str, int | None] = dict(known or {})
        self._lock = threading.Lock()

    def remember(self, top: str, testbench: Testbench, samples: int | None) -> None:
        """Keep a count measured elsewhere (by a bench worker, or an earlier run in the store)."""
        if testbench.reference is not None:
            with self._lock:
                self._counts[reference_key(top, testbench)] = samples

    def known(self, top: str, testbench: Testbench) -> int | None:
        """The count this cache holds (None: not measured yet, or the reference did not pass)."""
        if testbench.reference is None:
            return None
        with self._lock:
            return self._counts.get(reference_key(top, testbench))

    def count(self, top: str, testbench: Testbench, options: CheckOptions) -> int | None:
        """The reference's count under `testbench` (None: no count to hold a candidate to)."""
        if not counts_samples(testbench):
            return None
        key = reference_key(top, testbench)
        with self._lock:
            if key in self._counts:
                return self._counts[key]
        samples = measure(top, testbench, options)
        with self._lock:
            self._counts[key] = samples
        return samples

    def expected(self, candidate: Candidate, testbench: Testbench, options: CheckOptions) -> int | None:
        """What `check` must hold `candidate` to: None when nothing is counted, or when the
        candidate is the reference (its own run is the reference run)."""
        if not counts_samples(testbench) or is_the_reference(candidate, testbench):
            return None
        return self.count(candidate.top, testbench, options)


def check_counted(
    candidate: Candidate,
    testbench: Testbench,
    options: CheckOptions | None,
    counts: ReferenceCounts,
    *,
    expected_interface: Interface | None = None,
) -> CheckResult:
    """`check`, held to the reference's sample count from `counts` (measured first if need be)."""
    options = options or CheckOptions()
    expected = counts.expected(candidate, testbench, options)
    return check(
        candidate, testbench, options, expected_samples=expected, expected_interface=expected_interface
    )
