"""Every SQL statement of the comment queue; nothing else in Dialogue writes SQL.

A decision and its audit row are written in one transaction, so the log can't miss a decision
and a decision can't exist without its log entry. Times are stored as ISO 8601 in UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace

from comments_moderation.db import transaction
from comments_moderation.ids import ALPHABET, new_id
from comments_moderation.records import (
    Ambiguous,
    AuditEntry,
    NewComment,
    NotFound,
    QueuedComment,
    RateLimited,
    WrongStatus,
)

__all__ = [
    "Ambiguous",
    "AuditEntry",
    "NewComment",
    "NotFound",
    "QueuedComment",
    "RateLimited",
    "WrongStatus",
]

STATUSES = ("pending", "approved", "rejected", "spam")
RATE_WINDOW = dt.timedelta(minutes=1)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _row(row: sqlite3.Row) -> QueuedComment:
    values = {name: row[name] for name in QueuedComment.__dataclass_fields__}
    for name in ("created", "decided", "approved", "purged"):
        values[name] = parse_time(values[name])
    for name in ("spam_reasons", "signals"):
        values[name] = tuple(json.loads(values[name]))
    return QueuedComment(**values)


def _one(conn: sqlite3.Connection, comment_id: str | None) -> QueuedComment:
    return _row(conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone())


def _insert(conn: sqlite3.Connection, new: NewComment, now: dt.datetime, **extra: object) -> str:
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
        "created": iso(now),
        "status": "spam" if new.spam_reasons else "pending",
        "spam_reasons": json.dumps(list(new.spam_reasons)),
        "signals": json.dumps(list(new.signals)),
        "client_hash": new.client_hash,
        "user_agent": new.user_agent,
        **extra,
    }
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO comments ({columns}) VALUES ({marks})", tuple(values.values()))
    return comment_id


def submit(conn: sqlite3.Connection, new: NewComment, rate_limit: int, now: dt.datetime) -> str:
    """Store a reader's submission; the rate limit and duplicate checks share its transaction,
    so twenty simultaneous requests from one address can't all slip under the limit."""
    with transaction(conn):
        if rate_limit > 0 and new.client_hash:
            since = iso(now - RATE_WINDOW)
            recent = conn.execute(
                "SELECT count(*), min(created) FROM comments WHERE client_hash = ? AND created > ?",
                (new.client_hash, since),
            ).fetchone()
            if recent[0] >= rate_limit:
                oldest = dt.datetime.fromisoformat(recent[1])
                wait = (oldest + RATE_WINDOW - now).total_seconds()
                raise RateLimited(max(1, int(wait) + 1))
        duplicate = conn.execute(
            "SELECT 1 FROM comments WHERE post = ? AND body_hash = ? LIMIT 1",
            (new.post, new.body_hash),
        ).fetchone()
        if duplicate:
            new = replace(new, spam_reasons=(*new.spam_reasons, "duplicate"))
        return _insert(conn, new, now)


def add_imported(
    conn: sqlite3.Connection, comment_id: str, new: NewComment, created: dt.datetime
) -> bool:
    """A pending comment brought from another system (``dialogue import``), under the id and
    time it was given there; False if the queue already has that id (an import run again)."""
    with transaction(conn):
        if conn.execute("SELECT 1 FROM comments WHERE id = ?", (comment_id,)).fetchone():
            return False
        _insert(conn, new, created, id=comment_id)
        return True


def parent_ok(conn: sqlite3.Connection, post: str, parent: str) -> bool:
    """Replies go only under approved comments of the same post."""
    row = conn.execute(
        "SELECT 1 FROM comments WHERE id = ? AND post = ? AND status = 'approved'", (parent, post)
    ).fetchone()
    return row is not None


def get(conn: sqlite3.Connection, typed: str) -> QueuedComment:
    """A comment by its id or a unique prefix of it (case-insensitive; 'comment-' allowed)."""
    prefix = typed.strip().upper().removeprefix("#").removeprefix("COMMENT-")
    if not prefix or any(c not in ALPHABET for c in prefix):
        raise NotFound(typed)
    # The prefix holds only base32 characters, so it can't carry LIKE wildcards.
    rows = conn.execute(
        "SELECT * FROM comments WHERE id LIKE ? ORDER BY id LIMIT 2", (prefix + "%",)
    ).fetchall()
    if not rows:
        raise NotFound(typed)
    if len(rows) > 1 and rows[0]["id"] != prefix:
        count = conn.execute(
            "SELECT count(*) FROM comments WHERE id LIKE ?", (prefix + "%",)
        ).fetchone()[0]
        raise Ambiguous(typed, count)
    return _row(rows[0])


