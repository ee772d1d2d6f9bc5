"""The text of each message: to staff (one notice or a digest), to a chat, to the commenter.

Staff messages name the post, the commenter's display name, the start of the comment, how long
it has waited and the exact command to act; never the commenter's email or address (the queue
holds those, the message is composed from the fields that are published anyway).
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from comments_moderation.notices.audience import Directory, Person
from comments_moderation.notices.texts import text, waited
from comments_moderation.queue import QueuedComment

EXCERPT_CHARS = 240
WIDTH = 72
# Overdue first (the longest wait), then still-overdue reminders, then new comments.
KIND_ORDER = {"overdue": 0, "reminder": 1, "new": 2}


@dataclass(frozen=True)
class Notice:
    """One thing one recipient is to be told about one comment."""

    id: int
    kind: str  # new | overdue | reminder | outcome
    comment: QueuedComment


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    lang: str


@dataclass(frozen=True)
class SiteFacts:
    title: str
    sla_hours: int
    overdue_levels: tuple[str, ...]


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a comment on one line: whitespace collapsed, cut at a word."""
    flat = " ".join(body.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(",;:.") + " …"


def _quote(body: str) -> list[str]:
    return ["> " + line for line in textwrap.wrap(excerpt(body), WIDTH - 2)]


def command(comment: QueuedComment) -> str:
    return f"dialogue comments show {comment.id}"


def _told(notice: Notice, directory: Directory, site: SiteFacts, lang: str) -> str:
    """Who hears of an overdue comment, in escalation order, so each knows it rose."""
    post = directory.post(notice.comment.post)
    groups: dict[str, list[str]] = {}
    for told in directory.audience(post.slug, site.overdue_levels):
        groups.setdefault(told.level, []).append(directory.people[told.person].name)
    parts = [
        text(f"level_{level}", lang, names=", ".join(names), department=post.department)
        for level, names in groups.items()
    ]
    return text("told", lang, who="; ".join(parts)) if parts else ""


def _entry_lines(
    notice: Notice, directory: Directory, site: SiteFacts, now: dt.datetime, lang: str
) -> list[str]:
    c = notice.comment
    post = directory.post(c.post)
    lines = _quote(c.body)
    if notice.kind == "overdue":
        lines += textwrap.wrap(_told(notice, directory, site, lang), WIDTH - 3)
    lines += [command(c)]
    if post.url:
        lines.append(post.url)
    return [line for line in lines if line]


def _single(
    notice: Notice, directory: Directory, site: SiteFacts, now: dt.datetime, lang: str
) -> tuple[str, list[str]]:
    c = notice.comment
    post = directory.post(c.post)
    values = {"name": c.name, "title": post.title, "waited": waited(now - c.created, lang)}
    if notice.kind == "new":
        subject, intro = text("subject_new", lang, **values), text("intro_new", lang, **values)
    elif notice.kind == "overdue":
        subject = text("subject_overdue", lang, **values)
        intro = text("intro_overdue", lang, sla=site.sla_hours, **values)
    else:
        subject = text("subject_reminder_one", lang, **values)
        intro = text("intro_overdue", lang, sla=site.sla_hours, **values)
    lines = [*textwrap.wrap(intro, WIDTH), "", *_quote(c.body), ""]
    if notice.kind == "overdue":
        lines += [*textwrap.wrap(_told(notice, directory, site, lang), WIDTH), ""]
    lines += [text("act", lang), "", f"    {command(c)}", ""]
    if post.url:
        lines.append(text("post_link", lang, url=post.url))
    return subject, lines


def _digest(
    notices: Sequence[Notice], directory: Directory, site: SiteFacts, now: dt.datetime, lang: str
) -> tuple[str, list[str]]:
    ordered = sorted(notices, key=lambda n: (KIND_ORDER[n.kind], n.comment.created))
    count = len(notices)
    overdue = sum(n.kind != "new" for n in notices)
    if all(n.kind == "reminder" for n in notices):
        subject = text("subject_reminder", lang, count=count)
        intro = text("intro_reminder", lang, sla=site.sla_hours)
    else:
        if overdue == count:
            subject = text("subject_overdue_many", lang, count=count, sla=site.sla_hours)
        elif overdue:
            subject = text(
                "subject_digest_overdue", lang, count=count, site=site.title, overdue=overdue
            )
        else:
            subject = text("subject_digest", lang, count=count, site=site.title)
        intro = text("intro_digest", lang, count=count)
    lines = [*textwrap.wrap(intro, WIDTH), ""]
    for number, notice in enumerate(ordered, 1):
        c = notice.comment
        heading = text(
            "entry",
            lang,
            label=text(f"label_{notice.kind}", lang),
            title=directory.post(c.post).title,
            name=c.name,
            waited=waited(now - c.created, lang),
        )
        lines += textwrap.wrap(f"{number}. {heading}", WIDTH, subsequent_indent="   ")
        lines += ["   " + line for line in _entry_lines(notice, directory, site, now, lang)]
        lines.append("")
    return subject, lines


def to_staff(
    person: Person,
    notices: Sequence[Notice],
    directory: Directory,
    site: SiteFacts,
    now: dt.datetime,
    stop_url: str,
) -> Composed:
    """An email to an author or moderator: one notice, or a digest of several."""
    lang = directory.language_of([n.comment.post for n in notices])
    if len(notices) == 1:
        subject, body = _single(notices[0], directory, site, now, lang)
    else:
        subject, body = _digest(notices, directory, site, now, lang)
    lines = [text("greeting", lang, name=person.name), "", *body, "", "-- "]
    lines += textwrap.wrap(text("why_staff", lang, site=site.title), WIDTH)
    lines.append(text("stop", lang, url=stop_url))
    return Composed(subject, "\n".join(lines).strip() + "\n", lang)


# Chat services turn some text into mentions, links and images: a reader must not be able to
# ping a whole channel (@channel, <!here>) or make the chat fetch an image from their server.
_CHAT_ACTIVE = re.compile(r"[&<>`]|@(?=\w)|!\[|\]\(")
_CHAT_SAFE = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "'"}


