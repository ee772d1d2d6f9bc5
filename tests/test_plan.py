"""``dialogue plan``: scheduled posts and drafts by date, author and department; the gaps
(departments silent for N weeks, drafts older than a month); the iCalendar export, checked
octet by octet against RFC 5545 and parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
from sitetools import FIXED_NOW, REPO, RunCli, post

from generator.planning.ical import escape, fold

MakeSite = Callable[..., Path]

AUTHORS = {
    "content/authors/alice.yaml": "name: Alice Example\ndepartment: Kommunikation\n",
    "content/authors/bob.yaml": "name: Bob Example\ndepartment: Entwicklung\n",
    "content/authors/carla.yaml": "name: Carla Example\ndepartment: Personal\n",
}
LONG_TITLE = "Über Öl & Straße, Teil 2; a title long enough that its calendar line is folded"
# Now is 2026-11-23 12:00 +01:00.
POSTS = {
    # Kommunikation: published last week.
    "content/posts/recent.md": post("Recent", date="2026-11-16T09:00:00+01:00"),
    # Entwicklung: published 20 weeks ago, one draft from August (stale), one scheduled.
    "content/posts/old.md": post("Old", date="2026-07-06T09:00:00+02:00", authors="[bob]"),
    "content/posts/stale.md": post(
        "Stale, half done; really", date="2026-08-10", authors="[bob]", draft="true"
    ),
    "content/posts/ahead.md": post(
        f'"{LONG_TITLE}"',
        date="2026-12-01T07:30:00+01:00",
        authors="[bob, alice]",
        tags="[Technik]",
    ),
    # Personal: never published; a fresh draft dated ahead (tentative in the calendar).
    "content/posts/fresh.md": post(
        "Fresh", date="2026-12-10T10:00:00+01:00", authors="[carla]", draft="true"
    ),
}


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site({**AUTHORS, **POSTS}, authors=False)


def plan(run_cli: RunCli, root: Path, *args: str) -> dict[str, Any]:
    code, stdout, stderr = run_cli(["plan", "--json", *args], root)
    assert (code, stderr) == (0, ""), stderr
    result = json.loads(stdout)
    assert isinstance(result, dict)
    return result


def test_scheduled_and_drafts_by_date(run_cli: RunCli, site: Path) -> None:
    result = plan(run_cli, site)
    assert result["now"] == FIXED_NOW
    assert [(e["path"], e["status"]) for e in result["scheduled"]] == [
        ("content/posts/ahead.md", "scheduled")
    ]
    ahead = result["scheduled"][0]
    assert ahead["date"] == "2026-12-01T07:30:00+01:00"
    assert ahead["authors"] == ["bob", "alice"]
    assert ahead["department"] == "Entwicklung"  # the first author's
    assert ahead["url"] == "/2026/12/ahead/"  # the file's name: no slug given
    assert [e["path"] for e in result["drafts"]] == [
        "content/posts/stale.md",
        "content/posts/fresh.md",
    ]


def test_by_department_and_author(run_cli: RunCli, site: Path) -> None:
    result = plan(run_cli, site)
    departments = {d["name"]: d for d in result["departments"]}
    assert list(departments) == ["Entwicklung", "Kommunikation", "Personal"]
    assert departments["Entwicklung"] == {
        "name": "Entwicklung",
        "url": "/departments/entwicklung/",
        "last_published": "2026-07-06T09:00:00+02:00",
        "published_in_window": 0,
        "scheduled": ["content/posts/ahead.md"],
        "drafts": ["content/posts/stale.md"],
    }
    assert departments["Personal"]["last_published"] is None
    authors = {a["id"]: a for a in result["authors"]}
    assert authors["alice"]["scheduled"] == ["content/posts/ahead.md"]  # a co-author
    assert authors["alice"]["last_published"] == "2026-11-16T09:00:00+01:00"
    assert authors["carla"]["drafts"] == ["content/posts/fresh.md"]


def test_gaps(run_cli: RunCli, site: Path) -> None:
    gaps = plan(run_cli, site)["gaps"]
    assert gaps == {
        "silent_departments": ["Entwicklung", "Personal"],
        "stale_drafts": [{"author": "bob", "drafts": ["content/posts/stale.md"]}],
    }
    # Twenty weeks is not yet silent for a window of 21; never published always is.
    gaps = plan(run_cli, site, "--weeks", "21")["gaps"]
    assert gaps["silent_departments"] == ["Personal"]
    assert plan(run_cli, site, "--weeks", "1")["gaps"]["silent_departments"] == [
        "Entwicklung",
        "Kommunikation",
        "Personal",
    ]


def test_text_output(run_cli: RunCli, site: Path) -> None:
    code, stdout, stderr = run_cli(["plan"], site)
    assert (code, stderr) == (0, "")
    assert stdout.startswith(
        "Editorial plan of Testblog, 2026-11-23 12:00 +01:00 (Europe/Berlin)\n\nScheduled (1)\n"
        f"  2026-12-01 07:30 +01:00  {LONG_TITLE}\n"
    )
    assert "Bob Example, Alice Example · Entwicklung · content/posts/ahead.md\n" in stdout
    assert "\nDrafts (2)\n" in stdout
    assert "· content/posts/stale.md · dated 15 weeks ago\n" in stdout
    assert (
        "Gaps: departments that published nothing for 8 weeks\n"
        "  Entwicklung: last published 2026-07-06, 20 weeks ago; next: 2026-12-01;"
        " 1 draft waiting\n"
        "  Personal: never; 1 draft waiting\n"
    ) in stdout
    assert (
        "Gaps: authors with drafts older than a month\n"
        "  Bob Example: 1, the oldest content/posts/stale.md dated 2026-08-10\n"
    ) in stdout


def test_sample_site_plan(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    result = plan(run_cli, root)
    assert [e["path"] for e in result["scheduled"]] == [
        "content/posts/2027/bewerbungsstart-ausbildung-2027.md"
    ]
    assert len(result["drafts"]) == 2
    assert "Nachhaltigkeit" in result["gaps"]["silent_departments"]
    assert result["gaps"]["stale_drafts"] == [
        {"author": "lena-hoffmann", "drafts": ["content/posts/2026/co2-bilanz-erste-zahlen.md"]}
    ]


def test_bad_weeks_is_a_usage_error(run_cli: RunCli, site: Path) -> None:
    for weeks in ("0", "eight", "-1"):
        code, _, stderr = run_cli(["plan", f"--weeks={weeks}"], site)
        assert code == 2
        assert "is no number of weeks" in stderr


# ---------------------------------------------------------------- iCalendar


def test_ics_export(run_cli: RunCli, site: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    code, stdout, stderr = run_cli(["plan", "--ics", str(target)], site)
    assert code == 0
    assert stderr == f"wrote {target}: 2 events\n"
    assert stdout.startswith("Editorial plan of Testblog")
    data = target.read_bytes()
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    text = data.decode("utf-8")  # folding never split a character

    calendar = icalendar.Calendar.from_ical(text)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Dialogue//")
    assert str(calendar["X-WR-CALNAME"]) == "Testblog: editorial plan"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"ahead@example.com", "fresh@example.com"}
    ahead = next(e for e in events.values() if e["STATUS"] == "CONFIRMED")
    assert str(ahead["SUMMARY"]) == LONG_TITLE  # commas and semicolons escaped and back
    assert ahead.decoded("DTSTART") == dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)
    assert ahead.decoded("DTSTAMP") == dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)
    assert str(ahead["URL"]) == "https://example.com/2026/12/ahead/"
    assert str(ahead["DESCRIPTION"]) == (
        "Bob Example, Alice Example\nEntwicklung\ncontent/posts/ahead.md"
    )
    fresh = next(e for e in events.values() if e["STATUS"] == "TENTATIVE")
    assert str(fresh["SUMMARY"]) == "[Draft] Fresh"
    assert fresh.decoded("DTSTART") == dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
    # The stale draft is in the past: not in the calendar.
    assert "Stale" not in text


def test_ics_uids_stay_when_a_date_moves(run_cli: RunCli, site: Path, tmp_path: Path) -> None:
    def uids() -> set[str]:
        target = tmp_path / "plan.ics"
        assert run_cli(["plan", "--ics", str(target)], site)[0] == 0
        parsed = icalendar.Calendar.from_ical(target.read_bytes())
        return {str(e["UID"]) for e in parsed.walk("VEVENT")}

    first = uids()
    ahead = site / "content/posts/ahead.md"
    text = ahead.read_text(encoding="utf-8")
    ahead.write_text(text.replace("2026-12-01T07:30", "2026-12-02T08:00"), encoding="utf-8")
    assert uids() == first


@pytest.mark.parametrize(
    "value",
    [
        "x" * 200,
        "ä" * 100,  # two octets each: 37 fit after the name, never half of one
        "日本語のタイトル" * 12,  # three octets each
        "emoji 🎉" * 30,  # four octets
        "SUMMARY:" + "a" * 67,  # exactly 75 octets: not folded
    ],
)
def test_fold_keeps_lines_short_and_characters_whole(value: str) -> None:
    folded = fold(value).encode("utf-8")
    assert folded.endswith(b"\r\n")
    physical = folded[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical)
    assert all(line.startswith(b" ") for line in physical[1:])
    for line in physical:
        line.decode("utf-8")  # each physical line is whole UTF-8 on its own
    assert b"".join([physical[0], *(line[1:] for line in physical[1:])]).decode() == value
    if len(value.encode()) <= 75:
        assert len(physical) == 1


def test_escape() -> None:
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
