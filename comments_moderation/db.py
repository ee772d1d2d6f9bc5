"""The queue's SQLite file: connection settings and schema migrations.

Durability is the point: WAL with ``synchronous=FULL`` makes every commit reach the disk before
the intake answers, so an answered submission survives a crash (SPEC: "every accepted
submission survives a crash of the process right after its answer"). Migrations are numbered
by ``PRAGMA user_version`` and each runs in its own transaction, so a queue file is always at
one well-defined version.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000

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
)


class QueueError(Exception):
    """The queue file cannot be opened or migrated; the message says how to fix it."""


def _create_private(path: Path) -> None:
    """Create the queue file with mode 0600 before SQLite does (it would use the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


# Threads of one process open their connections one at a time: the umask is process-wide, and
# a journal-mode switch on a brand-new file does not wait for a lock held by a sibling.
_CONNECT_LOCK = threading.Lock()


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
    """Open (creating on first use) and migrate the queue; autocommit, use ``transaction``."""
    with _CONNECT_LOCK:
        return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        _create_private(path)
        # The -wal and -shm files SQLite creates next to it take the umask: keep them private.
        old_umask = os.umask(0o077)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = _wal(conn)
        finally:
            os.umask(old_umask)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if mode != "wal":
            raise QueueError(f"{path}: cannot switch to WAL mode (got {mode}): use a local disk")
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
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE: take the write lock up front so read-then-write steps can't race."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise QueueError(
            f"the queue has schema version {version}, newer than this Dialogue knows "
            f"({len(MIGRATIONS)}): upgrade Dialogue"
        )
    for number in range(version, len(MIGRATIONS)):
        with transaction(conn):
            # Re-check inside the lock: another process may have migrated meanwhile.
            if conn.execute("PRAGMA user_version").fetchone()[0] != number:
                continue
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            if number == 0:
                # The salt for hashing client addresses: without a secret, the hash of an IPv4
                # address is reversible by trying all 2**32 of them.
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('address_salt', ?)",
                    (secrets.token_hex(32),),
                )
            conn.execute(f"PRAGMA user_version = {number + 1}")


def setting(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise QueueError(f"the queue lacks the setting '{key}': restore it from a backup")
    return str(row[0])
