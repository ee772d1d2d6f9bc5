"""Helpers for the WordPress import tests: a German site that already has a post and an author,
the uploads folder of the export (real PNG files), and ``dialogue`` run in-process.

The export itself (export.xml beside this file) was written by hand after real WordPress 6.4
exports: three authors with umlauts (one whose login is an email address), classic and
block-editor posts, a caption, a gallery, an embed and an unknown shortcode, attachments (one
missing from the uploads), CET and CEST dates, a draft without a title or date_gmt, a scheduled,
a private, a trashed and a password-protected post, nested pages, and comments in every status
(threaded, by a post's author, pending, spam, trash, a pingback, a hostile one).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import sqlite3
import struct
import zlib
from pathlib import Path

from generator import cli

HERE = Path(__file__).resolve().parent
EXPORT = HERE / "export.xml"
FIXED_NOW = "2026-11-23T12:00:00+01:00"
SITE_YAML = """\
title: Acme im Dialog
base_url: https://blog.acme.example/
language: de
timezone: Europe/Berlin
comments:
  moderators: [anna]
"""
EXISTING = {
    "content/authors/anna.yaml": "name: Anna Admin\nemail: anna@acme.example\n",
    "content/posts/2020/hallo-welt.md": (
        "---\ntitle: Hallo Welt\ndate: 2020-01-01\nauthors: [anna]\n---\n\nSchon da.\n"
    ),
}
UPLOADS = {"2019/01/teaser.png": (60, 40), "2019/01/teaser-300x200.png": (30, 20)}
UPLOADS["2019/07/update.png"] = (80, 60)
# Every visitor's address in the export: none may reach content/ or the built site (the staff's
# are in their author files, never published).
COMMENTER_EMAILS = [
    address
    for address in re.findall(
        r"<wp:comment_author_email><!\[CDATA\[([^\]]+)\]\]>", EXPORT.read_text("utf-8")
    )
    if not address.endswith("@acme.example")
]


def png(width: int, height: int) -> bytes:
    """A valid RGB PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xcc\x88\x44" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_site(root: Path) -> Path:
    """The site to import into, with the export's uploads folder beside it."""
    files: dict[str, str | bytes] = {"site.yaml": SITE_YAML, **EXISTING}
    files.update({f"uploads/{name}": png(*size) for name, size in UPLOADS.items()})
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def dialogue(root: Path, *args: str | Path) -> tuple[int, str, str]:
    """``dialogue ARGS`` in ``root`` with the suite's fixed clock: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("DIALOGUE_NOW")
    os.environ["DIALOGUE_NOW"] = FIXED_NOW
    try:
        with (
            contextlib.chdir(root),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = cli.main([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        if saved is None:
            os.environ.pop("DIALOGUE_NOW", None)
        else:
            os.environ["DIALOGUE_NOW"] = saved
    return code, out.getvalue(), err.getvalue()


def import_export(root: Path, *extra: str | Path, export: Path = EXPORT) -> tuple[int, str, str]:
    return dialogue(root, "import", "wordpress", export, "--uploads", root / "uploads", *extra)


def tree(root: Path) -> dict[str, str]:
    """Every file under content/ with the hash of its bytes."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((root / "content").rglob("*"))
        if path.is_file()
    }


def queue_rows(root: Path) -> list[dict[str, object]]:
    """The queue's comments, read with plain SQLite (no migration, nothing written)."""
    path = root / ".dialogue" / "comments.sqlite3"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM comments ORDER BY id")]
    finally:
        conn.close()
