"""Read a WordPress export (WXR 1.0-1.2) as a stream of records.

Exports reach hundreds of megabytes, so the file is fed to an XMLPullParser a line at a time and
every ``<item>`` is turned into a record and cleared from the tree as soon as it ends: memory
holds one post, not the export. Feeding by lines also tells which line each item starts on, for
messages. A file that is not XML, not WXR, or cut short raises ``ExportError`` with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

WP_NAMESPACE = "http://wordpress.org/export/"  # + "1.2/" (or 1.1/, 1.0/); excerpt: + "1.2/excerpt/"
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
# C0 and C1 control characters but tab and newline: no text field of a site may hold them.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class ExportError(Exception):
    """The export can't be read; ``line`` is where the trouble is."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Channel:
    title: str
    link: str  # the blog's address (wp:base_blog_url, else the channel's link)
    site_url: str  # wp:base_site_url: uploads live under it
    version: str  # wp:wxr_version


@dataclass(frozen=True)
class WpAuthor:
    id: str
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class WpCategory:
    nicename: str
    name: str
    parent: str  # the parent's nicename, or ""


@dataclass(frozen=True)
class WpComment:
    id: str
    author: str
    email: str
    url: str
    date: str  # local time of the WordPress site, "YYYY-MM-DD HH:MM:SS"
    date_gmt: str  # UTC; "0000-00-00 00:00:00" when unknown
    content: str
    approved: str  # "1", "0", "spam", "trash", "post-trashed"
    type: str  # "" or "comment", "pingback", "trackback", ...
    parent: str  # "0" for none
    user_id: str  # "0" for a visitor


@dataclass(frozen=True)
class WpItem:
    line: int  # where <item> starts in the export
    id: str
    type: str  # post, page, attachment, nav_menu_item, ...
    status: str  # publish, draft, future, pending, private, trash, inherit, auto-draft
    title: str
    link: str
    guid: str
    creator: str  # author login
    content: str
    excerpt: str
    date: str
    date_gmt: str
    name: str  # the slug, URL-encoded ("%c3%bcber-uns")
    parent: str
    menu_order: int
    password: str
    sticky: bool
    comment_status: str
    attachment_url: str
    categories: tuple[tuple[str, str, str], ...]  # (domain, nicename, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: tuple[WpComment, ...] = ()


Record = Channel | WpAuthor | WpCategory | WpItem


