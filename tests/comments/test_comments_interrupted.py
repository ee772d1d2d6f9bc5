"""An approval killed between its two steps (issue 15): the queue says approved, the file is
not written. Nothing of it may reach content/ (where `git add -A` would commit it). With the
queue file on this machine, no build publishes the site without the comment (it writes the file
first, check warns); a shared PostgreSQL queue is decided from many checkouts, and there
`dialogue comments publish` writes what a checkout lacks (the build does not touch it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from comment_site import Site, add_comment, run_cli

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T12:00:00+01:00"
# The approval, killed (SIGKILL: no cleanup, no finally) at the worst moment: its file is
# written and synced under a temporary name, the rename into content/comments/ not yet done.
KILLED_APPROVE = """
import os, signal, sys
real_replace = os.replace
def replace(source, target, *args, **kwargs):
    if str(target).endswith(".yaml") and "comments" in str(target):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(source, target, *args, **kwargs)
os.replace = replace
from generator.cli import main
main(["comments", "approve", sys.argv[1], "--by", "mod"])
"""


def dialogue(site: Site, *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DIALOGUE_NOW=NOW, PYTHONPATH=str(REPO), GIT_CONFIG_GLOBAL=os.devnull)
    command = ["-c", code, *args] if code else ["-m", "generator", *args]
    return subprocess.run(
        [sys.executable, *command],
        cwd=site.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def everything_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_killed_approval_leaves_nothing_in_content_and_the_build_restores_it(
    site: Site,
) -> None:
    kept = add_comment(site, body="Already published.")
    assert run_cli(site, "approve", kept, "--by", "mod").code == 0
    comment_id = add_comment(site, body="Approved, then the process was killed.")
    killed = dialogue(site, comment_id, code=KILLED_APPROVE)
    assert killed.returncode == -9, killed.stderr
    # The queue has decided; content/ holds only what was there before: no temporary file.
    assert everything_under(site.root / "content" / "comments") == [f"open-post/{kept}.yaml"]
    [leftover] = (site.root / ".dialogue" / "tmp").iterdir()
    assert leftover.name == f".{comment_id}.yaml.{leftover.name.split('.')[3]}.tmp"

    missing = f"content/comments/open-post/{comment_id}.yaml"
    if site.backend == "sqlite":
        checked = dialogue(site, "check")
        warning = f"{missing}: warning: approved in the comment queue, but the file is missing"
        assert warning in checked.stderr
        assert not (site.root / missing).exists()  # check writes nothing
        built = dialogue(site, "build")
        assert f"repair: restored {missing}" in built.stderr
        assert "left by an interrupted write" in built.stderr
    else:
        published = run_cli(site, "publish")
        assert published.code == 0, published.err
        assert (site.root / missing).is_file()
        assert "left by an interrupted write" in published.out + published.err
        built = dialogue(site, "build")
    assert built.returncode == 0, built.stderr
    assert list((site.root / ".dialogue" / "tmp").iterdir()) == []
    page = (site.root / "public/2026/10/open-post/index.html").read_text(encoding="utf-8")
    assert f'id="comment-{comment_id}"' in page and f'id="comment-{kept}"' in page


def test_old_leftovers_in_content_are_never_read_and_are_swept(site: Site) -> None:
    """Earlier versions wrote the temporary file beside the comment: one left there is never
    a comment, check names it, and the next comments command or build removes it."""
    kept = add_comment(site, body="Published.")
    assert run_cli(site, "approve", kept, "--by", "mod").code == 0
    folder = site.root / "content" / "comments" / "open-post"
    text = (folder / f"{kept}.yaml").read_text(encoding="utf-8")
    stale_id = "01JA00000000000000000000ZZ"
    leftover = folder / f".{stale_id}.yaml.99999999.tmp"  # no such process
    leftover.write_text(text.replace(kept, stale_id).replace("Published.", "Never shown."))
    checked = dialogue(site, "check")
    assert checked.returncode == 0, checked.stderr
    assert f"content/comments/open-post/{leftover.name}: warning: leftover of an interrupted" in (
        checked.stderr
    )
    if site.backend == "postgresql":  # the build leaves a shared queue alone: a command sweeps
        assert run_cli(site, "list").code == 0
    built = dialogue(site, "build")
    assert built.returncode == 0, built.stderr
    assert not leftover.exists()
    page = (site.root / "public/2026/10/open-post/index.html").read_text(encoding="utf-8")
    assert "Never shown." not in page and "Published." in page


def test_a_comments_command_sweeps_leftovers_of_dead_processes_only(site: Site) -> None:
    folder = site.root / "content" / "comments" / "open-post"
    folder.mkdir(parents=True)
    dead = folder / ".01JA00000000000000000000ZZ.yaml.99999999.tmp"
    alive = folder / f".01JA00000000000000000000ZY.yaml.{os.getpid()}.tmp"  # a write under way
    for path in (dead, alive):
        path.write_text("partial")
    result = run_cli(site, "list")
    assert result.code == 0, result.err
    assert not dead.exists()
    assert alive.exists()
    assert "removed content/comments/open-post/" in result.err
