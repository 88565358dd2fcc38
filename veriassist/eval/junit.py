"""JUnit XML for CI: one testcase per sample, so GitLab and GitHub show VeriAssist's verdicts.

The format is the de-facto one CI servers read (`testsuites > testsuite > testcase`, with a
`failure` whose `message` is one line and whose text is the detail). A failing sample's
message is its feedback's headline and the body is the whole feedback a model would read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from veriassist.check.feedback import feedback_of
from veriassist.types import SampleRecord

__all__ = ["JUnitCase", "cases_from_records", "headline", "write_junit"]

# XML 1.0 has no way to carry these, even escaped; a simulator log may hold any byte.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_MESSAGE_CHARS = 500  # the attribute CI shows in a list; the body holds the rest


@dataclass(frozen=True)
class JUnitCase:
    classname: str  # suite/task: CI servers group by it
    name: str
    passed: bool
    kind: str  # the failure kind, as `failure type`
    message: str = ""  # one line
    body: str = ""
    seconds: float = 0.0


def _clean(text: str) -> str:
    return _NOT_XML.sub("?", text)


def headline(feedback: str, fallback: str) -> str:
    """The first non-empty line of the feedback, cut to MAX_MESSAGE_CHARS."""
    first = next((line.strip() for line in feedback.splitlines() if line.strip()), fallback)
    return first if len(first) <= MAX_MESSAGE_CHARS else first[: MAX_MESSAGE_CHARS - 3] + "..."


def cases_from_records(suite: str, records: Iterable[SampleRecord]) -> list[JUnitCase]:
    """One case per recorded sample, in task then sample order."""
    cases = []
    for record in sorted(records, key=lambda r: (r.task_id, r.sample)):
        feedback = feedback_of(record)
        body = feedback
        if record.log_excerpt and not record.passed:
            body = f"{body.rstrip()}\n\n--- log excerpt ---\n{record.log_excerpt}"
        cases.append(
            JUnitCase(
                classname=f"{suite}/{record.task_id}",
                name=f"{record.task_id} sample {record.sample}",
                passed=record.passed,
                kind=record.kind.value,
                message="" if record.passed else headline(feedback, f"failed: {record.kind.value}"),
                body=body,
                seconds=float(record.timings.get("total", sum(record.timings.values()))),
            )
        )
    return cases


def write_junit(path: Path, suite: str, cases: Sequence[JUnitCase]) -> Path:
    """Write the cases as one test suite; returns the path written."""
    failures = sum(not c.passed for c in cases)
    seconds = sum(c.seconds for c in cases)
    root = ET.Element("testsuites", name="veriassist", tests=str(len(cases)), failures=str(failures))
    root.set("time", f"{seconds:.3f}")
    suite_element = ET.SubElement(
        root, "testsuite", name=_clean(suite), tests=str(len(cases)), failures=str(failures), errors="0"
    )
    suite_element.set("time", f"{seconds:.3f}")
    for case in cases:
        element = ET.SubElement(
            suite_element, "testcase", classname=_clean(case.classname), name=_clean(case.name)
        )
        element.set("time", f"{case.seconds:.3f}")
        if not case.passed:
            failure = ET.SubElement(element, "failure", message=_clean(case.message), type=case.kind)
            failure.text = _clean(case.body)
        elif case.body:
            ET.SubElement(element, "system-out").text = _clean(case.body)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
