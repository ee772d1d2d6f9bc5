"""Authors: ``content/authors/<id>.yaml`` with name, role, department, bio, avatar, links."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from generator.content.fields import Fields
from generator.content.frontmatter import FrontMatter, decode
from generator.diagnostics import Problem
from generator.markdown.fast import render_body
from generator.model import Author
from generator.nofollow import OUTSIDE, UnsafeFile, inside, no_permission, read_bytes
from generator.urls import SLUG
from generator.yamlsafe import load_yaml, type_name

AUTHOR_KEYS = ("name", "role", "department", "bio", "avatar", "email", "links")
LINK_SCHEMES = ("https://", "http://", "mailto:")


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def render_bio(bio: str) -> str:
    return render_body(bio)[0].html


def read_author(
    path: Path, root: Path, bio_html: Callable[[str], str] = render_bio
) -> tuple[Author | None, list[Problem]]:
    """One author file; with errors, a placeholder Author that has only the id (or None).
    ``bio_html`` renders the bio's Markdown (the build passes one that remembers)."""
    rel = path.relative_to(root).as_posix()
    problems: list[Problem] = []
    author_id = path.stem
    if not SLUG.match(author_id):
        message = f"author id '{author_id}' must be lower case a-z, 0-9 and '-': rename the file"
        return None, [Problem(rel, 1, message)]
    # A broken author file still yields its id (the build fails on its problems anyway), so
    # posts naming the author don't get a second, misleading "unknown author: add ..." error.
    placeholder = Author(id=author_id, name=author_id, source=path)
    try:
        raw = read_bytes(path)
    except UnsafeFile as exc:
        return placeholder, [Problem(rel, 0, exc.message)]
    text, decode_problems = decode(raw)
    if text is None:
        return placeholder, [Problem(rel, line, message) for line, message in decode_problems]
    doc = load_yaml(text)
    problems.extend(Problem(rel, line, message) for line, message in doc.problems)
    if not isinstance(doc.data, dict):
        if not problems:
            got = type_name(doc.data)
            problems.append(Problem(rel, 1, f"an author file must be a mapping, got {got}"))
        return placeholder, problems
    fm = FrontMatter(data={str(k): v for k, v in doc.data.items()}, key_lines=doc.key_lines)
    fields = Fields(rel, fm, problems)
    fields.check_keys(AUTHOR_KEYS, required=("name",))
    links: list[tuple[str, str]] = []
    raw_links = fm.data.get("links")
    if raw_links is not None:
        if not isinstance(raw_links, dict):
            fields.error("links", "links must be a mapping of label to URL")
        for label, url in (raw_links or {}).items() if isinstance(raw_links, dict) else ():
            if not isinstance(url, str) or not url.startswith(LINK_SCHEMES):
                fields.error(f"links.{label}", f"link '{label}' must be an http(s) or mailto URL")
            else:
                links.append((str(label), url))
    avatar = fields.text("avatar") or None
    avatar_source = inside(path.parent, avatar) if avatar else None
    if avatar and avatar_source is None:
        fields.error("avatar", f"avatar '{avatar}' {OUTSIDE}")
    elif avatar_source is not None and not _regular_file(avatar_source):
        fields.error("avatar", f"avatar '{avatar}' not found beside {path.name}")
        avatar_source = None
    elif avatar_source is not None and not os.access(avatar_source, os.R_OK):
        fields.error("avatar", f"avatar '{avatar}': {no_permission()}")
        avatar_source = None
    bio = fields.text("bio")
    fields.bidi("name", fields.text("name"))
    fields.bidi("department", fields.text("department"))
    author = Author(
        id=author_id,
        name=fields.text("name"),
        source=path,
        role=fields.text("role"),
        department=fields.text("department"),
        bio_html=bio_html(bio) if bio else "",
        avatar=f"/authors/{author_id}/avatar{avatar_source.suffix}" if avatar_source else None,
        avatar_source=avatar_source,
        email=fields.text("email") or None,
        links=tuple(links),
    )
    if any(p.severity == "error" for p in problems):
        return placeholder, problems
    return author, problems
