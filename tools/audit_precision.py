"""Precision and recall of `veriassist suites audit` on a suite checkout, against labelled findings.

Usage: python tools/audit_precision.py SUITE_DIR LABELS.toml [--format F] [--task T] [-j N]
                                       [--formal off|auto|on] [--mutants N]

LABELS.toml holds `[[finding]]` tables (task, check, match: a regex on the message, label:
true for a real problem or false for an alarm the audit must not raise, evidence). Findings
at warning or error count; a finding no label speaks of is listed apart, as unlabelled.
Examples: tests/fixtures/audit/corpus/*/labels.toml (our own copies of the suites' patterns).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from veriassist.check.checker import CheckOptions
from veriassist.suites import load_suite
from veriassist.suites.audit import AuditOptions, audit_problems, read_labels, score_labels


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--format", default=None)
    parser.add_argument("--task", default=None)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--formal", choices=("off", "auto", "on"), default="auto")
    parser.add_argument("--mutants", type=int, default=AuditOptions().mutants)
    args = parser.parse_args()
    labels = read_labels(args.labels.read_text())
    suite = load_suite(args.suite, format=args.format, task=args.task)
    options = AuditOptions(mutants=args.mutants, formal=args.formal, check=CheckOptions(waveform=False))
    started = time.perf_counter()
    results = audit_problems(suite.problems, args.jobs, options)
    seconds = time.perf_counter() - started
    score = score_labels([f for r in results for f in r.findings], labels)
    truths = sum(1 for label in labels if label.label)
    print(
        f"{suite.name}: {len(results)} problems audited in {seconds:.1f} s (-j {args.jobs}, formal {args.formal})"
    )
    print(f"labels: {truths} true, {len(labels) - truths} false")
    print(
        f"precision {_share(score.precision)} ({len(score.true_positives)} true findings, "
        f"{len(score.false_positives)} false alarms)"
    )
    print(
        f"recall    {_share(score.recall)} ({truths - len(score.missed)} of {truths} true findings reported)"
    )
    for finding, label in score.false_positives:
        print(
            f"FALSE ALARM {finding.task_id} [{finding.check}] {finding.message}\n    label: {label.evidence}"
        )
    for label in score.missed:
        print(f"MISSED      {label.task} [{label.check}] /{label.match}/\n    evidence: {label.evidence}")
    for finding in score.unlabelled:
        print(f"UNLABELLED  {finding.task_id} [{finding.check}] {finding.severity.value}: {finding.message}")
    return 1 if score.false_positives or score.missed else 0


if __name__ == "__main__":
    sys.exit(main())
