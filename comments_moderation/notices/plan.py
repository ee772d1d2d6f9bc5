"""Which notices an event or the passing of time makes: pure decisions, no SQL.

Each planned notice has a key that names it once and for all ("new:<comment>:<recipient>"),
and the outbox stores a key at most once: two ``notify`` processes planning the same thing at
the same moment still make one notice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from comments_moderation.notices.audience import AUTHOR, COMMENTER, WEBHOOK, Directory
from comments_moderation.queue import QueuedComment
from generator.notify_config import NotifyConfig

# A comment enters a person's daily digest only if it was announced at least this long
# before: no reminder an hour after the announcement.
REMINDER_GAP = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Planned:
    key: str
    recipient: str
    kind: str  # new | overdue | reminder | outcome
    comment: str


def webhook_key(url: str) -> str:
    """A webhook as a recipient: a hash, so that the outbox never stores its secret URL."""
    return WEBHOOK + hashlib.sha256(url.encode()).hexdigest()[:16]


def _people(
    comment: QueuedComment, directory: Directory, notify: NotifyConfig, levels: tuple[str, ...]
) -> list[str]:
    """People are told by email: without notify.email only the chats hear."""
    if notify.email is None:
        return []
    return [AUTHOR + t.person for t in directory.audience(comment.post, levels)]


def _staff(kind: str, comment: QueuedComment, recipients: list[str]) -> list[Planned]:
    return [Planned(f"{kind}:{comment.id}:{r}", r, kind, comment.id) for r in recipients]


def for_event(
    event: str, comment: QueuedComment, directory: Directory, notify: NotifyConfig
) -> list[Planned]:
    """The notices an event in the queue makes: 'new' tells staff, 'published' and
    'answered' tell a commenter who asked (one message in all: the key is per comment)."""
    if event == "new":
        if comment.status != "pending" or comment.staff:
            return []
        people = _people(comment, directory, notify, notify.new_comment)
        hooks = [webhook_key(url) for url in notify.webhooks]
        return _staff("new", comment, people + hooks)
    if notify.tells_commenters and comment.notify and comment.email:
        return [Planned(f"outcome:{comment.id}", COMMENTER + comment.id, "outcome", comment.id)]
    return []


def for_overdue(
    comment: QueuedComment, directory: Directory, notify: NotifyConfig
) -> list[Planned]:
    """The one announcement of an overdue comment, to everyone on the ``overdue`` list."""
    people = _people(comment, directory, notify, notify.overdue)
    return _staff("overdue", comment, people + [webhook_key(url) for url in notify.webhooks])


def digest_instant(now: dt.datetime, tz: dt.tzinfo, hour: int) -> dt.datetime | None:
    """Today's daily-digest moment (site time), or None if it is not yet that hour."""
    local = now.astimezone(tz)
    instant = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return instant if local >= instant else None


def for_reminder(
    comment: QueuedComment, recipient: str, announced: dt.datetime, instant: dt.datetime
) -> Planned | None:
    """A place in today's digest of ``recipient`` for a comment still overdue."""
    if not recipient.startswith(AUTHOR) or announced > instant - REMINDER_GAP:
        return None
    key = f"reminder:{comment.id}:{recipient}:{instant.date().isoformat()}"
    return Planned(key, recipient, "reminder", comment.id)


def still_relevant(kind: str, comment: QueuedComment | None) -> str | None:
    """Why a notice is no longer worth sending (None: send it)."""
    if comment is None:
        return "the comment is gone"
    if kind in ("new", "overdue", "reminder") and comment.status != "pending":
        return f"decided meanwhile ({comment.status})"
    if kind == "outcome" and comment.status != "approved":
        return f"not published ({comment.status})"
    if kind == "outcome" and not (comment.notify and comment.email):
        return "the address is gone"
    return None


def batch_due(recipient: str, oldest: dt.datetime, now: dt.datetime, digest_minutes: int) -> bool:
    """A person's notices wait for the digest window to close; a chat hears at once."""
    if recipient.startswith(WEBHOOK):
        return True
    return oldest + dt.timedelta(minutes=digest_minutes) <= now
