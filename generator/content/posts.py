"""Posts and standalone pages: a Markdown file with front matter, or ``<slug>/index.md`` with
its images beside it (a page bundle)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from generator.config import LANGUAGES, Config
from generator.content.fields import Fields, read_problems
from generator.content.discover import bundle_files
from generator.content.frontmatter import FrontMatter, parse
from generator.diagnostics import Problem
from generator.markdown.fast import render_body
from generator.model import Page, Post, Rendered
from generator.nofollow import OUTSIDE, UnsafeFile, inside, read_bytes
from generator.urls import slugify

POST_KEYS = (
    "title",
    "date",
    "authors",
    "author",
    "tags",
    "department",
    "summary",
    "slug",
    "draft",
    "updated",
    "comments",
    "lang",
    "image",
    "image_credit",
    "toc",
    "sticky",
    "aliases",
)
PAGE_KEYS = ("title", "slug", "summary", "lang", "menu", "updated", "draft", "aliases")
MENUS = ("main", "footer")
SUMMARY_CHARS = 280
MAX_TAGS = 20
# The keys whose lines assemble.py may point at, once all is read.
LINES_KEPT = ("author", "authors", "slug", "aliases", "tags", "department")


def _bundle(path: Path) -> tuple[Path | None, tuple[Path, ...]]:
    """A post's folder and the files beside its index.md, if it is a bundle. Links and hidden
    files are not part of it (discover.py reports the links)."""
    if path.name != "index.md":
        return None, ()
    files = bundle_files(path.parent)
    return path.parent, tuple(Path(name) for name in files if not name.endswith(".md"))


def default_slug(path: Path) -> str:
    return slugify(path.parent.name if path.name == "index.md" else path.stem)


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–") + "…"


def _read(path: Path, root: Path) -> tuple[str, FrontMatter, list[Problem], bytes]:
    rel = path.relative_to(root).as_posix()
    try:
        raw = read_bytes(path)
    except UnsafeFile as exc:
        return rel, FrontMatter(), [Problem(rel, 0, exc.message)], b""
    fm = parse(raw)
    return rel, fm, read_problems(rel, fm), raw


def _render(fields: Fields, folder: Path | None, lang: str) -> Rendered:
    fm = fields.fm
    rendered, warnings = render_body(fm.body, folder, fm.body_line, lang)
    for line, message in warnings:
        fields.warning(line, message)
    if not fm.body.strip():
        fields.warning(1, "empty body: write the post below the closing '---'")
    return rendered


def _teaser(fields: Fields, folder: Path | None, bundle_files: tuple[Path, ...]) -> str | None:
    """The ``image`` key: a file of the post's own bundle, or None (with the problem)."""
    image = fields.text("image") or None
    if not image:
        return None
    found = inside(folder, image) if folder is not None else None
    if folder is not None and found is None:
        fields.error("image", f"image '{image}' {OUTSIDE}")
        return None
    if found not in bundle_files:
        fields.error("image", f"image '{image}' not found beside the post (use a page bundle)")
        return None
    return image


def _tags(fields: Fields) -> tuple[str, ...]:
    """At most MAX_TAGS: every tag page lists the tags of its posts, so 10,000 tags on one
    post once made a build write 7.9 GB."""
    tags = fields.strings("tags")
    count = len(dict.fromkeys(tags))
    if count > MAX_TAGS:
        message = f"{count} tags, at most {MAX_TAGS} are allowed: keep the ones readers look for"
        fields.error("tags", message)
    fields.bidi("tags", *tags)
    return tuple(map(sys.intern, tags))  # names shared by many posts: one string each


def read_post(path: Path, config: Config) -> tuple[Post | None, list[Problem]]:
    """Read, check and render one post; every problem is returned, none raised."""
    rel, fm, problems, _ = _read(path, config.root)
    if problems:
        return None, problems
    fields = Fields(rel, fm, problems)
    fields.check_keys(POST_KEYS, required=("title", "date"))
    data = fm.data
    if "author" in data and "authors" in data:
        fields.error("author", "use either 'author' or 'authors', not both")
    if "author" not in data and "authors" not in data:
        fields.error(1, "missing required key 'authors' (a list of author ids)")
    author_key = "author" if "author" in data else "authors"
    value = data.get(author_key)
    authors = (value.strip(),) if isinstance(value, str) else fields.strings(author_key)
    if author_key in data and not authors and not any(p.severity == "error" for p in problems):
        fields.error(author_key, "authors must name at least one author id")
    tz = config.tz
    title = fields.text("title")
    if "title" in data and not title and isinstance(data["title"], str):
        fields.error("title", "title is empty")
    date = fields.date("date", tz)
    fields.bidi("title", title)
    folder, bundle_files = _bundle(path)
    image = _teaser(fields, folder, bundle_files)
    post_lang = fields.choice("lang", LANGUAGES, config.language)
    department = fields.text("department")
    fields.bidi("department", department)
    post = dict(
        tags=_tags(fields),
        department=sys.intern(department),
        summary=fields.text("summary"),
        slug=fields.slug() or default_slug(path),
        draft=bool(fields.flag("draft", False)),
        updated=fields.date("updated", tz),
        comments_enabled=bool(fields.flag("comments", True)),
        lang=sys.intern(post_lang),
        image_credit=fields.text("image_credit"),
        toc=fields.flag("toc", None),
        sticky=bool(fields.flag("sticky", False)),
        aliases=fields.aliases(),
    )
    if any(p.severity == "error" for p in problems) or date is None:
        return None, problems
    rendered = _render(fields, folder, post_lang)
    return Post(
        file=str(path),
        title=title,
        date=date,
        author_ids=tuple(map(sys.intern, authors)),
        rendered=rendered,
        image=image,
        bundle_files=bundle_files,
        key_lines={k: fm.key_lines[k] for k in LINES_KEPT if k in fm.key_lines},
        **{**post, "summary": post["summary"] or shorten(rendered.summary)},  # type: ignore[arg-type]
    ), problems


def read_page(path: Path, config: Config) -> tuple[Page | None, list[Problem]]:
    """Read and render one standalone page (content/pages)."""
    rel, fm, problems, raw = _read(path, config.root)
    if problems:
        return None, problems
    fields = Fields(rel, fm, problems)
    fields.check_keys(PAGE_KEYS, required=("title",))
    title = fields.text("title")
    menu = fields.text("menu") or None
    if menu is not None and menu not in MENUS:
        fields.error("menu", f"menu must be one of {', '.join(MENUS)}, got '{menu}'")
    folder, bundle_files = _bundle(path)
    page = dict(
        slug=fields.slug() or default_slug(path),
        lang=fields.choice("lang", LANGUAGES, config.language),
        summary=fields.text("summary"),
        updated=fields.date("updated", config.tz),
        draft=bool(fields.flag("draft", False)),
        aliases=fields.aliases(),
    )
    if any(p.severity == "error" for p in problems):
        return None, problems
    rendered = _render(fields, folder, str(page["lang"]))
    return Page(
        key_lines={k: fm.key_lines[k] for k in LINES_KEPT if k in fm.key_lines},
        source=path,
        digest=hashlib.blake2b(raw, digest_size=16).hexdigest(),
        title=title,
        rendered=rendered,
        menu=menu,
        bundle_files=bundle_files,
        **{**page, "summary": page["summary"] or shorten(rendered.summary)},  # type: ignore[arg-type]
    ), problems
