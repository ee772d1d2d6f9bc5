"""``dialogue schedule`` and ``dialogue plan``: read the whole site (drafts and scheduled posts
too), then say what time will change and what the writers have in the pipeline."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from generator import clock
from generator.assemble import BuildOptions
from generator.build import read_site
from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.model import Site
from generator.planning import ical, text
from generator.planning.editorial import Entry, Plan, editorial_plan
from generator.planning.timeline import Change, due, shows_year, time_changes
from generator.themes import Theme, load_theme


def load(root: Path, now: dt.datetime) -> tuple[Site | None, Theme | None, Diagnostics]:
    """The site with its drafts and scheduled posts, as ``dialogue check`` reads it, its theme,
    and every problem found (the site is None when there were errors)."""
    diag = Diagnostics(root)
    config = load_config(root, diag)
    site = theme = None
    if config is not None:
        theme = load_theme(root, config.theme, diag)
        site = read_site(config, diag, options=BuildOptions(drafts=True, future=True, now=now))
    return (None if diag.errors else site), theme, diag


def read_everything(root: Path, now: dt.datetime) -> tuple[Site, Theme] | None:
    """``load``, with the problems printed (warnings too); None means there were errors."""
    site, theme, diag = load(root, now)
    diag.report()
    if site is None or theme is None:
        print("fix the problems above first: `dialogue check` lists them", file=sys.stderr)
        return None
    return site, theme


def schedule_json(changes: list[Change], upcoming: list[Change]) -> dict[str, Any]:
    return {
        "next": upcoming[0].at.isoformat() if upcoming else None,
        "changes": [change.as_json() for change in changes],
    }


def run_schedule(args: argparse.Namespace, root: Path) -> int:
    now = clock.now()
    found = read_everything(root, now)
    if found is None:
        return 1
    site, theme = found
    year_shown = shows_year(theme)
    upcoming = time_changes(site, now, year_shown=year_shown)
    fell_due = due(site, now, args.due, year_shown=year_shown) if args.due else None
    if args.json:
        listed = upcoming if fell_due is None else fell_due
        print(json.dumps(schedule_json(listed, upcoming), ensure_ascii=False, indent=2))
    elif fell_due is not None:
        # Nothing at all when nothing fell due: CI tests the output for emptiness.
        for change in fell_due:
            print(text.change_line(change))
    else:
        print(text.schedule(site, now, upcoming))
    return 0


def entry_json(entry: Entry) -> dict[str, Any]:
    post = entry.post
    return {
        "status": entry.status,
        "date": post.date.isoformat(),
        "title": post.title,
        "path": entry.path,
        "url": post.url,
        "authors": list(post.author_ids),
        "department": post.department or None,
        "tags": list(post.tags),
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "now": plan.now.isoformat(),
        "weeks": plan.weeks,
        "scheduled": [entry_json(e) for e in plan.scheduled],
        "drafts": [entry_json(e) for e in plan.drafts],
        "departments": [
            {
                "name": d.name,
                "url": f"/departments/{d.slug}/",
                "last_published": _iso(d.last_published),
                "published_in_window": d.published_recently,
                "scheduled": [e.path for e in d.scheduled],
                "drafts": [e.path for e in d.drafts],
            }
            for d in plan.departments
        ],
        "authors": [
            {
                "id": w.id,
                "name": w.name,
                "department": w.department or None,
                "last_published": _iso(w.last_published),
                "scheduled": [e.path for e in w.scheduled],
                "drafts": [e.path for e in w.drafts],
            }
            for w in plan.writers
        ],
        "gaps": {
            "silent_departments": [d.name for d in plan.silent],
            "stale_drafts": [
                {"author": w.id, "drafts": [e.path for e in w.stale_drafts]} for w in plan.stale
            ],
        },
    }


def run_plan(args: argparse.Namespace, root: Path) -> int:
    now = clock.now()
    found = read_everything(root, now)
    if found is None:
        return 1
    site, _ = found
    plan = editorial_plan(site, now, args.weeks)
    if args.ics:
        target = Path(args.ics)
        events = ical.calendar(site, plan)
        target.write_bytes(events.encode("utf-8"))
        count = events.count("BEGIN:VEVENT\r\n")
        print(f"wrote {args.ics}: {count} event{'s' * (count != 1)}", file=sys.stderr)
    if args.json:
        print(json.dumps(plan_json(plan), ensure_ascii=False, indent=2))
    else:
        print(text.plan(site, plan))
    return 0
