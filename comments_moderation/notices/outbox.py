"""The outbox: notices written with the event, each message sent once. All of its SQL.

Three tables live in the queue's own database (migrations in queue/sqlite.py, queue/postgres.py):

- ``notice_events``: one row written in the very transaction of the event (a new comment, an
  approval, a staff answer), so no event is lost and none exists without its comment. A mail
  server that is down never touches that transaction.
- ``notices``: what one recipient is to be told about one comment. A unique ``key`` makes each
  exist once, whoever plans it and however often.
- ``messages``: what is sent (one notice, or a digest of a person's notices) and, kept, the
  sending log: recipient, subject, text, when, how many attempts, what went wrong.

Sending, and the guarantee: a sender claims a due message with a lease (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` lets one writer in at a time), prepares
the transport, then commits ``sending`` before it hands the message over, and ``sent`` after.
A sender killed before ``sending`` leaves a claim whose lease runs out: the message is sent by
the next sender, once. A sender killed after it leaves ``sending``, which nobody repeats: when
its lease runs out the message is marked ``uncertain`` in the log. So no notice is ever sent
twice; one that a sender was killed in the middle of handing over (a window of one SMTP DATA
or one HTTP request) may be lost, and the log says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from comments_moderation.notices.audience import COMMENTER
from comments_moderation.notices.plan import Planned
from comments_moderation.queue import Queue, QueuedComment, Tx, as_time
from comments_moderation.queue.base import comment_from_row

SECRET_SETTING = "notice_secret"  # keys unsubscribe tokens; made by the migration
LEASE = dt.timedelta(minutes=5)  # longer than a whole SMTP conversation with its timeouts
BATCH_LOCK = "notices:batch"
FINISHED = ("sent", "failed", "uncertain", "skipped")


@dataclass(frozen=True)
class OpenNotice:
    id: int
    recipient: str
    kind: str
    created: dt.datetime
    comment: QueuedComment | None


@dataclass(frozen=True)
class Claimed:
    id: int
    recipient: str
    channel: str
    subject: str
    body: str
    lang: str
    attempts: int


def secret(queue: Queue) -> bytes:
    return bytes.fromhex(queue.setting(SECRET_SETTING))


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
        _erase_address(tx, recipient)
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


# --- sending: claim, hand over, record ---


def _erase_address(tx: Tx, recipient: str) -> None:
    """A commenter was told (or can't be): the queue forgets the address (SPEC "Notices")."""
    comment_id = recipient.removeprefix(COMMENTER)
    tx.execute("UPDATE comments SET email = NULL, notify = ? WHERE id = ?", (False, comment_id))


def claim(queue: Queue, owner: str, now: dt.datetime) -> Claimed | None:
    """Take one due message for this sender, under a lease; None when nothing is due."""
    with queue.transaction() as tx:
        stuck = tx.all(
            "SELECT id, recipient FROM messages WHERE state = 'sending' AND lease_until < ?"
            f"{queue.skip_locked}",
            (now,),
        )
        for lost in stuck:  # its sender died while handing it over: never sent again
            tx.execute(
                "UPDATE messages SET state = 'uncertain', finished = ?, owner = NULL, error = ? "
                "WHERE id = ?",
                (now, "the sender stopped while handing it over; not sent again", lost["id"]),
            )
            if lost["recipient"].startswith(COMMENTER):
                _erase_address(tx, lost["recipient"])
        row = tx.one(
            "SELECT * FROM messages WHERE (state = 'queued' AND due <= ?) "
            "OR (state = 'claimed' AND lease_until < ?) ORDER BY due, id LIMIT 1"
            f"{queue.skip_locked}",
            (now, now),
        )
        if row is None:
            return None
        tx.execute(
            "UPDATE messages SET state = 'claimed', owner = ?, lease_until = ? WHERE id = ?",
            (owner, now + LEASE, row["id"]),
        )
    fields = ("id", "recipient", "channel", "subject", "body", "lang", "attempts")
    return Claimed(**{name: row[name] for name in fields})


def commenter(queue: Queue, recipient: str) -> tuple[str, str | None]:
    """A commenter's name and address, read just before sending (never copied elsewhere)."""
    with queue.transaction(write=False) as tx:
        row = tx.one(
            "SELECT name, email FROM comments WHERE id = ?", (recipient.removeprefix(COMMENTER),)
        )
    return (str(row["name"]), row["email"]) if row else ("", None)


def _move(
    queue: Queue,
    message: Claimed,
    owner: str,
    sets: str,
    params: Sequence[Any] = (),
    erase: bool = False,
) -> bool:
    """Change a message this sender holds; ``erase``: a commenter's address is done with."""
    with queue.transaction() as tx:
        changed = tx.execute(
            f"UPDATE messages SET {sets} WHERE id = ? AND owner = ?", (*params, message.id, owner)
        )
        if changed and erase and message.recipient.startswith(COMMENTER):
            _erase_address(tx, message.recipient)
    return bool(changed)


def mark_sending(queue: Queue, message: Claimed, owner: str) -> bool:
    """The point of no return; False if the lease was lost (then nothing is handed over)."""
    return _move(queue, message, owner, "state = 'sending'")


def mark_sent(queue: Queue, message: Claimed, owner: str, now: dt.datetime) -> None:
    sets = "state = 'sent', finished = ?, attempts = attempts + 1, error = NULL"
    _move(queue, message, owner, sets, (now,), erase=True)


def mark_uncertain(queue: Queue, message: Claimed, owner: str, now: dt.datetime, why: str) -> None:
    sets = "state = 'uncertain', finished = ?, attempts = attempts + 1, error = ?"
    _move(queue, message, owner, sets, (now, why), erase=True)


def mark_failed(
    queue: Queue,
    message: Claimed,
    owner: str,
    now: dt.datetime,
    why: str,
    retry: dt.datetime | None,
) -> None:
    """Nothing was delivered: try again at ``retry``, or give up (None)."""
    if retry is None:
        sets = "state = 'failed', finished = ?, attempts = attempts + 1, error = ?, owner = NULL"
        _move(queue, message, owner, sets, (now, why), erase=True)
    else:
        sets = "state = 'queued', due = ?, attempts = attempts + 1, error = ?, owner = NULL"
        _move(queue, message, owner, sets, (retry, why))


def sending_log(queue: Queue, since: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Who was told what, when: every message, oldest first."""
    with queue.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT m.id, m.recipient, m.channel, m.subject, m.state, m.attempts, m.created, "
            "m.finished, m.error, count(n.id) AS notices FROM messages m "
            "LEFT JOIN notices n ON n.message = m.id WHERE m.created >= ? "
            "GROUP BY m.id, m.recipient, m.channel, m.subject, m.state, m.attempts, m.created, "
            "m.finished, m.error ORDER BY m.id",
            (since or dt.datetime(1970, 1, 1, tzinfo=dt.UTC),),
        )
    for row in rows:
        row["created"], row["finished"] = as_time(row["created"]), as_time(row["finished"])
    return rows