def list_comments(
    conn: sqlite3.Connection, status: str | None = None, post: str | None = None
) -> list[QueuedComment]:
    """Oldest first: the one waiting longest is the one to decide first."""
    clauses, params = [], []
    if status:
        clauses.append("status = ?")
        params.append(status)
    if post:
        clauses.append("post = ?")
        params.append(post)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(f"SELECT * FROM comments {where} ORDER BY id", params).fetchall()
    return [_row(r) for r in rows]


def _audit(
    conn: sqlite3.Connection,
    comment_id: str,
    action: str,
    moderator: str,
    reason: str | None,
    now: dt.datetime,
) -> None:
    conn.execute(
        "INSERT INTO audit (at, comment, action, moderator, reason) VALUES (?, ?, ?, ?, ?)",
        (iso(now), comment_id, action, moderator, reason),
    )


def decide(
    conn: sqlite3.Connection,
    comment_id: str,
    action: str,
    moderator: str,
    now: dt.datetime,
    reason: str | None = None,
) -> QueuedComment:
    """approve / reject / spam / delete one comment; raises WrongStatus when not allowed."""
    allowed = {
        "approve": ("pending", "spam"),
        "reject": ("pending", "spam"),
        "spam": ("pending", "rejected"),
        "delete": ("approved",),
    }[action]
    new_status = {"approve": "approved", "reject": "rejected", "spam": "spam"}.get(
        action, "rejected"
    )
    with transaction(conn):
        current = _one(conn, comment_id)
        if current.status not in allowed:
            raise WrongStatus(current)
        updates: dict[str, object] = {"status": new_status, "reason": reason}
        if action != "delete":  # a deletion keeps the first decision's time for the stats
            updates.update(decided=iso(now), decided_by=moderator)
        if action == "approve":
            updates.update(approved=iso(now), approved_by=moderator)
        assignments = ", ".join(f"{k} = ?" for k in updates)
        conn.execute(
            f"UPDATE comments SET {assignments} WHERE id = ?", (*updates.values(), comment_id)
        )
        _audit(conn, comment_id, action, moderator, reason, now)
        return _one(conn, comment_id)


def add_reply(
    conn: sqlite3.Connection, reply: NewComment, staff: str, now: dt.datetime
) -> tuple[QueuedComment, QueuedComment | None]:
    """A team answer, approved at once. A pending parent is approved with it (an answer under
    an invisible comment would make no sense); returns (reply, parent if it was approved)."""
    with transaction(conn):
        parent = _one(conn, reply.parent)
        approved_parent = None
        if parent.status == "pending":
            stamp = iso(now)
            conn.execute(
                "UPDATE comments SET status = 'approved', decided = ?, decided_by = ?, "
                "approved = ?, approved_by = ? WHERE id = ?",
                (stamp, staff, stamp, staff, parent.id),
            )
            _audit(conn, parent.id, "approve", staff, "approved with a reply", now)
            approved_parent = _one(conn, parent.id)
        elif parent.status != "approved":
            raise WrongStatus(parent)
        stamp = iso(now)
        reply_id = _insert(
            conn,
            reply,
            now,
            status="approved",
            staff=staff,
            decided=stamp,
            decided_by=staff,
            approved=stamp,
            approved_by=staff,
        )
        _audit(conn, reply_id, "reply", staff, f"reply to {parent.id}", now)
        row = _one(conn, reply_id)
        return row, approved_parent


def purge(
    conn: sqlite3.Connection, before: dt.datetime, moderator: str, now: dt.datetime
) -> list[str]:
    """Erase email, address hash and user agent of rejected and spam comments created before
    ``before``; one audit row per comment. Returns the ids purged."""
    with transaction(conn):
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM comments WHERE status IN ('rejected', 'spam') AND created < ? "
                "AND (email IS NOT NULL OR client_hash IS NOT NULL OR user_agent IS NOT NULL)",
                (iso(before),),
            )
        ]
        for comment_id in ids:
            conn.execute(
                "UPDATE comments SET email = NULL, client_hash = NULL, user_agent = NULL, "
                "purged = ? WHERE id = ?",
                (iso(now), comment_id),
            )
            _audit(conn, comment_id, "purge", moderator, f"older than {iso(before)}", now)
        return ids


def audit_log(
    conn: sqlite3.Connection, since: dt.datetime | None = None, comment: str | None = None
) -> list[AuditEntry]:
    clauses, params = [], []
    if since:
        clauses.append("a.at >= ?")
        params.append(iso(since))
    if comment:
        clauses.append("a.comment = ?")
        params.append(comment)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        "SELECT a.*, c.post FROM audit a LEFT JOIN comments c ON c.id = a.comment "
        f"{where} ORDER BY a.seq",
        params,
    ).fetchall()
    return [AuditEntry(**{**dict(r), "at": dt.datetime.fromisoformat(r["at"])}) for r in rows]


def health(conn: sqlite3.Connection) -> int:
    """Number of comments waiting; raises if the file is unreadable."""
    return int(conn.execute("SELECT count(*) FROM comments WHERE status = 'pending'").fetchone()[0])
