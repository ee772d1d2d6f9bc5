"""Rendered post bodies, kept on disk in one SQLite file beside the cache.

A body is what only the post's own page and the feeds that carry it show: its HTML, its first
paragraph and its headings (the table of contents). A site of 100,000 posts must not hold them
in memory, and one file per body costs more to create than the Markdown costs to render
(measured: 0.7 ms a post on ext4). So the reading workers write bodies in one transaction per
batch, and the outputs that show a body read it back by key. Each process opens its own
connection: SQLite connections must not cross a fork.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

# HTML, first paragraph as plain text, headings as (level, text, anchor)
Body = tuple[str, str, tuple[tuple[int, str, str], ...]]

_connections: dict[tuple[int, str], sqlite3.Connection] = {}


def _open(database: str) -> sqlite3.Connection:
    key = (os.getpid(), database)
    connection = _connections.get(key)
    if connection is None:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # A lost cache costs time, never correctness: no fsync per transaction (WAL, NORMAL).
        connection = sqlite3.connect(
            database, timeout=60, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        _create(connection)
        _connections[key] = connection
    return connection


# 1 was a WITHOUT ROWID table (bodies of 10-30 KB made it 2-3 times slower); 2 kept only HTML.
SCHEMA = 3


def _create(connection: sqlite3.Connection) -> None:
    """The bodies table; one of an older schema is dropped (a cache loses only time)."""
    with connection:
        connection.execute("BEGIN IMMEDIATE")  # one process decides, the others wait and see
        if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            connection.execute("DROP TABLE IF EXISTS bodies")
            connection.execute(
                "CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT, lead TEXT, headings TEXT)"
            )
            connection.execute(f"PRAGMA user_version={SCHEMA}")


def create(database: str) -> None:
    """Make the store ready before worker processes fork to fill it: two processes that both
    create the file and switch it to WAL race, and SQLite then refuses one ("database is
    locked") without waiting."""
    _open(database)


def load(database: str, key: str) -> Body:
    query = "SELECT html, lead, headings FROM bodies WHERE key = ?"
    row = _open(database).execute(query, (key,)).fetchone()
    if row is None:
        raise KeyError(f"post body {key} is missing from {database}: build with --clean")
    html, lead, headings = row
    return html, lead, tuple(tuple(h) for h in json.loads(headings))


def store(database: str, bodies: Iterable[tuple[str, Body]]) -> None:
    """Write (key, body) pairs in one transaction."""
    rows = (
        (key, html, lead, json.dumps(headings, ensure_ascii=False))
        for key, (html, lead, headings) in bodies
    )
    connection = _open(database)
    with connection:
        connection.execute("BEGIN")
        connection.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)", rows)


def keys(database: str) -> set[str]:
    """The keys stored; a build's first look at the store. It opens the file afresh: a process
    that builds again and again (``serve``, the tests) must see the file as it is now."""
    close(database)
    if not os.path.exists(database):
        return set()  # and create nothing: ``dialogue check`` writes no file
    try:
        return {row[0] for row in _open(database).execute("SELECT key FROM bodies")}
    except sqlite3.DatabaseError:  # a damaged cache file: start afresh
        close(database)
        Path(database).unlink(missing_ok=True)
        return set()


def delete(database: str, stale: Iterable[str]) -> None:
    """Drop the bodies of these keys, then fold the write-ahead log into the file."""
    connection = _open(database)
    with connection:
        connection.execute("BEGIN")
        connection.executemany("DELETE FROM bodies WHERE key = ?", ((key,) for key in stale))
    # After a cold build the log holds every body written by the reading workers (120 MB at
    # 10,000 posts): folded now, in the build that wrote it, rather than by the next one to
    # store a body (an edit), which would pay a tenth of a second for it.
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def close(database: str) -> None:
    connection = _connections.pop((os.getpid(), database), None)
    if connection is not None:
        connection.close()
