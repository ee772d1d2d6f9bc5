"""The search index: Pagefind's bundles in public/pagefind/<lang>/, one document per post in its
language, rebuilt only when a post's text changed, byte-identical to a clean build's, and a
build without Pagefind (or with a failing one) that says so. Chromium searching it:
tests/browser/test_browser_search.py."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from sitebuilds import assert_same_tree, build, clean_build
from sitetools import SITES, RunCli

BUNDLE_POST = "content/posts/2026/bundle-post/index.md"


def fragments(public: Path, lang: str) -> dict[str, dict[str, object]]:
    """URL -> Pagefind's stored record (title, content, meta) of each post in ``lang``."""
    records = {}
    for file in (public / "pagefind" / lang / "fragment").iterdir():
        data = gzip.decompress(file.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd") :])
        records[record["url"]] = record
    return records


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's (inode, modification time): equal means the same file, not rewritten."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "basic", root)
    return root


def test_a_bundle_per_language_with_every_post(run_cli: RunCli, site: Path) -> None:
    build(run_cli, site)
    public = site / "public"
    posts = json.loads((public / "_dialogue" / "posts.json").read_text("utf-8"))["posts"]
    for lang in ("de", "en"):
        entry = json.loads((public / "pagefind" / lang / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == [lang]
        records = fragments(public, lang)
        assert sorted(records) == sorted(p["path"] for p in posts if p["lang"] == lang)
        for post in (p for p in posts if p["lang"] == lang):
            record = records[post["path"]]
            assert record["meta"]["title"] == post["title"]  # type: ignore[index]
            assert str(record["content"]).startswith(post["title"])
    # What the search page loads is there; Pagefind's other interfaces are not.
    names = {p.name for p in (public / "pagefind" / "de").iterdir()}
    assert {"pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "wasm.de.pagefind"} <= names
    assert not names & {"pagefind-component-ui.js", "pagefind-modular-ui.js"}
    page = (public / "search" / "index.html").read_text("utf-8")
    assert 'data-languages="de en"' in page and 'data-bundle="/pagefind/"' in page


def test_reindexed_only_when_a_post_changed(run_cli: RunCli, site: Path, tmp_path: Path) -> None:
    build(run_cli, site)
    bundle = site / "public" / "pagefind"
    before = stamps(bundle)
    build(run_cli, site)  # warm: nothing changed
    assert stamps(bundle) == before
    (site / "content" / "comments").mkdir(exist_ok=True)
    file = site / BUNDLE_POST
    file.write_text(file.read_text("utf-8") + "\nA paragraph about zeolite.\n", "utf-8")
    build(run_cli, site)
    assert stamps(bundle) != before
    record = next(r for r in fragments(site / "public", "en").values() if "bundle" in str(r["url"]))
    assert "zeolite" in str(record["content"])
    # No file of the old index is left behind: the same files as a clean build, byte for byte.
    assert_same_tree(site / "public", clean_build(run_cli, site, tmp_path / "clean"))


def test_a_full_rebuild_keeps_an_unchanged_index(run_cli: RunCli, site: Path) -> None:
    """New settings re-render every page (the build swaps in a new folder): the index, made from
    the posts alone, comes along without Pagefind running again."""
    build(run_cli, site)
    before = stamps(site / "public" / "pagefind")
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("posts_per_page: ", "posts_per_page: 1"))
    build(run_cli, site)
    assert stamps(site / "public" / "pagefind") == before


def test_without_pagefind_the_build_warns(run_cli: RunCli, site: Path) -> None:
    missing = {"PAGEFIND_BINARY_PATH": str(site / "no-such-pagefind")}
    code, _, stderr = run_cli(["build"], site, env=missing)
    assert code == 0, stderr
    assert "warning: search index not built: Pagefind is missing" in stderr
    assert (site / "public" / "search" / "index.html").is_file()
    assert not (site / "public" / "pagefind").exists()


def test_a_failing_pagefind_fails_the_build_and_keeps_the_site(run_cli: RunCli, site: Path) -> None:
    build(run_cli, site)
    before = stamps(site / "public")
    broken = site / "broken-pagefind"
    broken.write_text("#!/bin/sh\necho 'disk full' >&2\nexit 3\n")
    os.chmod(broken, 0o755)
    file = site / BUNDLE_POST
    file.write_text(file.read_text("utf-8") + "\nMore.\n", "utf-8")
    code, _, stderr = run_cli(["build"], site, env={"PAGEFIND_BINARY_PATH": str(broken)})
    assert code == 1
    assert "site.yaml: search index not built: Pagefind: disk full" in stderr
    assert stamps(site / "public") == before


def test_serve_keeps_the_index_between_saves(run_cli: RunCli, site: Path) -> None:
    """``serve`` builds with refresh_search=False after its first build: an edit re-renders
    the post but keeps the index (Pagefind takes a minute at 10,000 posts); ``build`` then
    brings it up to date."""
    import datetime as dt

    from sitetools import FIXED_NOW

    from generator.assemble import BuildOptions
    from generator.build import build as build_site

    build(run_cli, site)
    before = stamps(site / "public" / "pagefind")
    file = site / BUNDLE_POST
    file.write_text(file.read_text("utf-8") + "\nA paragraph about basalt.\n", "utf-8")
    options = BuildOptions(now=dt.datetime.fromisoformat(FIXED_NOW))
    report = build_site(site, options, jobs=1, refresh_search=False)
    assert report.ok, [str(p) for p in report.diag.problems]
    assert "basalt" in (site / "public/2026/09/bundle-post/index.html").read_text("utf-8")
    assert stamps(site / "public" / "pagefind") == before
    build(run_cli, site)
    record = next(r for r in fragments(site / "public", "en").values() if "bundle" in str(r["url"]))
    assert "basalt" in str(record["content"])


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n", "utf-8")
    os.chmod(path, 0o755)
    return path


def leftovers(site: Path) -> list[str]:
    """Folders a build leaves beside or in the output besides the output and its spare."""
    return sorted(
        p.name
        for p in site.iterdir()
        if p.name.startswith(".public.") and p.name != ".public.spare"
    ) + sorted(p.name for p in (site / "public").iterdir() if p.name.startswith(".search-"))


def test_pagefind_runs_only_when_the_index_changes(run_cli: RunCli, site: Path) -> None:
    """Each run is logged by a wrapper around the real Pagefind: one per language for a new
    index, none for a warm build or one that re-renders listings only."""
    from generator.render.search import pagefind_binary

    log = site.parent / "pagefind.log"
    wrapper = script(site.parent / "pagefind", f'echo "$2" >> {log}\nexec {pagefind_binary()} "$@"')
    env = {"PAGEFIND_BINARY_PATH": str(wrapper)}
    assert run_cli(["build"], site, env=env)[0] == 0
    runs = log.read_text("utf-8").split()
    assert sorted(Path(folder).name for folder in runs) == ["de", "en"]
    assert all(".search-" in folder for folder in runs)  # documents in the staging folder
    assert run_cli(["build"], site, env=env)[0] == 0  # warm
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("posts_per_page: ", "posts_per_page: 1"))
    assert run_cli(["build"], site, env=env)[0] == 0  # every page again, the same posts
    assert log.read_text("utf-8").split() == runs
    assert leftovers(site) == []


def test_pagefind_stopped_when_the_build_fails_beside_it(
    site: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while Pagefind indexes (here: in the render stage) stops Pagefind, removes its
    documents and the staging folder, and leaves the output as it was."""
    import datetime as dt

    from sitetools import FIXED_NOW

    import generator.build
    from generator.assemble import BuildOptions

    build(run_cli, site)
    before = stamps(site / "public")
    pid_file = site.parent / "pagefind.pid"
    slow = script(site.parent / "slow-pagefind", f"echo $$ >> {pid_file}\nexec sleep 120")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(slow))

    def broken_render(*args: object) -> None:
        # Pagefind was started (once per language) before the render stage.
        for _ in range(500):  # the scripts may take a moment to write their pids
            if pid_file.is_file() and len(pid_file.read_text().split()) == 2:
                raise OSError("render failed")
            time.sleep(0.01)
        raise AssertionError("Pagefind did not start before the render stage")

    monkeypatch.setattr(generator.build, "render_outputs", broken_render)
    file = site / BUNDLE_POST
    file.write_text(file.read_text("utf-8") + "\nA paragraph about gneiss.\n", "utf-8")
    options = BuildOptions(now=dt.datetime.fromisoformat(FIXED_NOW))
    with pytest.raises(OSError, match="render failed"):
        generator.build.build(site, options, jobs=1)
    pids = [int(pid) for pid in pid_file.read_text().split()]
    assert len(pids) == 2
    for pid in pids:  # killed and reaped: no such process any more
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert leftovers(site) == []
    assert stamps(site / "public") == before


def test_a_pagefind_killed_by_a_signal_fails_the_build(run_cli: RunCli, site: Path) -> None:
    build(run_cli, site)
    before = stamps(site / "public")
    killed = script(site.parent / "killed-pagefind", "kill -9 $$")
    file = site / BUNDLE_POST
    file.write_text(file.read_text("utf-8") + "\nMore.\n", "utf-8")
    code, _, stderr = run_cli(["build"], site, env={"PAGEFIND_BINARY_PATH": str(killed)})
    assert code == 1
    assert "site.yaml: search index not built: Pagefind: exit status -9" in stderr
    assert stamps(site / "public") == before
    assert leftovers(site) == []
