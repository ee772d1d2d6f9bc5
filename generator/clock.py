"""The build's clock: ``DIALOGUE_NOW`` (an ISO datetime) pins it, so builds are repeatable."""

from __future__ import annotations

import datetime as dt
import os


def pinned_now() -> dt.datetime | None:
    """The pinned time, or None for the real clock."""
    value = os.environ.get("DIALOGUE_NOW")
    if not value:
        return None
    now = dt.datetime.fromisoformat(value)
    return now if now.tzinfo else now.replace(tzinfo=dt.UTC)
