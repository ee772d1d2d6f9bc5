"""The cache is never wrong: random edit sequences, each followed by an incremental build that
must equal a clean build byte for byte (see sitemachine.py). A fixed seed and a small budget
here; benchmarks/differential.py runs thousands of steps."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from sitemachine import IncrementalEqualsClean


def test_incremental_build_equals_clean_build_after_random_edits() -> None:
    run_state_machine_as_test(
        IncrementalEqualsClean,
        settings=settings(
            max_examples=8,
            stateful_step_count=8,
            derandomize=True,  # the same sequences on every run: CI is repeatable
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            print_blob=True,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: the message lists the steps
        ),
    )
