"""The approved comment file, ``content/comments/<post-slug>/<comment-id>.yaml``.

This module is the one owner of that format: the moderation CLI writes files with
``dump_comment`` and the build reads them with ``load_comments``. No email or address is part
of it, by construction: ``CommentFile`` has no field for them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.content.characters import CONTROL
from generator.content.frontmatter import decode
from generator.diagnostics import Diagnostics
from generator.model import Comment
from generator.nofollow import UnsafeFile, link_message, read_bytes, walk
from generator.yamlsafe import INVALID, load_yaml, type_name

COMMENT_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")  # ULID: Crockford base32, sortable
FIELDS = (
    "id",
    "post",
    "parent",
    "name",
    "website",
    "created",
    "approved",
    "approved_by",
    "staff",
    "lang",
    "body",
)
OPTIONAL = {"website", "parent", "staff", "lang"}
# A comment's language when it is not its post's: "en", "tr", "pt-BR" (a simple BCP 47 tag).
LANG_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class CommentFile:
    """Exactly what an approved comment file holds."""

    id: str
    post: str
    name: str
    created: dt.datetime
    approved: dt.datetime
    approved_by: str
    body: str
    parent: str | None = None
    website: str | None = None
    staff: str | None = None
    lang: str | None = None  # set only when the comment is not in its post's language


class _Literal(str):
    """A string to be written as a literal block (``body: |``)."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML falls back to a quoted style by itself when a literal block can't hold the text.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _BodyDumper(yaml.SafeDumper):
    pass


_BodyDumper.add_representer(_Literal, _literal)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    text = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_style=None)
    return text.removesuffix("\n...\n").rstrip("\n")


def _check_text(name: str, value: Any) -> None:
    """What the build would refuse to read is never written: a lone surrogate (no UTF-8 for
    it) or a control character (no XML for it)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"comment {name} is not valid Unicode text: {exc.reason}") from exc
        if CONTROL.search(value):
            raise ValueError(f"comment {name} holds a control character")


def dump_comment(comment: CommentFile) -> str:
    """The file's text, keys in SPEC order; every value loads back unchanged."""
    lines = []
    for name in FIELDS:
        _check_text(name, getattr(comment, name))
    for name in FIELDS[:-1]:
        value = getattr(comment, name)
        if name in ("website", "lang") and value is None:
            continue
        lines.append(f"{name}: {_scalar(value)}")
    body = yaml.dump(
        {"body": _Literal(comment.body)}, Dumper=_BodyDumper, allow_unicode=True, width=1_000_000
    )
    # After a keep-chomping block ("|+") PyYAML ends the document with a "..." line. Only that
    # unindented marker goes: a body line ending in "..." is indented and must stay.
    if body.endswith("\n...\n"):
        body = body.removesuffix("...\n")
    return "\n".join(lines) + "\n" + body


def comment_path(content_dir: Path, post_slug: str, comment_id: str) -> Path:
    return content_dir / "comments" / post_slug / f"{comment_id}.yaml"


# What an interrupted write of the moderation CLI may leave: ``.<id>.yaml.<pid>.tmp``.
TEMPORARY = re.compile(r"^\.(?P<id>[0-9A-Z]{26})\.yaml\.(?P<pid>\d+)\.tmp$")
LEFTOVER = (
    "leftover of an interrupted 'dialogue comments approve': it is not published; "
    "any 'dialogue comments' command removes it"
)


def _comment_files(content_dir: Path, diag: Diagnostics) -> Iterator[Path]:
    """``<post-slug>/<id>.yaml`` files under content/comments/, without following links; links,
    unreadable folders and leftover temporary files are reported."""
    folder = content_dir / "comments"
    if not os.path.lexists(folder):
        return
    if os.path.islink(folder):
        diag.error(folder, 0, link_message(folder))
        return
    found = walk(folder)
    for name, message in found.refused:
        diag.error(name, 0, message)
    top = os.fspath(folder)
    for name in found.files:
        path = Path(name)
        if os.path.dirname(os.path.dirname(name)) != top:
            continue  # not <post-slug>/<file>
        if TEMPORARY.match(path.name):
            diag.warning(path, 0, LEFTOVER)
        elif path.suffix == ".yaml" and not path.name.startswith("."):
            yield path


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            return _as_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def read_comment(path: Path, diag: Diagnostics) -> CommentFile | None:
    """Read and check one comment file; every problem goes to ``diag``."""
    try:
        text, problems = decode(read_bytes(path))
    except UnsafeFile as exc:
        diag.error(path, 0, exc.message)
        return None
    for line, message in problems:
        diag.error(path, line, message)
    if text is None:
        return None
    doc = load_yaml(text)
    for line, message in doc.problems:
        diag.error(path, line, message)
    data = doc.data
    if not isinstance(data, dict):
        diag.error(path, 1, f"a comment file must be a mapping, got {type_name(data)}")
        return None
    ok = not doc.problems
    values: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS:
            diag.error(path, doc.line_of(str(key)), f"unknown key '{key}' in a comment file")
            ok = False
    for key in FIELDS:
        value = data.get(key)
        line = doc.line_of(key)
        if value is INVALID:
            ok = False
            continue
        if value is None:
            if key not in OPTIONAL:
                diag.error(path, line, f"missing required key '{key}'")
                ok = False
            values[key] = None
        elif key in ("created", "approved"):
            values[key] = _as_datetime(value)
            if values[key] is None:
                diag.error(path, line, f"'{key}' must be an ISO 8601 date and time")
                ok = False
        elif not isinstance(value, str):
            diag.error(path, line, f"'{key}' must be a string, got {type_name(value)}")
            ok = False
        else:
            values[key] = value
    if not ok:
        return None
    comment = CommentFile(**values)
    if not COMMENT_ID.match(comment.id):
        message = (
            f"id '{comment.id}' is not a comment id (26 characters, digits and capital letters "
            "as the moderation CLI writes them)"
        )
        diag.error(path, doc.line_of("id"), message)
        return None
    if comment.id != path.stem:
        message = f"id '{comment.id}' must match the file name: rename it to {comment.id}.yaml"
        diag.error(path, doc.line_of("id"), message)
        return None
    if comment.lang is not None and not LANG_TAG.match(comment.lang):
        message = (
            f"lang '{comment.lang}' is not a language tag: write one like 'en', 'de' or 'pt-BR',"
            " or remove the line (the comment is then in its post's language)"
        )
        diag.error(path, doc.line_of("lang"), message)
        return None
    if comment.post != path.parent.name:
        diag.error(path, doc.line_of("post"), f"post '{comment.post}' must match its folder")
        return None
    return comment


def load_comments(
    content_dir: Path,
    diag: Diagnostics,
    read: Callable[[Path, Diagnostics], CommentFile | None] = read_comment,
) -> list[CommentFile]:
    """Every approved comment under content/comments/, in id (= time) order; ``read`` may be a
    cache's (cache.py)."""
    found = (read(path, diag) for path in _comment_files(content_dir, diag))
    return sorted((c for c in found if c is not None), key=lambda c: c.id)


def to_model(comment: CommentFile, source: Path, html: str) -> Comment:
    return Comment(
        id=comment.id,
        post=comment.post,
        source=source,
        name=comment.name,
        created=comment.created,
        approved=comment.approved,
        approved_by=comment.approved_by,
        body=comment.body,
        parent=comment.parent,
        website=comment.website,
        staff=comment.staff,
        lang=comment.lang,
        html=html,
    )
