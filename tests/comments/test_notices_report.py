"""Oversight by department: ``comments stats --json`` per department, post and author, and
``comments report --out FILE.html``, one self-contained page with its charts."""

from __future__ import annotations

import datetime as dt
import re

from comment_site import Site, add_comment, run_cli
from notice_site import SALES_POST, configure

AS_MOD = {"DIALOGUE_MODERATOR": "mod"}


def _history(site: Site) -> list[str]:
    configure(site, None)
    slow = add_comment(site, SALES_POST, hours_ago=30, body="Wann kommt das Angebot?")
    add_comment(site, SALES_POST, hours_ago=26, body="Und der Rabatt?")
    fast = add_comment(site, "bob-post", hours_ago=3, body="Quick question")
    assert run_cli(site, "approve", slow, env=AS_MOD).code == 0
    assert run_cli(site, "reply", fast, "--as", "bob", "--body", "Quick answer").code == 0
    return [slow, fast]


def test_stats_per_department(site: Site) -> None:
    _history(site)
    data = run_cli(site, "stats", "--json").json()
    sales = data["departments"]["Vertrieb"]
    assert (sales["pending"], sales["overdue"], sales["approved"]) == (1, 1, 1)
    assert 29 * 3600 < sales["median_decision_seconds"] < 31 * 3600
    assert sales["median_first_reply_seconds"] is None
    other = data["departments"]["(no department)"]
    assert other["pending"] == 0 and other["staff_replies"] == 1
    assert 2.9 * 3600 < other["median_first_reply_seconds"] < 3.1 * 3600
    assert data["authors"]["bob"]["overdue"] == 1 and data["posts"][SALES_POST]["pending"] == 1
    text = run_cli(site, "stats").out
    assert re.search(r"^Vertrieb\s+1\s+1\s+1\s", text, re.M), text


def test_report_is_one_self_contained_page(site: Site) -> None:
    _history(site)
    target = site.root.parent / "oversight" / "report.html"
    result = run_cli(site, "report", "--out", str(target))
    assert result.code == 0 and str(target) in result.out
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert page.count("<svg") == 2
    assert "Time to decision by department and week" in page
    assert "Overdue comments by author" in page and "Bob Builder" in page
    assert re.search(r"<th scope=\"row\">Vertrieb</th><td class=num>1</td>", page)
    week = dt.datetime.now(dt.UTC).isocalendar()
    assert f"W{week.week}<" in page
    # Self-contained: nothing loaded from anywhere; and no reader's name, address or words.
    assert not re.search(r"(src|href)=", page)
    for private in ("eve@example.com", "Eve Example", "Wann kommt das Angebot"):
        assert private not in page


def test_report_is_never_written_into_the_site(site: Site) -> None:
    for inside in ("public/report.html", "content/report.html"):
        result = run_cli(site, "report", "--out", str(site.root / inside))
        assert result.code == 2 and "write the report somewhere else" in result.err
        assert not (site.root / inside).exists()
