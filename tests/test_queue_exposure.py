"""`check` and `build` warn when the comment queue could reach git: an SQLite queue file inside
a work tree that git does not ignore, or a password in site.yaml's queue URL."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from sitetools import MINIMAL_SITE_YAML, RunCli, post

MakeSite = Callable[..., Path]
WARNING = "site.yaml:4: warning: the comment queue .dialogue/comments.sqlite3 is inside the git"


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_an_unignored_queue_file_in_a_work_tree_is_a_warning(
    run_cli: RunCli, make_site: MakeSite
) -> None:
    root = make_site({"content/posts/a.md": post("A")})
    _git_init(root)
    for command in ("check", "build"):
        code, _, err = run_cli([command], root)
        assert code == 0, err
        assert WARNING in err
        assert "would commit readers' email addresses; add '/.dialogue/' to" in err
    code, _, err = run_cli(["check", "--strict"], root)
    assert code == 1
    (root / ".gitignore").write_text("/.dialogue/\n/public/\n", encoding="utf-8")
    code, _, err = run_cli(["check", "--strict"], root)
    assert (code, "comment queue" in err) == (0, False)


def test_no_warning_outside_git_or_for_a_postgresql_queue(
    run_cli: RunCli, make_site: MakeSite
) -> None:
    root = make_site({"content/posts/a.md": post("A")})
    code, _, err = run_cli(["check", "--strict"], root)  # not a work tree
    assert (code, "comment queue" in err) == (0, False)
    _git_init(root)
    env = {"DIALOGUE_QUEUE": "postgresql://intake@db.example.com/dialogue"}
    code, _, err = run_cli(["check", "--strict"], root, env=env)
    assert (code, "comment queue" in err) == (0, False)


def test_a_password_in_the_queue_url_is_a_warning(run_cli: RunCli, make_site: MakeSite) -> None:
    yaml = MINIMAL_SITE_YAML + '  queue: "postgresql://intake:s3cret@db.example.com/dialogue"\n'
    root = make_site({"site.yaml": yaml, "content/posts/a.md": post("A")})
    code, _, err = run_cli(["check"], root)
    assert code == 0
    assert "site.yaml:6: warning: comments.queue holds a password" in err
    assert "DIALOGUE_QUEUE" in err and "s3cret" not in err
