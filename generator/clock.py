"""The clock every command reads: DIALOGUE_NOW (an ISO datetime) pins it, so that builds, the
moderation commands and notices are repeatable in tests and can be replayed."""

from __future__ import annotations

import datetime as dt
import os


def pinned_now() -> dt.datetime | None:
    """DIALOGUE_NOW as an aware datetime (UTC when it has no offset), or None when unset."""
    value = os.environ.get("DIALOGUE_NOW")
    if not value:
        return None
    now = dt.datetime.fromisoformat(value)
    return now if now.tzinfo else now.replace(tzinfo=dt.UTC)


def now() -> dt.datetime:
    return pinned_now() or dt.datetime.now(dt.UTC)
