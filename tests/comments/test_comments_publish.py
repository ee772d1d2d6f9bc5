"""Approved comment files: every accepted value loads back identically, written atomically."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from comment_site import Site, add_comment, field_cases, run_cli

from comments_moderation import ids, publish
from comments_moderation.queue import QueuedComment
from comments_moderation.validate import validate
from generator.config import load_config
from generator.content.comments import COMMENT_ID, read_comment
from generator.diagnostics import Diagnostics

ACCEPTED_NAMES = [
    case.value
    for case in field_cases()
    if case.field == "name"
    and validate({"post": "p", "name": case.value, "email": "e@example.com", "body": "b"}, 10000)[0]
    is not None
]
BODIES = [
    "    code block first\n\nthen text",
    "ends with spaces   \nand tabs\t\n- list",
    "---\nname: injected\napproved: true",
    '!!python/object/apply:os.system ["id"]',
    "Quotes ' \" and # hash and: colon",
    "\u00a0non-breaking start",
]


@pytest.mark.parametrize("name", ACCEPTED_NAMES)
def test_accepted_names_round_trip_through_the_file(site: Site, name: str) -> None:
    checked, _ = validate({"post": "p", "name": name, "email": "e@example.com", "body": "b"}, 10000)
    assert checked is not None
    cid = add_comment(site, name=checked.name)
    assert run_cli(site, "approve", cid, "--by", "mod").code == 0
    [path] = site.comment_files()
    loaded = read_comment(path, Diagnostics(site.root))
    assert loaded is not None and loaded.name == checked.name


@pytest.mark.parametrize("body", BODIES)
def test_bodies_round_trip(site: Site, body: str) -> None:
    cid = add_comment(site, body=body, website="https://example.org/?q=a&b=%0d%0a#x")
    assert run_cli(site, "approve", cid, "--by", "mod").code == 0
    loaded = read_comment(site.comment_files()[0], Diagnostics(site.root))
    assert loaded is not None
    assert (loaded.body, loaded.website) == (body, "https://example.org/?q=a&b=%0d%0a#x")


def test_write_is_atomic_and_leaves_no_temporary_files(site: Site) -> None:
    cid = add_comment(site)
    run_cli(site, "approve", cid, "--by", "mod")
    folder = site.root / "content" / "comments" / "open-post"
    assert [p.name for p in folder.iterdir()] == [f"{cid}.yaml"]
    assert oct(folder.joinpath(f"{cid}.yaml").stat().st_mode & 0o777) == "0o644"


def test_a_slug_cannot_lead_outside_content(site: Site) -> None:
    config = load_config(site.root, Diagnostics(site.root))
    assert config is not None
    now = dt.datetime.now(dt.UTC)
    bad = QueuedComment(
        id=ids.new_id(), post="../../etc", parent=None, name="x", email=None, website=None,
        body="b", created=now, status="approved", approved=now, approved_by="mod",
    )  # fmt: skip
    with pytest.raises(ValueError, match="not a valid slug"):
        publish.write(bad, config)


def test_ids_are_ulids_sortable_and_unique_across_threads() -> None:
    found: list[str] = []
    lock = threading.Lock()

    def make() -> None:
        batch = [ids.new_id() for _ in range(2000)]
        assert batch == sorted(batch)  # monotonic within the process
        with lock:
            found.extend(batch)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 8000
    assert all(COMMENT_ID.match(i) for i in found)
    assert abs(ids.id_time_ms(ids.new_id()) - time.time() * 1000) < 5000
