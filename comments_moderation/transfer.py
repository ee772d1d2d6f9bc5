"""``publish`` and ``migrate``: comments moving from the queue into a checkout, and from one
queue into another.

``publish`` is how an approval can never be lost between the queue and git: CI, or a moderator
whose checkout was thrown away, writes every approved comment the checkout lacks (and removes
the file of one deleted since). It changes nothing when the checkout is up to date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from comments_moderation import publish
from comments_moderation.queue import QueueError, is_url, open_queue
from comments_moderation.queue.copy import copy_queue
from comments_moderation.reading import Context


def cmd_publish(ctx: Context, args: argparse.Namespace) -> int:
    try:
        done = publish.repair(ctx.queue, ctx.config)
    except OSError as exc:
        print(f"error: cannot write into content/comments/: {exc}", file=sys.stderr)
        return 1
    for line in done:
        print(line)
    written = sum(line.startswith("restored") for line in done)
    removed = len(done) - written
    print(
        f"content/comments/ is up to date with {ctx.queue.describe()}: {written} written, "
        f"{removed} removed"
    )
    return 0


def cmd_migrate(ctx: Context, args: argparse.Namespace) -> int:
    location: str | Path = args.to
    if not is_url(location):
        location = (ctx.root / location).resolve()
    try:
        target = open_queue(location)
    except QueueError as exc:
        print(f"error: --to: {exc}", file=sys.stderr)
        return 1
    try:
        if target.describe() == ctx.queue.describe():
            print("error: --to names the queue this site already uses", file=sys.stderr)
            return 2
        result = copy_queue(ctx.queue, target)
    finally:
        target.close()
    renumbered = (
        f" ({result.audit_renumbered} numbered anew: the target had used their numbers)"
        if result.audit_renumbered
        else ""
    )
    print(
        f"{ctx.queue.describe()} -> {target.describe()}: {result.comments} comments copied "
        f"({result.comments_present} already there), {result.audit} audit entries copied "
        f"({result.audit_present} already there){renumbered}; notices: {result.events} "
        f"events not yet sent on, {result.optouts} opt-outs"
    )
    print("next: set DIALOGUE_QUEUE (or comments.queue) to the new queue on every host")
    print("      (stop 'comments notify' on the old queue first: its sending log stays there)")
    return 0


HANDLERS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "publish": cmd_publish,
    "migrate": cmd_migrate,
}
