"""Stage 5, write: folders swapped in one step, and the same by renames where the system cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitetools import write_files

from generator.write import exchange
from generator.write.tree import OutputTree


def test_two_folders_are_exchanged_in_one_step(tmp_path: Path) -> None:
    write_files(tmp_path, {"a/x.html": "A", "b/y.html": "B"})
    assert exchange.atomic_exchange(tmp_path / "a", tmp_path / "b")  # Linux: renameat2
    assert (tmp_path / "a/y.html").read_text() == "B" and (tmp_path / "b/x.html").read_text() == "A"


def test_without_renameat2_three_renames_do_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchange, "_RENAMEAT2", None)
    write_files(tmp_path, {"a/x.html": "A", "b/y.html": "B"})
    exchange.exchange(tmp_path / "a", tmp_path / "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]
    assert (tmp_path / "a/y.html").read_text() == "B" and (tmp_path / "b/x.html").read_text() == "A"


def test_the_spare_shares_unchanged_files_and_never_writes_through(tmp_path: Path) -> None:
    """The new output holds the changed file, the unchanged ones are the same files (hard
    links), and the old output (now the spare) still holds the old bytes."""
    write_files(tmp_path, {"public/a.html": "old a", "public/b.html": "b"})
    tree = OutputTree(tmp_path / "public")
    write_files(tree.fresh_staging(), {"a.html": "new a"})
    tree.replace_some(None, ["a.html"], [])
    public, spare = tmp_path / "public", tmp_path / ".public.spare"
    assert (public / "a.html").read_text() == "new a"
    assert (spare / "a.html").read_text() == "old a"
    assert (public / "b.html").stat().st_ino == (spare / "b.html").stat().st_ino
    # The next build: the spare lags by a.html only, and b.html goes.
    write_files(tree.fresh_staging(), {"c.html": "c"})
    tree.replace_some({"a.html"}, ["c.html"], ["b.html"])
    assert sorted(p.name for p in public.iterdir()) == ["a.html", "c.html"]
    assert (public / "a.html").read_text() == "new a"
