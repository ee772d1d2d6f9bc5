"""What the cache tests share: the sample site's files, builds through the CLI, output trees
compared byte for byte, and edits of a site's sources."""

from __future__ import annotations

import difflib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sitetools import RunCli

Edit = Callable[[Path], None]

GEN_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "bench" / "gen_corpus.py"
THEME = "themes/default"
DREI = "content/posts/2026/drei-stimmen.md"
BUNDLE = "content/posts/2026/bundle-post/index.md"
ALT = "content/posts/2026/alte-antwort.md"
DREI_PAGE = "2026/10/drei-stimmen/index.html"
BUNDLE_PAGE = "2026/09/bundle-post/index.html"
ALT_PAGE = "2026/03/alte-antwort/index.html"
COMMENTS = "content/comments"


# ---------------------------------------------------------------- helpers


def files_of(folder: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file below ``folder``."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def tree_difference(actual: Path, expected: Path) -> str:
    """'' when both folders hold the same files with the same bytes, else what differs: the
    names of missing, extra and differing files, and a short diff of the first differing one."""
    got, want = files_of(actual), files_of(expected)
    missing = sorted(want.keys() - got.keys())
    extra = sorted(got.keys() - want.keys())
    differ = sorted(name for name in got.keys() & want.keys() if got[name] != want[name])
    if not (missing or extra or differ):
        return ""
    lines = [f"{actual} differs from {expected}:"]
    for label, names in (("missing", missing), ("extra", extra), ("different", differ)):
        if names:
            lines.append(f"  {label} ({len(names)}): {', '.join(names)}")
    if differ:
        first = differ[0]
        diff = difflib.unified_diff(
            want[first].decode("utf-8", "replace").splitlines(),
            got[first].decode("utf-8", "replace").splitlines(),
            f"clean/{first}",
            f"incremental/{first}",
            n=1,
            lineterm="",
        )
        lines += [f"    {line[:160]}" for line in list(diff)[:16]]
    return "\n".join(lines)


def assert_same_tree(actual: Path, expected: Path) -> None:
    if difference := tree_difference(actual, expected):
        pytest.fail(difference, pytrace=False)


def build(run_cli: RunCli, root: Path, *args: str) -> str:
    """``dialogue build ARGS`` in ``root``; must succeed. Returns its stdout."""
    code, stdout, stderr = run_cli(["build", *args], root)
    assert code == 0, f"build {' '.join(args)} failed in {root}:\n{stderr}"
    return stdout


def clean_build(run_cli: RunCli, root: Path, target: Path, *args: str) -> Path:
    """Build a copy of ``root``'s sources (without output or cache) in ``target``; its public/."""
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("public", ".dialogue", "out-*"))
    build(run_cli, target, "-q", *args)
    return target / "public"


def written_by(stdout: str) -> set[str]:
    """The files ``build -v`` reports as written."""
    return {
        line.removeprefix("written: ") for line in stdout.splitlines() if line[:9] == "written: "
    }


# ---------------------------------------------------------------- edits


def sub(path: str, old: str, new: str) -> Edit:
    """Replace the one occurrence of ``old`` in the site's file ``path``."""

    def edit(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{path} should contain {old!r} once"
        file.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def write(path: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")

    return edit


def remove(path: str) -> Edit:
    def edit(root: Path) -> None:
        (root / path).unlink()

    return edit


def add_comment(post_slug: str, comment_id: str) -> Edit:
    """A new approved comment on ``post_slug``: drei-stimmen's first comment with a new id,
    later dates, another name and body (the moderation CLI writes this format)."""

    def edit(root: Path) -> None:
        model = root / COMMENTS / "drei-stimmen/01JA0000000000000000000001.yaml"
        text = model.read_text(encoding="utf-8")
        for key, value in {
            "id": comment_id,
            "post": post_slug,
            "name": "Carla T.",
            "created": "2026-11-20T08:00:00+01:00",
            "approved": "2026-11-20T09:30:00+01:00",
        }.items():
            text, count = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
            assert count == 1, key
        text = text[: text.index("body: |")] + "body: |\n  Ein ganz neuer Kommentar.\n"
        write(f"{COMMENTS}/{post_slug}/{comment_id}.yaml", text)(root)

    return edit


def published_posts(root: Path) -> Iterator[Path]:
    """The corpus' posts that are built (no drafts), in a fixed order."""
    for path in sorted((root / "content/posts").rglob("*.md")):
        if "\ndraft: true" not in path.read_text(encoding="utf-8").split("\n---", 1)[0]:
            yield path
