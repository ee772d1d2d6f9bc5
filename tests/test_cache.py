"""The build cache is never wrong, and ``--jobs`` never changes the output.

Each case builds a site, applies one change, builds again incrementally and compares the output
with a clean build of the same sources in a separate copy (no public/, no .dialogue/): the same
files, byte for byte. A 120-post corpus from /work/shared/bench/gen_corpus.py takes the parallel
paths (reading above 64 posts, rendering above 200 outputs) for the ``--jobs`` comparisons.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest
from sitetools import FIXED_NOW, REPO, SITES, RunCli, post

Edit = Callable[[Path], None]

GEN_CORPUS = Path("/work/shared/bench/gen_corpus.py")
THEME = "themes/default"
DREI = "content/posts/2026/drei-stimmen.md"
BUNDLE = "content/posts/2026/bundle-post/index.md"
ALT = "content/posts/2026/alte-antwort.md"
DREI_PAGE = "2026/10/drei-stimmen/index.html"
BUNDLE_PAGE = "2026/09/bundle-post/index.html"
ALT_PAGE = "2026/03/alte-antwort/index.html"
COMMENTS = "content/comments"


# ---------------------------------------------------------------- helpers


def files_of(folder: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file below ``folder``."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def tree_difference(actual: Path, expected: Path) -> str:
    """'' when both folders hold the same files with the same bytes, else what differs: the
    names of missing, extra and differing files, and a short diff of the first differing one."""
    got, want = files_of(actual), files_of(expected)
    missing = sorted(want.keys() - got.keys())
    extra = sorted(got.keys() - want.keys())
    differ = sorted(name for name in got.keys() & want.keys() if got[name] != want[name])
    if not (missing or extra or differ):
        return ""
    lines = [f"{actual} differs from {expected}:"]
    for label, names in (("missing", missing), ("extra", extra), ("different", differ)):
        if names:
            lines.append(f"  {label} ({len(names)}): {', '.join(names)}")
    if differ:
        first = differ[0]
        diff = difflib.unified_diff(
            want[first].decode("utf-8", "replace").splitlines(),
            got[first].decode("utf-8", "replace").splitlines(),
            f"clean/{first}",
            f"incremental/{first}",
            n=1,
            lineterm="",
        )
        lines += [f"    {line[:160]}" for line in list(diff)[:16]]
    return "\n".join(lines)


def assert_same_tree(actual: Path, expected: Path) -> None:
    if difference := tree_difference(actual, expected):
        pytest.fail(difference, pytrace=False)


def build(run_cli: RunCli, root: Path, *args: str) -> str:
    """``dialogue build ARGS`` in ``root``; must succeed. Returns its stdout."""
    code, stdout, stderr = run_cli(["build", *args], root)
    assert code == 0, f"build {' '.join(args)} failed in {root}:\n{stderr}"
    return stdout


def clean_build(run_cli: RunCli, root: Path, target: Path, *args: str) -> Path:
    """Build a copy of ``root``'s sources (without output or cache) in ``target``; its public/."""
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("public", ".dialogue", "out-*"))
    build(run_cli, target, "-q", *args)
    return target / "public"


def written_by(stdout: str) -> set[str]:
    """The files ``build -v`` reports as written."""
    return {
        line.removeprefix("written: ") for line in stdout.splitlines() if line[:9] == "written: "
    }


# ---------------------------------------------------------------- edits


