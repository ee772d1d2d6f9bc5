"""Front matter an attacker or a careless paste produces (issue 15), beyond the exact messages
of tests/sites/invalid/ (fm_duplicate_key, fm_unclosed_quote, fm_dst_gap, fm_control_chars,
tags_too_many, tags_same_slug, bidi_fields): what the same input gives in another time zone
or on another machine, and what pages do with bidi controls."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

from sitetools import PAYLOADS, SITES, RunCli, post

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Time zones as odd as a build machine may have: half and three-quarter hours, far from UTC,
# and a POSIX rule string.
ODD_TZ = ["Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu", "XYZ-13:45ABC,M3.5.0,M10.5.0"]


def case(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(SITES / "invalid" / name, root, ignore=shutil.ignore_patterns("expected.txt"))
    return root


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_same_wall_clock_times_build_in_utc(run_cli: RunCli, tmp_path: Path) -> None:
    """What does not exist (or exists twice) in Europe/Berlin is one instant in UTC."""
    root = case("fm_dst_gap", tmp_path)
    site = (root / "site.yaml").read_text().replace("timezone: Europe/Berlin", "timezone: UTC")
    (root / "site.yaml").write_text(site)
    code, _, stderr = run_cli(["build"], root)
    assert code == 0, stderr
    feed = ET.parse(root / "public" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    published = {
        entry.findtext(f"{atom}title"): entry.findtext(f"{atom}published")
        for entry in feed.iter(f"{atom}entry")
    }
    assert published["Spring forward"] == "2026-03-29T02:30:00+00:00"
    assert published["Autumn back"] == "2026-10-25T02:30:00+00:00"
    assert published["With offset"] == "2026-10-25T02:30:00+01:00"


def test_the_output_never_depends_on_the_machines_time_zone(
    make_site: Callable[..., Path], run_cli_subprocess: RunCli
) -> None:
    """Posts near both clock changes, with and without times: byte-identical output whatever
    TZ says (a real process each, so the C library reads TZ afresh)."""
    root = make_site(
        {
            "site.yaml": "title: T\nbase_url: https://example.com/\ntimezone: Europe/Berlin\n",
            "content/posts/before.md": post("Before", date="2026-03-29 01:59"),
            "content/posts/after.md": post("After", date="2026-03-29 03:00"),
            "content/posts/autumn.md": post("Autumn", date="2026-10-25 03:30"),
            "content/posts/midnight.md": post("Midnight", date="2026-10-25"),
            "content/posts/new-year.md": post("New year", date="2025-12-31T23:30:00"),
        }
    )
    outputs = []
    for zone in ["UTC", *ODD_TZ]:
        code, _, stderr = run_cli_subprocess(["build", "--clean"], root, env={"TZ": zone})
        assert code == 0, stderr
        outputs.append(files(root / "public"))
    assert all(output == outputs[0] for output in outputs[1:])
    feed = outputs[0]["feed.xml"].decode()
    assert "2026-03-29T01:59:00+01:00" in feed and "2026-03-29T03:00:00+02:00" in feed
    assert "2025-12-31T23:30:00+01:00" in feed


def test_a_gap_is_refused_whatever_the_machines_time_zone(
    run_cli_subprocess: RunCli, tmp_path: Path
) -> None:
    root = case("fm_dst_gap", tmp_path)
    for zone in ODD_TZ:
        code, _, stderr = run_cli_subprocess(["check"], root, env={"TZ": zone})
        assert code == 1
        assert "content/posts/spring.md:4: date 2026-03-29 02:30 does not exist" in stderr


class _Isolation(HTMLParser):
    """Text holding a bidi control, and whether an element around it isolates it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[tuple[str, bool]] = []  # (text, isolated)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "link", "img", "br", "hr", "input", "source"):
            self.stack.append((tag, tag == "bdi" or any(name == "dir" for name, _ in attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if BIDI & set(data) and not any(tag in ("title", "script") for tag, _ in self.stack):
            self.found.append((data, any(isolated for _, isolated in self.stack)))


def test_bidi_controls_reach_pages_isolated(run_cli: RunCli, tmp_path: Path) -> None:
    """Title, author name, tag and department hold bidi controls: every place a page shows
    one, an element with dir="auto" (or a <bdi>) confines it (the <title> cannot hold
    elements; a browser shows it alone anyway)."""
    root = case("bidi_fields", tmp_path)
    code, _, stderr = run_cli(["build"], root)
    assert code == 0, stderr
    seen: set[str] = set()
    for page in (root / "public").rglob("*.html"):
        parser = _Isolation()
        parser.feed(page.read_text(encoding="utf-8"))
        for text, isolated in parser.found:
            assert isolated, f"{page.relative_to(root)}: {text!r} is not isolated"
            seen |= BIDI & set(text)
    assert seen == {"\u202e", "\u2067", "\u200f"}  # all three fields reached pages


def _payload_values(kinds: tuple[str, ...]) -> list[str]:
    """The literal values of tests/payloads/comment_fields.txt (any field) holding one of these
    kinds of character: 'control' (C0 but tab and line breaks, DEL, C1) or 'bidi'."""
    from test_content import decode_line

    values = []
    for line in (PAYLOADS / "comment_fields.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 4 or parts[1] != "lit":
            continue
        value = decode_line(parts[2])
        if "\n" in value or "\0" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            continue  # a line break or NUL ends the value in YAML; a lone surrogate is no UTF-8
        control = any((c < " " and c != "\t") or "\x7f" <= c <= "\x9f" for c in value)
        if ("control" in kinds and control) or ("bidi" in kinds and BIDI & set(value)):
            values.append(value)
    return values


def test_payload_values_in_text_fields(run_cli: RunCli, make_site: Callable[..., Path]) -> None:
    """The shared payloads' hostile values as an author's name, a title and a tag, written as
    YAML escapes (raw ones: tests/sites/invalid/fm_control_chars): control characters are
    errors at their line, bidi controls warn."""
    controls, bidis = _payload_values(("control",)), _payload_values(("bidi",))
    assert len(controls) >= 3 and len(bidis) >= 2
    files: dict[str, str] = {}
    for index, value in enumerate(controls + bidis):
        quoted = json.dumps(value)  # a YAML double-quoted string: escapes for the controls
        files[f"content/authors/x{index}.yaml"] = f"role: R\nname: {quoted}\n"
        files[f"content/posts/p{index}.md"] = post(quoted, tags=f"[{quoted}]", authors="[alice]")
    root = make_site(files)
    code, _, stderr = run_cli(["check"], root)
    assert code == 1
    lines = stderr.splitlines()
    for index in range(len(controls)):
        assert any(f"content/authors/x{index}.yaml:2: control character" in x for x in lines)
        assert any(f"content/posts/p{index}.md:2: control character" in x for x in lines)
        assert any(f"content/posts/p{index}.md:5: control character" in x for x in lines)
    for index in range(len(controls), len(controls) + len(bidis)):
        assert f"content/authors/x{index}.yaml:2: warning: 'name' holds invisible bidi" in stderr
        assert f"content/posts/p{index}.md:2: warning: 'title' holds invisible bidi" in stderr
        assert f"content/posts/p{index}.md:5: warning: 'tags' holds invisible bidi" in stderr
    assert "Traceback" not in stderr
