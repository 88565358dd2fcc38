"""Turn one problem of a recorded run into a replay fixture: the model's real text, kept as a test.

A run made with `VERIASSIST_RECORD_DIR=DIR` (or `generate --record DIR`) leaves one JSON per
model exchange. This copies the exchanges of one design (every prompt carries its spec, so
they are found by it) and writes `expect.toml`: the run's settings and each try's own and
golden verdicts, read from the records database, and a copy of the design as it was recorded. `tests/test_replays.py` replays every
fixture through the loop and the real simulator and expects the same verdicts; a prompt
change shows there as a replay miss naming the prompt that no longer matches.

    python tools/replay_fixture.py RECORD_DIR --db DB --run RUN --task TASK --design designs/TASK -o OUT_DIR
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from veriassist.eval.store import Store
from veriassist.suites import load_suite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--task", required=True)
    parser.add_argument(
        "--design", type=Path, required=True, help="the design folder, as the test will load it"
    )
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()

    (problem,) = load_suite(args.design).problems
    with Store(args.db) as store:
        run = store.get_run(args.run)
        tries = sorted(
            (it for it in store.iterations(run.id) if it.task_id == args.task), key=lambda it: it.iteration
        )
        (sample,) = [s for s in store.samples(run.id) if s.task_id == args.task and s.sample == 0]
    mine = []
    for path in sorted(args.records.glob("*.json")):
        data = json.loads(path.read_text())
        if any(problem.spec.strip() in m["content"] for m in data["messages"] if m["role"] == "user"):
            mine.append(path)
    if not mine:
        raise SystemExit(f"no recorded exchange in {args.records} carries the spec of {args.task}")
    args.output.mkdir(parents=True, exist_ok=True)
    for path in mine:
        shutil.copy(path, args.output / path.name)
    # The design as it was when recorded: a later spec edit must not turn the fixture into a miss.
    design = args.output / "design"
    shutil.rmtree(design, ignore_errors=True)
    shutil.copytree(args.design, design, ignore=shutil.ignore_patterns("mutants", "validate", "__pycache__"))
    lines = [
        f'design = "{args.design.name}"',
        f'strategy = "{run.strategy}"',
        f'feedback = "{run.feedback_mode}"',
        f'self_check = "{run.settings.get("self_check", "auto")}"',
        f"iterations = {run.settings.get('iterations', 4)}",
        f'model = "{run.model_kind}"',
        # The run measured its tests with mutants: so does the replay, since that measure decides
        # whether a strengthen turn (or, for AUTO, a self-check on weak-looking tests) follows.
        f"strength = {str(any(it.kill_ratio is not None for it in tries)).lower()}",
        f"passed = {str(sample.passed).lower()}",
        "# each try: [own verdict, golden verdict, self-check]",
        "tries = [",
        *(
            f'  ["{it.own_kind.value if it.own_kind else ""}", "{it.golden_kind.value if it.golden_kind else ""}",'
            f' "{it.self_check.value if it.self_check else ""}"],'
            for it in tries
        ),
        "]",
    ]
    (args.output / "expect.toml").write_text("\n".join(lines) + "\n")
    print(f"{args.output}: {len(mine)} exchanges, {len(tries)} tries, passed={sample.passed}")


if __name__ == "__main__":
    main()
