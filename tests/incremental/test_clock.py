"""The clock reaches the output only where it must: comments close, the year turns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitebuilds import BUNDLE_PAGE, assert_same_tree, build
from sitetools import RunCli


@pytest.mark.parametrize(
    ("later", "page", "text"),
    [
        # 2026-09-01 + 90 days: the bundle post stops taking comments; nothing else changed.
        ("2026-12-15T12:00:00+01:00", BUNDLE_PAGE, 'class="comments-closed"'),
        ("2027-01-02T12:00:00+01:00", "index.html", "2027"),  # the footer's year
    ],
    ids=["comments-close", "new-year"],
)
def test_the_clock_alone_changes_what_it_must(
    run_cli: RunCli, basic_site: Path, tmp_path: Path, later: str, page: str, text: str
) -> None:
    """No file changed, so the whole-site key (incremental.keys.site_key) must see the time pass."""
    build(run_cli, basic_site, "-q")
    assert text not in (basic_site / "public" / page).read_text(encoding="utf-8")
    code, _, stderr = run_cli(["build", "-q"], basic_site, now=later)
    assert code == 0, stderr
    assert text in (basic_site / "public" / page).read_text(encoding="utf-8")
    shutil.copytree(
        basic_site, tmp_path / "reference", ignore=shutil.ignore_patterns("public", ".dialogue")
    )
    code, _, stderr = run_cli(["build", "-q"], tmp_path / "reference", now=later)
    assert code == 0, stderr
    assert_same_tree(basic_site / "public", tmp_path / "reference" / "public")
