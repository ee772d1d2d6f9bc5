"""Sending the outbox's messages, each once: claim with a lease, hand over, record.

A sender claims a due message with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` lets one writer in at a time), prepares the transport, then commits
``sending`` before it hands the message over, and ``sent`` after. A sender killed before
``sending`` leaves a claim whose lease runs out: the message is sent by the next sender, once.
A sender killed after it leaves ``sending``, which nobody repeats: when its lease runs out the
message is marked ``uncertain`` in the log. So no notice is ever sent twice; one that a sender
was killed in the middle of handing over (a window of one SMTP DATA or one HTTP request) may be
lost, and the log says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from comments_moderation.notices import outbox
from comments_moderation.notices.audience import COMMENTER
from comments_moderation.queue import Queue, as_time

LEASE = dt.timedelta(minutes=5)  # longer than a whole SMTP conversation with its timeouts


@dataclass(frozen=True)
class Claimed:
    id: int
    recipient: str
    channel: str
    subject: str
    body: str
    lang: str
    attempts: int


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
                outbox.erase_address(tx, lost["recipient"])
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
            outbox.erase_address(tx, message.recipient)
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
