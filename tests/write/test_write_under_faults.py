"""The output under faults: a build killed at any moment leaves public/ exactly as the previous
build or the new one made it, never a mix, and the next build is right; two builds of one site
at once both succeed (one waits for the other); leftovers of killed builds are swept."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitetools import FIXED_NOW, REPO, post, write_files

POSTS = 40


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def sources(title: str, body: str) -> dict[str, str]:
    """A site of POSTS posts: ``title`` changes every page, ``body`` one post's page and feeds."""
    files = {
        "site.yaml": f"title: {title}\nbase_url: https://example.com/\nlanguage: en\n",
        "content/authors/alice.yaml": "name: Alice Example\n",
    }
    for number in range(POSTS):
        text = body if number == 7 else f"Post number {number}.\n"
        files[f"content/posts/p{number:02d}.md"] = post(
            f"Post {number}", date=f"2026-0{1 + number % 9}-{10 + number % 18}", body=text
        )
    return files


STATES = [(title, body) for title in ("Blog A", "Blog B") for body in ("One.\n", "Two.\n")]


def start_build(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DIALOGUE_NOW": FIXED_NOW, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "-q", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> str:
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return stderr


@pytest.fixture
def references(tmp_path: Path) -> dict[tuple[str, str], dict[str, bytes]]:
    """The output of a clean build of each state of the site."""
    found = {}
    for state in STATES:
        root = tmp_path / "reference" / f"{state[0]}-{state[1][:3]}"
        write_files(root, sources(*state))
        finished(start_build(root))
        found[state] = files_of(root / "public")
    return found


def test_a_killed_build_leaves_the_old_or_the_new_output(
    tmp_path: Path, references: dict[tuple[str, str], dict[str, bytes]]
) -> None:
    root = tmp_path / "site"
    state = STATES[0]
    write_files(root, sources(*state))
    started = time.perf_counter()
    finished(start_build(root))
    duration = time.perf_counter() - started
    chance = random.Random(16)
    outcomes = {"old": 0, "new": 0}
    for _ in range(12):
        new = chance.choice([s for s in STATES if s != state])
        write_files(root, sources(*new))
        build = start_build(root)
        time.sleep(chance.uniform(0.2, duration))
        build.send_signal(signal.SIGKILL)
        build.communicate()  # and closes its pipes
        output = files_of(root / "public")
        if output == references[state]:
            outcomes["old"] += 1
        else:
            assert output == references[new], "public/ is neither the old nor the new build"
            outcomes["new"] += 1
        finished(start_build(root))  # the cache a killed build left must not mislead this one
        assert files_of(root / "public") == references[new]
        state = new
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".public.")]
    assert leftovers == [".public.spare"], leftovers
    assert outcomes["old"] and outcomes["new"], f"the kills all fell on one side: {outcomes}"


def test_two_builds_of_one_site_at_once_both_succeed(
    tmp_path: Path, references: dict[tuple[str, str], dict[str, bytes]]
) -> None:
    """Like `dialogue build` while `serve` rebuilds: one waits, neither breaks the cache."""
    root = tmp_path / "site"
    write_files(root, sources(*STATES[0]))
    finished(start_build(root))
    for state in (STATES[3], STATES[1], STATES[2]):
        write_files(root, sources(*state))
        first, second = start_build(root), start_build(root, "--out", "other")
        finished(first), finished(second)
        assert files_of(root / "public") == references[state]
        assert files_of(root / "other") == references[state]


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_files(root, sources(*STATES[0]))
    finished(start_build(root))
    write_files(root, sources(*STATES[1]))
    with open(root / ".dialogue" / "build.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a build in progress holds it
        waiting = start_build(root)
        assert waiting.stderr is not None
        first = waiting.stderr.readline()  # blocks until the build says it waits (or ends)
        assert "waiting for another build of this site" in first
        assert waiting.poll() is None, "the build did not wait for the lock"
        before = files_of(root / "public")
    finished(waiting)
    assert files_of(root / "public") != before


def test_leftovers_of_killed_builds_are_swept(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_files(root, sources(*STATES[0]))
    finished(start_build(root))
    for name in (".public.staging-999999", ".public.staging-1", ".public.old-4242"):
        write_files(root, {f"{name}/index.html": "half a site"})
    finished(start_build(root))  # nothing to write, and still it sweeps
    assert [p.name for p in root.iterdir() if p.name.startswith(".public.")] == [".public.spare"]


def test_the_output_parked_by_a_killed_fallback_swap_comes_back(tmp_path: Path) -> None:
    """Where the system cannot exchange folders, the swap is three renames; killed after the
    first, the output is missing and the old one parked beside it: the next build restores it
    before anything else (and then builds as usual)."""
    root = tmp_path / "site"
    write_files(root, sources(*STATES[0]))
    finished(start_build(root))
    built = files_of(root / "public")
    (root / "public").rename(root / ".public.aside")
    (root / "content/posts/p03.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    failed = start_build(root)
    failed.communicate(timeout=60)
    assert failed.returncode == 1
    assert files_of(root / "public") == built  # a failed build: the previous output, restored
    assert not (root / ".public.aside").exists()
