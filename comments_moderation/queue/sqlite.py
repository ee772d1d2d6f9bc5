"""The queue in an SQLite file: the embedded default, for one machine and for ``serve``.

Durability is the point: WAL with ``synchronous=FULL`` makes every commit reach the disk before
the intake answers, so an answered submission survives a crash. ``BEGIN IMMEDIATE`` takes the
write lock up front, which serializes every writer of the file (processes included): read-then-
write steps such as the rate limit can't race. ``secure_delete`` overwrites freed space with
zeros, and a purge ends with a truncating checkpoint, so erased data is gone from the main file
and from the write-ahead log. Migrations are numbered by ``PRAGMA user_version``, each in its own
transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from comments_moderation.queue.base import Queue
from comments_moderation.queue.records import QueueError, QueueUnavailable
from comments_moderation.queue.tx import Tx

BUSY_TIMEOUT_MS = 10_000
# Primary result codes that mean "not now" rather than "wrong": busy, locked, read-only, I/O
# error, disk full, cannot open.
_UNAVAILABLE = {5, 6, 8, 10, 13, 14}

# Each entry moves the schema from version i to i + 1. Never edit an entry once released:
# append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE comments (
            id TEXT PRIMARY KEY,
            post TEXT NOT NULL,
            parent TEXT,
            name TEXT NOT NULL,
            email TEXT,
            website TEXT,
            body TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            created TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
            spam_reasons TEXT NOT NULL DEFAULT '[]',
            signals TEXT NOT NULL DEFAULT '[]',
            client_hash TEXT,
            user_agent TEXT,
            staff TEXT,
            decided TEXT,
            decided_by TEXT,
            reason TEXT,
            approved TEXT,
            approved_by TEXT,
            purged TEXT
        )""",
        "CREATE INDEX comments_by_status ON comments (status, created)",
        "CREATE INDEX comments_by_post ON comments (post, body_hash)",
        "CREATE INDEX comments_by_client ON comments (client_hash, created)",
        """CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            comment TEXT NOT NULL,
            action TEXT NOT NULL
                CHECK (action IN ('approve', 'reject', 'spam', 'delete', 'reply', 'purge')),
            moderator TEXT NOT NULL,
            reason TEXT
        )""",
        "CREATE INDEX audit_by_comment ON audit (comment)",
        # Append-only: the database itself refuses to change or remove history.
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    # Notices (comments_moderation/notices/outbox.py): the outbox written with each event.
    (
        "ALTER TABLE comments ADD COLUMN notify INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE notice_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('new', 'published', 'answered')),
            comment TEXT NOT NULL
        )""",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            recipient TEXT NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            lang TEXT NOT NULL,
            created TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN
                ('queued', 'claimed', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
            due TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            owner TEXT,
            lease_until TEXT,
            finished TEXT,
            error TEXT
        )""",
        "CREATE INDEX messages_due ON messages (state, due)",
        """CREATE TABLE notices (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            recipient TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('new', 'overdue', 'reminder', 'outcome')),
            comment TEXT NOT NULL,
            message INTEGER REFERENCES messages (id),
            dropped TEXT
        )""",
        """CREATE INDEX notices_open ON notices (recipient, created)
           WHERE message IS NULL AND dropped IS NULL""",
        "CREATE INDEX notices_by_message ON notices (message)",
        "CREATE TABLE notice_optouts (subject TEXT PRIMARY KEY, at TEXT NOT NULL)",
        # The key of unsubscribe links; SQLite's randomblob draws on the system's randomness.
        "INSERT INTO settings (key, value) VALUES ('notice_secret', lower(hex(randomblob(32))))",
    ),
)

# Threads of one process open their connections one at a time: the umask is process-wide, and
# a journal-mode switch on a brand-new file does not wait for a lock held by a sibling.
_CONNECT_LOCK = threading.Lock()


def _adapt(value: object) -> object:
    """Times are stored as ISO 8601 text in UTC, which sorts and compares as time does."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


def _create_private(path: Path) -> None:
    """Create the queue file with mode 0600 before SQLite does (it would use the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL; another process may hold the lock on a new file, so try a few times."""
    mode = ""
    for _ in range(100):
        mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        if mode == "wal":
            break
        time.sleep(0.05)
    return mode


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating on first use) and migrate the queue file; autocommit."""
    with _CONNECT_LOCK:
        try:
            _create_private(path)
            # The -wal and -shm files SQLite creates next to it take the umask: keep them private.
            old_umask = os.umask(0o077)
            try:
                conn = sqlite3.connect(
                    path,
                    isolation_level=None,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=False,  # each thread has its own; close() may be elsewhere
                )
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                mode = _wal(conn)
            finally:
                os.umask(old_umask)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA foreign_keys = ON")
            if mode != "wal":
                raise QueueError(f"{path}: cannot switch to WAL mode ({mode}): use a local disk")
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise QueueError(
                f"{path}: cannot open the comment queue ({exc}): check the file's permissions, "
                "or set comments.queue in site.yaml to a writable path"
            ) from exc
        except OSError as exc:
            raise QueueError(
                f"{path}: cannot create the comment queue ({exc.strerror}): make its folder "
                "writable, or set comments.queue in site.yaml"
            ) from exc
    conn.row_factory = _dict_row
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise QueueError(
            f"the queue has schema version {version}, newer than this Dialogue knows "
            f"({len(MIGRATIONS)}): upgrade Dialogue"
        )
    for number in range(version, len(MIGRATIONS)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-check inside the lock: another process may have migrated meanwhile.
            if conn.execute("PRAGMA user_version").fetchone()[0] == number:
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
                if number == 0:
                    # The salt for hashing client addresses: without a secret, the hash of an
                    # IPv4 address is reversible by trying all 2**32 of them.
                    conn.execute(
                        "INSERT INTO settings (key, value) VALUES ('address_salt', ?)",
                        (secrets.token_hex(32),),
                    )
                conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


class SqliteQueue(Queue):
    kind: ClassVar[str] = "sqlite"
    shared: ClassVar[bool] = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._connection()  # open and migrate now: a bad path is reported at once

    def describe(self) -> str:
        return str(self.path)

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread: a connection is not for two threads at once."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Tx]:
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Tx(conn.cursor(), adapt=_adapt)
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if (exc.sqlite_errorcode & 0xFF) in _UNAVAILABLE:
                raise QueueUnavailable(f"{self.path}: {exc}") from exc
            raise

    def _serialize(self, tx: Tx, kind: int, key: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already let only one writer in."""

    def _erase_freed_space(self) -> list[str]:
        """secure_delete zeroed the freed bytes in the new page versions; the old versions are
        still frames of the write-ahead log until a checkpoint copies the new ones into the
        main file and TRUNCATE empties the log."""
        busy, _, _ = self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            return [
                f"{self.path}-wal: another process was reading the queue, so the write-ahead "
                "log still holds the erased data: run purge again when it is idle"
            ]
        return [f"{self.path}: freed space zeroed (secure_delete), write-ahead log emptied"]

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
