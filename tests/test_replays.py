"""Real models' recorded runs, replayed through the loop and the real simulator.

Each fixture under tests/fixtures/replay/ was made by `tools/replay_fixture.py` from a run in
which an LLM answered through `--model manual` from the prompts alone. Replaying it must give
the same verdict on every try. A prompt change breaks a replay loudly: the model is asked
something it never answered, and the miss names the prompt that no longer matches.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings, StrengthSettings
from veriassist.models.base import GenerationParams
from veriassist.models.errors import ReplayMiss
from veriassist.models.record import ReplayModel
from veriassist.suites import load_suite

pytestmark = pytest.mark.simulator

REPLAYS = Path(__file__).parent / "fixtures" / "replay"
FIXTURES = sorted(p.parent for p in REPLAYS.glob("*/expect.toml"))


def replay(fixture: Path) -> tuple[dict[str, object], object]:
    expect = tomllib.loads((fixture / "expect.toml").read_text())
    (problem,) = load_suite(fixture / "design").problems
    settings = LoopSettings(
        iterations=int(expect["iterations"]),
        strategy=str(expect["strategy"]),
        feedback="own-testbench",
        self_check=str(expect["self_check"]),
        # As the recorded run: where it measured its tests with mutants, the replay does too.
        strength=StrengthSettings(enabled=bool(expect.get("strength", False))),
    )
    return expect, run_loop(problem, ReplayModel(fixture, GenerationParams()), settings)


def test_there_are_at_least_ten_real_model_replays_with_failures_and_corrections() -> None:
    expects = [tomllib.loads((f / "expect.toml").read_text()) for f in FIXTURES]
    assert len(expects) >= 10
    assert all(e["model"] == "manual" for e in expects)  # a real model answered, not a stand-in
    assert any(len(e["tries"]) > 1 or any(t[2] for t in e["tries"]) for e in expects)  # a loop happened
    assert any(t[1] != "pass" for e in expects for t in e["tries"])  # a try the golden testbench failed
    # A run corrected on the way: its own tests failed first, then passed (after a correction,
    # or after a self-check, which runs on failing own tests and revised them).
    assert any(
        (e["tries"][0][0] != "pass" or e["tries"][0][2].startswith("revised")) and e["tries"][-1][0] == "pass"
        for e in expects
    )


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_a_recorded_real_model_run_replays_to_the_same_verdicts(fixture: Path) -> None:
    expect, outcome = replay(fixture)
    tries = [
        [it.own_kind.value if it.own_kind else "", it.golden_kind.value if it.golden_kind else "",
         it.self_check.value if it.self_check else ""]
        for it in outcome.iterations  # type: ignore[attr-defined]
    ]  # fmt: skip
    assert tries == expect["tries"]
    assert outcome.passed is expect["passed"]  # type: ignore[attr-defined]
    assert "recorded from manual" in ReplayModel(fixture, GenerationParams()).describe()


def test_a_changed_prompt_is_a_replay_miss_that_names_the_line_that_changed(tmp_path: Path) -> None:
    fixture = FIXTURES[0]
    changed = tmp_path / fixture.name
    shutil.copytree(fixture, changed)
    spec = changed / "design" / "spec.md"
    spec.write_text(spec.read_text() + "\nOne more requirement nobody answered.\n")
    with pytest.raises(ReplayMiss) as miss:
        replay(changed)
    assert "not in the recording" in str(miss.value)
    assert "One more requirement nobody answered." in str(miss.value)  # the line that differs
