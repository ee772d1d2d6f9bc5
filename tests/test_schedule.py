"""``dialogue schedule``: every change that time alone makes, at its exact instant in the site's
time zone. Each instant is checked against real builds: one second before it the build does not
show the change, at the instant it does."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sitetools import FIXED_NOW, REPO, RunCli, post

MakeSite = Callable[..., Path]

SITE_YAML = """\
title: Testblog
base_url: https://example.com/
language: en
timezone: Europe/Berlin
comments:
  moderators: [alice]
  close_after_days: 10
"""


def schedule(run_cli: RunCli, root: Path, *args: str, now: str = FIXED_NOW) -> dict[str, Any]:
    code, stdout, stderr = run_cli(["schedule", "--json", *args], root, now=now)
    assert (code, stderr) == (0, ""), stderr
    result = json.loads(stdout)
    assert isinstance(result, dict)
    return result


def second_before(instant: str) -> str:
    return (dt.datetime.fromisoformat(instant) - dt.timedelta(seconds=1)).isoformat()


def build(run_cli: RunCli, root: Path, now: str) -> Path:
    assert run_cli(["build", "-q"], root, now=now) == (0, "", "")
    return root / "public"


def comments_open(public: Path, slug: str) -> bool:
    manifest = json.loads((public / "_dialogue/posts.json").read_text(encoding="utf-8"))
    return {p["slug"]: p["comments_open"] for p in manifest["posts"]}[slug]


# ---------------------------------------------------------------- the sample site


def test_sample_site_names_the_2027_post(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    result = schedule(run_cli, root)
    publish = [c for c in result["changes"] if c["kind"] == "publish"]
    assert publish == [
        {
            "at": "2027-01-12T08:00:00+01:00",
            "kind": "publish",
            "path": "content/posts/2027/bewerbungsstart-ausbildung-2027.md",
            "url": "/2027/01/bewerbungsstart-ausbildung-2027/",
            "what": "Bewerbungsstart: Ausbildung und duales Studium 2027",
        }
    ]
    instants = [dt.datetime.fromisoformat(c["at"]) for c in result["changes"]]
    assert instants == sorted(instants)
    assert all(i > dt.datetime.fromisoformat(FIXED_NOW) for i in instants)
    assert all(i.utcoffset() is not None for i in instants)
    assert result["next"] == result["changes"][0]["at"]
    kinds = {c["kind"] for c in result["changes"]}
    assert kinds == {"publish", "close-comments", "new-year"}
    new_year = next(c for c in result["changes"] if c["kind"] == "new-year")
    assert new_year["at"] == "2027-01-01T00:00:00+01:00"
    # Comments on the scheduled post close 90 days after it appears, in summer time.
    closing = [c for c in result["changes"] if c["kind"] == "close-comments"]
    assert closing[-1]["at"] == "2027-04-12T09:00:00+02:00"
    assert closing[-1]["path"] == "content/posts/2027/bewerbungsstart-ausbildung-2027.md"


def test_sample_site_as_text(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    code, stdout, stderr = run_cli(["schedule"], root)
    assert (code, stderr) == (0, "")
    assert stdout.startswith("Next change: 2026-12-08 13:00 +01:00, in 2 weeks (close-comments: ")
    assert "  2027-01-12 08:00 +01:00  publish         Bewerbungsstart: " in stdout
    assert (
        "content/posts/2027/bewerbungsstart-ausbildung-2027.md -> "
        "/2027/01/bewerbungsstart-ausbildung-2027/"
    ) in stdout


# ---------------------------------------------------------------- each instant, against builds


def test_publish_instant_is_exact(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/posts/now.md": post("Now", date="2026-11-01T10:00:00+01:00"),
            # Written in UTC: the schedule says it in the site's zone.
            "content/posts/later.md": post("Later", date="2026-12-24T16:30:00Z"),
        }
    )
    result = schedule(run_cli, root)
    publish = [c for c in result["changes"] if c["kind"] == "publish"]
    assert [(c["at"], c["url"]) for c in publish] == [
        ("2026-12-24T17:30:00+01:00", "/2026/12/later/")
    ]
    at = publish[0]["at"]
    page = Path("2026/12/later/index.html")
    assert not (build(run_cli, root, second_before(at)) / page).exists()
    public = build(run_cli, root, at)
    assert (public / page).is_file()
    assert "/2026/12/later/" in (public / "archive/index.html").read_text(encoding="utf-8")


def test_close_comments_instant_is_exact(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            # Ten days after 2026-11-20 10:00 +01:00 (no change of summer time in between).
            "content/posts/open.md": post("Open", date="2026-11-20T10:00:00+01:00"),
        }
    )
    result = schedule(run_cli, root)
    closing = [c for c in result["changes"] if c["kind"] == "close-comments"]
    assert closing == [
        {
            "at": "2026-11-30T10:00:00+01:00",
            "kind": "close-comments",
            "path": "content/posts/open.md",
            "url": "/2026/11/open/",
            "what": "Open",
        }
    ]
    assert comments_open(build(run_cli, root, second_before(closing[0]["at"])), "open")
    assert not comments_open(build(run_cli, root, closing[0]["at"]), "open")


def test_closing_across_summer_time_counts_elapsed_days(
    run_cli: RunCli, make_site: MakeSite
) -> None:
    """Summer time ends on 2026-10-25: ten days after 10:00 in summer is 09:00 in winter."""
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/posts/summer.md": post("Summer", date="2026-10-20T10:00:00+02:00"),
        }
    )
    result = schedule(run_cli, root, now="2026-10-21T12:00:00+02:00")
    closing = [c["at"] for c in result["changes"] if c["kind"] == "close-comments"]
    assert closing == ["2026-10-30T09:00:00+01:00"]
    assert comments_open(build(run_cli, root, second_before(closing[0])), "summer")
    assert not comments_open(build(run_cli, root, closing[0]), "summer")


def test_new_year_comes_at_midnight_in_the_site_zone(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML.replace("Europe/Berlin", "America/New_York")})
    result = schedule(run_cli, root, now="2026-12-31T12:00:00Z")
    assert result["changes"] == [
        {
            "at": "2027-01-01T00:00:00-05:00",
            "kind": "new-year",
            "path": None,
            "url": None,
            "what": "the year shown on every page becomes 2027",
        }
    ]
    # 04:59 UTC on New Year's Day is still the old year in New York.
    before = build(run_cli, root, "2027-01-01T04:59:59Z") / "index.html"
    assert "© 2026 Testblog" in before.read_text(encoding="utf-8")
    after = build(run_cli, root, "2027-01-01T05:00:00Z") / "index.html"
    assert "© 2027 Testblog" in after.read_text(encoding="utf-8")


def test_a_theme_without_the_year_has_no_new_year(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "theme: plain\n",
            "themes/plain/theme.yaml": "extends: default\n",
            "themes/plain/templates/partials/site_footer.html": "<footer>Plain</footer>\n",
        }
    )
    assert schedule(run_cli, root) == {"next": None, "changes": []}
    code, stdout, _ = run_cli(["schedule"], root)
    assert code == 0
    assert stdout.startswith("Nothing on this site changes by time alone")


# ---------------------------------------------------------------- what time does not change


def test_drafts_and_posts_without_comments_change_nothing(
    run_cli: RunCli, make_site: MakeSite
) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/posts/draft.md": post("Draft", date="2027-02-01", draft="true"),
            "content/posts/quiet.md": post("Quiet", date="2026-11-20", comments="false"),
        }
    )
    assert [c["kind"] for c in schedule(run_cli, root)["changes"]] == ["new-year"]


@pytest.mark.parametrize(
    "comments", ["  close_after_days: 0\n", "  close_after_days: 10\n  enabled: false\n"]
)
def test_forms_that_never_close(run_cli: RunCli, make_site: MakeSite, comments: str) -> None:
    site_yaml = SITE_YAML.replace("  close_after_days: 10\n", comments)
    root = make_site(
        {"site.yaml": site_yaml, "content/posts/open.md": post("Open", date="2026-11-20")}
    )
    assert [c["kind"] for c in schedule(run_cli, root)["changes"]] == ["new-year"]


# ---------------------------------------------------------------- --due, for CI


def test_due_lists_what_fell_due_in_the_window(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site(
        {
            "site.yaml": SITE_YAML,
            "content/posts/later.md": post("Later", date="2026-11-24T08:00:00+01:00"),
        }
    )
    code, stdout, _ = run_cli(["schedule", "--due", "75m"], root, now="2026-11-24T08:10:00+01:00")
    assert (code, stdout) == (
        0,
        "2026-11-24T08:00:00+01:00  publish         content/posts/later.md  /2026/11/later/\n",
    )
    for now in ("2026-11-24T07:59:59+01:00", "2026-11-24T09:15:00+01:00"):
        assert run_cli(["schedule", "--due", "75m"], root, now=now) == (0, "", "")
    result = schedule(run_cli, root, "--due", "2h", now="2026-11-24T09:15:00+01:00")
    assert [c["url"] for c in result["changes"]] == ["/2026/11/later/"]
    assert result["next"] == "2026-12-04T08:00:00+01:00"  # the form closing, still ahead


@pytest.mark.parametrize("window", ["0", "soon", "5 weeks", "-3h"])
def test_a_bad_window_is_a_usage_error(run_cli: RunCli, make_site: MakeSite, window: str) -> None:
    code, stdout, stderr = run_cli(["schedule", f"--due={window}"], make_site())
    assert (code, stdout) == (2, "")
    assert "is no duration: write e.g. 75m, 2h or 1d" in stderr


def test_content_errors_are_reported(run_cli: RunCli, make_site: MakeSite) -> None:
    root = make_site({"content/posts/bad.md": post(authors="[zoe]")})
    code, stdout, stderr = run_cli(["schedule", "--json"], root)
    assert (code, stdout) == (1, "")
    assert "content/posts/bad.md:4: unknown author 'zoe'" in stderr
    assert "`dialogue check` lists them" in stderr
