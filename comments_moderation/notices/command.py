"""``dialogue comments notify [--once] [--interval S] [--log [--json]]``.

Without ``--once`` it runs until stopped (SIGTERM or Ctrl-C end it after the message in hand),
a round every ``--interval`` seconds; with ``--once`` it does one round and exits, for cron or
a systemd timer. ``--log`` prints the sending log instead: who was told what, when.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from comments_moderation import terminal
from comments_moderation.notices import sending
from comments_moderation.notices.audience import Directory
from comments_moderation.notices.worker import Notifier
from comments_moderation.queue import QueueError
from comments_moderation.reading import Context, SiteUnreadable
from generator import clock

SITE_REREAD = dt.timedelta(minutes=5)  # a long-running sender sees new posts and authors


def add_arguments(commands: Any) -> None:
    notify = commands.add_parser(
        "notify", help="send the notices that are due (a loop; --once for cron or a timer)"
    )
    notify.add_argument("--once", action="store_true", help="one round, then exit")
    notify.add_argument(
        "--interval", type=float, default=60, metavar="SECONDS", help="between rounds (60)"
    )
    notify.add_argument("--log", action="store_true", help="print the sending log and exit")
    notify.add_argument("--json", action="store_true", help="with --log: machine-readable")


def _directory_loader(ctx: Context) -> Callable[[], Directory]:
    """The site's posts and people, read again every few minutes; if content/ is broken
    meanwhile, the last good reading goes on serving (and the problem is printed)."""
    read_at: list[float] = []

    def load() -> Directory:
        if read_at and time.monotonic() - read_at[0] > SITE_REREAD.total_seconds():
            last = ctx.directory()
            ctx.forget_site()
            read_at.clear()
            try:
                ctx.directory()
            except SiteUnreadable:
                print("warning: content/ has errors: notices use the last good reading",
                      file=sys.stderr)  # fmt: skip
                ctx.keep_directory(last)
        if not read_at:
            read_at.append(time.monotonic())
        return ctx.directory()

    return load


def _print_log(ctx: Context, as_json: bool) -> int:
    rows = sending.sending_log(ctx.queue)
    for row in rows:
        row["created"], row["finished"] = ctx.local(row["created"]), ctx.local(row["finished"])
    if as_json:
        print(terminal.dumps(rows))
        return 0
    if not rows:
        print("no notices sent yet")
        return 0
    table = [["ID", "CREATED", "STATE", "CHANNEL", "TO", "NOTICES", "SUBJECT"]]
    for row in rows:
        cells = (
            row["id"],
            row["finished"] or row["created"],
            row["state"],
            row["channel"],
            row["recipient"],
            row["notices"],
            row["subject"],
        )
        table.append([terminal.safe(cell) for cell in cells])
    terminal.table(table)
    return 0


def cmd_notify(ctx: Context, args: argparse.Namespace) -> int:
    if args.log:
        return _print_log(ctx, args.json)
    if not ctx.config.notify.active:
        print(
            "nothing to send: site.yaml has no notify.email and no notify.webhooks "
            "(see README, 'Notices')",
            file=sys.stderr,
        )
        return 0
    try:
        notifier = Notifier(ctx.config, ctx.queue, _directory_loader(ctx), sys.stdout)
        if args.once:
            notifier.run_once(ctx.now)
            return 0
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            try:
                notifier.run_once(clock.now(), stop.is_set)
            except QueueError as exc:  # the database is away: try again next round
                print(f"warning: {exc}", file=sys.stderr, flush=True)
            stop.wait(max(args.interval, 1))
    except SiteUnreadable:
        return 1
    return 0


HANDLERS: dict[str, Callable[[Context, argparse.Namespace], int]] = {"notify": cmd_notify}
