"""``dialogue comments report --out FILE.html``: write the oversight report, never into the site."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from comments_moderation.reading import Context, SiteUnreadable, Usage
from comments_moderation.report.page import render


def _refuse_inside_site(ctx: Context, target: Path) -> None:
    """The report is internal: a file in the output would be published, one in content/
    would be committed and then published."""
    for folder, name in (
        (ctx.config.output_path, "output_dir"),
        (ctx.config.content_path, "content/"),
    ):
        if target.is_relative_to(folder.resolve()):
            raise Usage(
                f"--out {target}: that is inside {name}, which the public site is built from "
                "or into: write the report somewhere else, e.g. --out report.html"
            )


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    target = Path(args.out).expanduser()
    target = (target if target.is_absolute() else Path.cwd() / target).resolve()
    _refuse_inside_site(ctx, target)
    try:
        directory = ctx.directory()
    except SiteUnreadable:
        return 1
    html = render(ctx.config, directory, ctx.queue.list(), ctx.now)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its target and renamed: a reader never sees half a report.
        fd, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.replace(temporary, target)
    except OSError as exc:
        print(f"error: {target}: cannot write the report ({exc.strerror})", file=sys.stderr)
        return 1
    print(f"report written to {target}")
    return 0


HANDLERS: dict[str, Callable[[Context, argparse.Namespace], int]] = {"report": cmd_report}