def sub(path: str, old: str, new: str) -> Edit:
    """Replace the one occurrence of ``old`` in the site's file ``path``."""

    def edit(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{path} should contain {old!r} once"
        file.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def write(path: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")

    return edit


def remove(path: str) -> Edit:
    def edit(root: Path) -> None:
        (root / path).unlink()

    return edit


def add_comment(post_slug: str, comment_id: str) -> Edit:
    """A new approved comment on ``post_slug``: drei-stimmen's first comment with a new id,
    later dates, another name and body (the moderation CLI writes this format)."""

    def edit(root: Path) -> None:
        model = root / COMMENTS / "drei-stimmen/01JA0000000000000000000001.yaml"
        text = model.read_text(encoding="utf-8")
        for key, value in {
            "id": comment_id,
            "post": post_slug,
            "name": "Carla T.",
            "created": "2026-11-20T08:00:00+01:00",
            "approved": "2026-11-20T09:30:00+01:00",
        }.items():
            text, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
            assert count == 1, key
        text = text[: text.index("body: |")] + "body: |\n  Ein ganz neuer Kommentar.\n"
        write(f"{COMMENTS}/{post_slug}/{comment_id}.yaml", text)(root)

    return edit


NEWEST_POST = post(
    "Der neueste Beitrag",
    date="2026-11-20T08:00:00+01:00",
    authors="[dora]",
    body="Ganz frisch.\n",
    tags="[Dialog, Neu]",
)


class Case(NamedTuple):
    edit: Edit
    shows: Mapping[str, str] = {}  # output file -> text the change must put there
    hides: Mapping[str, str] = {}  # output file -> text the change must take away


NEW_ID = "01JA0000000000000000000003"
CASES = [
    # the site-local theme (themes/default copied into the site)
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/base.html",
                '<main id="main"',
                '<main data-test="rumpf" id="main"',
            ),
            {"index.html": "rumpf", DREI_PAGE: "rumpf", "404.html": "rumpf"},
        ),
        id="template-base",
    ),
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/partials/site_footer.html",
                "{{ t('made_with') }}</p>",
                "{{ t('made_with') }} · Fuß-Test</p>",
            ),
            {"index.html": "Fuß-Test", DREI_PAGE: "Fuß-Test", "404.html": "Fuß-Test"},
        ),
        id="template-footer-partial",
    ),
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/partials/macros.html",
                "{{ t('reading_time',",
                "Lesezeit-Test {{ t('reading_time',",
            ),
            {"index.html": "Lesezeit-Test", "tags/dialog/index.html": "Lesezeit-Test"},
        ),
        id="template-card-macro",
    ),
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/partials/card.html",
                '<article class="card',
                '<article data-test="karte" class="card',
            ),
            {"index.html": 'data-test="karte"', "authors/chris/index.html": 'data-test="karte"'},
        ),
        id="template-card-partial",
    ),
    pytest.param(
        Case(
            sub(f"{THEME}/static/style.css", "--r:12px", "--r:14px"),
            {"static/style.css": "--r:14px"},
        ),
        id="theme-static-same-size",
    ),
    pytest.param(
        Case(
            sub(f"{THEME}/i18n/de.yaml", "made_with: Erstellt mit", "made_with: Gebaut mit"),
            {"index.html": "Gebaut mit Dialogue", ALT_PAGE: "Gebaut mit Dialogue"},
        ),
        id="theme-i18n-string",
    ),
    # authors
    pytest.param(
        Case(
            sub("content/authors/anna.yaml", "name: Anna Schmidt", "name: Anna Schmidt-Berg"),
            {
                DREI_PAGE: "Anna Schmidt-Berg",
                "index.html": "Anna Schmidt-Berg",  # drei-stimmen's card
                "tags/dialog/index.html": "Anna Schmidt-Berg",
                "feed.xml": "Anna Schmidt-Berg",
                "authors/ben/feed.xml": "Anna Schmidt-Berg",  # every entry names all authors
                "authors/index.html": "Anna Schmidt-Berg",
            },
            {DREI_PAGE: "Anna Schmidt<", "feed.xml": "Anna Schmidt<"},
        ),
        id="author-name",
    ),
    pytest.param(
        Case(
            sub("content/authors/anna.yaml", "department: Kommunikation", "department: Vorstand"),
            {"departments/vorstand/index.html": "drei-stimmen", DREI_PAGE: "Vorstand"},
        ),
        id="author-department",
    ),
    # site.yaml
    pytest.param(
        Case(
            sub("site.yaml", "title: Beispiel im Dialog", "title: Beispiel im Gespräch"),
            {"index.html": "Beispiel im Gespräch", "feed.xml": "Beispiel im Gespräch"},
        ),
        id="site-title",
    ),
    pytest.param(
        Case(
            sub("site.yaml", "posts_per_page: 2", "posts_per_page: 1"),
            {"page/3/index.html": "alte-antwort"},
        ),
        id="site-posts-per-page",
    ),
    pytest.param(
        Case(
            sub(
                "site.yaml",
                "posts_per_page: 2\n",
                "posts_per_page: 2\npermalink: /{year}/{slug}/\n",
            ),
            {"2026/drei-stimmen/index.html": "Drei Stimmen"},
        ),
        id="site-permalink",
    ),
    # comments
    pytest.param(
        Case(
            add_comment("drei-stimmen", NEW_ID),
            {DREI_PAGE: f'id="comment-{NEW_ID}"', "comments/feed.xml": "Ein ganz neuer Kommentar"},
        ),
        id="comment-added",
    ),
    pytest.param(
        Case(add_comment("bundle-post", NEW_ID), {BUNDLE_PAGE: f'id="comment-{NEW_ID}"'}),
        id="comment-added-first-on-post",
    ),
    pytest.param(
        Case(
            remove(f"{COMMENTS}/drei-stimmen/01JA0000000000000000000002.yaml"),
            hides={
                DREI_PAGE: "comment-01JA0000000000000000000002",
                "comments/feed.xml": "Gern geschehen",
            },
        ),
        id="comment-deleted",
    ),
    pytest.param(
        Case(
            sub(
                f"{COMMENTS}/drei-stimmen/01JA0000000000000000000002.yaml",
                "Gern geschehen",
                "Sehr gern",
            ),
            {DREI_PAGE: "Sehr gern", "comments/feed.xml": "Sehr gern"},
        ),
        id="comment-edited",
    ),
    # posts
    pytest.param(
        Case(
            sub(DREI, "Wir schreiben zu dritt.", "Wir schreiben zu viert."),
            {DREI_PAGE: "zu viert.", "feed.xml": "zu viert.", "rss.xml": "zu viert."},
        ),
        id="post-body",
    ),
    pytest.param(  # headings live with the body in the store: the TOC must follow them
        Case(
            sub(DREI, "## Zweiter Teil", "## Zweiter Abschnitt"),
            {DREI_PAGE: 'href="#zweiter-abschnitt">Zweiter Abschnitt</a>'},
            {DREI_PAGE: "Zweiter Teil"},
        ),
        id="post-heading",
    ),
    pytest.param(
        Case(
            sub(BUNDLE, "title: A post with pictures", "title: A post with diagrams"),
            {
                BUNDLE_PAGE: "A post with diagrams",
                DREI_PAGE: "A post with diagrams",
                ALT_PAGE: "A post with diagrams",
                "index.html": "A post with diagrams",
            },
        ),
        id="post-title",
    ),
    pytest.param(
        Case(
            write("content/posts/2026/neuester.md", NEWEST_POST),
            {
                "index.html": "Der neueste Beitrag",
                "page/2/index.html": "bundle-post",
                "2026/11/neuester/index.html": "Ganz frisch.",
            },
        ),
        id="post-added-newest",
    ),
    pytest.param(
        Case(
            remove(ALT), hides={"sitemap.xml": "alte-antwort", "archive/index.html": "alte-antwort"}
        ),
        id="post-deleted",
    ),
    pytest.param(
        Case(
            sub(DREI, "tags: [Dialog, Straße & Öl]", "tags: [Dialog, Neu]"),
            {"tags/neu/index.html": "drei-stimmen"},
        ),
        id="post-tags",
    ),
    pytest.param(
        Case(
            sub(ALT, "date: 2026-03-10", "date: 2026-11-01"),
            {"2026/11/alte-antwort/index.html": "Alter Beitrag", "index.html": "alte-antwort"},
        ),
        id="post-date-moved",
    ),
    pytest.param(
        Case(
            sub("content/posts/2026/entwurf.md", "draft: true\n", ""),
            {"2026/08/entwurf/index.html": "Noch nicht fertig."},
        ),
        id="post-draft-published",
    ),
    pytest.param(
        Case(
            sub("content/posts/2026/bundle-post/diagram.svg", "#e0f0f4", "#f4e0f0"),
            {"2026/09/bundle-post/diagram.svg": "#f4e0f0"},
        ),
        id="post-bundle-image",
    ),
    # standalone pages
    pytest.param(
        Case(
            sub("content/pages/impressum.md", "Musterstraße 1,", "Musterstraße 2,"),
            {"impressum/index.html": "Musterstraße 2,"},
        ),
        id="page-body",
    ),
    pytest.param(
        Case(
            sub("content/pages/impressum.md", "title: Impressum", "title: Impressum und Kontakt"),
            {"index.html": "Impressum und Kontakt"},
        ),
        id="page-title-in-footer-menu",
    ),
]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    """A copy of tests/sites/basic with a site-local copy of the default theme."""
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    shutil.copytree(REPO / THEME, root / THEME)
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 120-post site from gen_corpus.py (seed 7), generated once; copy it before building."""
    if not GEN_CORPUS.is_file():
        pytest.skip(f"{GEN_CORPUS} is not available")
    root = tmp_path_factory.mktemp("corpus") / "site"
    done = subprocess.run(
        [sys.executable, str(GEN_CORPUS), "--posts", "120", "--out", str(root), "--seed", "7"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def corpus_copy(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(corpus, root)
    return root


@pytest.fixture
def fork_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the generator's uses of worker processes (one entry per fork_map or fork_shares
    call), so the ``--jobs`` tests can tell that they ran the parallel paths at all."""
    import generator.build
    import generator.render.renderer
    import generator.workers

    calls: list[int] = []

    def spying(original: Callable[..., object]) -> Callable[..., object]:
        def spy(*args: object) -> object:
            calls.append(1)
            return original(*args)

        return spy

    for helper in ("fork_map", "fork_shares"):
        original = getattr(generator.workers, helper)
        for name, module in list(sys.modules.items()):
            if name.startswith("generator") and getattr(module, helper, None) is original:
                monkeypatch.setattr(module, helper, spying(original))
    return calls


