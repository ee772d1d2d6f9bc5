"""A bounded memo for fragments rendered once and reused across pages (cards, feed entries).

Render workers keep them for a whole build: unbounded, a site of 100,000 posts would hold every
card and every feed entry (with its full HTML) in each worker. Outputs are rendered roughly in
age order (render.py), so the most recently used entries are the ones worth keeping.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value for ``key``, made by ``make()`` the first time (or again once dropped)."""
        items = self._items
        value = items.get(key)
        if value is None:
            value = items[key] = make()
            if len(items) > self.limit:
                items.popitem(last=False)
        else:
            items.move_to_end(key)
        return value
