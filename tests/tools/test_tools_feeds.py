"""Every feed as feed readers get it: feedparser reads it without complaint as the version its
name promises (feed.xml Atom 1.0, rss.xml RSS 2.0), every Atom feed validates against RFC 4287's
RELAX NG schema with jing (bozo only catches broken XML, not a missing id or a bad date), and the
feeds list what they should."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tools.conftest import ATOM_RNC, Built, require

pytestmark = pytest.mark.tools

# Atom without the required id and updated: jing must reject it, else the schema run is void.
CANARY = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>e</title><updated>yesterday</updated></entry></feed>
"""


def feeds(built: Built) -> list[Path]:
    found = sorted(built.out.rglob("feed.xml")) + sorted(built.out.rglob("rss.xml"))
    assert len(found) >= 5, found
    return found


def test_every_feed_parses_in_feedparser_with_its_version(built: Built) -> None:
    import feedparser

    problems = []
    for path in feeds(built):
        name = path.relative_to(built.out).as_posix()
        feed = feedparser.parse(path.read_bytes())
        expected = "atom10" if path.name == "feed.xml" else "rss20"
        if feed.bozo:
            problems.append(f"{name}: {feed.bozo_exception!r}")
        if feed.version != expected:
            problems.append(f"{name}: version {feed.version!r}, expected {expected}")
        if not feed.feed.get("title"):
            problems.append(f"{name}: no title")
        if not feed.entries and name in ("feed.xml", "rss.xml"):  # an author may have none yet
            problems.append(f"{name}: no entries")
        for entry in feed.entries:
            # keys(), not get(): feedparser warns when "updated" falls back to "published".
            keys = set(entry.keys())
            if not {"id", "link"} <= keys or not keys & {"updated", "published"}:
                problems.append(f"{name}: entry {entry.get('title')!r} lacks id, link or date")
    assert not problems, "\n".join(problems)


def test_every_atom_feed_validates_with_jing(built: Built, tmp_path: Path) -> None:
    jing = require("jing")
    canary = tmp_path / "canary.xml"
    canary.write_text(CANARY, encoding="utf-8")
    atom = [p for p in feeds(built) if p.name == "feed.xml"]
    done = subprocess.run(
        [jing, "-c", str(ATOM_RNC), *map(str, atom), str(canary)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Debian's wrapper script warns about optional jars it can't find: not about our feeds.
    output = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and not line.startswith("[warning] /usr/bin/jing: Unable to locate")
    ]
    on_canary = [line for line in output if str(canary) in line]
    assert on_canary and done.returncode != 0, f"jing did not fault the canary: {output}"
    errors = [line.replace(str(built.out), "") for line in output if line not in on_canary]
    assert not errors, f"{len(errors)} schema errors:\n" + "\n".join(errors)


def test_feed_entries_name_all_authors_of_their_post(built: Built) -> None:
    """SPEC: every entry names all of its post's authors (site, author, tag and department
    feeds alike)."""
    import feedparser

    manifest = json.loads((built.out / "_dialogue" / "posts.json").read_text("utf-8"))
    names = {
        p.stem: yaml.safe_load(p.read_text("utf-8"))["name"]
        for p in (built.root / "content" / "authors").glob("*.yaml")
    }
    authors_of = {p["url"]: [names[a] for a in p["authors"]] for p in manifest["posts"]}
    problems = []
    posts = {p["path"] for p in manifest["posts"]}
    for path in feeds(built):
        folder = "/" + path.parent.relative_to(built.out).as_posix() + "/"
        if path.parent.name == "comments" or folder in posts:
            continue  # comment feeds: the site's and each post's
        for entry in feedparser.parse(path.read_bytes()).entries:
            expected = authors_of.get(entry.link)
            if expected is None:
                problems.append(f"{path.relative_to(built.out)}: entry {entry.link} is no post")
                continue
            got = [a.get("name") for a in entry.get("authors", [])]
            if sorted(got) != sorted(expected):
                problems.append(f"{path.relative_to(built.out)}: {entry.link}: {got} != {expected}")
    assert not problems, "\n".join(problems)


def test_feeds_opml_lists_every_feed(built: Built) -> None:
    import xml.etree.ElementTree as ET

    tree = ET.parse(built.out / "feeds.opml")
    listed = {o.get("xmlUrl") for o in tree.iter("outline") if o.get("xmlUrl")}
    present = {built.base_url + p.relative_to(built.out).as_posix() for p in feeds(built)}
    assert listed <= present, f"feeds.opml lists feeds that don't exist: {listed - present}"
    # RSS twins carry the same posts as their Atom feeds; posts' comment feeds are their own.
    manifest = json.loads((built.out / "_dialogue" / "posts.json").read_text("utf-8"))
    own = {built.base_url + p["path"].lstrip("/") + "feed.xml" for p in manifest["posts"]}
    missing = {u for u in present - listed - own if not u.endswith("/rss.xml")}
    assert not missing, f"feeds.opml misses {sorted(missing)}"