def _name(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id', whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    if uri.startswith(WP_NAMESPACE):
        return ("excerpt:" if uri.endswith("/excerpt/") else "wp:") + local
    prefix = PREFIXES.get(uri)
    return f"{prefix}:{local}" if prefix else local


def _children(element: ET.Element) -> dict[str, str]:
    """Child name -> its text; the first wins (an item has one of each but categories)."""
    values: dict[str, str] = {}
    for child in element:
        values.setdefault(_name(child.tag), CONTROLS.sub("", (child.text or "").strip("\r\n")))
    return values


def _comment(element: ET.Element) -> WpComment:
    v = _children(element)
    return WpComment(
        id=v.get("wp:comment_id", "").strip(),
        author=v.get("wp:comment_author", "").strip(),
        email=v.get("wp:comment_author_email", "").strip(),
        url=v.get("wp:comment_author_url", "").strip(),
        date=v.get("wp:comment_date", "").strip(),
        date_gmt=v.get("wp:comment_date_gmt", "").strip(),
        content=v.get("wp:comment_content", ""),
        approved=v.get("wp:comment_approved", "").strip(),
        type=v.get("wp:comment_type", "").strip(),
        parent=v.get("wp:comment_parent", "0").strip() or "0",
        user_id=v.get("wp:user_id", "0").strip() or "0",
    )


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _item(element: ET.Element, line: int) -> WpItem:
    v = _children(element)
    categories = []
    meta: dict[str, str] = {}
    comments = []
    for child in element:
        name = _name(child.tag)
        if name == "category":
            text = CONTROLS.sub("", child.text or "").strip()
            categories.append((child.get("domain", ""), child.get("nicename", ""), text))
        elif name == "wp:postmeta":
            pair = _children(child)
            meta.setdefault(pair.get("wp:meta_key", ""), pair.get("wp:meta_value", ""))
        elif name == "wp:comment":
            comments.append(_comment(child))
    return WpItem(
        line=line,
        id=v.get("wp:post_id", "").strip(),
        type=v.get("wp:post_type", "post").strip(),
        status=v.get("wp:status", "").strip(),
        title=v.get("title", "").strip(),
        link=v.get("link", "").strip(),
        guid=v.get("guid", "").strip(),
        creator=v.get("dc:creator", "").strip(),
        content=v.get("content:encoded", ""),
        excerpt=v.get("excerpt:encoded", "").strip(),
        date=v.get("wp:post_date", "").strip(),
        date_gmt=v.get("wp:post_date_gmt", "").strip(),
        name=v.get("wp:post_name", "").strip(),
        parent=v.get("wp:post_parent", "0").strip() or "0",
        menu_order=_int(v.get("wp:menu_order", "0")),
        password=v.get("wp:post_password", ""),
        sticky=v.get("wp:is_sticky", "0").strip() == "1",
        comment_status=v.get("wp:comment_status", "open").strip(),
        attachment_url=v.get("wp:attachment_url", "").strip(),
        categories=tuple(categories),
        meta=meta,
        comments=tuple(comments),
    )


def _author(element: ET.Element) -> WpAuthor:
    v = _children(element)
    return WpAuthor(
        id=v.get("wp:author_id", "").strip(),
        login=v.get("wp:author_login", "").strip(),
        email=v.get("wp:author_email", "").strip(),
        display_name=v.get("wp:author_display_name", "").strip(),
        first_name=v.get("wp:author_first_name", "").strip(),
        last_name=v.get("wp:author_last_name", "").strip(),
    )


def _category(element: ET.Element) -> WpCategory:
    v = _children(element)
    return WpCategory(
        nicename=v.get("wp:category_nicename", "").strip(),
        name=v.get("wp:cat_name", "").strip(),
        parent=v.get("wp:category_parent", "").strip(),
    )


NOT_WXR = "not a WordPress export (WXR): {why}; export it again with Tools > Export in WordPress"


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle


def read_export(path: Path) -> Iterator[Record]:
    """The export's records in file order: the Channel once its head is read (before the first
    item), then authors, categories and items as each ends. Raises ExportError."""
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    channel: ET.Element | None = None
    head: dict[str, str] = {}
    announced = False
    started = False  # whether the root element has begun
    item_line = 0
    line = 0
    for line, text in enumerate(_lines(path), 1):
        try:
            parser.feed(text)
            events: list[Any] = list(parser.read_events())
        except ET.ParseError as exc:
            raise _parse_error(exc, started) from None
        for event, element in events:
            assert isinstance(element, ET.Element)  # start and end events carry elements
            name = _name(element.tag)
            if event == "start":
                depth += 1
                started = True
                if depth == 1 and name != "rss":
                    raise ExportError(line, NOT_WXR.format(why=f"the root element is <{name}>"))
                if depth == 2 and name == "channel":
                    channel = element
                elif depth == 3 and name == "item":
                    item_line = line
                    if not announced:
                        yield _channel(head, line)
                        announced = True
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            if name == "item":
                yield _item(element, item_line)
            elif name == "wp:author":
                yield _author(element)
            elif name == "wp:category":
                yield _category(element)
            elif not len(element):
                head.setdefault(name, (element.text or "").strip())
            channel.remove(element)  # the channel keeps nothing it has handed out
    try:
        parser.close()
    except ET.ParseError as exc:
        raise _parse_error(exc, started, truncated=True) from None
    if not announced:
        yield _channel(head, max(line, 1))


def _channel(head: dict[str, str], line: int) -> Channel:
    if "wp:wxr_version" not in head:
        raise ExportError(line, NOT_WXR.format(why="an RSS feed without wp:wxr_version"))
    link = head.get("wp:base_blog_url") or head.get("link", "")
    return Channel(
        title=head.get("title", ""),
        link=link,
        site_url=head.get("wp:base_site_url") or link,
        version=head["wp:wxr_version"],
    )


def _parse_error(exc: ET.ParseError, started: bool, truncated: bool = False) -> ExportError:
    line, column = exc.position
    reason = str(exc).split(":")[0]
    if not started:
        why = (
            "it holds no XML element" if truncated else f"not XML ({reason} at column {column + 1})"
        )
        return ExportError(line, NOT_WXR.format(why=why))
    if truncated or reason == "no element found":
        return ExportError(
            line, "the export ends in the middle (cut short while copying?): export it again"
        )
    return ExportError(line, f"broken XML ({reason} at column {column + 1}): export it again")
