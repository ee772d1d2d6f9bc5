"""The reading commands: list, show, stats, log; and the Context every command shares."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from comments_moderation import publish, stats, terminal
from comments_moderation.notices.audience import Directory, directory_from_team
from comments_moderation.permissions import IdentityError, Team, identify, read_team
from comments_moderation.queue import Ambiguous, NotFound, Queue, QueuedComment
from comments_moderation.terminal import safe
from generator import clock
from generator.config import Config
from generator.diagnostics import Diagnostics


class Usage(Exception):
    """A usage error (exit 2); the message says what to type instead."""


class SiteUnreadable(Exception):
    pass


@dataclass
class Context:
    config: Config
    queue: Queue
    root: Path
    now: dt.datetime = field(default_factory=clock.now)  # DIALOGUE_NOW pins it
    _team: Team | None = None
    _directory: Directory | None = None

    def forget_site(self) -> None:
        """Read the authors and posts.json again when next asked (a long-running command sees
        new posts once the site is built again)."""
        self._team = self._directory = None

    def keep_directory(self, directory: Directory) -> None:
        self._directory = directory

    def team(self) -> Team:
        """Authors and who wrote each post, from the build's posts.json: deciding who may
        moderate never reads or renders the posts."""
        if self._team is None:
            diag = Diagnostics(self.root)
            team = read_team(self.config, diag)
            diag.report(sys.stderr)
            if team is None:
                raise SiteUnreadable
            self._team = team
        return self._team

    def directory(self) -> Directory:
        if self._directory is None:
            self._directory = directory_from_team(self.team(), self.config)
        return self._directory

    def moderator(self, by: str | None) -> str:
        try:
            return identify(by, self.team(), self.root)
        except IdentityError as exc:
            raise Usage(str(exc)) from None

    def repair(self) -> None:
        """Bring content/comments/ in line with a queue of this machine. A shared queue is
        decided from many checkouts, and a file written here for another moderator's approval
        would stop the next `git pull` (git refuses to overwrite an untracked file): there,
        only say what `publish` would do."""
        try:
            if self.queue.shared:
                for line in publish.sweep_leftovers(self.config):  # this checkout's own
                    print(f"repair: {line}", file=sys.stderr)
                missing = publish.missing(self.queue, self.config)
                if missing:
                    print(
                        f"note: {len(missing)} approved comment{'s' * (len(missing) != 1)} "
                        "not in this checkout: `git pull`, then `dialogue comments publish` "
                        "writes any still missing",
                        file=sys.stderr,
                    )
                return
            for line in publish.repair(self.queue, self.config):
                print(f"repair: {line}", file=sys.stderr)
        except OSError as exc:
            print(f"warning: cannot bring content/comments/ up to date: {exc}", file=sys.stderr)

    def overdue(self, comment: QueuedComment) -> bool:
        sla = dt.timedelta(hours=self.config.comments.sla_hours)
        return comment.status == "pending" and self.now - comment.created > sla

    def local(self, moment: dt.datetime | None) -> str | None:
        return moment.astimezone(self.config.tz).isoformat(timespec="seconds") if moment else None


def as_json(ctx: Context, c: QueuedComment) -> dict[str, Any]:
    return {
        "id": c.id,
        "post": c.post,
        "parent": c.parent,
        "name": c.name,
        "email": c.email,
        "website": c.website,
        "body": c.body,
        "created": ctx.local(c.created),
        "status": c.status,
        "overdue": ctx.overdue(c),
        "spam_reasons": list(c.spam_reasons),
        "signals": list(c.signals),
        "staff": c.staff,
        "decided": ctx.local(c.decided),
        "decided_by": c.decided_by,
        "reason": c.reason,
    }


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    try:
        ctx.repair()
        status = None if args.status == "all" else args.status
        comments = ctx.queue.list("pending" if args.overdue else status, args.post)
        if args.overdue:
            comments = [c for c in comments if ctx.overdue(c)]
        if args.mine:
            me = ctx.moderator(None)
            comments = [c for c in comments if ctx.team().may_moderate(me, c.post)]
        elif args.author:
            team = ctx.team()
            if args.author not in team.authors:
                raise Usage(f"--author {args.author}: no such author (see content/authors/)")
            comments = [c for c in comments if args.author in team.post_authors.get(c.post, ())]
    except SiteUnreadable:
        return 1
    if args.json:
        print(terminal.dumps([as_json(ctx, c) for c in comments]))
        return 0
    if not comments:
        print(f"no {'overdue ' if args.overdue else ''}{args.status} comments".replace(" all", ""))
        return 0
    rows = [["ID", "AGE", "POST", "NAME", "COMMENT", "STATUS", "NOTE"]]
    for c in comments:
        state = c.status + (" OVERDUE" if ctx.overdue(c) else "")
        note = "; ".join((*c.spam_reasons, *c.signals, *([f"staff: {c.staff}"] if c.staff else [])))
        cells = [
            c.id,
            terminal.age(c.created, ctx.now),
            c.post,
            c.name,
            terminal.first_line(c.body),
        ]
        rows.append([safe(x) for x in (*cells, state, note)])
    terminal.table(rows)
    overdue = sum(ctx.overdue(c) for c in comments)
    summary = f"{len(comments)} comment{'s' * (len(comments) != 1)}"
    if overdue:
        summary += f", {overdue} overdue (pending > {ctx.config.comments.sla_hours} h)"
    print(summary)
    return 0


def find_comment(ctx: Context, typed: str) -> QueuedComment:
    """A comment by id or unique prefix; Usage names the problem and the fix."""
    try:
        return ctx.queue.get(typed)
    except Ambiguous as exc:
        raise Usage(f"{safe(typed)}: {exc.count} comments start so: type more of the id") from None
    except NotFound:
        raise Usage(
            f"{safe(typed)}: no such comment: see `dialogue comments list --status all`"
        ) from None


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    try:
        c = find_comment(ctx, args.id)
    except Usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    entries = ctx.queue.audit_log(comment=c.id)
    if args.json:
        data = as_json(ctx, c) | {
            "user_agent": c.user_agent,
            "client_hash": c.client_hash,
            "purged": ctx.local(c.purged),
            "audit": [
                {"at": ctx.local(e.at), "action": e.action, "by": e.moderator, "reason": e.reason}
                for e in entries
            ],
        }
        print(terminal.dumps(data))
        return 0
    fields = [
        ("id", c.id),
        ("post", c.post),
        ("parent", c.parent or "-"),
        ("status", c.status + (" (OVERDUE)" if ctx.overdue(c) else "")),
        ("created", f"{ctx.local(c.created)} ({terminal.age(c.created, ctx.now)} ago)"),
        ("name", c.name),
        ("email", c.email or "-"),
        ("website", c.website or "-"),
        ("staff", c.staff or "-"),
        ("spam", "; ".join(c.spam_reasons) or "-"),
        ("signals", "; ".join(c.signals) or "-"),
        ("user agent", c.user_agent or "-"),
        *([("purged", f"{ctx.local(c.purged)} (personal data erased)")] if c.purged else []),
    ]
    for label, value in fields:
        print(f"{label + ':':12} {safe(value)}")
    for e in entries:
        reason = f" ({safe(e.reason)})" if e.reason else ""
        print(f"{'decision:':12} {ctx.local(e.at)} {e.action} by {safe(e.moderator)}{reason}")
    print()
    for line in c.body.splitlines():
        print(f"    {safe(line, keep_lines=True)}")
    return 0


def cmd_stats(ctx: Context, args: argparse.Namespace) -> int:
    try:
        directory: Directory | None = ctx.directory()
    except SiteUnreadable:
        print("warning: content/ has errors: no per-author or department figures", file=sys.stderr)
        directory = None
    sla = dt.timedelta(hours=ctx.config.comments.sla_hours)
    data = stats.compute(ctx.queue.list(), directory, sla, ctx.now)
    if args.json:
        print(terminal.dumps(data))
        return 0
    oldest = data["oldest_pending"]
    print(f"pending:  {data['pending']}  (overdue: {data['overdue']}, SLA {sla_text(ctx)})")
    if oldest:
        age = terminal.duration(oldest["age_seconds"])
        print(f"oldest pending: {oldest['id']} on {safe(oldest['post'])}, waiting {age}")
    print(f"median time to decision:    {terminal.duration(data['median_decision_seconds'])}")
    print(f"median time to staff reply: {terminal.duration(data['median_first_reply_seconds'])}")
    groups = (
        ("department", data["departments"]),
        ("post", data["posts"]),
        ("author", data["authors"]),
    )
    for title, group in groups:
        rows = [[title.upper(), "PENDING", "OVERDUE", "APPROVED", "REJECTED", "SPAM", "DECISION",
                 "REPLY"]]  # fmt: skip
        for key, s in group.items():
            numbers = [str(s[k]) for k in ("pending", "overdue", "approved", "rejected", "spam")]
            rows.append([safe(key), *numbers, terminal.duration(s["median_decision_seconds"]),
                         terminal.duration(s["median_first_reply_seconds"])])  # fmt: skip
        if len(rows) > 1:
            print()
            terminal.table(rows)
    return 0


def sla_text(ctx: Context) -> str:
    return f"{ctx.config.comments.sla_hours} h"


def cmd_log(ctx: Context, args: argparse.Namespace) -> int:
    since = args.since
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=ctx.config.tz)
    entries = ctx.queue.audit_log(since=since)
    if args.json:
        print(terminal.dumps([
            {"at": ctx.local(e.at), "comment": e.comment, "post": e.post, "action": e.action,
             "by": e.moderator, "reason": e.reason} for e in entries
        ]))  # fmt: skip
        return 0
    if not entries:
        print("no decisions yet" if since is None else "no decisions since then")
    rows = [["WHEN", "WHO", "ACTION", "COMMENT", "POST", "REASON"]]
    for e in entries:
        when = e.at.astimezone(ctx.config.tz).strftime("%Y-%m-%d %H:%M")
        cells = (when, e.moderator, e.action, e.comment, e.post or "-", e.reason or "")
        rows.append([safe(x) for x in cells])
    if entries:
        terminal.table(rows)
    return 0


HANDLERS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "list": cmd_list,
    "show": cmd_show,
    "stats": cmd_stats,
    "log": cmd_log,
}
