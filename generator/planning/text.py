"""What ``dialogue schedule`` and ``dialogue plan`` print for people (``--json`` is for tools)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from generator.model import Site
from generator.planning.editorial import Entry, Plan
from generator.planning.timeline import Change

WHEN = len("2027-01-12 08:00 +01:00")  # the width of when()'s text


def when(moment: dt.datetime, tz: ZoneInfo) -> str:
    """'2027-01-12 08:00 +01:00': the offset, since summer time moves it."""
    local = moment.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def day(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d}" if moment else "never"


def span(delta: dt.timedelta) -> str:
    """'3 days', '5 hours', '12 minutes': the largest whole unit."""
    seconds = int(delta.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size * (2 if unit == "week" else 1):
            count = seconds // size
            return f"{count} {unit}{'s' * (count != 1)}"
    return "less than a minute"


def change_line(change: Change) -> str:
    where = "  ".join(part for part in (change.path, change.url) if part)
    return f"{change.at.isoformat()}  {change.kind:<14}  {where or change.what}"


def schedule(site: Site, now: dt.datetime, changes: list[Change]) -> str:
    tz = site.config.tz
    if not changes:
        return "Nothing on this site changes by time alone: no rebuild is ever due by itself."
    first = changes[0]
    lines = [
        f"Next change: {when(first.at, tz)}, in {span(first.at - now)} ({first.kind}: "
        f"{first.what}): rebuild then.",
        "",
        f"Every change that time alone makes ({len(changes)}, times in {site.config.timezone}):",
    ]
    width = max(len(c.kind) for c in changes)
    for change in changes:
        lines.append(f"  {when(change.at, tz)}  {change.kind:<{width}}  {change.what}")
        if change.path:
            lines.append(f"  {'':<{WHEN}}  {'':<{width}}  {change.path} -> {change.url}")
    return "\n".join(lines)


def _entry_lines(site: Site, entry: Entry, now: dt.datetime) -> list[str]:
    post = entry.post
    tz = site.config.tz
    names = ", ".join(site.authors[a].name if a in site.authors else a for a in post.author_ids)
    age = ""
    if not entry.scheduled and post.date <= now:
        age = f" · dated {span(now - post.date)} ago"
    return [
        f"  {when(post.date, tz)}  {post.title}",
        f"  {'':<{WHEN}}  {names} · {post.department or 'no department'} · {entry.path}{age}",
    ]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def plan(site: Site, plan: Plan) -> str:
    tz = site.config.tz
    now = plan.now
    lines = [f"Editorial plan of {site.config.title}, {when(now, tz)} ({site.config.timezone})"]
    for heading, entries in (("Scheduled", plan.scheduled), ("Drafts", plan.drafts)):
        lines += ["", f"{heading} ({len(entries)})"]
        for entry in entries:
            lines += _entry_lines(site, entry, now)
        if not entries:
            lines.append("  none")
    lines += ["", "By department"]
    header = ["department", f"last {plan.weeks} weeks", "last published", "scheduled", "drafts"]
    rows = [
        [
            d.name,
            str(d.published_recently),
            day(d.last_published, tz),
            str(len(d.scheduled)),
            str(len(d.drafts)),
        ]
        for d in plan.departments
    ]
    lines += _table([header, *rows])
    lines += ["", "By author"]
    header = ["author", "department", "last published", "scheduled", "drafts"]
    rows = [
        [
            w.name,
            w.department or "-",
            day(w.last_published, tz),
            str(len(w.scheduled)),
            str(len(w.drafts)),
        ]
        for w in plan.writers
    ]
    lines += _table([header, *rows])
    lines += ["", f"Gaps: departments that published nothing for {plan.weeks} weeks"]
    for department in plan.silent:
        last = department.last_published
        said = f"last published {day(last, tz)}, {span(now - last)} ago" if last else "never"
        if department.scheduled:
            said += f"; next: {day(department.scheduled[0].post.date, tz)}"
        if department.drafts:
            count = len(department.drafts)
            said += f"; {count} draft{'s' * (count != 1)} waiting"
        lines.append(f"  {department.name}: {said}")
    if not plan.silent:
        lines.append("  none")
    lines += ["", "Gaps: authors with drafts older than a month"]
    for writer in plan.stale:
        oldest = writer.stale_drafts[0]
        lines.append(
            f"  {writer.name}: {len(writer.stale_drafts)}, the oldest {oldest.path} dated "
            f"{day(oldest.post.date, tz)}"
        )
    if not plan.stale:
        lines.append("  none")
    return "\n".join(lines)
