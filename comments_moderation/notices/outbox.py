"""The outbox: notices written with the event, batched into messages. Its SQL, but sending's.

Three tables live in the queue's own database (migrations in queue/sqlite.py, queue/postgres.py):

- ``notice_events``: one row written in the very transaction of the event (a new comment, an
  approval, a staff answer), so no event is lost and none exists without its comment. A mail
  server that is down never touches that transaction.
- ``notices``: what one recipient is to be told about one comment. A unique ``key`` makes each
  exist once, whoever plans it and however often.
- ``messages``: what is sent (one notice, or a digest of a person's notices) and, kept, the
  sending log: recipient, subject, text, when, how many attempts, what went wrong. Claiming
  and sending them is sending.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from comments_moderation.notices.audience import COMMENTER
from comments_moderation.notices.plan import Planned
from comments_moderation.queue import Queue, QueuedComment, Tx, as_time
from comments_moderation.queue.base import comment_from_row

SECRET_SETTING = "notice_secret"  # keys unsubscribe tokens; made by the migration
BATCH_LOCK = "notices:batch"


@dataclass(frozen=True)
class OpenNotice:
    id: int
    recipient: str
    kind: str
    created: dt.datetime
    comment: QueuedComment | None


def secret(queue: Queue) -> bytes:
    return bytes.fromhex(queue.setting(SECRET_SETTING))


def erase_address(tx: Tx, recipient: str) -> None:
    """A commenter was told (or can't be): the queue forgets the address (SPEC "Notices")."""
    comment_id = recipient.removeprefix(COMMENTER)
    tx.execute("UPDATE comments SET email = NULL, notify = ? WHERE id = ?", (False, comment_id))


# --- planning: events and time become notices ---


def _insert(tx: Tx, planned: Iterable[Planned], now: dt.datetime) -> int:
    added = 0
    for p in planned:
        added += tx.execute(
            "INSERT INTO notices (key, created, recipient, kind, comment) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING",
            (p.key, now, p.recipient, p.kind, p.comment),
        )
    return added


def _comments(tx: Tx, ids: Iterable[str]) -> dict[str, QueuedComment]:
    wanted = sorted(set(ids))
    found: dict[str, QueuedComment] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in tx.all(f"SELECT * FROM comments WHERE id IN ({marks})", chunk):
            found[row["id"]] = comment_from_row(row)
    return found


def expand_events(
    queue: Queue, plan: Callable[[str, QueuedComment], list[Planned]], now: dt.datetime
) -> int:
    """Turn the events written so far into notices; each event is used once and removed."""
    with queue.transaction() as tx:
        events = tx.all(
            "SELECT seq, at, kind, comment FROM notice_events ORDER BY seq LIMIT 500"
            + queue.skip_locked
        )
        comments = _comments(tx, (e["comment"] for e in events))
        added = 0
        for event in events:
            comment = comments.get(event["comment"])
            if comment is not None:  # the digest window opens with the event, not now
                added += _insert(tx, plan(event["kind"], comment), as_time(event["at"]) or now)
            tx.execute("DELETE FROM notice_events WHERE seq = ?", (event["seq"],))
    return added


def add_overdue(
    queue: Queue,
    sla: dt.timedelta,
    plan: Callable[[QueuedComment], list[Planned]],
    now: dt.datetime,
) -> int:
    """Announce every comment pending past the SLA (once: the keys see to that)."""
    with queue.transaction() as tx:
        rows = tx.all(
            "SELECT * FROM comments WHERE status = 'pending' AND staff IS NULL AND created < ? "
            "ORDER BY created",
            (now - sla,),
        )
        return sum(_insert(tx, plan(comment_from_row(r)), now) for r in rows)


def add_reminders(
    queue: Queue,
    sla: dt.timedelta,
    plan: Callable[[QueuedComment, str, dt.datetime], Planned | None],
    now: dt.datetime,
) -> int:
    """Today's digest places: every announcement of a comment that is still pending."""
    with queue.transaction() as tx:
        rows = tx.all(
            "SELECT n.recipient, n.created AS announced, c.* FROM notices n "
            "JOIN comments c ON c.id = n.comment "
            "WHERE n.kind = 'overdue' AND c.status = 'pending' AND c.created < ? "
            "ORDER BY c.created",
            (now - sla,),
        )
        planned = [
            plan(comment_from_row(r), r["recipient"], as_time(r["announced"]) or now) for r in rows
        ]
        return _insert(tx, [p for p in planned if p is not None], now)


# --- batching: open notices become messages ---


def open_notices(tx: Tx) -> list[OpenNotice]:
    rows = tx.all(
        "SELECT id, recipient, kind, created, comment FROM notices "
        "WHERE message IS NULL AND dropped IS NULL ORDER BY recipient, created, id"
    )
    comments = _comments(tx, (r["comment"] for r in rows))
    return [
        OpenNotice(
            r["id"],
            r["recipient"],
            r["kind"],
            as_time(r["created"]) or dt.datetime.min,
            comments.get(r["comment"]),
        )
        for r in rows
    ]


def staff_answers(tx: Tx, comment_id: str) -> list[QueuedComment]:
    rows = tx.all(
        "SELECT * FROM comments WHERE parent = ? AND staff IS NOT NULL ORDER BY created",
        (comment_id,),
    )
    return [comment_from_row(r) for r in rows]


def drop(tx: Tx, notice_ids: Sequence[int], reason: str) -> None:
    for notice_id in notice_ids:
        tx.execute("UPDATE notices SET dropped = ? WHERE id = ?", (reason, notice_id))


def add_message(
    tx: Tx,
    recipient: str,
    channel: str,
    notice_ids: Sequence[int],
    subject: str,
    body: str,
    lang: str,
    now: dt.datetime,
    skipped: str | None = None,
) -> int:
    """Store a composed message for its notices; ``skipped`` logs one that can't be sent."""
    message_id = int(
        tx.value(
            "INSERT INTO messages (recipient, channel, subject, body, lang, created, state, due, "
            "finished, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                recipient,
                channel,
                subject,
                body,
                lang,
                now,
                "skipped" if skipped else "queued",
                now,
                now if skipped else None,
                skipped,
            ),
        )
    )
    for notice_id in notice_ids:
        tx.execute("UPDATE notices SET message = ? WHERE id = ?", (message_id, notice_id))
    if skipped and recipient.startswith(COMMENTER):
        erase_address(tx, recipient)
    return message_id


def opted_out(tx: Tx, subjects: Iterable[str]) -> set[str]:
    wanted = list(subjects)
    if not wanted:
        return set()
    marks = ", ".join("?" for _ in wanted)
    rows = tx.all(f"SELECT subject FROM notice_optouts WHERE subject IN ({marks})", wanted)
    return {r["subject"] for r in rows}


def set_opt_out(queue: Queue, subject: str, stop: bool, now: dt.datetime) -> None:
    with queue.transaction() as tx:
        if stop:
            tx.execute(
                "INSERT INTO notice_optouts (subject, at) VALUES (?, ?) "
                "ON CONFLICT (subject) DO NOTHING",
                (subject, now),
            )
        else:
            tx.execute("DELETE FROM notice_optouts WHERE subject = ?", (subject,))
