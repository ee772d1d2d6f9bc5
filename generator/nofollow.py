"""Reading, walking and copying the site's own files without ever following a symbolic link.

Git stores links, so a pull request can add ``photo.jpg -> /proc/self/environ``: a build that
followed it would publish the build machine's secrets. Here a link is never opened, never
descended into and never copied; it is a problem naming the file. Files are opened with
``O_NOFOLLOW`` and checked with ``fstat`` on the same descriptor, so the bytes copied are the
bytes checked, even if the file is swapped for a link in between.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

# O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever.
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CHUNK = 1 << 20


class UnsafeFile(Exception):
    """A file the build must not or cannot read; ``message`` says why and how to fix it."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message


def link_message(path: Path | str) -> str:
    try:
        target = f" (to {os.readlink(path)})"
    except OSError:
        target = ""
    return f"symbolic link{target}: links are never read or published; put the file itself here"


def no_permission(doing: str = "read it") -> str:
    return f"cannot {doing}: permission denied (give the user running dialogue access)"


def os_error_message(exc: OSError, doing: str = "read it") -> str:
    """The reason an OSError gives, and the fix a writer can apply."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return no_permission(doing)
    if exc.errno == errno.EROFS:
        return f"cannot {doing}: the file system is read-only"
    if exc.errno == errno.ELOOP:
        return link_message(exc.filename or "")
    return f"cannot {doing}: {exc.strerror or exc}"


def _open(path: Path | str) -> int:
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW refused the last component: a link
            raise UnsafeFile(path, link_message(path)) from None
        raise UnsafeFile(path, os_error_message(exc)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UnsafeFile(path, "not a regular file: only plain files are read and published")
    return fd


def read_bytes(path: Path | str, limit: int = -1) -> bytes:
    """The bytes (the first ``limit`` bytes) of a regular file that is not a link;
    ``UnsafeFile`` otherwise."""
    fd = _open(path)
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit)
    except OSError as exc:
        raise UnsafeFile(path, os_error_message(exc)) from None
    finally:
        os.close(fd)


def copy_file(source: Path | str, target: Path | str) -> None:
    """Copy a regular file that is not a link; ``UnsafeFile`` names the source otherwise."""
    fd = _open(source)
    try:
        with open(target, "wb") as out:
            while chunk := os.read(fd, _CHUNK):
                out.write(chunk)
    finally:
        os.close(fd)


@dataclass
class Walk:
    """What a folder holds: regular files (paths as strings, sorted by component), and the
    entries that are never read, each with the reason."""

    files: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, message)


def walk(folder: Path | str, *, skip_hidden: bool = False) -> Walk:
    """Every regular file below ``folder``; links (to files or folders), special files and
    unreadable folders go to ``refused``. One ``scandir`` per folder: the entry types come
    with the listing, so there is no stat per file."""
    found = Walk()
    pending = [os.fspath(folder)]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except OSError as exc:
            found.refused.append((current, os_error_message(exc, "list the folder")))
            continue
        for entry in listed:
            if skip_hidden and entry.name.startswith("."):
                continue
            if entry.is_symlink():
                found.refused.append((entry.path, link_message(entry.path)))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                found.files.append(entry.path)
            else:
                message = "not a regular file: only plain files are read and published"
                found.refused.append((entry.path, message))
    found.files.sort(key=lambda name: name.split(os.sep))
    found.refused.sort()
    return found


OUTSIDE = "must name a file in its folder: no absolute path, no '..', no symbolic link"


def inside(folder: Path, relative: str) -> Path | None:
    """``folder / relative`` if that names a file inside ``folder`` reached through no link:
    no absolute path, no '..' that climbs out, no linked folder on the way. None otherwise."""
    parts = Path(relative).parts
    if not parts or Path(relative).is_absolute() or ".." in parts:
        return None
    current = folder
    for part in parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return None
        except OSError:
            return current  # missing: the caller reports it as not found
    return current
