"""The body store under parallel writers."""

from __future__ import annotations

import os
from pathlib import Path


def _store_one(database: Path) -> int:
    from generator.incremental.bodies import BodyStore

    BodyStore(database).store([(f"key-{os.getpid()}", ("<p>Text</p>", "Text", ()))])
    return os.getpid()


def test_reading_workers_store_bodies_at_once_into_a_new_store(tmp_path: Path) -> None:
    """Two processes that both create the store and switch it to WAL race, and SQLite refuses
    one ("database is locked") without waiting: the build creates it before they fork. Without
    ``BodyStore.create`` this failed in more than half of the rounds."""
    from generator.incremental.bodies import BodyStore
    from generator.workers import fork_map

    for round_ in range(20):
        database = tmp_path / f"{round_}" / "bodies.sqlite"
        store = BodyStore(database)
        store.create()
        writers = fork_map(_store_one, [database, database], 2)
        assert store.keys() == {f"key-{pid}" for pid in writers}
        store.close()
