"""The ``dialogue`` command: argparse in, exit status out (0 ok, 1 content errors, 2 usage)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__, cli_help, clock
from generator.assemble import BuildOptions
from generator.diagnostics import Problem
from generator.newsite import arguments as newsite
from generator.planning import arguments as planning


def _site_root() -> Path:
    return Path.cwd()


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {number}")
    return number


def _file_failure(exc: Exception, summary: str) -> int:
    """A file that could not be read or written where no check expected it (it changed while
    the build ran): ``path: message`` like every other problem, not a traceback."""
    from generator.diagnostics import Diagnostics
    from generator.nofollow import UnsafeFile, os_error_message

    diag = Diagnostics(_site_root())
    if isinstance(exc, UnsafeFile):
        diag.error(exc.path, 0, exc.message)
    elif isinstance(exc, OSError):
        diag.error(exc.filename or ".", 0, os_error_message(exc, "read or write it"))
    diag.report()
    print(summary, file=sys.stderr)
    return 1


def _comment_files_first(*, restore: bool) -> list[Problem]:
    """Approved comments of this machine's queue whose file is missing: ``build`` writes
    them before reading content/, ``check`` warns (comments_moderation.publish.before_build).
    Only a queue file that exists here is opened: a build without one loads nothing more."""
    from generator.config import load_config
    from generator.diagnostics import Diagnostics
    from generator.queue_exposure import URL_SCHEMES

    config = load_config(_site_root(), Diagnostics(_site_root()))
    if config is None or not config.comments.enabled:
        return []
    location = os.environ.get("DIALOGUE_QUEUE", "").strip() or config.comments.queue
    if location.startswith(URL_SCHEMES) or not (config.root / location).is_file():
        return []  # a shared queue is for `dialogue comments publish`; no queue, nothing to do
    from comments_moderation.publish import before_build

    done, problems = before_build(config, (config.root / location).resolve(), restore=restore)
    for line in done:
        print(f"repair: {line}", file=sys.stderr)
    return problems


def cmd_build(args: argparse.Namespace) -> int:
    from generator.build import build
    from generator.markdown.fast import engine
    from generator.nofollow import UnsafeFile

    try:
        engine()
    except ValueError as error:  # DIALOGUE_MARKDOWN set to something unknown
        print(f"dialogue: {error}", file=sys.stderr)
        return 2

    try:
        found = _comment_files_first(restore=True)
        report = build(
            _site_root(),
            BuildOptions(drafts=args.drafts, future=args.future, now=clock.pinned()),
            base_url=args.base_url,
            output_dir=args.out,
            jobs=args.jobs,
            clean=args.clean,
        )
    except (OSError, UnsafeFile) as exc:
        return _file_failure(exc, "Build failed: 1 error.")
    report.diag.extend(found)
    if not args.quiet or report.diag.errors:
        report.diag.report()
    if not report.ok:
        count = len(report.diag.errors)
        print(
            f"Build failed: {count} error{'s' * (count != 1)}; the previous site is untouched.",
            file=sys.stderr,
        )
        return 1
    site = report.site
    assert site is not None and report.output is not None
    if not args.quiet:
        from generator.planning import text as planning_text

        if args.verbose:
            for name, _ in sorted(report.written):
                print(f"written: {name}")
        for post in site.scheduled:
            when = planning_text.when(post.date, site.config.tz)  # the exact instant it goes live
            print(f"scheduled: {post.source.relative_to(site.config.root)} ({when})")
        where = (
            report.output.relative_to(site.config.root)
            if report.output.is_relative_to(site.config.root)
            else report.output
        )
        unchanged = f", {report.pages_unchanged} unchanged" if report.pages_unchanged else ""
        removed = f", {report.removed} removed" if report.removed else ""
        posts = f"{len(site.posts)} post{'s' * (len(site.posts) != 1)}"
        print(
            f"Built {posts} into {where}/: {report.pages_written} pages written"
            f"{unchanged}{removed}, {report.assets_copied} files copied in {report.seconds:.2f} s"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from generator.build import build
    from generator.nofollow import UnsafeFile

    options = BuildOptions(drafts=True, future=True, now=clock.pinned())
    try:
        found = _comment_files_first(restore=False)
        report = build(_site_root(), options, write=False)
    except (OSError, UnsafeFile) as exc:
        return _file_failure(exc, "check: 1 problem to fix")
    report.diag.extend(found)
    report.diag.report()
    failed = report.diag.has_errors(strict=args.strict) or report.site is None
    if failed:
        errors = len(report.diag.errors) + (len(report.diag.warnings) if args.strict else 0)
        print(f"check: {errors} problem{'s' * (errors != 1)} to fix", file=sys.stderr)
        return 1
    site = report.site
    assert site is not None
    print(
        f"check: ok ({len(site.posts)} posts, {len(site.authors)} authors, {len(site.pages)} pages)"
    )
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from generator import scaffold

    return scaffold.run(args, _site_root())


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.serve import server as serve

    return serve.run(args, _site_root())


def cmd_import(args: argparse.Namespace) -> int:
    from generator.importers import wordpress

    return wordpress.run(args, _site_root())


def cmd_comments(args: argparse.Namespace) -> int:
    from comments_moderation import cli as comments_cli

    return comments_cli.run(args, _site_root())


def _parser(with_comments: bool = True) -> argparse.ArgumentParser:
    """``with_comments=False`` names the comments command without loading its package (a
    thirtieth of a second every build); ``dialogue comments ...`` loads it."""
    parser = argparse.ArgumentParser(
        prog="dialogue",
        usage="%(prog)s [-h] [--version] COMMAND ...",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=cli_help.EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"dialogue {__version__}")
    # The commands are listed by job in the description (cli_help), not in one flat list.
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help=argparse.SUPPRESS, prog="dialogue"
    )
    newsite.add_arguments(commands)

    build = commands.add_parser("build", help="build the site into the output folder")
    build.add_argument("--drafts", action="store_true", help="include posts with draft: true")
    build.add_argument("--future", action="store_true", help="include scheduled posts")
    build.add_argument("--base-url", help="override base_url (e.g. for a preview)")
    build.add_argument("--out", metavar="DIR", help="output folder (default: output_dir)")
    build.add_argument("--jobs", type=_positive, metavar="N", help="processes (default: all cores)")
    build.add_argument("--clean", action="store_true", help="ignore the cache: rebuild all")
    build.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build.add_argument("-v", "--verbose", action="store_true", help="say what was rebuilt")
    build.set_defaults(handler=cmd_build)

    check = commands.add_parser("check", help="validate everything, write nothing")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.set_defaults(handler=cmd_check)

    serve = commands.add_parser("serve", help="build, serve and rebuild on every save")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--drafts", action="store_true")
    serve.add_argument("--future", action="store_true")
    serve.set_defaults(handler=cmd_serve)

    new = commands.add_parser("new", help="scaffold a post or an author")
    kinds = new.add_subparsers(dest="kind", required=True, metavar="KIND")
    post = kinds.add_parser("post", help='new post: dialogue new post "Title" --author ID')
    post.add_argument("title")
    post.add_argument("--author", required=True, action="append", help="author id (repeatable)")
    post.add_argument("--tags", default="", help="comma-separated tags")
    post.add_argument("--lang", choices=("de", "en"))
    author = kinds.add_parser("author", help='new author: dialogue new author ID --name "Name"')
    author.add_argument("id")
    author.add_argument("--name", required=True)
    author.add_argument("--role", default="")
    author.add_argument("--department", default="")
    new.set_defaults(handler=cmd_new)
    planning.add_arguments(commands)

    importer = commands.add_parser("import", help="bring a blog in from elsewhere")
    sources = importer.add_subparsers(dest="source", required=True, metavar="SOURCE")
    wordpress = sources.add_parser("wordpress", help="a WordPress export (WXR, Tools > Export)")
    wordpress.add_argument("export", metavar="EXPORT.xml", help="the export file")
    wordpress.add_argument("--uploads", metavar="DIR", help="its wp-content/uploads folder")
    wordpress.add_argument(
        "--categories",
        choices=("departments", "tags"),
        default="departments",
        help="what WordPress categories become (default: departments)",
    )
    wordpress.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    importer.set_defaults(handler=cmd_import)

    if not with_comments:
        commands.add_parser("comments", help="moderate readers' comments (see its --help)")
        parser.description = cli_help.overview(commands)
        return parser
    from comments_moderation import cli as comments_cli

    comments_cli.add_arguments(commands)
    commands.choices["comments"].set_defaults(handler=cmd_comments)
    parser.description = cli_help.overview(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, process_ends: bool = False) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = _parser(with_comments="comments" in words or not words).parse_args(words)
    if process_ends and args.handler is cmd_build:
        # A build leaves tens of thousands of records behind: switched back on, the cycle
        # collector would rescan them all once more (a fifth of a warm 10,000-post build).
        # Rendering runs it where Jinja needs it (render/parallel.py). Servers keep it on.
        gc.disable()
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The console entry point: exits without freeing every record one by one, unless a
    profiler or coverage tool is watching (they write their results at exit)."""
    code = main(process_ends=True)
    if sys.getprofile() or sys.gettrace():
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
