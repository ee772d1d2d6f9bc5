"""``--jobs`` never changes the output: serial and parallel builds, cold and incremental."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitebuilds import assert_same_tree, build, clean_build, files_of, published_posts, sub
from sitetools import RunCli


def test_jobs_1_and_2_give_identical_output(
    run_cli: RunCli, corpus_copy: Path, fork_calls: list[int]
) -> None:
    build(run_cli, corpus_copy, "-q", "--clean", "--jobs", "1", "--out", "out-jobs1")
    assert fork_calls == []
    build(run_cli, corpus_copy, "-q", "--clean", "--jobs", "2", "--out", "out-jobs2")
    assert len(fork_calls) >= 2, "--jobs 2 did not read and render in parallel: use a bigger corpus"
    one, two = corpus_copy / "out-jobs1", corpus_copy / "out-jobs2"
    assert len(files_of(one)) > 200
    assert_same_tree(two, one)


@pytest.mark.parametrize("step", ["post-body", "site-title"])
def test_incremental_jobs_2_equals_clean_build(
    step: str, run_cli: RunCli, corpus_copy: Path, tmp_path: Path, fork_calls: list[int]
) -> None:
    """post-body renders a few outputs serially; site-title re-renders all of them in parallel
    from the cached posts."""
    build(run_cli, corpus_copy, "-q", "--jobs", "2")
    marker = "Ein eingefügter Absatz zum Testen des Caches."
    if step == "post-body":
        source = next(published_posts(corpus_copy))
        source.write_text(source.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    else:
        marker = "Bench im Gespräch"
        sub("site.yaml", '"Benchmark im Dialog"', f'"{marker}"')(corpus_copy)
    fork_calls.clear()
    build(run_cli, corpus_copy, "-q", "--jobs", "2")
    if step == "site-title":
        assert fork_calls, "re-rendering every output with --jobs 2 did not use the workers"

    reference = clean_build(run_cli, corpus_copy, tmp_path / "reference", "--jobs", "1")
    assert_same_tree(corpus_copy / "public", reference)
    pages = [name for name, data in files_of(reference).items() if marker.encode() in data]
    assert any(name.endswith("/index.html") for name in pages), f"{marker!r} is nowhere"
