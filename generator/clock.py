"""The clock of every command: ``DIALOGUE_NOW`` (an ISO 8601 datetime) pins it, so builds,
schedules and plans are repeatable in tests and can be previewed ("what will the site look like
on Monday?"); otherwise it is the real time."""

from __future__ import annotations

import datetime as dt
import os


def pinned() -> dt.datetime | None:
    """The time DIALOGUE_NOW names (UTC when it has no offset), or None when it is not set."""
    value = os.environ.get("DIALOGUE_NOW")
    if not value:
        return None
    now = dt.datetime.fromisoformat(value)
    return now if now.tzinfo else now.replace(tzinfo=dt.UTC)


def now() -> dt.datetime:
    return pinned() or dt.datetime.now(dt.UTC)
