"""One build of a site at a time: ``.dialogue/build.lock``, held with flock for a whole build.

Two builds of one site (``dialogue build`` while ``serve`` rebuilds, two terminals, CI steps)
share the cache: one could drop bodies the other is about to read. The second waits. A build
that only reads (``check``) shares the lock with other readers. The kernel releases a lock
when its process dies, so a killed build never leaves the site locked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; builds must not overlap there
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".dialogue/build.lock"


@contextmanager
def site_lock(root: Path, *, write: bool) -> Iterator[None]:
    """Hold the site's build lock: exclusive for a build that writes, shared for one that
    only reads. A reading build creates nothing: without a ``.dialogue/`` there is no cache
    to protect."""
    path = root / LOCK_FILE
    if fcntl is None or not (write or path.parent.is_dir()):
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:  # .dialogue/ read-only: the build reports it (write/output.py)
        yield
        return
    try:
        kind = fcntl.LOCK_EX if write else fcntl.LOCK_SH
        try:
            fcntl.flock(descriptor, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another build of this site to finish ...", file=sys.stderr)
            fcntl.flock(descriptor, kind)
        yield
    finally:
        os.close(descriptor)  # releases the lock
