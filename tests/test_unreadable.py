"""Files and folders the build may not read or write (issue 15): each is a ``path: message``
error, exit 1, no traceback, and the previous output stays as it was.

The suite runs as root, whom permissions do not stop. So the CLI runs as a real subprocess
without the capabilities that let root ignore them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
dropped with util-linux's ``setpriv``): still uid 0, still the owner of the files, but a file
with mode 000 is as unreadable to it as to anyone. Not root: permissions apply as they are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sitetools import FIXED_NOW, REPO, RunCli, post

CAPS = "-dac_override,-dac_read_search"
SETPRIV = shutil.which("setpriv")
NO_READ = "cannot read it: permission denied (give the user running dialogue access)"
NO_FOLDER = "cannot list the folder: permission denied (give the user running dialogue access)"
COMMENT_ID = "01JA0000000000000000000001"
COMMENT = f"""\
id: {COMMENT_ID}
post: hello
parent: null
name: Erika M.
created: 2024-03-02T10:00:00+01:00
approved: 2024-03-02T11:00:00+01:00
approved_by: alice
staff: null
body: |
  A comment that must not vanish in silence.
"""


def _prefix() -> list[str] | None:
    """The command prefix that makes permissions apply, or None if nothing can."""
    if os.geteuid() != 0:
        return []
    if SETPRIV is None:
        return None
    return [SETPRIV, "--bounding-set", CAPS, "--inh-caps", CAPS, "--"]


def _permissions_apply(prefix: list[str], folder: Path) -> bool:
    probe = folder / "probe"
    probe.write_text("x")
    probe.chmod(0)
    done = subprocess.run([*prefix, "cat", str(probe)], capture_output=True, check=False)
    probe.chmod(0o600)
    probe.unlink()
    return done.returncode != 0


@pytest.fixture
def run_unprivileged(tmp_path: Path) -> Iterator[RunCli]:
    """``run_unprivileged(args, cwd)``: ``python -m generator`` for whom permissions apply."""
    prefix = _prefix()
    if prefix is None or not _permissions_apply(prefix, tmp_path):
        pytest.skip("cannot make file permissions apply here (needs setpriv or a non-root user)")

    def run(args: list[str], cwd: Path, **_: object) -> tuple[int, str, str]:
        env = dict(os.environ, DIALOGUE_NOW=FIXED_NOW, PYTHONPATH=str(REPO))
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "generator", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr

    yield run
    for path in tmp_path.rglob("*"):  # let pytest clean up
        if not path.is_symlink():
            path.chmod(0o700)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def errors(stderr: str) -> list[str]:
    return sorted(
        line
        for line in stderr.splitlines()
        if not line.startswith(("check:", "Build failed")) and ": warning: " not in line
    )


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(
        {
            "content/posts/hello.md": post("Hello"),
            "content/posts/2024/second.md": post("Second", date="2024-03-02"),
            "content/posts/bundle/index.md": post("Bundle", body="![x](photo.png)\n"),
            "content/posts/bundle/photo.png": b"\x89PNG not really",
            "content/pages/about.md": "---\ntitle: About\n---\nAbout us.\n",
            f"content/comments/hello/{COMMENT_ID}.yaml": COMMENT,
        }
    )


def refused(run: RunCli, root: Path, expected: list[str], commands: tuple[str, ...]) -> None:
    for command in commands:
        code, stdout, stderr = run([command], root)
        assert code == 1, stderr
        assert errors(stderr) == sorted(expected), stderr
        assert "Traceback" not in stdout + stderr


@pytest.mark.parametrize(
    ("unreadable", "message", "commands"),
    [
        ("content/posts/hello.md", NO_READ, ("check", "build")),
        ("content/pages/about.md", NO_READ, ("check", "build")),
        ("content/authors/bob.yaml", NO_READ, ("check", "build")),
        (f"content/comments/hello/{COMMENT_ID}.yaml", NO_READ, ("check", "build")),
        ("content/comments/hello", NO_FOLDER, ("check", "build")),
        ("content/posts/2024", NO_FOLDER, ("check", "build")),
        ("content/posts/bundle/photo.png", NO_READ, ("build",)),  # read when copied
    ],
)
def test_an_unreadable_file_or_folder_is_an_error_and_the_site_stays(
    unreadable: str,
    message: str,
    commands: tuple[str, ...],
    site: Path,
    run_unprivileged: RunCli,
) -> None:
    """Built once; then one file or folder loses its permissions. With the cache warm (the
    build before remembers everything), nothing may hide it: not the cache, not a folder walk
    that skips what it cannot list (posts and comments vanished with exit 0)."""
    code, _, stderr = run_unprivileged(["build"], site)
    assert code == 0, stderr
    before = tree(site / "public")
    (site / unreadable).chmod(0)
    refused(run_unprivileged, site, [f"{unreadable}: {message}"], commands)
    assert tree(site / "public") == before
    assert not [p for p in site.iterdir() if ".staging-" in p.name]


@pytest.mark.parametrize(
    ("read_only", "fix"),
    [
        ("public", "make it writable, or build elsewhere with --out DIR"),
        (".", "make it writable, or build elsewhere with --out DIR"),
        (".dialogue/cache", "make it writable, or remove .dialogue/cache"),
        (".dialogue/cache/posts", "make it writable, or remove .dialogue/cache"),
    ],
)
def test_an_unwritable_output_or_cache_is_an_error_and_the_site_stays(
    read_only: str, fix: str, site: Path, run_unprivileged: RunCli
) -> None:
    code, _, stderr = run_unprivileged(["build"], site)
    assert code == 0, stderr
    (site / "content/posts/new.md").write_text(post("New", date="2024-03-05"))
    before = tree(site / "public")
    (site / read_only).chmod(0o555)
    try:
        message = f"the build cannot write here (permission denied or read-only): {fix}"
        path = "." if read_only == "." else read_only
        refused(run_unprivileged, site, [f"{path}: {message}"], ("build",))
    finally:
        (site / read_only).chmod(0o755)
    assert tree(site / "public") == before
    code, _, stderr = run_unprivileged(["check"], site)  # check writes nothing: it passes
    assert code == 0, stderr


def test_an_unwritable_out_folder_is_an_error(
    site: Path, run_unprivileged: RunCli, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    code, stdout, stderr = run_unprivileged(["build", "--out", str(locked / "public")], site)
    assert code == 1
    assert f"{locked}: the build cannot write here" in stderr
    assert "Traceback" not in stdout + stderr
    assert list(locked.iterdir()) == []


def test_a_fifo_posing_as_a_post_is_refused(site: Path, run_cli_subprocess: RunCli) -> None:
    """Opening it waited for a writer for ever (a subprocess: a hang fails the test)."""
    os.mkfifo(site / "content/posts/fifo.md")
    code, _, stderr = run_cli_subprocess(["check"], site, timeout=60)
    assert code == 1
    message = "not a regular file: only plain files are read and published"
    assert errors(stderr) == [f"content/posts/fifo.md: {message}"]
