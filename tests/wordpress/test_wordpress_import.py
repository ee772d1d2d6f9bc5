"""``dialogue import wordpress``: the realistic export (export.xml) into a site that already has
content, read back through the build's own readers; then built, and checked as a reader and a
search engine get it."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from browser.domoracle import violations

from generator.content.frontmatter import parse
from generator.markdown.comments import render_comment
from wordpress.wxr_site import (
    COMMENTER_EMAILS,
    dialogue,
    import_export,
    make_site,
    queue_rows,
    tree,
)


@dataclass
class Imported:
    root: Path
    code: int
    out: str
    err: str

    def post(self, path: str) -> tuple[dict[str, object], str]:
        front = parse((self.root / path).read_bytes())
        assert not front.problems, front.problems
        return front.data, front.body

    def comments(self, slug: str) -> dict[str, dict[str, object]]:
        """The post's comment files, by the first words of their body."""
        found = {}
        for path in sorted((self.root / "content" / "comments" / slug).glob("*.yaml")):
            data = yaml.safe_load(path.read_text("utf-8"))
            found[" ".join(data["body"].split()[:2])] = data
        return found


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    root = make_site(tmp_path_factory.mktemp("wordpress") / "site")
    code, out, err = import_export(root)
    return Imported(root, code, out, err)


def test_the_import_succeeds_and_says_what_it_did(imported: Imported) -> None:
    assert imported.code == 0, imported.err
    out = imported.out
    assert "authors     3 (3 new, 0 already in content/authors)" in out
    assert "posts       6 (4 published, 1 draft, 1 scheduled)" in out
    assert "pages       2" in out
    assert "7 approved as comment files, 2 of them staff answers; 2 pending into the queue" in out
    assert "as departments" in out and "Kundenservice (1), Technik (2)" in out
    assert "1 private post, 1 password-protected post, 1 post in the trash" in out
    assert "1 spam comment, 1 comment in the trash, 1 pingback or trackback" in out
    assert "1 nav_menu_item" in out
    for check in (
        "content/posts/2019/ueber-oel-strasse: unknown shortcode [contact-form-7] kept as text",
        "file 2019/01/fehlt.png not found in --uploads",
        "content/posts/2018/hallo-welt-26: slug 'hallo-welt' is taken: imported as 'hallo-welt-26'",
        "draft without a title: titled 'Ohne Titel'",
    ):
        assert check in out, out


def test_authors_keep_their_names_and_their_email_stays_unpublished(imported: Imported) -> None:
    authors = imported.root / "content" / "authors"
    jm = yaml.safe_load((authors / "jmueller.yaml").read_text("utf-8"))
    assert jm == {"name": "Jürgen Müller", "email": "j.mueller@acme.example"}
    zoe = yaml.safe_load((authors / "zoe-oezdemir.yaml").read_text("utf-8"))
    assert zoe["name"] == "Zoë Özdemir"
    # A login that is an email address gives an id without it.
    assert yaml.safe_load((authors / "redaktion.yaml").read_text("utf-8"))["name"] == (
        "Redaktion Straße"
    )
    assert (authors / "anna.yaml").read_text("utf-8").startswith("name: Anna Admin")


