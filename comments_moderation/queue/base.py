"""The queue's behaviour, written once for both backends.

Every operation is one transaction through ``Queue.transaction()``, which yields a ``Tx``: SQL
with ``?`` placeholders on both backends, aware datetimes as parameters, rows as dicts. A
decision and its audit row share a transaction, so the log can't miss a decision and a decision
can't exist without its log entry. What differs per backend is small and named: how a
transaction starts (``transaction``), how concurrent writers of one key are serialized
(``_serialize``), how a row is locked for a decision (``for_update``), and what erases purged
data for real (``_erase_freed_space``).
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any, ClassVar

from comments_moderation.ids import ALPHABET, new_id
from comments_moderation.queue.records import (
    Ambiguous,
    AuditEntry,
    NewComment,
    NotFound,
    PurgeResult,
    QueuedComment,
    QueueError,
    RateLimited,
    WrongStatus,
)
from comments_moderation.queue.tx import Tx, as_time

STATUSES = ("pending", "approved", "rejected", "spam")
RATE_WINDOW = dt.timedelta(minutes=1)
# Which statuses each action may leave, and the status it gives.
ALLOWED = {
    "approve": ("pending", "spam"),
    "reject": ("pending", "spam"),
    "spam": ("pending", "rejected"),
    "delete": ("approved",),
}
RESULT = {"approve": "approved", "reject": "rejected", "spam": "spam", "delete": "rejected"}
# Keys of _serialize: writers of the same key wait for each other.
RATE_KEY, DUPLICATE_KEY, NOTICES_KEY = 1, 2, 3
TIME_COLUMNS = ("created", "decided", "approved", "purged")
# Named here because inside Queue, `list` is the method.
Rows = list[dict[str, Any]]
Comments = list[QueuedComment]
Entries = list[AuditEntry]


def comment_from_row(row: dict[str, Any]) -> QueuedComment:
    """A ``SELECT * FROM comments`` row as a record (for the queue and the notices' outbox)."""
    values = {name: row[name] for name in QueuedComment.__dataclass_fields__}
    values["notify"] = bool(values["notify"])
    for name in TIME_COLUMNS:
        values[name] = as_time(values[name])
    for name in ("spam_reasons", "signals"):
        values[name] = tuple(json.loads(values[name]))
    return QueuedComment(**values)


def _where(clauses: dict[str, object]) -> tuple[str, list[object]]:
    used = {sql: value for sql, value in clauses.items() if value is not None}
    where = f"WHERE {' AND '.join(used)}" if used else ""
    return where, list(used.values())


class Queue(ABC):
    """The comment queue: what the intake, every ``dialogue comments`` command and ``serve``
    use, whichever database holds it. Open one with ``open_queue``."""

    kind: ClassVar[str]
    shared: ClassVar[bool]  # reached from several machines: a checkout may lag behind it
    for_update: ClassVar[str] = ""  # appended to the SELECT that reads a row to decide it
    # Appended to a SELECT that claims rows for one worker: others skip them (the outbox).
    skip_locked: ClassVar[str] = ""

    @abstractmethod
    def transaction(self, write: bool = True) -> AbstractContextManager[Tx]:
        """One transaction: committed when the block ends, rolled back if it raises.
        Connection trouble raises QueueUnavailable."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def describe(self) -> str:
        """Where the queue is, for messages (never a password)."""

    @abstractmethod
    def _serialize(self, tx: Tx, kind: int, key: str) -> None:
        """Make concurrent transactions on the same key run one after the other."""

    @abstractmethod
    def _erase_freed_space(self) -> list[str]:
        """After a purge: make the database forget the old versions of the erased rows."""

    def serialize(self, tx: Tx, key: str) -> None:
        """Make concurrent transactions that name ``key`` run one after the other."""
        self._serialize(tx, NOTICES_KEY, key)

    def _after_copy(self, tx: Tx) -> None:  # noqa: B027 - most backends need nothing
        """After rows were copied in with their own audit numbers (migrate)."""

    def __enter__(self) -> Queue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the reader's side (the intake); only the columns the intake role may read ---

    def salt(self) -> str:
        """The secret that keys the client address hashes (see spam.address_hash)."""
        return self.setting("address_salt")

    def setting(self, key: str) -> str:
        with self.transaction(write=False) as tx:
            value = tx.value("SELECT value FROM settings WHERE key = ?", (key,))
        if value is None:
            raise QueueError(f"the queue lacks the setting '{key}': restore it from a backup")
        return str(value)

    def submit(self, new: NewComment, rate_limit: int, now: dt.datetime) -> str:
        """Store a reader's submission. The rate limit and the duplicate check share its
        transaction, and writers of one address or one text wait for each other, so twenty
        simultaneous requests can't all slip under the limit, on any number of hosts."""
        with self.transaction() as tx:
            if rate_limit > 0 and new.client_hash:
                self._serialize(tx, RATE_KEY, new.client_hash)
                recent = tx.one(
                    "SELECT count(*) AS n, min(created) AS oldest FROM comments "
                    "WHERE client_hash = ? AND created > ?",
                    (new.client_hash, now - RATE_WINDOW),
                )
                if recent and recent["n"] >= rate_limit:
                    oldest = as_time(recent["oldest"]) or now
                    wait = (oldest + RATE_WINDOW - now).total_seconds()
                    raise RateLimited(max(1, int(wait) + 1))
            self._serialize(tx, DUPLICATE_KEY, f"{new.post}/{new.body_hash}")
            duplicate = tx.one(
                "SELECT 1 AS found FROM comments WHERE post = ? AND body_hash = ? LIMIT 1",
                (new.post, new.body_hash),
            )
            if duplicate:
                new = replace(new, spam_reasons=(*new.spam_reasons, "duplicate"))
            comment_id = self._insert(tx, new, now)
            if not new.spam_reasons:
                self._notice_event(tx, "new", comment_id, now)
            return comment_id

    def add_imported(self, comment_id: str, new: NewComment, created: dt.datetime) -> bool:
        """A pending comment brought from another system (``dialogue import``), under the id
        and time it was given there; False if the queue already has that id (an import run
        again)."""
        with self.transaction() as tx:
            if tx.one("SELECT 1 AS found FROM comments WHERE id = ?", (comment_id,)):
                return False
            self._insert(tx, new, created, id=comment_id)
            return True

    def parent_ok(self, post: str, parent: str) -> bool:
        """Replies go only under approved comments of the same post."""
        with self.transaction(write=False) as tx:
            row = tx.one(
                "SELECT 1 AS found FROM comments WHERE id = ? AND post = ? AND status = 'approved'",
                (parent, post),
            )
        return row is not None

    def health(self) -> int:
        """Number of comments waiting; raises if the queue can't be read."""
        with self.transaction(write=False) as tx:
            return int(tx.value("SELECT count(*) FROM comments WHERE status = 'pending'"))

    def _insert(self, tx: Tx, new: NewComment, now: dt.datetime, **extra: object) -> str:
        comment_id = new_id()  # always now: ids must stay in order even if `now` is moved
        values: dict[str, object] = {
            "id": comment_id,
            "post": new.post,
            "parent": new.parent,
            "name": new.name,
            "email": new.email,
            "website": new.website,
            "body": new.body,
            "body_hash": new.body_hash,
            "created": now,
            "status": "spam" if new.spam_reasons else "pending",
            "spam_reasons": json.dumps(list(new.spam_reasons)),
            "signals": json.dumps(list(new.signals)),
            "client_hash": new.client_hash,
            "user_agent": new.user_agent,
            "notify": new.notify,
            **extra,
        }
        marks = ", ".join("?" for _ in values)
        columns = ", ".join(values)
        tx.execute(f"INSERT INTO comments ({columns}) VALUES ({marks})", [*values.values()])
        return comment_id

    # --- the moderator's side ---

    def get(self, typed: str) -> QueuedComment:
        """A comment by its id or a unique prefix of it (case-insensitive; 'comment-' allowed)."""
        prefix = typed.strip().upper().removeprefix("#").removeprefix("COMMENT-")
        if not prefix or any(c not in ALPHABET for c in prefix):
            raise NotFound(typed)
        # The prefix holds only base32 characters, so it can't carry LIKE wildcards.
        with self.transaction(write=False) as tx:
            rows = tx.all(
                "SELECT * FROM comments WHERE id LIKE ? ORDER BY id LIMIT 2", (prefix + "%",)
            )
            if len(rows) > 1 and rows[0]["id"] != prefix:
                count = tx.value("SELECT count(*) FROM comments WHERE id LIKE ?", (prefix + "%",))
                raise Ambiguous(typed, int(count))
        if not rows:
            raise NotFound(typed)
        return comment_from_row(rows[0])

    def list(self, status: str | None = None, post: str | None = None) -> Comments:
        """Oldest first: the one waiting longest is the one to decide first."""
        where, params = _where({"status = ?": status, "post = ?": post})
        with self.transaction(write=False) as tx:
            rows = tx.all(f"SELECT * FROM comments {where} ORDER BY id", params)
        return [comment_from_row(r) for r in rows]

    def _one(self, tx: Tx, comment_id: str | None, lock: bool = False) -> QueuedComment:
        row = tx.one(
            "SELECT * FROM comments WHERE id = ?" + (self.for_update if lock else ""), (comment_id,)
        )
        if row is None:
            raise NotFound(str(comment_id))
        return comment_from_row(row)

    @staticmethod
    def _audit(
        tx: Tx, comment_id: str, action: str, moderator: str, reason: str | None, now: dt.datetime
    ) -> None:
        tx.execute(
            "INSERT INTO audit (at, comment, action, moderator, reason) VALUES (?, ?, ?, ?, ?)",
            (now, comment_id, action, moderator, reason),
        )

    @staticmethod
    def _notice_event(tx: Tx, kind: str, comment_id: str, now: dt.datetime) -> None:
        """The notices' outbox, written in the event's own transaction: a notice can't be
        lost, nor exist for an event that was rolled back (see notices/outbox.py)."""
        tx.execute(
            "INSERT INTO notice_events (at, kind, comment) VALUES (?, ?, ?)",
            (now, kind, comment_id),
        )

    def decide(
        self,
        comment_id: str,
        action: str,
        moderator: str,
        now: dt.datetime,
        reason: str | None = None,
    ) -> QueuedComment:
        """approve / reject / spam / delete one comment; raises WrongStatus when not allowed
        (also when another moderator decided it a moment ago: the row is locked first)."""
        with self.transaction() as tx:
            current = self._one(tx, comment_id, lock=True)
            if current.status not in ALLOWED[action]:
                raise WrongStatus(current)
            updates: dict[str, object] = {"status": RESULT[action], "reason": reason}
            if action != "delete":  # a deletion keeps the first decision's time for the stats
                updates.update(decided=now, decided_by=moderator)
            if action == "approve":
                updates.update(approved=now, approved_by=moderator)
            assignments = ", ".join(f"{k} = ?" for k in updates)
            tx.execute(
                f"UPDATE comments SET {assignments} WHERE id = ?", (*updates.values(), comment_id)
            )
            self._audit(tx, comment_id, action, moderator, reason, now)
            if action == "approve" and current.notify:
                self._notice_event(tx, "published", comment_id, now)
            return self._one(tx, comment_id)

    def reply(
        self, reply: NewComment, staff: str, now: dt.datetime
    ) -> tuple[QueuedComment, QueuedComment | None]:
        """A team answer, approved at once. A pending parent is approved with it (an answer
        under an invisible comment would make no sense); returns (reply, parent if approved)."""
        with self.transaction() as tx:
            parent = self._one(tx, reply.parent, lock=True)
            approved_parent = None
            if parent.status == "pending":
                tx.execute(
                    "UPDATE comments SET status = 'approved', decided = ?, decided_by = ?, "
                    "approved = ?, approved_by = ? WHERE id = ?",
                    (now, staff, now, staff, parent.id),
                )
                self._audit(tx, parent.id, "approve", staff, "approved with a reply", now)
                approved_parent = self._one(tx, parent.id)
            elif parent.status != "approved":
                raise WrongStatus(parent)
            decided = {"decided": now, "decided_by": staff, "approved": now, "approved_by": staff}
            reply_id = self._insert(tx, reply, now, status="approved", staff=staff, **decided)
            self._audit(tx, reply_id, "reply", staff, f"reply to {parent.id}", now)
            if parent.notify:
                self._notice_event(tx, "answered", parent.id, now)
            return self._one(tx, reply_id), approved_parent

    def purge(
        self, before: dt.datetime, emails_before: dt.datetime, moderator: str, now: dt.datetime
    ) -> PurgeResult:
        """Erase what is personal: of rejected and spam comments created before ``before``
        everything (name, email, website, body, address hash, user agent); of comments
        decided before ``emails_before`` the email, address hash and user agent. One audit row
        per comment; then the backend makes the old row versions unreadable too."""
        with self.transaction() as tx:
            erased = [
                r["id"]
                for r in tx.all(
                    "SELECT id FROM comments WHERE status IN ('rejected', 'spam') AND created < ? "
                    "AND purged IS NULL ORDER BY id",
                    (before,),
                )
            ]
            why = f"created before {before.isoformat(timespec='seconds')}"
            for comment_id in erased:
                tx.execute(
                    "UPDATE comments SET name = '', email = NULL, website = NULL, body = '', "
                    "body_hash = '', client_hash = NULL, user_agent = NULL, purged = ? "
                    "WHERE id = ?",
                    (now, comment_id),
                )
                self._audit(tx, comment_id, "purge", moderator, why, now)
            emails = [
                r["id"]
                for r in tx.all(
                    "SELECT id FROM comments WHERE decided < ? AND (email IS NOT NULL "
                    "OR client_hash IS NOT NULL OR user_agent IS NOT NULL) ORDER BY id",
                    (emails_before,),
                )
            ]
            for comment_id in emails:
                tx.execute(
                    "UPDATE comments SET email = NULL, client_hash = NULL, user_agent = NULL "
                    "WHERE id = ?",
                    (comment_id,),
                )
                reason = f"decided before {emails_before.isoformat(timespec='seconds')}"
                self._audit(tx, comment_id, "purge", moderator, reason, now)
        notes = self._erase_freed_space() if erased or emails else []
        return PurgeResult(tuple(erased), tuple(emails), tuple(notes))

    def audit_log(self, since: dt.datetime | None = None, comment: str | None = None) -> Entries:
        where, params = _where({"a.at >= ?": since, "a.comment = ?": comment})
        with self.transaction(write=False) as tx:
            rows = tx.all(
                "SELECT a.seq, a.at, a.comment, a.action, a.moderator, a.reason, c.post "
                f"FROM audit a LEFT JOIN comments c ON c.id = a.comment {where} ORDER BY a.seq",
                params,
            )
        return [AuditEntry(**{**r, "at": as_time(r["at"])}) for r in rows]

    def rows(self, table: str, order: str) -> Rows:
        """Every row of one of the queue's own tables, raw (for ``migrate``)."""
        with self.transaction(write=False) as tx:
            return tx.all(f"SELECT * FROM {table} ORDER BY {order}")
