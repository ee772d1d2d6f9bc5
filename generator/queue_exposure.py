"""Warnings for `check` and `build` about where the comment queue's secrets could leak to: an
SQLite queue file inside a git work tree that git does not ignore (`git add -A` would commit
every reader's email address), and a password written into site.yaml's queue URL.

Kept out of comments_moderation on purpose: a build must not load the comment package.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from generator.config import CONFIG_FILE, Config
from generator.diagnostics import Diagnostics
from generator.yamlsafe import load_yaml

URL_SCHEMES = ("postgresql://", "postgres://")


def _line(config: Config) -> int:
    try:
        text = (config.root / CONFIG_FILE).read_text(encoding="utf-8-sig")
    except OSError:
        return 0
    lines = load_yaml(text).key_lines
    return lines.get("comments.queue", lines.get("comments", 0))


def _work_tree(path: Path) -> Path | None:
    """The git work tree holding ``path`` (which may not exist yet), found without git."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return None


def _ignored(path: Path, tree: Path) -> bool | None:
    """Whether git ignores ``path``; None when git can't say (not installed, broken repo)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(tree), "check-ignore", "-q", "--", str(path)],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return {0: True, 1: False}.get(done.returncode)


def check_queue_location(config: Config, diag: Diagnostics) -> None:
    configured = config.comments.queue
    site_yaml = config.root / CONFIG_FILE
    if configured.startswith(URL_SCHEMES) and urlsplit(configured).password:
        diag.warning(
            site_yaml,
            _line(config),
            "comments.queue holds a password, and site.yaml goes into git: set the URL in "
            "the DIALOGUE_QUEUE environment variable, or the password in ~/.pgpass",
        )
    location = os.environ.get("DIALOGUE_QUEUE", "").strip() or configured
    if location.startswith(URL_SCHEMES):
        return
    path = (config.root / location).resolve()
    tree = _work_tree(path)
    if tree is None or _ignored(path, tree) is not False:
        return
    shown = path.relative_to(tree)
    # The queue's folder holds its -wal and -shm files too: ignore the folder when it has one.
    pattern = f"/{shown.parent.as_posix()}/" if shown.parent != Path(".") else f"/{shown}*"
    diag.warning(
        site_yaml,
        _line(config),
        f"the comment queue {shown.as_posix()} is inside the git work tree {tree} and git "
        f"does not ignore it: `git add -A` would commit readers' email addresses; add "
        f"'{pattern}' to {tree / '.gitignore'}",
    )
