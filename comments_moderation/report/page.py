"""``dialogue comments report --out FILE.html``: the oversight report as one self-contained page.

For a communications lead who never opens a terminal: who is waiting, which department
answers how fast week by week, whose posts hold overdue comments. Styles and charts are
inline; the page loads nothing and is never part of the built site. It holds no commenter's
name, email or text: only counts, times, posts and ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from comments_moderation import stats
from comments_moderation.notices.audience import Directory
from comments_moderation.notices.texts import waited
from comments_moderation.queue import QueuedComment
from comments_moderation.report.charts import bar_chart, line_chart
from comments_moderation.report.words import STYLE, words
from comments_moderation.terminal import duration
from generator.config import Config

WEEKS = 12
LONGEST = 15  # rows in the "waiting longest" table


def hours(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "–"
    figure = f"{seconds / 3600:.1f}"
    return (figure.replace(".", ",") if lang == "de" else figure) + " h"


def recent_weeks(now: dt.datetime, tz: dt.tzinfo, count: int = WEEKS) -> list[str]:
    return [stats.week_of(now - dt.timedelta(weeks=back), tz) for back in range(count - 1, -1, -1)]


def _table(
    headings: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1, css: str = ""
) -> str:
    head = "".join(
        f'<th scope="col"{" class=num" if i >= numeric_from else ""}>{escape(h)}</th>'
        for i, h in enumerate(headings)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(cell)}</th>'
            if i == 0
            else f"<td{' class=num' if i >= numeric_from else ''}>{escape(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    attribute = f' class="{css}"' if css else ""
    return f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _group_rows(
    group: Mapping[str, Mapping[str, Any]], names: Mapping[str, str], lang: str
) -> list[list[str]]:
    return [
        [
            names.get(key, key),
            str(s["pending"]),
            str(s["overdue"]),
            str(s["approved"] + s["rejected"]),
            hours(s["median_decision_seconds"], lang),
            hours(s["median_first_reply_seconds"], lang),
        ]
        for key, s in group.items()
    ]


def _section(heading: str, content: str, note: str = "") -> str:
    intro = f"<p>{escape(note)}</p>" if note else ""
    return f"<section><h2>{escape(heading)}</h2>{intro}{content}</section>"


def _tiles(data: Mapping[str, Any], w: Mapping[str, str], lang: str) -> str:
    oldest = data["oldest_pending"]
    waiting = duration(oldest["age_seconds"]) if oldest else "–"
    if lang == "de":
        waiting = waiting.replace(".", ",")
    tiles = [
        (w["pending"], str(data["pending"])),
        (w["overdue"], str(data["overdue"])),
        (w["median_decision"], hours(data["median_decision_seconds"], lang)),
        (w["median_answer"], hours(data["median_first_reply_seconds"], lang)),
        (w["oldest"], waiting),
    ]
    items = "".join(
        f"<li><span>{escape(label)}</span><strong>{escape(value)}</strong></li>"
        for label, value in tiles
    )
    return f'<ul class="tiles">{items}</ul>'


def _longest(
    comments: Sequence[QueuedComment],
    directory: Directory,
    sla: dt.timedelta,
    now: dt.datetime,
    w: Mapping[str, str],
    lang: str,
) -> str:
    pending = sorted(
        (c for c in comments if c.status == "pending" and not c.staff), key=lambda c: c.created
    )
    if not pending:
        return f"<p>{escape(w['nobody_waits'])}</p>"
    rows = [
        [
            directory.post(c.post).title,
            stats.department_of(directory, c.post),
            waited(now - c.created, lang),
            w["yes"] if now - c.created > sla else "",
            f"dialogue comments show {c.id}",
        ]
        for c in pending[:LONGEST]
    ]
    headings = [w["post"], w["department"], w["waiting"], w["overdue"], w["command"]]
    return _table(headings, rows, numeric_from=2, css="longest")


def render(
    config: Config,
    directory: Directory,
    comments: Sequence[QueuedComment],
    now: dt.datetime,
) -> str:
    lang, w = config.language, words(config.language)
    sla_hours = config.comments.sla_hours
    sla = dt.timedelta(hours=sla_hours)
    data = stats.compute(comments, directory, sla, now)
    weeks = recent_weeks(now, config.tz)
    weekly = {
        name: {week: value for week, value in points.items() if week in weeks}
        for name, points in stats.weekly(comments, directory, config.tz).items()
    }
    names = {p.id: p.name for p in directory.people.values()}
    overdue = sorted(
        ((names.get(a, a), s["overdue"]) for a, s in data["authors"].items() if s["overdue"]),
        key=lambda bar: (-bar[1], bar[0]),
    )
    group = [w["pending"], w["overdue"], w["decided"], w["median_decision"], w["median_answer"]]
    generated = now.astimezone(config.tz).strftime("%Y-%m-%d %H:%M")
    weeks_chart = line_chart(
        w["chart_weeks"],
        weekly,
        weeks,
        w["hours"],
        sla_hours,
        w["sla_line"].format(sla=sla_hours),
        labels=[w["week"].format(number=int(week[-2:])) for week in weeks],
    )
    sections = [
        f"<header><h1>{escape(w['title'])}: {escape(config.title)}</h1>"
        f"<p>{escape(w['generated'].format(when=generated, sla=sla_hours))}</p></header>",
        _tiles(data, w, lang),
        _section(w["chart_weeks"], weeks_chart, w["chart_weeks_note"]),
        _section(w["chart_overdue"], bar_chart(w["chart_overdue"], overdue, w["comments"])),
        _section(
            w["by_department"],
            _table([w["department"], *group], _group_rows(data["departments"], {}, lang)),
        ),
        _section(
            w["by_author"], _table([w["author"], *group], _group_rows(data["authors"], names, lang))
        ),
        _section(w["longest"], _longest(comments, directory, sla, now, w, lang)),
        f"<footer><p>{escape(w['footer'])}</p></footer>",
    ]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(w['title'])}: {escape(config.title)}</title>"
        f"<style>{STYLE}</style></head><body><main>{''.join(sections)}</main></body></html>\n"
    )
