"""``dialogue comments stats``: is anybody waiting, and how fast does the team answer?"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from comments_moderation.permissions import Team
from comments_moderation.queue import QueuedComment


def _median(values: Iterable[float]) -> float | None:
    items = list(values)
    return statistics.median(items) if items else None


def _summary(comments: Sequence[QueuedComment], sla: dt.timedelta, now: dt.datetime) -> dict:
    readers = [c for c in comments if not c.staff]
    pending = [c for c in readers if c.status == "pending"]
    first_reply: dict[str, dt.datetime] = {}
    for c in comments:
        if (
            c.staff
            and c.parent
            and (c.parent not in first_reply or c.created < first_reply[c.parent])
        ):
            first_reply[c.parent] = c.created
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


def compute(
    comments: Sequence[QueuedComment], team: Team | None, sla: dt.timedelta, now: dt.datetime
) -> dict[str, Any]:
    by_post: dict[str, list[QueuedComment]] = {}
    for c in comments:
        by_post.setdefault(c.post, []).append(c)
    result = _summary(comments, sla, now)
    result["sla_hours"] = sla.total_seconds() / 3600
    result["posts"] = {slug: _summary(items, sla, now) for slug, items in sorted(by_post.items())}
    authors: dict[str, list[QueuedComment]] = {}
    if team is not None:
        for slug, items in by_post.items():
            for author in team.post_authors.get(slug, ()):
                authors.setdefault(author, []).extend(items)
    result["authors"] = {a: _summary(items, sla, now) for a, items in sorted(authors.items())}
    return result
