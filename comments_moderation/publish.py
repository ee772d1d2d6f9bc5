"""Approved comments to files, ``content/comments/<post-slug>/<comment-id>.yaml``, through
generator's ``dump_comment`` (the one owner of the format). No email or address can reach
them: ``CommentFile`` has no field for either.

The queue is decided first and the file written second. A crash in between leaves an approved
row without its file (or a deleted row with its file), which ``repair`` (run by ``list`` and
``approve``) puts right, so the queue stays the truth and no approved comment is lost.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from comments_moderation.queue import Queue, QueuedComment
from generator.config import Config
from generator.content.comments import CommentFile, comment_path, dump_comment

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


def write(comment: QueuedComment, config: Config) -> Path:
    """Write atomically: temporary file, fsync, rename, fsync of the folder."""
    path = path_for(comment, config)
    text = dump_comment(comment_file(comment, config))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
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
    _fsync_dir(path.parent)
    return path


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
    done = []
    for comment in missing(queue, config):
        path = write(comment, config)
        done.append(f"restored {path.relative_to(config.root).as_posix()}")
    for status in ("rejected", "spam"):
        for comment in queue.list(status):
            # Only a comment once approved can have a file; a deletion interrupted by a crash.
            if comment.approved is not None and remove(comment, config):
                done.append(f"removed {path_for(comment, config).relative_to(config.root)}")
    return done