def published_posts(root: Path) -> Iterator[Path]:
    """The corpus' posts that are built (no drafts), in a fixed order."""
    for path in sorted((root / "content/posts").rglob("*.md")):
        if "\ndraft: true" not in path.read_text(encoding="utf-8").split("\n---", 1)[0]:
            yield path


# ---------------------------------------------------------------- incremental == clean


@pytest.mark.parametrize("case", CASES)
def test_incremental_build_equals_clean_build(
    case: Case, run_cli: RunCli, basic_site: Path, tmp_path: Path
) -> None:
    build(run_cli, basic_site, "-q")
    before = files_of(basic_site / "public")
    case.edit(basic_site)
    build(run_cli, basic_site, "-q")

    reference = clean_build(run_cli, basic_site, tmp_path / "reference")
    assert_same_tree(basic_site / "public", reference)
    after = files_of(reference)
    assert after != before, "the edit changed no output: this case proves nothing"
    for name, text in case.shows.items():
        assert name in after, f"{name} is missing from the clean build"
        assert text.encode() in after[name], f"{name} does not show {text!r}"
    for name, text in case.hides.items():
        assert text.encode() in before[name], f"{name} did not show {text!r} before the edit"
        assert text.encode() not in after.get(name, b""), f"{name} still shows {text!r}"


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
    """No file changed, so the whole-site key (cache.site_key) must see the time pass."""
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


