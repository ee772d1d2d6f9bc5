"""The comment queue: one interface (``Queue``), two backends with the same behaviour.

``open_queue(location)`` takes what ``comments.queue`` or ``DIALOGUE_QUEUE`` holds: a file path
(SQLite, the embedded default: ``sqlite.py``) or a ``postgresql://`` URL (``postgres.py``).
``base.py`` holds the behaviour both share, written once as SQL over ``Queue.transaction()``;
``records.py`` the records and errors; ``copy.py`` the copy between two queues (``migrate``).

    with open_queue(queue_location(config)) as queue:
        comment_id = queue.submit(new, rate_limit, now)
        with queue.transaction() as tx:            # one transaction, both backends
            tx.execute("INSERT INTO ... VALUES (?, ?)", (a, b))
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from comments_moderation.queue.base import STATUSES, Queue
from comments_moderation.queue.records import (
    Ambiguous,
    AuditEntry,
    CopyResult,
    NewComment,
    NotFound,
    PurgeResult,
    QueuedComment,
    QueueError,
    QueueUnavailable,
    RateLimited,
    WrongStatus,
)
from comments_moderation.queue.tx import Tx, as_time

if TYPE_CHECKING:
    from generator.config import Config

__all__ = [
    "STATUSES",
    "Ambiguous",
    "AuditEntry",
    "CopyResult",
    "NewComment",
    "NotFound",
    "PurgeResult",
    "Queue",
    "QueueError",
    "QueueUnavailable",
    "QueuedComment",
    "RateLimited",
    "Tx",
    "WrongStatus",
    "as_time",
    "is_url",
    "open_queue",
    "queue_location",
]

ENVIRONMENT = "DIALOGUE_QUEUE"
URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def queue_location(config: Config) -> str | Path:
    """The queue this site uses: ``DIALOGUE_QUEUE`` if set (credentials stay out of git),
    else ``comments.queue``; a file path is relative to the site's folder."""
    location = os.environ.get(ENVIRONMENT, "").strip() or config.comments.queue
    return location if is_url(location) else (config.root / location).resolve()


def open_queue(location: str | Path, *, pool_size: int = 2, wait: bool = True) -> Queue:
    """Open (creating or migrating on first use) the queue at ``location``.

    ``pool_size`` is how many connections a PostgreSQL queue may hold at once (one per server
    thread); ``wait=False`` lets a server start while the database is still out of reach.
    """
    if is_url(location):
        try:
            from comments_moderation.queue.postgres import PostgresQueue
        except ImportError as exc:
            raise QueueError(
                f"a PostgreSQL queue needs psycopg ({exc.name} is missing): "
                "pip install 'dialogue[postgresql]'"
            ) from exc
        return PostgresQueue(str(location), pool_size=pool_size, wait=wait)
    from comments_moderation.queue.sqlite import SqliteQueue

    return SqliteQueue(Path(location))
