"""Swap two folders in one step: Linux's renameat2(RENAME_EXCHANGE), through ctypes.

Readers of the output (a web server, rsync, ``serve``) then see the old site or the new one,
never a mix, and a build killed at any moment leaves one of them complete. Where the system
cannot exchange (another kernel, a file system without it), three renames do the same with
a moment in between where the output is missing; ``recover`` puts it back after a crash
there.

Why not a symbolic link flipped to a new folder (what Capistrano does)? It would turn the
output folder into a link, which deploy steps that copy ``public/`` treat differently (cp, tar,
upload actions), and converting an existing folder into a link is itself not atomic.
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Callable
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 1 << 1


def _renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library before glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2()
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def atomic_exchange(first: Path, second: Path) -> bool:
    """Swap ``first`` and ``second`` (both exist) in one step; False if the system cannot."""
    if _RENAMEAT2 is None:
        return False
    done = _RENAMEAT2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def aside(path: Path) -> Path:
    """Where the fallback parks the old output for a moment."""
    return path.with_name(f".{path.name}.aside")


def exchange(first: Path, second: Path) -> None:
    """Swap two folders: atomically where the system can, else by three renames."""
    if atomic_exchange(first, second):
        return
    parked = aside(second)
    os.rename(second, parked)  # from here until the next rename, ``second`` is missing
    os.rename(first, second)
    os.rename(parked, first)


def recover(output: Path) -> None:
    """After a crash inside the fallback: put the parked output back where it belongs."""
    parked = aside(output)
    if parked.is_dir() and not output.exists():
        os.rename(parked, output)
