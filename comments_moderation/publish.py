"""Approved comments to files, ``content/comments/<post-slug>/<comment-id>.yaml``, through
generator's ``dump_comment`` (the one owner of the format). No email or address can reach
them: ``CommentFile`` has no field for either.

The queue is decided first and the file written second. A crash in between leaves an approved
row without its file (or a deleted row with its file), which ``repair`` (run by ``list``,
``approve`` and, with a queue file on this machine, ``dialogue build``) puts right, so the queue
stays the truth and no approved comment is lost. Files are written in ``.dialogue/tmp/`` and
renamed into place: a killed write leaves nothing in content/.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path

from comments_moderation.queue import Queue, QueuedComment, QueueError, open_queue
from generator.config import Config
from generator.content.comments import TEMPORARY, CommentFile, comment_path, dump_comment
from generator.diagnostics import Problem

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def comment_file(comment: QueuedComment, config: Config) -> CommentFile:
    if comment.approved is None or comment.approved_by is None:
        raise ValueError(f"{comment.id} is not approved")
    tz = config.tz
    return CommentFile(
        id=comment.id,
        post=comment.post,
        parent=comment.parent,
        name=comment.name,
        website=comment.website,
        created=comment.created.astimezone(tz),
        approved=comment.approved.astimezone(tz),
        approved_by=comment.approved_by,
        staff=comment.staff,
        body=comment.body,
    )


def path_for(comment: QueuedComment, config: Config) -> Path:
    if not _SLUG.match(comment.post):  # never let a slug reach outside content/comments/
        raise ValueError(f"post slug {comment.post!r} is not a valid slug")
    return comment_path(config.content_path, comment.post, comment.id)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def scratch(config: Config) -> Path:
    """Where comment files are written before they are renamed into content/comments/: on
    the same file system (a rename is atomic only there) but outside content/, so a killed
    process leaves nothing that `git add -A` would commit or a build would see."""
    return config.root / ".dialogue" / "tmp"


def _write_atomically(text: str, temporary: Path, path: Path) -> None:
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write(comment: QueuedComment, config: Config) -> Path:
    """Write atomically: temporary file, fsync, rename, fsync of the folder."""
    path = path_for(comment, config)
    text = dump_comment(comment_file(comment, config))
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = scratch(config)
    folder.mkdir(parents=True, exist_ok=True)
    name = f".{path.name}.{os.getpid()}.tmp"
    try:
        _write_atomically(text, folder / name, path)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _write_atomically(text, path.with_name(name), path)  # content/ is another file system
    _fsync_dir(path.parent)
    return path


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep_leftovers(config: Config) -> list[str]:
    """Remove the temporary files of writes that were killed (their process is gone): in
    the scratch folder, and in content/comments/ where earlier versions wrote them."""
    comments = config.content_path / "comments"
    folders = [
        scratch(config),
        *(p for p in comments.glob("*") if p.is_dir() and not p.is_symlink()),
    ]
    removed = []
    for folder in folders:
        for path in folder.glob(".*.tmp") if folder.is_dir() else ():
            found = TEMPORARY.match(path.name)
            if found and not path.is_symlink() and not _running(int(found["pid"])):
                path.unlink(missing_ok=True)
                removed.append(f"removed {_shown(path, config)} (left by an interrupted write)")
    return removed


def _shown(path: Path, config: Config) -> str:
    return (
        path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else str(path)
    )


def remove(comment: QueuedComment, config: Config) -> bool:
    path = path_for(comment, config)
    if not path.exists():
        return False
    path.unlink()
    _fsync_dir(path.parent)
    with contextlib.suppress(OSError):  # not empty: other comments of the post stay
        path.parent.rmdir()  # an empty folder is noise in `git status`
    return True


def missing(queue: Queue, config: Config) -> list[QueuedComment]:
    """Approved comments whose file this checkout lacks."""
    return [c for c in queue.list("approved") if not path_for(c, config).exists()]


def repair(queue: Queue, config: Config) -> list[str]:
    """Bring files in line with the queue; returns what was done, one line each."""
    done = sweep_leftovers(config)
    for comment in missing(queue, config):
        path = write(comment, config)
        done.append(f"restored {path.relative_to(config.root).as_posix()}")
    for status in ("rejected", "spam"):
        for comment in queue.list(status):
            # Only a comment once approved can have a file; a deletion interrupted by a crash.
            if comment.approved is not None and remove(comment, config):
                done.append(f"removed {path_for(comment, config).relative_to(config.root)}")
    return done


MISSING = (
    "approved in the comment queue, but the file is missing (an approval was interrupted): "
    "`dialogue build` or any `dialogue comments` command writes it"
)


def before_build(
    config: Config, location: Path, *, restore: bool
) -> tuple[list[str], list[Problem]]:
    """What a build (``restore``) or check (not) does first about the queue file of this
    machine at ``location``: an approval killed between its two steps left a comment approved
    without its file, and the build would publish the site without it. A build writes the
    files, as every comments command does; check, which writes nothing, warns. (A shared
    PostgreSQL queue is left to `dialogue comments publish`: see commands.Context.repair.)
    Returns (lines done, problems)."""
    shown = _shown(location, config)
    try:
        with open_queue(location) as queue:
            if restore:
                return repair(queue, config), []
            return [], [
                Problem(_shown(path_for(c, config), config), 0, MISSING, "warning")
                for c in missing(queue, config)
            ]
    except (OSError, QueueError) as exc:
        return [], [Problem(shown, 0, f"cannot bring comment files up to date: {exc}", "warning")]
