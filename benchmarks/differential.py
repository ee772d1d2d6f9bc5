"""The differential test's long run: random edit sequences on a generated site, each step an
incremental build compared byte for byte with a clean build (tests/incremental/sitemachine.py).

    .venv/bin/python benchmarks/differential.py --examples 60 --steps 50

Prints every 50 steps how many have passed; at the end the total and, on a mismatch,
Hypothesis's shrunk sequence of edits (exit 1). CI runs the same machine with a fixed seed and a
small budget (tests/incremental/test_differential.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests" / "incremental"), str(REPO / "tests"), str(REPO)]

from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402
from sitemachine import IncrementalEqualsClean  # noqa: E402


class Counted(IncrementalEqualsClean):
    steps = 0
    started = time.perf_counter()

    def check(self, step: str) -> None:
        super().check(step)
        Counted.steps += 1
        if Counted.steps % 50 == 0:
            minutes = (time.perf_counter() - Counted.started) / 60
            print(f"{Counted.steps} steps equal to a clean build ({minutes:.1f} min)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=60, help="edit sequences")
    parser.add_argument("--steps", type=int, default=50, help="edits per sequence, at most")
    args = parser.parse_args()
    budget = settings(
        max_examples=args.examples,
        stateful_step_count=args.steps,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(Counted, settings=budget)
    except AssertionError as exc:
        print(f"MISMATCH after {Counted.steps} steps:\n{exc}", flush=True)
        return 1
    print(f"done: {Counted.steps} steps (start and edits), every one equal to a clean build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
