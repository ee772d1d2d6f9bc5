"""The editorial plan as an iCalendar file (RFC 5545) for a shared calendar: one event per
scheduled post at its publication instant, and one tentative event per draft dated ahead.

Written by hand, as the format is small: CRLF line ends, TEXT values escaped (3.3.11), lines
folded at 75 octets without splitting a UTF-8 character (3.1), times in UTC (3.3.5, form 2), so
no VTIMEZONE is needed. Each event's UID is the post's slug at the site's host: the same post
keeps its event when the file is imported again, even after its date moved.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from generator import __version__
from generator.config import Config
from generator.model import Site
from generator.planning.editorial import Entry, Plan

LINE_OCTETS = 75
PLAN_NAME = {"de": "Redaktionsplan", "en": "editorial plan"}  # the calendar's name, shown in apps


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """One content line, folded: no physical line longer than 75 octets (the leading space of
    a continuation counts), and never a break inside a UTF-8 character."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(config: Config, entry: Entry, stamp: str, host: str, names: dict[str, str]) -> list[str]:
    post = entry.post
    authors = ", ".join(names.get(a, a) for a in post.author_ids)
    label = "Entwurf" if config.language == "de" else "Draft"
    summary = post.title if entry.scheduled else f"[{label}] {post.title}"
    details = [authors, post.department, entry.path]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{post.slug}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc(post.date)}",
        f"SUMMARY:{escape(summary)}",
        f"DESCRIPTION:{escape(chr(10).join(d for d in details if d))}",
        f"STATUS:{'CONFIRMED' if entry.scheduled else 'TENTATIVE'}",
    ]
    if post.department:
        lines.append(f"CATEGORIES:{escape(post.department)}")
    if entry.scheduled:
        lines.append(f"URL:{config.absolute(post.url)}")
    lines.append("END:VEVENT")
    return lines


def calendar(site: Site, plan: Plan) -> str:
    """Scheduled posts, and drafts dated after ``plan.now``, as one VCALENDAR."""
    config = site.config
    host = urlsplit(config.base_url).hostname or "dialogue.invalid"
    stamp = utc(plan.now)
    names = {author.id: author.name for author in site.authors.values()}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Dialogue//Dialogue {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(f'{config.title}: {PLAN_NAME[config.language]}')}",
    ]
    for entry in plan.entries:
        if entry.scheduled or entry.post.date > plan.now:
            lines += _event(config, entry, stamp, host, names)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
