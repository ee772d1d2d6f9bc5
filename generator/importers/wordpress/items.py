"""The second pass, one WordPress post or page at a time: its Markdown file, the uploads it
uses, its approved comments as comment files and its pending ones for the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from comments_moderation.queue.records import NewComment
from comments_moderation.spam import body_hash
from generator.content.comments import CommentFile
from generator.importers.wordpress.convert import comment_markdown, post_markdown
from generator.importers.wordpress.links import ItemLinks
from generator.importers.wordpress.mapping import Plan, Target, wp_date
from generator.importers.wordpress.reader import WpComment, WpItem
from generator.importers.wordpress.summary import Summary
from generator.importers.wordpress.wphtml import Shortcodes, comment_html, to_html

APPROVED_BY = "wordpress"  # approved in WordPress, before Dialogue: no author id to name
ANONYMOUS = {"de": "Anonym", "en": "Anonymous"}


@dataclass(frozen=True)
class Pending:
    id: str
    created: dt.datetime
    comment: NewComment


@dataclass
class Converted:
    path: str  # the Markdown file, relative to the site root
    text: str
    files: dict[str, Path]  # file beside it (relative to its folder) -> source in --uploads
    comments: list[CommentFile] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)


def _dump(key: str, value: object, flow: bool = False) -> str:
    """One front matter line (or block); ``flow`` writes a list in brackets."""
    if flow:
        words = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True)
        return f"{key}: {words.strip()}"
    return yaml.safe_dump(
        {key: value}, allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=False
    ).rstrip("\n")


def _plain(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def front_matter(target: Target, item: WpItem, image: str | None) -> str:
    lines = ["---", _dump("title", target.title)]
    if target.kind == "post":
        assert target.date is not None
        lines.append(f"date: {target.date.isoformat(timespec='seconds')}")
        lines.append(_dump("authors", list(target.authors), flow=True))
        if target.tags:
            lines.append(_dump("tags", list(target.tags), flow=True))
        if target.department:
            lines.append(_dump("department", target.department))
    summary = _plain(item.excerpt) if item.excerpt else ""
    if summary:
        lines.append(_dump("summary", summary))
    if target.draft:
        lines.append("draft: true")
    if target.kind == "post" and item.comment_status == "closed":
        lines.append("comments: false")
    if target.kind == "post" and item.sticky:
        lines.append("sticky: true")
    if image:
        lines.append(_dump("image", image))
    if target.aliases:
        lines.append(_dump("aliases", list(target.aliases)))
    return "\n".join([*lines, "---", ""])


def convert_item(plan: Plan, item: WpItem, uploads: Path | None, summary: Summary) -> Converted:
    target = plan.targets[item.id]
    where = f"{target.folder}/{target.slug}"
    links = ItemLinks(plan, uploads)
    shortcodes = Shortcodes(plan.attachments, plan.children.get(item.id, []), [], [])
    notes: list[str] = []
    body = post_markdown(to_html(item.content, shortcodes), links, notes)
    image = None
    thumbnail = plan.attachments.get(item.meta.get("_thumbnail_id", ""))
    if thumbnail is not None:
        name = links(thumbnail.url, "image")
        image = name if name in links.files else None
        if image is None:
            summary.check(where, f"featured image {thumbnail.url} not found in --uploads")
    for name in dict.fromkeys(shortcodes.unknown):
        summary.check(where, f"unknown shortcode [{name}] kept as text")
    for note in [*shortcodes.notes, *notes]:
        summary.check(where, note)
    for missing in dict.fromkeys(links.missing):
        summary.check(where, f"file {missing} not found in --uploads: still linked to the old blog")
    for url in dict.fromkeys(links.left):
        summary.check(where, f"link to the old blog not rewritten: {url}")
    summary.imported["links rewritten"] += links.rewritten
    if not body.strip():
        summary.check(where, "no content")
    bundle = bool(links.files)
    path = f"{where}/index.md" if bundle else f"{where}.md"
    text = front_matter(target, item, image) + ("\n" + body if body else "")
    result = Converted(path, text, links.files)
    if target.kind == "page":
        if item.comments:
            summary.skipped["orphan comments"] += len(item.comments)
            summary.check(where, f"{len(item.comments)} comments on a page (pages have none)")
        return result
    _comments(plan, item, target, result, summary)
    return result


def _staff(plan: Plan, target: Target, comment: WpComment) -> str | None:
    """The author id when one of the post's authors wrote this answer."""
    for login, author in plan.authors.items():
        if author.id not in target.authors:
            continue
        by_user = comment.user_id != "0" and plan.author_by_wp_id.get(comment.user_id) == login
        by_email = bool(author.email) and comment.email.lower() == author.email.lower()
        if by_user or by_email:
            return author.id
    return None


def _comments(
    plan: Plan, item: WpItem, target: Target, result: Converted, summary: Summary
) -> None:
    where = f"{target.folder}/{target.slug}"
    kept = [c for c in item.comments if c.type in ("", "comment") and c.approved in ("1", "0")]
    statuses = {c.id: c.approved for c in kept if c.id in plan.comment_ids}
    for comment in item.comments:
        if comment.type not in ("", "comment"):
            summary.skipped["pings"] += 1
        elif comment.approved == "spam":
            summary.skipped["spam"] += 1
        elif comment.approved not in ("1", "0"):
            summary.skipped["trashed comments"] += 1
    language = plan.config.language
    for comment in kept:
        created = wp_date(comment.date, comment.date_gmt, plan.config.tz)
        if created is None or comment.id not in plan.comment_ids:
            summary.skipped["orphan comments"] += 1
            summary.check(where, f"comment {comment.id} has no date: not imported")
            continue
        notes: list[str] = []
        body = comment_markdown(comment_html(comment.content), _internal(plan), notes)
        if notes:
            summary.check(where, f"comment {comment.id}: " + "; ".join(dict.fromkeys(notes)))
        parent = plan.comment_ids.get(comment.parent) if comment.parent != "0" else None
        wanted = ("1",) if comment.approved == "1" else ("1", "0")
        if parent and statuses.get(comment.parent) not in wanted:
            summary.check(where, f"comment {comment.id} answers one not imported: top level")
            parent = None
        website = comment.url if comment.url.lower().startswith(("http://", "https://")) else None
        name = comment.author or ANONYMOUS[language]
        comment_id = plan.comment_ids[comment.id]
        if comment.approved == "0":
            new = NewComment(
                post=target.slug,
                name=name,
                body=body,
                body_hash=body_hash(body),
                email=comment.email or None,
                website=website,
                parent=parent,
            )
            result.pending.append(Pending(comment_id, created, new))
            continue
        staff = _staff(plan, target, comment) if parent else None
        if staff:
            author = next(a for a in plan.authors.values() if a.id == staff)
            name, website = author.name, None
        result.comments.append(
            CommentFile(
                id=comment_id,
                post=target.slug,
                name=name,
                created=created,
                approved=created,  # WordPress keeps no time of approval
                approved_by=APPROVED_BY,
                body=body,
                parent=parent,
                website=website,
                staff=staff,
            )
        )


def _internal(plan: Plan) -> ItemLinks:
    """Links in comments go to the new addresses too; their uploads are never copied."""
    return ItemLinks(plan, None)
