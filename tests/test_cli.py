"""The ``dialogue`` command: exit codes (0 ok, 1 content errors, 2 usage), check --strict,
scaffolding, the build's options and summary, and what a rebuild leaves behind."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitetools import SITES, RunCli, post

SiteCopy = Callable[[str], Path]
MakeSite = Callable[..., Path]
SUMMARY = re.compile(
    r"^Built (\d+) posts? into (.+)/: (\d+) pages written(, \d+ unchanged)?(, \d+ removed)?, "
    r"(\d+) files copied in \d+\.\d\d s$"
)


def files_of(public: Path) -> dict[str, bytes]:
    return {
        p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*") if p.is_file()
    }


def mentions(public: Path, needle: str) -> list[str]:
    """Every output file whose text contains ``needle``."""
    return sorted(
        p.relative_to(public).as_posix()
        for p in public.rglob("*")
        if p.is_file() and needle.encode() in p.read_bytes()
    )


# ---------------------------------------------------------------- exit codes


def test_check_ok_is_0(run_cli: RunCli, site_copy: SiteCopy) -> None:
    code, stdout, stderr = run_cli(["check"], site_copy("basic"))
    assert (code, stderr) == (0, "")
    assert stdout == "check: ok (5 posts, 4 authors, 1 pages)\n"


def test_build_ok_is_0_with_summary(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    code, stdout, stderr = run_cli(["build"], root)
    assert (code, stderr) == (0, "")
    lines = stdout.splitlines()
    assert lines[0] == "scheduled: content/posts/2026/geplant.md (2030-01-01 00:00 +01:00)"
    match = SUMMARY.match(lines[-1])
    assert match, lines[-1]
    assert match.group(1) == "3"
    assert match.group(2) == "public"
    pages = sum(1 for p in (root / "public").rglob("*") if p.suffix in (".html", ".xml", ".json"))
    assert int(match.group(3)) >= pages - 2  # every page, feed and data file (+ opml, robots)
    assert int(match.group(6)) >= 2  # the bundle's two images, theme files
    assert len(lines) == 2


def test_quiet_build_prints_nothing(run_cli: RunCli, site_copy: SiteCopy) -> None:
    assert run_cli(["build", "-q"], site_copy("basic")) == (0, "", "")


def test_content_error_is_1(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site({"content/posts/a.md": post(authors="[zoe]")})
    for command in (["check"], ["check", "--strict"], ["build"]):
        code, stdout, stderr = run_cli(command, root)
        assert code == 1
        assert "content/posts/a.md:4: unknown author 'zoe'" in stderr
        assert stdout == ""


def test_missing_site_yaml_is_1(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, stderr = run_cli(["build"], tmp_path)
    assert code == 1
    assert stderr.startswith("site.yaml: no site.yaml here: run dialogue in the site's folder\n")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["publish"],
        ["build", "--no-such-option"],
        ["build", "--jobs"],
        ["build", "--jobs", "many"],
        ["build", "--base-url"],
        ["check", "extra"],
        ["new"],
        ["new", "post"],
        ["new", "post", "Title"],
        ["new", "author", "carla"],
        ["new", "page", "x"],
        ["serve", "--port", "http"],
    ],
    ids=lambda args: " ".join(args) or "(none)",
)
def test_usage_error_is_2(args: list[str], run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    code, stdout, stderr = run_cli(args, root)
    assert code == 2
    assert stdout == ""
    assert "usage: dialogue" in stderr
    assert not (root / "public").exists()


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_jobs_must_be_positive(jobs: str, run_cli: RunCli, site_copy: SiteCopy) -> None:
    code, _, stderr = run_cli(["build", "--jobs", jobs], site_copy("basic"))
    assert code == 2, stderr


def test_help_and_version_are_0(run_cli: RunCli, tmp_path: Path) -> None:
    code, stdout, _ = run_cli(["--help"], tmp_path)
    assert code == 0
    assert "build" in stdout and "check" in stdout
    code, stdout, _ = run_cli(["--version"], tmp_path)
    assert code == 0
    assert stdout.startswith("dialogue ")


def test_exit_codes_as_a_real_process(run_cli_subprocess: RunCli, site_copy: SiteCopy) -> None:
    """``python -m generator``: the console script's entry point, exit codes through the OS."""
    root = site_copy("basic")
    code, stdout, stderr = run_cli_subprocess(["build"], root)
    assert code == 0, stderr
    assert SUMMARY.match(stdout.splitlines()[-1])
    assert run_cli_subprocess(["nonsense"], root)[0] == 2
    (root / "content/posts/2026/kaputt.md").write_text("no front matter\n", encoding="utf-8")
    code, _, stderr = run_cli_subprocess(["check"], root)
    assert code == 1
    assert "content/posts/2026/kaputt.md:1: no front matter: expected '---' on line 1" in stderr
    assert "Traceback" not in stderr