def test_a_file_deleted_from_the_output_is_made_again(run_cli: RunCli, basic_site: Path) -> None:
    build(run_cli, basic_site, "-q")
    original = files_of(basic_site / "public")
    (basic_site / "public" / DREI_PAGE).unlink()
    assert written_by(build(run_cli, basic_site, "-v")) == {DREI_PAGE}
    assert files_of(basic_site / "public") == original


# ---------------------------------------------------------------- what an incremental build writes


def test_unchanged_rebuild_writes_nothing(run_cli: RunCli, basic_site: Path) -> None:
    assert DREI_PAGE in written_by(build(run_cli, basic_site, "-v"))
    stdout = build(run_cli, basic_site, "-v")
    assert written_by(stdout) == set(), stdout
    assert " 0 pages written," in stdout


def test_body_edit_rewrites_only_pages_that_show_the_post(
    run_cli: RunCli, basic_site: Path
) -> None:
    public = basic_site / "public"
    everything = written_by(build(run_cli, basic_site, "-v"))
    sub(DREI, "Wir schreiben zu dritt.", "Wir schreiben zu viert.")(basic_site)
    stdout = build(run_cli, basic_site, "-v")
    written = written_by(stdout)

    assert DREI_PAGE in written, stdout
    # alte-antwort is neither drei-stimmen's neighbour nor in its tags or department.
    assert ALT_PAGE not in written, stdout
    for unrelated in ("impressum/index.html", "404.html", "robots.txt", "tags/api/index.html"):
        assert unrelated not in written, stdout
    # Whatever was written shows the post (links to it): no page that doesn't is rendered again.
    blind = sorted(name for name in written if b"drei-stimmen" not in (public / name).read_bytes())
    assert blind == [], f"rewritten although they do not show the edited post: {blind}"
    # A body edit that keeps the summary and reading time: its page and the feeds that carry
    # the body, nothing else (listings are keyed by what their cards show).
    assert {name for name in written if not name.endswith(".xml")} == {DREI_PAGE}, stdout
    assert len(written) < len(everything), stdout
    summary = re.search(r": (\d+) pages written, (\d+) unchanged", stdout)
    assert summary is not None, stdout
    assert int(summary[1]) == len(written)
    assert int(summary[1]) + int(summary[2]) == len(everything)


