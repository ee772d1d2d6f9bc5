"""Comment ids: ULIDs (26 characters, Crockford base32, millisecond time first, then random).

Sortable by creation time, which the file layout and ``list`` rely on. Within one process the
ids are strictly increasing even inside one millisecond (the random part is incremented), so
two comments submitted at once never collide and keep their order.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_BITS = 80
_lock = threading.Lock()
_last_ms = -1
_last_random = 0


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def new_id() -> str:
    """A fresh ULID for the current time."""
    global _last_ms, _last_random
    ms = int(time.time() * 1000)
    with _lock:
        if ms <= _last_ms:
            # Same (or an earlier, after a clock step back) millisecond: keep order by counting
            # up from the last id instead of drawing new randomness.
            ms = _last_ms
            _last_random += 1
            if _last_random >> _RANDOM_BITS:  # 2**80 ids in one millisecond: move on a tick
                ms += 1
                _last_random = int.from_bytes(os.urandom(10), "big") >> 1
        else:
            # One bit of headroom so that counting up within a millisecond cannot overflow.
            _last_random = int.from_bytes(os.urandom(10), "big") >> 1
        _last_ms = ms
        return _encode(ms, 10) + _encode(_last_random, 16)


def id_time_ms(comment_id: str) -> int:
    """The millisecond timestamp inside an id."""
    value = 0
    for char in comment_id[:10]:
        value = value * 32 + ALPHABET.index(char)
    return value


def derived_id(ms: int, key: str) -> str:
    """The id of a comment that was made elsewhere (an import): its time first, as every id,
    then 80 bits taken from ``key`` instead of chance, so importing it again gives the same id."""
    digest = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=10).digest(), "big")
    return _encode(ms, 10) + _encode(digest >> 1, 16)
