"""``dialogue comments stats``: is anybody waiting, and how fast does the team answer?

Figures for the whole site, per department, per post and per author; ``weekly`` adds the
median time to a decision per department and week (of arrival) for the oversight report.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from comments_moderation.notices.audience import Directory
from comments_moderation.queue import QueuedComment

NO_DEPARTMENT = "(no department)"


def _median(values: Iterable[float]) -> float | None:
    items = list(values)
    return statistics.median(items) if items else None


def first_answers(comments: Iterable[QueuedComment]) -> dict[str, dt.datetime]:
    """Comment id -> when the team first answered it."""
    first: dict[str, dt.datetime] = {}
    for c in comments:
        if c.staff and c.parent and (c.parent not in first or c.created < first[c.parent]):
            first[c.parent] = c.created
    return first


def _summary(
    comments: Sequence[QueuedComment],
    sla: dt.timedelta,
    now: dt.datetime,
    first_reply: dict[str, dt.datetime],
) -> dict:
    readers = [c for c in comments if not c.staff]
    pending = [c for c in readers if c.status == "pending"]
    oldest = min(pending, key=lambda c: c.created, default=None)
    return {
        "pending": len(pending),
        "overdue": sum(1 for c in pending if now - c.created > sla),
        "approved": sum(1 for c in readers if c.status == "approved"),
        "rejected": sum(1 for c in readers if c.status == "rejected"),
        "spam": sum(1 for c in readers if c.status == "spam"),
        "staff_replies": len(comments) - len(readers),
        "oldest_pending": None
        if oldest is None
        else {
            "id": oldest.id,
            "post": oldest.post,
            "age_seconds": (now - oldest.created).total_seconds(),
        },
        "median_decision_seconds": _median(
            (c.decided - c.created).total_seconds() for c in readers if c.decided
        ),
        "median_first_reply_seconds": _median(
            (first_reply[c.id] - c.created).total_seconds() for c in readers if c.id in first_reply
        ),
    }


def department_of(directory: Directory, slug: str) -> str:
    return directory.post(slug).department or NO_DEPARTMENT


def _grouped(comments: Iterable[QueuedComment], keys: Any) -> dict[str, list[QueuedComment]]:
    groups: dict[str, list[QueuedComment]] = {}
    for c in comments:
        for key in keys(c):
            groups.setdefault(key, []).append(c)
    return dict(sorted(groups.items()))


def compute(
    comments: Sequence[QueuedComment],
    directory: Directory | None,
    sla: dt.timedelta,
    now: dt.datetime,
) -> dict[str, Any]:
    first_reply = first_answers(comments)

    def summarise(groups: dict[str, list[QueuedComment]]) -> dict[str, dict]:
        return {key: _summary(items, sla, now, first_reply) for key, items in groups.items()}

    result = _summary(comments, sla, now, first_reply)
    result["sla_hours"] = sla.total_seconds() / 3600
    result["posts"] = summarise(_grouped(comments, lambda c: (c.post,)))
    if directory is None:
        result["departments"], result["authors"] = {}, {}
        return result
    result["departments"] = summarise(
        _grouped(comments, lambda c: (department_of(directory, c.post),))
    )
    result["authors"] = summarise(_grouped(comments, lambda c: directory.post(c.post).authors))
    return result


def week_of(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """The ISO week a moment falls in, in the site's time zone: '2026-W47'."""
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def weekly(
    comments: Sequence[QueuedComment], directory: Directory, tz: dt.tzinfo
) -> dict[str, dict[str, float]]:
    """Department -> ISO week of arrival -> median hours to a decision (decided readers' only)."""
    hours: dict[str, dict[str, list[float]]] = {}
    for c in comments:
        if c.staff or c.decided is None:
            continue
        department = hours.setdefault(department_of(directory, c.post), {})
        spent = (c.decided - c.created).total_seconds() / 3600
        department.setdefault(week_of(c.created, tz), []).append(spent)
    return {
        name: {week: statistics.median(values) for week, values in sorted(weeks.items())}
        for name, weeks in sorted(hours.items())
    }
