"""The deciding commands: approve, reject, spam, delete, reply, purge.

Each id gets its own line, success or the reason it failed and what to do; the exit status is
1 if any failed. The queue is decided first (with its audit row, in one transaction), the file
written second: see publish.py for why that order is safe.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from comments_moderation import publish, spam
from comments_moderation.commands import Context, SiteUnreadable, Usage, find_comment
from comments_moderation.output import safe
from comments_moderation.queue import NewComment, QueuedComment, WrongStatus
from comments_moderation.validate import Invalid, clean_body, message

ACTIONS = {
    "approve": "approved",
    "reject": "rejected",
    "spam": "marked as spam",
    "delete": "deleted",
}
FIX = {
    ("approve", "rejected"): "rejected comments stay rejected; the reader may post again",
    ("reject", "approved"): "it is published: unpublish it with `dialogue comments delete`",
    ("spam", "approved"): "it is published: unpublish it with `dialogue comments delete`",
    ("delete", "pending"): "it was never published: use reject or spam",
    ("delete", "rejected"): "it is not published",
    ("delete", "spam"): "it is not published",
}


def _rel(ctx: Context, comment: QueuedComment) -> str:
    return publish.path_for(comment, ctx.config).relative_to(ctx.root).as_posix()


def _decide_one(ctx: Context, action: str, typed: str, me: str, reason: str | None) -> bool:
    try:
        comment = find_comment(ctx, typed)
    except Usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    team = ctx.team()
    if not team.may_moderate(me, comment.post):
        print(f"error: {comment.id}: {team.refusal(me, comment.post)}", file=sys.stderr)
        return False
    if action == "approve" and comment.status == "approved":
        # Approving again is how a moderator brings back a file lost in a crash or a checkout.
        restored = not publish.path_for(comment, ctx.config).exists()
        if restored:
            publish.write(comment, ctx.config)
        note = "file restored" if restored else "file present"
        print(f"{comment.id}: already approved ({note}: {_rel(ctx, comment)})")
        return True
    try:
        decided = ctx.queue.decide(comment.id, action, me, ctx.now, reason)
    except WrongStatus as exc:
        current = exc.comment
        by = f" by {safe(current.decided_by)}" if current.decided_by else ""
        fix = FIX.get((action, current.status), "only pending comments can be decided so")
        print(f"error: {comment.id}: already {current.status}{by}: {fix}", file=sys.stderr)
        return False
    if action == "approve":
        publish.write(decided, ctx.config)
        print(f"{decided.id}: approved -> {_rel(ctx, decided)}")
    elif action == "delete":
        publish.remove(decided, ctx.config)
        print(f"{decided.id}: deleted, {_rel(ctx, decided)} removed (the audit log keeps it)")
    else:
        print(f"{decided.id}: {ACTIONS[action]}")
    return True


def _decide(ctx: Context, args: argparse.Namespace) -> int:
    action = args.comments_command
    try:
        me = ctx.moderator(args.by)
        if action == "approve":
            ctx.repair()
        results = [
            _decide_one(ctx, action, typed, me, getattr(args, "reason", None)) for typed in args.ids
        ]
    except SiteUnreadable:
        return 1
    return 0 if all(results) else 1


def _reply_text(args: argparse.Namespace, max_chars: int) -> str:
    if args.body is not None:
        text = args.body
    else:
        try:
            text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Usage(
                f"--file {args.file}: cannot read it ({exc}): give a UTF-8 text file"
            ) from None
    try:
        return clean_body(text, max_chars)
    except Invalid as exc:
        raise Usage(f"the answer is not usable: {message(exc.code, 'en', **exc.params)}") from None


def cmd_reply(ctx: Context, args: argparse.Namespace) -> int:
    try:
        team = ctx.team()
    except SiteUnreadable:
        return 1
    staff = args.as_author
    if staff not in team.authors:
        raise Usage(f"--as {staff}: no such author: use an id from content/authors/")
    body = _reply_text(args, ctx.config.comments.max_chars)
    try:
        parent = find_comment(ctx, args.id)
    except Usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not team.may_moderate(staff, parent.post):
        print(f"error: {parent.id}: {team.refusal(staff, parent.post)}", file=sys.stderr)
        return 1
    reply = NewComment(
        post=parent.post,
        parent=parent.id,
        name=team.authors[staff].name,
        body=body,
        body_hash=spam.body_hash(body),
    )
    try:
        written, approved_parent = ctx.queue.reply(reply, staff, ctx.now)
    except WrongStatus as exc:
        status = exc.comment.status
        print(
            f"error: {parent.id} is {status}: approve it first (`dialogue comments approve "
            f"{parent.id}`), then reply",
            file=sys.stderr,
        )
        return 1
    if approved_parent is not None:
        publish.write(approved_parent, ctx.config)
        print(f"{parent.id}: approved with the reply -> {_rel(ctx, approved_parent)}")
    publish.write(written, ctx.config)
    print(f"{written.id}: reply by {staff} -> {_rel(ctx, written)}")
    return 0


def cmd_purge(ctx: Context, args: argparse.Namespace) -> int:
    try:
        me = ctx.moderator(args.by)
        moderators = ctx.team().moderators
    except SiteUnreadable:
        return 1
    if me not in moderators:
        listed = ", ".join(moderators) or "nobody yet"
        print(
            f"error: {me} may not purge: it spans every post, so only comments.moderators "
            f"({listed}) may; ask one of them",
            file=sys.stderr,
        )
        return 1
    before = ctx.now - dt.timedelta(days=args.older_than)
    keep = ctx.config.comments.keep_email_days
    result = ctx.queue.purge(before, ctx.now - dt.timedelta(days=keep), me, ctx.now)
    erased, emails = len(result.erased), len(result.emails)
    print(
        f"erased name, email, website, text, address hash and user agent of {erased} rejected "
        f"or spam comment{'s' * (erased != 1)} older than {args.older_than} days"
    )
    print(
        f"erased email, address hash and user agent of {emails} decided "
        f"comment{'s' * (emails != 1)} older than {keep} days (comments.keep_email_days)"
    )
    for note in result.notes:
        print(f"note: {note}")
    return 0


HANDLERS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "approve": _decide,
    "reject": _decide,
    "spam": _decide,
    "delete": _decide,
    "reply": cmd_reply,
    "purge": cmd_purge,
}
