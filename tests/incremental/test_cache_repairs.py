"""Whatever happens to the cache or the output between builds, the next build is right."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sitebuilds import (
    DREI,
    DREI_PAGE,
    assert_same_tree,
    build,
    clean_build,
    files_of,
    sub,
    written_by,
)
from sitetools import RunCli


def _damage_bodies(cache: Path) -> None:
    (cache / "bodies.sqlite").write_bytes(b"not a database at all" * 100)
    for extra in ("bodies.sqlite-wal", "bodies.sqlite-shm"):
        (cache / extra).unlink(missing_ok=True)


def _old_schema_bodies(cache: Path) -> None:
    """The store as schema 2 left it: the same keys, HTML only (no lead, no headings)."""
    with sqlite3.connect(cache / "bodies.sqlite") as connection:
        rows = connection.execute("SELECT key, html FROM bodies").fetchall()
        connection.execute("DROP TABLE bodies")
        connection.execute("CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT)")
        connection.executemany("INSERT INTO bodies VALUES (?, ?)", rows)
        connection.execute("PRAGMA user_version=2")
    connection.close()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda c: (c / "bodies.sqlite").unlink(), id="bodies-deleted"),
        pytest.param(_damage_bodies, id="bodies-garbage"),
        pytest.param(_old_schema_bodies, id="bodies-old-schema"),
        pytest.param(
            lambda c: (c / "posts" / "index.pickle").write_bytes(b"\x80junk"), id="index-garbage"
        ),
        pytest.param(
            lambda c: [s.write_bytes(b"") for s in (c / "posts").glob("[0-9a-f]*.pickle")],
            id="shards-emptied",
        ),
        pytest.param(lambda c: (c / "texts.pickle").write_bytes(b"junk"), id="texts-garbage"),
    ],
)
def test_a_damaged_cache_costs_time_not_correctness(
    run_cli: RunCli, basic_site: Path, damage: Callable[[Path], object]
) -> None:
    """Whatever happens to .dialogue/cache, the next build is right (and repairs it)."""
    build(run_cli, basic_site, "-q")
    reference = files_of(basic_site / "public")
    sub(DREI, "Wir schreiben zu dritt.", "Wir schreiben zu viert.")(basic_site)
    damage(basic_site / ".dialogue" / "cache")
    build(run_cli, basic_site, "-q")
    after = files_of(basic_site / "public")
    assert after != reference and b"zu viert." in after[DREI_PAGE]
    build(run_cli, basic_site, "-q", "--clean", "--out", "clean")
    assert_same_tree(basic_site / "public", basic_site / "clean")


def test_two_edits_in_a_row_equal_clean_build(
    run_cli: RunCli, basic_site: Path, tmp_path: Path
) -> None:
    """The cache of an incremental build is as good as a clean build's: edit, build, edit
    back, build, and the output is the original again."""
    build(run_cli, basic_site, "-q")
    original = files_of(basic_site / "public")
    sub("content/authors/anna.yaml", "name: Anna Schmidt", "name: Anna Schmidt-Berg")(basic_site)
    sub(DREI, "Wir schreiben zu dritt.", "Wir schreiben zu viert.")(basic_site)
    build(run_cli, basic_site, "-q")
    sub("content/authors/anna.yaml", "name: Anna Schmidt-Berg", "name: Anna Schmidt")(basic_site)
    sub(DREI, "Wir schreiben zu viert.", "Wir schreiben zu dritt.")(basic_site)
    build(run_cli, basic_site, "-q")
    reference = clean_build(run_cli, basic_site, tmp_path / "reference")
    assert_same_tree(basic_site / "public", reference)
    assert files_of(reference) == original


def test_a_file_deleted_from_the_output_is_made_again(run_cli: RunCli, basic_site: Path) -> None:
    build(run_cli, basic_site, "-q")
    original = files_of(basic_site / "public")
    (basic_site / "public" / DREI_PAGE).unlink()
    assert written_by(build(run_cli, basic_site, "-v")) == {DREI_PAGE}
    assert files_of(basic_site / "public") == original
