"""``Tx``: one transaction, the same on both backends. SQL with ``?`` placeholders, aware
datetimes as parameters, rows as dicts; ``as_time`` reads a stored time back from either."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any


def as_time(value: object) -> dt.datetime | None:
    """A stored time as an aware datetime (SQLite keeps ISO text, PostgreSQL timestamptz)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


class Tx:
    """One transaction, the same on both backends: ``?`` placeholders, rows as dicts."""

    def __init__(
        self,
        cursor: Any,
        translate: Callable[[str], str] = str,
        adapt: Callable[[object], object] = lambda value: value,
    ) -> None:
        self._cursor, self._translate, self._adapt = cursor, translate, adapt

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        self._cursor.execute(self._translate(sql), [self._adapt(p) for p in params])
        return int(self._cursor.rowcount)

    def one(self, sql: str, params: Sequence[object] = ()) -> dict[str, Any] | None:
        self.execute(sql, params)
        row = self._cursor.fetchone()
        return None if row is None else dict(row)

    def all(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        self.execute(sql, params)
        return [dict(row) for row in self._cursor.fetchall()]

    def value(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))