def chat_safe(reader_text: str) -> str:
    def neutral(match: re.Match[str]) -> str:
        found = match.group()
        return _CHAT_SAFE.get(found) or found[0] + "\u2060" + found[1:]

    return _CHAT_ACTIVE.sub(neutral, reader_text)


def to_chat(notice: Notice, directory: Directory, site: SiteFacts, now: dt.datetime) -> Composed:
    """A webhook's plain ``text``: one notice, the reader's words made inert."""
    c = notice.comment
    post = directory.post(c.post)
    lang = post.lang
    values = {
        "name": chat_safe(c.name),
        "title": chat_safe(post.title),
        "waited": waited(now - c.created, lang),
    }
    if notice.kind == "new":
        head = text("intro_new", lang, **values)
    else:
        head = text("intro_overdue", lang, sla=site.sla_hours, **values)
    lines = [head, "“" + chat_safe(excerpt(c.body)) + "”"]
    if notice.kind == "overdue":
        lines.append(chat_safe(_told(notice, directory, site, lang)))
    lines.append(f"`{command(c)}`")
    if post.url:
        lines.append(post.url)
    subject = text("subject_new" if notice.kind == "new" else "subject_overdue", lang, **values)
    return Composed(subject, "\n".join(line for line in lines if line), lang)


def to_commenter(
    comment: QueuedComment,
    answers: Sequence[QueuedComment],
    directory: Directory,
    site: SiteFacts,
    stop_url: str,
) -> Composed:
    """The one message a commenter asked for: published, or answered by the team."""
    post = directory.post(comment.post)
    lang = post.lang
    if answers:
        subject = text("subject_answered", lang, title=post.title)
        intro = text("outcome_answered", lang, title=post.title, staff=answers[0].name)
    else:
        subject = text("subject_published", lang, title=post.title)
        intro = text("outcome_published", lang, title=post.title)
    link = f"{post.url}#comment-{comment.id}" if post.url else ""
    lines = [text("greeting", lang, name=comment.name), "", *textwrap.wrap(intro, WIDTH), ""]
    if link:
        lines += [f"    {link}", ""]
    for answer in answers[:1]:
        lines += [f"{answer.name}:", *_quote(answer.body), ""]
    lines += [*textwrap.wrap(text("outcome_once", lang), WIDTH), ""]
    lines += [text("signature", lang, site=site.title), "", "-- "]
    lines.append(text("stop_commenter", lang, url=stop_url))
    return Composed(subject, "\n".join(lines).strip() + "\n", lang)
