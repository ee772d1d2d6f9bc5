"""Helpers for the notice tests: a comment test site with notices switched on, the notify
command in-process or as real processes, and the clock moved with DIALOGUE_NOW."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from comment_site import BASE_URL, Result, Site, run_cli

REPO = Path(__file__).resolve().parents[2]
# A German post of the sales department: its department's moderator is carol.
SALES_POST = "vertrieb-post"
_clock = [dt.datetime.now(dt.UTC)]


def restart_clock() -> None:
    """Every test starts its own clock (tests/comments/conftest.py): comments arrive at real
    time, and a long session must not leave ``at(minutes=11)`` behind them."""
    _clock[0] = dt.datetime.now(dt.UTC)


def started() -> dt.datetime:
    return _clock[0]


def at(**delta: float) -> str:
    """A DIALOGUE_NOW this long after the test started."""
    return (started() + dt.timedelta(**delta)).isoformat()


def configure(
    site: Site,
    smtp_port: int | None,
    webhook: str | None = None,
    *,
    digest_minutes: int = 10,
    security: str = "none",
    extra: str = "",
) -> Site:
    """Switch notices on: SMTP on 127.0.0.1, a webhook, department moderators, a sales post."""
    config = site.root / "site.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "comments:\n", 'comments:\n  department_moderators: {"Vertrieb": ["carol"]}\n', 1
    )
    lines = ["notify:"]
    if smtp_port is not None:
        lines += [
            "  email:",
            f"    smtp: 127.0.0.1:{smtp_port}",
            f"    security: {security}",
            '    from: "Test Blog <dialog@blog.example.com>"',
        ]
    lines.append(f"  webhooks: [{webhook}]" if webhook else "  webhooks: []")
    lines.append(f"  digest_minutes: {digest_minutes}")
    config.write_text(text + "\n".join(lines) + "\n" + extra, encoding="utf-8")
    post = textwrap.dedent("""\
        ---
        title: Neues aus dem Vertrieb
        date: 2026-10-06T09:30:00+02:00
        authors: [bob]
        department: Vertrieb
        lang: de
        ---

        Text.
        """)
    (site.root / "content" / "posts" / f"{SALES_POST}.md").write_text(post, encoding="utf-8")
    manifest_path = site.root / "public" / "_dialogue" / "posts.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["posts"].append(
        {
            "slug": SALES_POST,
            "url": f"{BASE_URL}2026/10/{SALES_POST}/",
            "path": f"/2026/10/{SALES_POST}/",
            "title": "Neues aus dem Vertrieb",
            "comments_open": True,
            "authors": ["bob"],
        }
    )
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return site


def notify(site: Site, now: str, *args: str, env: Mapping[str, str] | None = None) -> Result:
    """``dialogue comments notify --once`` in-process, at the time ``now``."""
    return run_cli(site, "notify", "--once", *args, env={"DIALOGUE_NOW": now, **(env or {})})


def notify_process(site: Site, now: str, **env: str) -> subprocess.Popen[str]:
    """The same as a real process of its own (to run two at once, or to kill one)."""
    return subprocess.Popen(
        [sys.executable, "-m", "comments_moderation.cli", "comments", "notify", "--once"],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "DIALOGUE_NOW": now, **env},
    )


def sending_log(site: Site, env: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    result = run_cli(site, "notify", "--log", "--json", env=env)
    assert result.code == 0, result.err
    return list(result.json())
