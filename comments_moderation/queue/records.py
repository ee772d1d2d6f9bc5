"""The queue's records and its exceptions, the same for every backend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NewComment:
    """A submission as the intake (or ``reply``) stores it."""

    post: str
    name: str
    body: str
    body_hash: str
    email: str | None = None
    website: str | None = None
    parent: str | None = None
    client_hash: str | None = None
    user_agent: str | None = None
    spam_reasons: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()  # notes for the moderator that don't make it spam
    notify: bool = False  # the reader asked to be told the outcome (SPEC "Notices")


@dataclass(frozen=True)
class QueuedComment:
    id: str
    post: str
    parent: str | None
    name: str
    email: str | None
    website: str | None
    body: str
    created: dt.datetime
    status: str
    spam_reasons: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    client_hash: str | None = None
    user_agent: str | None = None
    staff: str | None = None
    decided: dt.datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    approved: dt.datetime | None = None
    approved_by: str | None = None
    purged: dt.datetime | None = None
    notify: bool = False  # told of the outcome once; then notify and email are cleared


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    comment: str
    action: str
    moderator: str
    reason: str | None = None
    post: str | None = field(default=None, compare=False)


class NotFound(LookupError):
    pass


class Ambiguous(LookupError):
    def __init__(self, prefix: str, count: int) -> None:
        super().__init__(prefix, count)
        self.prefix, self.count = prefix, count


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class WrongStatus(Exception):
    def __init__(self, comment: QueuedComment) -> None:
        super().__init__(comment.id, comment.status)
        self.comment = comment


class QueueError(Exception):
    """The queue cannot be opened, migrated or used; the message says how to fix it."""


class QueueUnavailable(QueueError):
    """The queue is out of reach for now (database down, file locked): try again shortly.
    The intake answers 503 with Retry-After; nothing acknowledged is lost."""


@dataclass(frozen=True)
class PurgeResult:
    erased: tuple[str, ...]  # rejected and spam comments: everything personal erased
    emails: tuple[str, ...]  # approved ones past keep_email_days: email and address erased
    notes: tuple[str, ...] = ()  # what the backend did (or could not do) to erase for real


@dataclass(frozen=True)
class CopyResult:
    comments: int
    comments_present: int
    audit: int
    audit_present: int
    audit_renumbered: int
    events: int = 0  # notice events no notify round had taken yet
    optouts: int = 0  # people who asked for no more notices
