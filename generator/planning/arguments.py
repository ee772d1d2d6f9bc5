"""The command line of ``dialogue schedule`` and ``dialogue plan``: only argparse is loaded here,
the site is read by the handlers (commands.py) when one of them runs."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

_DURATION = re.compile(r"^\s*(\d+)\s*([mhd]?)\s*$")
_UNITS = {"": "minutes", "m": "minutes", "h": "hours", "d": "days"}


def duration(value: str) -> dt.timedelta:
    """'75m', '2h', '1d' (a bare number is minutes), for ``schedule --due``."""
    match = _DURATION.match(value)
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"'{value}' is no duration: write e.g. 75m, 2h or 1d")
    return dt.timedelta(**{_UNITS[match[2]]: int(match[1])})


def _weeks(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is no number of weeks: write e.g. 8")
    return int(value)


def _run_schedule(args: argparse.Namespace) -> int:
    from generator.planning.commands import run_schedule

    return run_schedule(args, Path.cwd())  # the site is where the command runs, as for build


def _run_plan(args: argparse.Namespace) -> int:
    from generator.planning.commands import run_plan

    return run_plan(args, Path.cwd())


def add_arguments(commands: Any) -> None:
    """Adds ``schedule`` and ``plan`` to the ``dialogue`` subcommands."""
    schedule = commands.add_parser(
        "schedule",
        help="when time alone changes the site: scheduled posts, closing comment forms",
        description="Every change that time alone makes to the built site, with its exact "
        "instant in the site's time zone: scheduled posts going live, comment forms closing "
        "(close_after_days), the year in the footer. A CI job rebuilds when one falls due.",
    )
    schedule.add_argument("--json", action="store_true", help='{"next": ..., "changes": [...]}')
    schedule.add_argument(
        "--due",
        type=duration,
        metavar="WINDOW",
        help="list only the changes that fell due in the last WINDOW (75m, 2h, 1d) and print "
        "nothing if none did: a scheduled CI job rebuilds when the output is not empty",
    )
    schedule.set_defaults(handler=_run_schedule)

    plan = commands.add_parser(
        "plan",
        help="the editorial plan: scheduled posts, drafts, silent departments",
        description="Drafts and scheduled posts by date, author and department; departments "
        "that published nothing for N weeks and authors with drafts older than a month.",
    )
    plan.add_argument("--json", action="store_true", help="the plan as JSON")
    plan.add_argument(
        "--weeks",
        type=_weeks,
        default=8,
        metavar="N",
        help="a department is silent after N weeks without a post (default: 8)",
    )
    plan.add_argument(
        "--ics",
        metavar="FILE",
        help="also write the scheduled posts (and drafts dated ahead) as an iCalendar file",
    )
    plan.set_defaults(handler=_run_plan)