# ---------------------------------------------------------------- --jobs


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


def test_library_versions_read_from_dist_info_match_importlib_metadata() -> None:
    """The cache key reads library versions from folder names; they must be the real ones."""
    from importlib import metadata

    from generator.incremental.cache import _LIBRARIES, _versions

    assert _versions(_LIBRARIES) == [f"{name}={metadata.version(name)}" for name in _LIBRARIES]
    assert _versions(("no-such-project-here",)) == ["no-such-project-here=?"]


@pytest.mark.parametrize("full_content", [True, False, "main"])
def test_outputs_showing_is_the_plan_filtered_by_bodies(
    corpus_copy: Path, full_content: bool | str
) -> None:
    """A body-only change plans through ``outputs_showing``; it must pick exactly the outputs
    of the whole plan that show one of the changed bodies, with the same contexts."""
    from generator.assemble import BuildOptions
    from generator.build import read_site
    from generator.config import load_config
    from generator.diagnostics import Diagnostics
    from generator.plan import outputs_showing, plan_outputs

    diag = Diagnostics(corpus_copy)
    config = load_config(corpus_copy, diag)
    assert config is not None
    config = dataclasses.replace(
        config, feeds=dataclasses.replace(config.feeds, full_content=full_content)
    )
    now = dt.datetime.fromisoformat(FIXED_NOW)
    site = read_site(config, diag, options=BuildOptions(now=now))
    assert site is not None, diag.problems
    plan = plan_outputs(site)
    newest, middle, oldest = site.posts[0].url, site.posts[5].url, site.posts[-1].url
    for urls in ({newest}, {middle, oldest}):
        want = [o for o in plan if any(post.url in urls for post in o.bodies)]
        got = outputs_showing(site, urls)
        assert sorted(got, key=lambda o: o.url) == sorted(want, key=lambda o: o.url)
        # Both sets hold one of the newest 20 posts, so with full content the site's feeds too.
        feeds = {o.url for o in got if o.renderer in ("atom", "rss")}
        assert ({"/feed.xml", "/rss.xml"} <= feeds) == bool(full_content)
        assert any(f.endswith("/feed.xml") and f != "/feed.xml" for f in feeds) == (
            full_content is True
        )


def _store_one(database: str) -> int:
    from generator.incremental import bodies

    bodies.store(database, [(f"key-{os.getpid()}", ("<p>Text</p>", "Text", ()))])
    return os.getpid()


def test_reading_workers_store_bodies_at_once_into_a_new_store(tmp_path: Path) -> None:
    """Two processes that both create the store and switch it to WAL race, and SQLite refuses
    one ("database is locked") without waiting: the build creates it before they fork. Without
    ``bodies.create`` this failed in more than half of the rounds."""
    from generator.incremental import bodies
    from generator.workers import fork_map

    for round_ in range(20):
        database = str(tmp_path / f"{round_}" / "bodies.sqlite")
        bodies.create(database)
        writers = fork_map(_store_one, [database, database], 2)
        assert bodies.keys(database) == {f"key-{pid}" for pid in writers}
        bodies.close(database)