# ---------------------------------------------------------------- check --strict


def test_strict_turns_warnings_into_errors(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site({"content/posts/a.md": post(mood="happy")})
    warning = "content/posts/a.md:5: warning: unknown key 'mood': it is ignored\n"
    assert run_cli(["check"], root) == (
        0,
        "check: ok (1 posts, 2 authors, 0 pages)\n",
        warning,
    )
    code, stdout, stderr = run_cli(["check", "--strict"], root)
    assert (code, stdout) == (1, "")
    assert stderr == warning + "check: 1 problem to fix\n"
    # The build itself is not strict: the post is built, the warning shown.
    code, _, stderr = run_cli(["build"], root)
    assert (code, stderr) == (0, warning)


# ---------------------------------------------------------------- new post, new author


def test_new_post_transliterates_and_passes_check(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site()
    args = ["new", "post", "Über Öl & Straße", "--author", "alice", "--tags", "Öl, Straße"]
    # `new post` dates the post with the real clock, so this test runs on it too.
    code, stdout, stderr = run_cli(args, root, now=None)
    assert (code, stderr) == (0, "")
    match = re.fullmatch(r"content/posts/(\d{4})/ueber-oel-strasse\.md\n", stdout)
    assert match, stdout
    text = (root / stdout.strip()).read_text(encoding="utf-8")
    assert f"date: {match.group(1)}-" in text
    assert "title: Über Öl & Straße" in text
    assert "draft: true" in text
    code, stdout, stderr = run_cli(["check", "--strict"], root, now=None)
    assert (code, stderr) == (0, ""), stderr
    assert stdout == "check: ok (1 posts, 2 authors, 0 pages)\n"
    # A draft: built only with --drafts, then under its transliterated slug.
    assert run_cli(["build", "-q", "--drafts"], root, now=None)[0] == 0
    assert list((root / "public").glob("*/*/ueber-oel-strasse/index.html"))
    assert (root / "public/tags/oel/index.html").is_file()
    assert (root / "public/tags/strasse/index.html").is_file()


def test_new_post_dates_by_dialogue_now(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site()
    args = ["new", "post", "Zeitreise", "--author", "alice"]
    code, stdout, _ = run_cli(args, root, now="2031-02-03T04:05:06+01:00")
    assert (code, stdout) == (0, "content/posts/2031/zeitreise.md\n")
    text = (root / "content/posts/2031/zeitreise.md").read_text(encoding="utf-8")
    assert "date: 2031-02-03T04:05:06+01:00\n" in text


def test_new_post_refuses_unknown_author_and_existing_file(
    run_cli: RunCli, make_site: MakeSite
) -> None:
    root = make_site()
    code, stdout, stderr = run_cli(["new", "post", "Hallo", "--author", "zoe"], root)
    assert (code, stdout) == (1, "")
    assert "unknown author 'zoe'" in stderr and "dialogue new author zoe" in stderr
    assert not (root / "content/posts").exists()
    assert run_cli(["new", "post", "Hallo", "--author", "alice"], root)[0] == 0
    code, _, stderr = run_cli(["new", "post", "Hallo", "--author", "bob"], root)
    assert code == 1
    assert "exists already" in stderr


def test_new_post_with_two_authors(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site()
    args = ["new", "post", "Zu zweit", "--author", "alice", "--author", "bob", "--lang", "de"]
    code, stdout, _ = run_cli(args, root)
    assert code == 0
    text = (root / stdout.strip()).read_text(encoding="utf-8")
    assert "authors: [alice, bob]" in text
    assert run_cli(["check", "--strict"], root)[0] == 0


def test_new_author_passes_check(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site()
    args = ["new", "author", "carla", "--name", "Carla Müller", "--department", "Vertrieb"]
    code, stdout, stderr = run_cli(args, root)
    assert (code, stdout, stderr) == (0, "content/authors/carla.yaml\n", "")
    (root / "content/posts").mkdir()
    (root / "content/posts/a.md").write_text(post(authors="[carla]"), encoding="utf-8")
    assert run_cli(["check", "--strict"], root) == (
        0,
        "check: ok (1 posts, 3 authors, 0 pages)\n",
        "",
    )
    assert run_cli(["build", "-q"], root)[0] == 0
    page = (root / "public/authors/carla/index.html").read_text(encoding="utf-8")
    assert "Carla Müller" in page
    assert (root / "public/departments/vertrieb/index.html").is_file()
    # Once only; and ids must be slugs.
    assert run_cli(args, root)[0] == 1
    code, _, stderr = run_cli(["new", "author", "Carla_M", "--name", "C"], root)
    assert code == 2
    assert "carla-m" in stderr


# ---------------------------------------------------------------- build options


def test_drafts_only_with_flag(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    assert run_cli(["build", "-q"], root)[0] == 0
    assert mentions(root / "public", "Ein Entwurf") == []
    assert run_cli(["build", "-q", "--drafts"], root)[0] == 0
    assert (root / "public/2026/08/entwurf/index.html").is_file()
    assert "feed.xml" in mentions(root / "public", "Ein Entwurf")


def test_scheduled_post_only_with_future(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    code, stdout, _ = run_cli(["build"], root)
    assert code == 0
    assert "scheduled: content/posts/2026/geplant.md (2030-01-01 00:00 +01:00)" in stdout
    assert mentions(root / "public", "geplant") == []
    code, stdout, _ = run_cli(["build", "--future"], root)
    assert code == 0
    assert "scheduled:" not in stdout
    assert (root / "public/2030/01/geplant/index.html").is_file()
    found = mentions(root / "public", "Ein geplanter Beitrag")
    assert {"index.html", "feed.xml", "rss.xml", "sitemap.xml"} <= set(found) | {"sitemap.xml"}
    assert "/2030/01/geplant/" in (root / "public/sitemap.xml").read_text(encoding="utf-8")


def test_the_clock_decides_what_is_scheduled(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    code, stdout, _ = run_cli(["build"], root, now="2030-01-02T00:00:00+01:00")
    assert code == 0
    assert "scheduled:" not in stdout
    assert (root / "public/2030/01/geplant/index.html").is_file()


def test_base_url_override(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    base = "https://preview.example.org/blog/"
    assert run_cli(["build", "-q", "--base-url", base], root)[0] == 0
    public = root / "public"
    assert mentions(public, "https://blog.example.com") == []
    feed = (public / "feed.xml").read_text(encoding="utf-8")
    assert f'href="{base}2026/10/drei-stimmen/"' in feed
    assert f"Sitemap: {base}sitemap.xml" in (public / "robots.txt").read_text(encoding="utf-8")
    page = (public / "2026/10/drei-stimmen/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}2026/10/drei-stimmen/">' in page
    assert 'href="/blog/authors/anna/"' in page  # site links live under the base path


def test_bad_base_url_is_1(run_cli: RunCli, site_copy: SiteCopy) -> None:
    code, _, stderr = run_cli(["build", "--base-url", "blog.example.com"], site_copy("basic"))
    assert code == 1
    assert "base_url must be an absolute http(s) URL, got 'blog.example.com/'" in stderr


def test_out_option(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    code, stdout, _ = run_cli(["build", "--out", "preview"], root)
    assert code == 0
    assert " into preview/: " in stdout
    assert (root / "preview/index.html").is_file()
    assert not (root / "public").exists()
    outside = root.parent / "elsewhere"  # a folder outside the site is fine (a deploy checkout)
    assert run_cli(["build", "-q", "--out", str(outside)], root)[0] == 0
    assert files_of(outside) == files_of(root / "preview")
    for bad in ("content", "content/posts", ".", "themes/x"):
        code, _, stderr = run_cli(["build", "--out", bad], root)
        assert code == 1, bad
        assert "site.yaml:1: output_dir must be a folder" in stderr
    assert (root / "content/posts/2026/drei-stimmen.md").is_file()


# ---------------------------------------------------------------- rebuilds


def test_deleted_post_leaves_no_stale_page(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    public = root / "public"
    assert run_cli(["build", "-q"], root)[0] == 0
    assert (public / "2026/03/alte-antwort/index.html").is_file()
    (root / "content/posts/2026/alte-antwort.md").unlink()
    code, stdout, _ = run_cli(["build"], root)
    assert code == 0, stdout
    assert not (public / "2026/03").exists()
    assert mentions(public, "alte-antwort") == []
    # The department only this post had goes with it.
    assert not (public / "departments/kundenservice").exists()
    (root / "content/posts/2026/bundle-post/index.md").unlink()
    assert run_cli(["build", "-q"], root)[0] == 0
    assert not (public / "2026/09").exists()
    assert not (public / "tags/api").exists()
    assert mentions(public, "bundle-post") == []


def test_rebuild_equals_fresh_build(run_cli: RunCli, site_copy: SiteCopy, tmp_path: Path) -> None:
    """An incremental build after edits gives the bytes a fresh build gives."""
    root = site_copy("basic")
    assert run_cli(["build", "-q"], root)[0] == 0
    source = root / "content/posts/2026/drei-stimmen.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Drei Stimmen zum", "Vier Stimmen zum"), encoding="utf-8")
    (root / "content/authors/dora.yaml").write_text(
        "name: Dora Neumann\nrole: Werkstudentin\ndepartment: Kommunikation\n", encoding="utf-8"
    )
    shutil.rmtree(root / "content/comments/drei-stimmen")
    assert run_cli(["build", "-q"], root)[0] == 0

    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("public", ".dialogue"))
    assert run_cli(["build", "-q"], fresh)[0] == 0
    assert files_of(root / "public") == files_of(fresh / "public")
    assert run_cli(["build", "-q", "--clean"], root)[0] == 0
    assert files_of(root / "public") == files_of(fresh / "public")


def test_unchanged_rebuild_is_identical(run_cli: RunCli, site_copy: SiteCopy) -> None:
    root = site_copy("basic")
    assert run_cli(["build", "-q"], root)[0] == 0
    first = files_of(root / "public")
    assert run_cli(["build", "-q"], root)[0] == 0
    assert files_of(root / "public") == first


def test_sites_folder_is_never_built_in_place() -> None:
    """The fixture sites stay sources: no test may leave output or a cache in them."""
    for folder in SITES.rglob("*"):
        assert folder.name not in ("public", ".dialogue"), folder


@pytest.mark.parametrize("value", ["maybe", "1", "yes please"])
def test_feeds_full_content_takes_true_false_or_main(
    run_cli: RunCli, site_copy: SiteCopy, value: str
) -> None:
    root = site_copy("basic")
    with (root / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"feeds: {{full_content: {value}}}\n")
    code, _, stderr = run_cli(["build"], root)
    assert code == 1
    assert "'feeds.full_content' must be true, false or main" in stderr
    assert "site.yaml:" in stderr
