"""``dialogue comments migrate --to QUEUE``: copy one queue into another, ids and times kept.

Comments are keyed by their id: one already in the target is left as it is (it may have been
decided there since). Audit entries are keyed by what they say (comment, action, time,
moderator): one already there is skipped, a new one keeps its number unless the target used it
for an entry of its own, then it is appended. So running the copy twice changes nothing, and
a second run after the old queue took more comments brings just those over. The target is
written in one transaction: all or nothing.

Notices: the events no ``notify`` round has taken yet come along (nobody's notice is lost), and
so do the opt-outs (whoever said "stop" stays stopped) and, into a new queue, the secret of the
unsubscribe links already sent. The sending log stays with the old queue.
"""

from __future__ import annotations

from comments_moderation.queue.base import TIME_COLUMNS, Queue
from comments_moderation.queue.records import CopyResult
from comments_moderation.queue.tx import Tx, as_time

COMMENT_COLUMNS = (
    "id", "post", "parent", "name", "email", "website", "body", "body_hash", "created",
    "status", "spam_reasons", "signals", "client_hash", "user_agent", "staff", "decided",
    "decided_by", "reason", "approved", "approved_by", "purged", "notify",
)  # fmt: skip


def _times(row: dict[str, object]) -> dict[str, object]:
    return {k: as_time(v) if k in TIME_COLUMNS or k == "at" else v for k, v in row.items()}


def copy_queue(source: Queue, target: Queue) -> CopyResult:
    comments = [_times(r) for r in source.rows("comments", "id")]
    audit = [_times(r) for r in source.rows("audit", "seq")]
    events = [_times(r) for r in source.rows("notice_events", "seq")]
    optouts = [_times(r) for r in source.rows("notice_optouts", "subject")]
    secrets = {"address_salt": source.salt(), "notice_secret": source.setting("notice_secret")}
    with target.transaction() as tx:
        if tx.value("SELECT count(*) FROM comments") == 0:
            # A new queue takes the old one's secrets: address hashes stay comparable (the rate
            # limit holds across the move) and unsubscribe links already mailed keep working.
            for key, value in secrets.items():
                tx.execute("UPDATE settings SET value = ? WHERE key = ?", (value, key))
        added = sum(_copy_comment(tx, row) for row in comments)
        results = [_copy_audit(tx, row) for row in audit]
        events_added = sum(_copy_event(tx, row) for row in events)
        optouts_added = sum(
            tx.execute(
                "INSERT INTO notice_optouts (subject, at) VALUES (?, ?) "
                "ON CONFLICT (subject) DO NOTHING",
                (row["subject"], row["at"]),
            )
            for row in optouts
        )
        target._after_copy(tx)
    return CopyResult(
        comments=added,
        comments_present=len(comments) - added,
        audit=results.count("copied") + results.count("renumbered"),
        audit_present=results.count("present"),
        audit_renumbered=results.count("renumbered"),
        events=events_added,
        optouts=optouts_added,
    )


def _copy_comment(tx: Tx, row: dict[str, object]) -> int:
    marks = ", ".join("?" for _ in COMMENT_COLUMNS)
    return tx.execute(
        f"INSERT INTO comments ({', '.join(COMMENT_COLUMNS)}) VALUES ({marks}) "
        "ON CONFLICT (id) DO NOTHING",
        # notify is 0/1 in SQLite, a boolean in PostgreSQL
        [bool(row[c]) if c == "notify" else row[c] for c in COMMENT_COLUMNS],
    )


def _copy_audit(tx: Tx, row: dict[str, object]) -> str:
    same = tx.one(
        "SELECT 1 AS found FROM audit WHERE comment = ? AND action = ? AND at = ? "
        "AND moderator = ?",
        (row["comment"], row["action"], row["at"], row["moderator"]),
    )
    if same:
        return "present"
    values = (row["at"], row["comment"], row["action"], row["moderator"], row["reason"])
    if tx.one("SELECT 1 AS found FROM audit WHERE seq = ?", (row["seq"],)) is None:
        tx.execute(
            "INSERT INTO audit (seq, at, comment, action, moderator, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (row["seq"], *values),
        )
        return "copied"
    tx.execute(
        "INSERT INTO audit (at, comment, action, moderator, reason) VALUES (?, ?, ?, ?, ?)", values
    )
    return "renumbered"


def _copy_event(tx: Tx, row: dict[str, object]) -> int:
    """A notice event, numbered by the target; one already there (by what it says) is skipped."""
    values = (row["at"], row["kind"], row["comment"])
    if tx.one(
        "SELECT 1 AS found FROM notice_events WHERE at = ? AND kind = ? AND comment = ?", values
    ):
        return 0
    return tx.execute("INSERT INTO notice_events (at, kind, comment) VALUES (?, ?, ?)", values)
