"""``dialogue comments ...``: the moderation commands (SPEC, "Commands").

``add_arguments(subparsers)`` registers the command tree on the ``dialogue`` parser and
``run(args, root)`` carries it out (exit 0 ok, 1 a comment or data problem, 2 usage).
``python -m comments_moderation.cli comments list`` works on its own too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from comments_moderation.commands import HANDLERS as READ_HANDLERS
from comments_moderation.commands import Context, Usage
from comments_moderation.decisions import HANDLERS as DECISION_HANDLERS
from comments_moderation.limits import Limits
from comments_moderation.notices import command as notices
from comments_moderation.queue import STATUSES, QueueError, open_queue, queue_location
from comments_moderation.report.command import HANDLERS as REPORT_HANDLERS
from comments_moderation.transfer import HANDLERS as TRANSFER_HANDLERS
from generator.config import load_config
from generator.diagnostics import Diagnostics

DEFAULT_PORT = 8080


def _date(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: write it as 2026-11-23 or 2026-11-23T08:00"
        ) from None
    return value


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number above 0")
    return int(text)


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days, e.g. 90")
    return int(text)


def add_arguments(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``comments`` and its sub-commands on an argparse subparsers object."""
    comments = subparsers.add_parser(
        "comments", help="moderate readers' comments", description="Moderate readers' comments."
    )
    commands = comments.add_subparsers(dest="comments_command", required=True, metavar="COMMAND")
    by_help = "moderator's author id (default: DIALOGUE_MODERATOR, then git config user.email)"

    listing = commands.add_parser("list", help="list comments (default: pending)")
    listing.add_argument("--status", choices=(*STATUSES, "all"), default="pending")
    listing.add_argument("--post", metavar="SLUG", help="only comments on this post")
    who = listing.add_mutually_exclusive_group()
    who.add_argument("--mine", action="store_true", help="only what you may decide")
    who.add_argument("--author", metavar="ID", help="only comments on this author's posts")
    listing.add_argument("--overdue", action="store_true", help="only pending ones past the SLA")
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    show = commands.add_parser("show", help="everything about one comment")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")

    for name, text in (
        ("approve", "publish comments (writes content/comments/...)"),
        ("reject", "reject comments"),
        ("spam", "mark comments as spam"),
        ("delete", "unpublish approved comments (removes their files)"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("ids", nargs="+", metavar="ID")
        if name == "reject":
            command.add_argument("--reason", metavar="TEXT", help="kept in the audit log")
        command.add_argument("--by", metavar="AUTHOR_ID", help=by_help)

    reply = commands.add_parser("reply", help="answer a comment as a member of the team")
    reply.add_argument("id", metavar="ID")
    reply.add_argument("--as", dest="as_author", required=True, metavar="AUTHOR_ID")
    text = reply.add_mutually_exclusive_group(required=True)
    text.add_argument("--body", metavar="TEXT", help="the answer (Markdown)")
    text.add_argument("--file", metavar="PATH", help="read the answer from a file (- for stdin)")

    stats = commands.add_parser("stats", help="waiting, overdue and response times")
    stats.add_argument("--json", action="store_true")

    log = commands.add_parser("log", help="the audit trail: who decided what, when")
    log.add_argument("--since", type=_date, metavar="DATE", help="from this date on")
    log.add_argument("--json", action="store_true")

    purge = commands.add_parser(
        "purge",
        help="erase personal data of rejected and spam comments, and old emails",
        description="Erase name, email, website, text, address hash and user agent of rejected "
        "and spam comments older than DAYS, and the email, address hash and user agent of "
        "comments decided more than comments.keep_email_days ago.",
    )
    purge.add_argument("--older-than", type=_days, required=True, metavar="DAYS")
    purge.add_argument("--by", metavar="AUTHOR_ID", help=by_help)

    commands.add_parser(
        "publish", help="write every approved comment that content/comments/ lacks (idempotent)"
    )
    migrate = commands.add_parser(
        "migrate", help="copy comments, decisions and the audit log into another queue"
    )
    migrate.add_argument(
        "--to", required=True, metavar="QUEUE", help="a postgresql:// URL or an SQLite file path"
    )

    notices.add_arguments(commands)

    report = commands.add_parser(
        "report", help="the oversight report as one HTML file with charts (not part of the site)"
    )
    report.add_argument("--out", required=True, metavar="FILE", help="e.g. report.html")

    serve = commands.add_parser(
        "serve",
        help="run the intake endpoint under waitress",
        description="Run the intake endpoint under waitress, with limits on what clients may "
        "send (README: 'Running the intake in production').",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    limits = Limits()
    for option, metavar, text in (
        ("threads", "N", "worker threads"),
        ("connection-limit", "N", "open connections in all; more wait to be accepted"),
        (
            "connections-per-client",
            "N",
            "open connections per client address (a trusted proxy is not counted); more get 503",
        ),
        ("timeout", "SECONDS", "time for a request to arrive whole, and for an idle connection"),
        ("max-request-line", "BYTES", "longest request line; longer gets 414"),
        ("max-header-size", "BYTES", "largest request line and headers together; larger 431"),
    ):
        default = getattr(limits, option.replace("-", "_"))
        serve.add_argument(
            f"--{option}",
            type=_positive,
            default=default,
            metavar=metavar,
            help=f"{text} (default {default})",
        )
    return comments


def serve(args: argparse.Namespace, root: Path) -> int:
    from comments_moderation import server as waitress_server
    from comments_moderation.intake import Intake

    diag = Diagnostics(root)
    config = load_config(root, diag)
    if config is None:
        diag.report(sys.stderr)
        return 1
    limits = Limits(
        threads=args.threads,
        connection_limit=args.connection_limit,
        connections_per_client=args.connections_per_client,
        timeout=args.timeout,
        max_request_line=args.max_request_line,
        max_header_size=args.max_header_size,
    )
    intake = Intake(config, pool_size=limits.threads)
    server = waitress_server.create(intake, args.host, args.port, limits)
    path = urlsplit(config.comments.endpoint).path or "/comments"
    for host, port in waitress_server.addresses(server):
        shown = f"[{host}]" if ":" in host else host
        print(f"Comment intake on http://{shown}:{port}{path}", flush=True)
    try:
        intake.queue().health()
    except QueueError as exc:  # it starts all the same, and recovers when the queue is back
        print(f"warning: {exc}: answering 503 until the queue is reachable", file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        intake.close()
    return 0


def run(args: argparse.Namespace, root: Path) -> int:
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A terminal that can't show a character gets an escape, never a crash.
        sys.stdout.reconfigure(errors="backslashreplace")
    if args.comments_command == "serve":
        return serve(args, root)
    diag = Diagnostics(root)
    config = load_config(root, diag)
    if config is None:
        diag.report(sys.stderr)
        return 1
    try:
        queue = open_queue(queue_location(config))
    except QueueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    context = Context(config=config, queue=queue, root=root)
    handlers = {
        **READ_HANDLERS,
        **DECISION_HANDLERS,
        **TRANSFER_HANDLERS,
        **REPORT_HANDLERS,
        **notices.HANDLERS,
    }
    handler = handlers[args.comments_command]
    try:
        return handler(context, args)
    except Usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except QueueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        queue.close()


def main(argv: Sequence[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dialogue")
    add_arguments(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; keep main callable in-process
        return int(exc.code or 0)
    return run(args, root or Path.cwd())


if __name__ == "__main__":
    sys.exit(main())