def test_a_classic_post_with_its_dates_taxonomy_image_and_old_address(imported: Imported) -> None:
    data, body = imported.post("content/posts/2019/ueber-oel-strasse/index.md")
    assert data["title"] == "Über Öl & Straße: was sich 2019 ändert"
    assert data["date"] == dt.datetime(2019, 1, 15, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert data["authors"] == ["jmueller"]
    assert data["department"] == "Technik"  # Firmware's top level; the second category a tag
    assert data["tags"] == ["Firmware", "Kundenservice", "App", "Heizung"]
    assert data["summary"] == "Fünf Fragen, fünf Antworten zum Heizen."
    assert data["sticky"] is True and data["image"] == "teaser.png"
    assert data["aliases"] == ["/2019/01/15/ueber-oel-strasse/", "/?p=11"]
    folder = imported.root / "content/posts/2019/ueber-oel-strasse"
    assert sorted(p.name for p in folder.iterdir()) == ["index.md", "teaser.png"]
    # wpautop: a single newline is a line break, a blank line a paragraph.
    assert "Hier die Antworten.\\\nEine zweite Zeile im selben Absatz." in body
    assert "<figure>\n\n[![Ein Thermostat an der Wand](teaser.png)](teaser.png)" in body
    assert "<figcaption>Das neue Thermostat im Flur</figcaption>" in body
    # Internal links go to the new addresses: by old permalink, by ?p=, to a category archive.
    assert "[Beitrag zur Firmware 4.2](/2019/07/firmware-4-2/)" in body
    assert "[Weihnachtsgruß](/2018/12/frohe-weihnachten/#comments)" in body
    assert "[über uns](/ueber-uns/)" in body
    assert "[Firmware](/tags/firmware/)" in body
    assert "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>" in body  # an embed paragraph
    assert "https://blog.acme.example/wp-content/uploads/2019/01/fehlt.png" in body
    assert "`arr[i]`" in body  # code is never read as a shortcode
    assert '\\[contact-form-7 id\\="5" title\\="Kontakt"\\]' in body  # kept, visibly
    assert "\\<script\\>" in body  # text that looks like HTML stays text


def test_a_block_editor_post(imported: Imported) -> None:
    data, body = imported.post("content/posts/2019/firmware-4-2/index.md")
    assert data["date"] == dt.datetime(2019, 7, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert data["comments"] is False  # comment_status closed
    assert data["department"] == "Kundenservice"
    assert "<!--" not in body
    assert "## Was ist neu?" in body
    assert "![Der Update-Dialog](update.png)" in body  # the original, not the 1024x768 copy
    assert "<figcaption>So sieht das Update in der App aus</figcaption>" in body
    assert "<https://www.youtube.com/watch?v=abc_DEF-123>" in body
    assert "> Endlich startet das Gerät in zwei Sekunden." in body
    assert "```\nfirmware --update 4.2\n```" in body
    assert "[Heizöl-Beitrag](/2019/01/ueber-oel-strasse/)" in body
    answer = imported.comments("ueber-oel-strasse")["Freut mich,"]["id"]
    assert f"[Antwort von Jürgen](/2019/01/ueber-oel-strasse/#comment-{answer})" in body


def test_drafts_scheduled_and_pages(imported: Imported) -> None:
    draft, _ = imported.post("content/posts/2019/entwurf-20.md")
    # No post_date_gmt: post_date is read in the site's zone (still summer time that night).
    assert draft["date"] == dt.datetime(
        2019, 10, 27, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert draft["draft"] is True and draft["title"] == "Ohne Titel"
    future, _ = imported.post("content/posts/2027/ausblick-2027.md")
    assert "draft" not in future and future["department"] == "Technik"
    page, body = imported.post("content/pages/ueber-uns.md")
    assert page["title"] == "Über uns" and page["aliases"] == ["/?page_id=30", "/?p=30"]
    assert "[Team](/team/)" in body
    team, _ = imported.post("content/pages/team.md")
    assert team["aliases"] == ["/ueber-uns/team/", "/?page_id=31", "/?p=31"]
    names = {p.name for p in (imported.root / "content/posts").rglob("*.md")}
    assert not names & {"interne-gehaltsrunde.md", "nur-fuer-partner.md", "alter-entwurf.md"}


def test_approved_comments_are_threaded_files_without_email(imported: Imported) -> None:
    comments = imported.comments("ueber-oel-strasse")
    assert set(comments) == {"Danke für", "Freut mich,", "Mache ich,", "Toller Beitrag"}
    first, answer, thanks = comments["Danke für"], comments["Freut mich,"], comments["Mache ich,"]
    assert first["parent"] is None and first["website"] == "https://barbara.example.org/"
    assert first["created"] == first["approved"]
    assert first["created"] == dt.datetime(
        2019, 1, 15, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert answer["parent"] == first["id"] and thanks["parent"] == answer["id"]
    # Written by the post's author (WordPress user 1): a staff answer under the author's name.
    assert answer["staff"] == "jmueller" and answer["name"] == "Jürgen Müller"
    assert thanks["staff"] is None
    assert "Danke für die Tipps!\\\nBei uns hat das *sofort* geholfen." in first["body"]
    block = imported.comments("firmware-4-2")
    assert block["Ja, ab"]["staff"] == "zoe-oezdemir"  # recognised by her address
    assert block["Läuft bei"]["created"].utcoffset() == dt.timedelta(hours=2)
    # A comment by an author on someone else's post is a comment, not an answer.
    assert imported.comments("frohe-weihnachten")["Auch von"]["staff"] is None
    texts = "".join(p.read_text("utf-8") for p in (imported.root / "content").rglob("*.yaml"))
    for address in COMMENTER_EMAILS:
        assert address not in texts
    assert "192.0.2.17" not in texts and "2001:db8::1" not in texts


def test_the_hostile_comment_keeps_nothing_executable(imported: Imported) -> None:
    hostile = imported.comments("ueber-oel-strasse")["Toller Beitrag"]
    body = str(hostile["body"])
    assert not re.search(r"(?<!\\)<[a-z]", body)  # no tag: what looks like one is escaped text
    assert "onerror" not in body and "onmouseover" not in body and "onclick" not in body
    assert "[gut](https://ok.example/)" in body and "**fett**" in body
    assert violations(render_comment(body)) == []  # the static DOM oracle of the XSS tests
    assert "website" not in hostile  # javascript: is no website
    assert hostile["name"] == "<img src=x onerror=alert(1)>Mallory"  # text, escaped when shown


def test_pending_comments_go_into_the_queue_with_their_threading(imported: Imported) -> None:
    rows = queue_rows(imported.root)
    assert [r["status"] for r in rows] == ["pending", "pending"]
    by_name = {r["name"]: r for r in rows}
    first = imported.comments("ueber-oel-strasse")["Danke für"]
    assert by_name["Karl Klein"]["parent"] == first["id"]
    assert by_name["Noch Offen"]["email"] == "pending.person@example.net"  # the queue only
    assert by_name["Noch Offen"]["created"].startswith("2019-01-17T08:00:00")


def test_a_second_run_changes_nothing(imported: Imported) -> None:
    before, rows = tree(imported.root), queue_rows(imported.root)
    code, out, err = import_export(imported.root)
    assert code == 0, err
    assert tree(imported.root) == before
    assert queue_rows(imported.root) == rows
    assert "Files: 0 written, 17 unchanged, 0 already there and different" in out
    assert "authors     3 (0 new, 3 already in content/authors)" in out
    assert "queue: 2 pending comments were already there" in out


@pytest.fixture(scope="module")
def public(imported: Imported) -> Path:
    """The imported site built (once per module; any test may be the first to ask)."""
    code, _, err = dialogue(imported.root, "build")
    assert code == 0, err
    return imported.root / "public"


def test_the_imported_site_checks_and_builds(imported: Imported, public: Path) -> None:
    code, _, err = dialogue(imported.root, "check", "--strict")
    # The one upload the export's folder lacked is still linked on the old blog's host, which
    # the new site takes over: check finds it (the import's summary named it too).
    missing = "https://blog.acme.example/wp-content/uploads/2019/01/fehlt.png"
    assert err.splitlines() == [
        f"content/posts/2019/ueber-oel-strasse/index.md:34: broken link '{missing}': "
        "leads to no page or file of the site",
        "check: 1 problem to fix",
    ], err
    assert code == 1
    post = (public / "2019/01/ueber-oel-strasse/index.html").read_text("utf-8")
    for comment in imported.comments("ueber-oel-strasse").values():
        assert f'id="comment-{comment["id"]}"' in post
    assert "&lt;img src=x onerror=alert(1)&gt;Mallory" in post
    assert not (public / "2027").exists()  # scheduled
    home = (public / "index.html").read_text("utf-8")
    assert home.index("/2019/01/ueber-oel-strasse/") < home.index("/2020/01/hallo-welt/")  # sticky
    leaks = [
        p.relative_to(imported.root).as_posix()
        for p in [*public.rglob("*"), *(imported.root / "content").rglob("*")]
        if p.is_file() and any(a.encode() in p.read_bytes() for a in COMMENTER_EMAILS)
    ]
    assert not leaks
    staff = [p for p in public.rglob("*") if p.is_file() and b"@acme.example" in p.read_bytes()]
    assert not staff


def test_old_addresses_redirect(public: Path) -> None:
    old = (public / "2019/01/15/ueber-oel-strasse/index.html").read_text("utf-8")
    new = "/2019/01/ueber-oel-strasse/"
    assert f'<meta http-equiv="refresh" content="0; url={new}">' in old
    assert f'<link rel="canonical" href="https://blog.acme.example{new}">' in old
    assert '<meta name="robots" content="noindex">' in old
    assert (public / "ueber-uns/team/index.html").is_file()
    forwarded = json.loads((public / "_dialogue/redirects.json").read_text("utf-8"))
    assert forwarded["/?p=12"] == "/2019/07/firmware-4-2/"
    assert forwarded["/?page_id=30"] == "/ueber-uns/"
    assert "/?p=21" not in forwarded  # scheduled: not built yet
    assert 'data-map="/_dialogue/redirects.json"' in (public / "index.html").read_text("utf-8")
    assert 'data-map="/_dialogue/redirects.json"' in (public / "404.html").read_text("utf-8")
    sitemap = (public / "sitemap.xml").read_text("utf-8")
    assert "2019/01/15/" not in sitemap  # redirect pages are not pages to index
