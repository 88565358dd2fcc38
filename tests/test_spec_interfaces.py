"""The interface a spec states, read from the styles people write (issue 13, point 4).

Each style is a file under tests/fixtures/specs/, its expected reading in expected.toml.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from veriassist.spec import read_interface, spec_interface

SPECS = Path(__file__).parent / "fixtures" / "specs"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((SPECS / "expected.toml").read_text())


def test_the_corpus_has_at_least_ten_styles() -> None:
    assert len(EXPECTED) >= 10
    assert len({case["style"] for case in EXPECTED.values()}) >= 5


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_spec_style_gives_its_interface(name: str) -> None:
    case = EXPECTED[name]
    found = read_interface((SPECS / case["file"]).read_text())
    assert found is not None
    ports = [[p.name, p.direction, p.width] for p in found.interface.ports]
    assert (found.interface.module, found.style, ports) == (case["module"], case["style"], case["ports"])
    assert found.complete is case["complete"]
    # An unsure reading says what it is unsure of, so a caller can show it as advice.
    assert bool(found.unsure) is not case["complete"]


def test_a_width_the_spec_does_not_state_is_unknown_not_one_bit() -> None:
    found = read_interface((SPECS / "rtllm_sections.txt").read_text())
    assert found is not None
    widths = {p.name: p.width for p in found.interface.ports}
    assert widths["cin"] == 0 and widths["cout"] == 0
    assert found.unsure == ("width not stated for cin, cout",)


def test_the_markdown_port_list_of_issue_13_reads_every_port() -> None:
    """`- input rst   (synchronous, active-high: ...)` once read as nothing, so rst looked extra."""
    interface = spec_interface((SPECS / "markdown_list_with_descriptions.md").read_text())
    assert interface is not None
    assert [p.name for p in interface.ports] == ["clk", "rst", "din", "detected"]


def test_prose_is_read_but_never_complete() -> None:
    found = read_interface((SPECS / "prose.txt").read_text())
    assert found is not None and not found.complete
    assert found.unsure == ("ports read from running prose: other ports may be unstated",)


def test_no_interface_stated_is_none() -> None:
    assert read_interface((SPECS / "no_interface.txt").read_text()) is None
    named = read_interface("Complete the code:\nmodule top_module (\n  input a);\n")
    assert named is not None and named.interface.module == "top_module"


def test_bulleted_prose_is_not_read_as_ports() -> None:
    found = read_interface("Ports:\n- input data is latched on the rising edge\n- output of the mux is y\n")
    assert found is None or [p.name for p in found.interface.ports] == []
