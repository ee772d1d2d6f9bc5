"""What the build of tests/sites/basic offers readers, feed readers and search engines (issue 3):
feeds read by feedparser and validated by jing, sitemap, robots.txt, OPML, the intake manifest,
author/tag/department pages, links that resolve, no e-mail addresses, and golden output.

The fixture site: authors anna, ben, chris (with posts) and dora (without); drei-stimmen by
anna, ben and chris with two approved comments (one a staff reply); bundle-post (English, a
page bundle with images, tags Dialog and API); alte-antwort (comments: false); a draft
(entwurf) and a post scheduled for 2030 (geplant). posts_per_page is 2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree as ET

import feedparser
import pytest
from htmlcheck import elements, page_links, page_violations, text_of
from sitetools import GOLDEN, TESTS, RunCli
from sitetools import post as post_text

BASE = "https://blog.example.com/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
THREE = ["Anna Schmidt", "Ben Okafor", "Chris Weber"]
PUBLISHED = {
    "drei-stimmen": "/2026/10/drei-stimmen/",
    "bundle-post": "/2026/09/bundle-post/",
    "alte-antwort": "/2026/03/alte-antwort/",
}
# Feed file -> (feedparser version, slugs of its entries in order).
FEEDS = {
    "feed.xml": ("atom10", ["drei-stimmen", "bundle-post", "alte-antwort"]),
    "rss.xml": ("rss20", ["drei-stimmen", "bundle-post", "alte-antwort"]),
    "authors/anna/feed.xml": ("atom10", ["drei-stimmen"]),
    "authors/ben/feed.xml": ("atom10", ["drei-stimmen", "bundle-post"]),
    "authors/chris/feed.xml": ("atom10", ["drei-stimmen", "alte-antwort"]),
    "authors/dora/feed.xml": ("atom10", []),
    "tags/dialog/feed.xml": ("atom10", ["drei-stimmen", "bundle-post"]),
    "tags/api/feed.xml": ("atom10", ["bundle-post"]),
    "tags/strasse-oel/feed.xml": ("atom10", ["drei-stimmen"]),
    "departments/kommunikation/feed.xml": ("atom10", ["drei-stimmen"]),
    "departments/entwicklung/feed.xml": ("atom10", ["bundle-post"]),
    "departments/kundenservice/feed.xml": ("atom10", ["alte-antwort"]),
}
# Beside every author's, topic's and department's Atom feed, the same posts as RSS.
FEEDS |= {
    name.replace("feed.xml", "rss.xml"): ("rss20", slugs)
    for name, (_, slugs) in FEEDS.items()
    if name.count("/") == 2
}
# The comments on each post that has them or takes them (alte-antwort takes none).
POST_COMMENT_FEEDS = ["2026/10/drei-stimmen/feed.xml", "2026/09/bundle-post/feed.xml"]
COMMENT_IDS = ["01JA0000000000000000000002", "01JA0000000000000000000001"]


@pytest.fixture(scope="module")
def public(built_basic: Path) -> Path:
    return built_basic / "public"


def read(public: Path, name: str) -> str:
    return (public / name).read_text(encoding="utf-8")


def output_for(public: Path, url: str) -> Path:
    """The file a site URL (absolute or a path) is served from."""
    path = urlsplit(url).path
    return public / (path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/"))


def html_files(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


# ---------------------------------------------------------------- feeds


def test_feed_files_are_exactly_these(public: Path) -> None:
    xml = {p.relative_to(public).as_posix() for p in public.rglob("*.xml")}
    assert xml == {*FEEDS, *POST_COMMENT_FEEDS, "comments/feed.xml", "sitemap.xml"}


@pytest.mark.parametrize("name", FEEDS)
def test_feed_parses_cleanly(name: str, public: Path) -> None:
    version, slugs = FEEDS[name]
    feed = feedparser.parse((public / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    assert feed.feed.link.startswith(BASE)
    links = [entry.link for entry in feed.entries]
    assert links == [BASE + PUBLISHED[slug].lstrip("/") for slug in slugs]
    for entry in feed.entries:
        slug = entry.link.rstrip("/").rsplit("/", 1)[1]
        names = [author["name"] for author in entry.authors]
        assert names == (THREE if slug == "drei-stimmen" else names[:1]), names
        assert entry.id.startswith("tag:blog.example.com,2026-")
        assert entry.id.endswith(f":post/{slug}")
        assert entry.title
        assert entry.get("published_parsed")
        if version == "atom10":  # RSS has no updated (asking feedparser for it warns)
            assert entry.get("updated_parsed")
        for content in entry.get("content", []):
            for link in page_links(content.value).links:
                assert link.startswith(("https://", "mailto:")), (name, link)


def test_every_co_author_in_every_feed(public: Path) -> None:
    """Jekyll's feed keeps only the first author: every feed that has the post names all three."""
    holders = [name for name, (_, slugs) in FEEDS.items() if "drei-stimmen" in slugs]
    assert len(holders) == 14  # site (Atom, RSS); 3 authors, 2 tags, 1 department (both each)
    for name in holders:
        feed = feedparser.parse((public / name).read_bytes())
        (entry,) = [e for e in feed.entries if e.link.endswith("/drei-stimmen/")]
        assert [a["name"] for a in entry.authors] == THREE, name
        if feed.version == "atom10":
            assert [a["href"] for a in entry.authors] == [
                f"{BASE}authors/{who}/" for who in ("anna", "ben", "chris")
            ]


def test_feed_content_and_images_are_absolute(public: Path) -> None:
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    (entry,) = [e for e in feed.entries if e.link.endswith("/bundle-post/")]
    images = [dict(e.attrs) for e in elements(entry.content[0].value) if e.tag == "img"]
    assert [i["src"] for i in images] == [f"{BASE}2026/09/bundle-post/diagram.svg"]
    assert output_for(public, images[0]["src"]).is_file()
    assert entry.updated == "2026-09-03T00:00:00+02:00"  # `updated` honoured
    assert [t.term for t in entry.tags] == ["Dialog", "API"]


def test_topic_feeds_give_summaries(public: Path) -> None:
    """feeds.full_content: main (the default): the site's feeds carry each post in full, the
    author, tag and department feeds its summary and link."""
    for name in ("authors/ben/feed.xml", "tags/api/feed.xml"):
        feed = feedparser.parse((public / name).read_bytes())
        (entry,) = [e for e in feed.entries if e.link.endswith("/bundle-post/")]
        assert "content" not in entry, name
        assert entry.summary and entry.link.startswith(BASE)
    rss = feedparser.parse((public / "rss.xml").read_bytes())
    assert all(entry.content[0].value for entry in rss.entries)


def test_comment_feed(public: Path) -> None:
    feed = feedparser.parse((public / "comments/feed.xml").read_bytes())
    assert not feed.bozo and feed.version == "atom10"
    assert [e.link for e in feed.entries] == [
        f"{BASE}2026/10/drei-stimmen/#comment-{cid}" for cid in COMMENT_IDS
    ]
    assert [e.author for e in feed.entries] == ["Ben Okafor", "Barbara S."]
    for entry in feed.entries:
        assert "<script" not in entry.content[0].value


@pytest.mark.tools
def test_atom_feeds_validate_with_jing(public: Path) -> None:
    jing = shutil.which("jing")
    assert jing, "jing is missing: run `make system-tools` (Debian package jing)"
    feeds = sorted(str(p) for p in public.rglob("*.xml") if p.name == "feed.xml")
    assert len(feeds) == 14  # the site's, authors', tags', departments', comments' ones
    done = subprocess.run(
        [jing, "-c", str(TESTS / "schemas/atom.rnc"), *feeds],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_entry_ids_survive_a_title_change(
    run_cli: RunCli, site_copy: Callable[[str], Path]
) -> None:
    root = site_copy("basic")
    assert run_cli(["build", "-q"], root)[0] == 0
    before = feedparser.parse((root / "public/feed.xml").read_bytes())
    source = root / "content/posts/2026/drei-stimmen.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("Drei Stimmen", "Ganz neue Stimmen"),
        encoding="utf-8",
    )
    assert run_cli(["build", "-q"], root)[0] == 0
    after = feedparser.parse((root / "public/feed.xml").read_bytes())
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert after.entries[0].title == "Ganz neue Stimmen zum Über-Öl-Thema"


def test_feed_limit_and_summary_only(run_cli: RunCli, site_copy: Callable[[str], Path]) -> None:
    root = site_copy("basic")
    with (root / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("feeds: {limit: 2, full_content: false}\n")
    assert run_cli(["build", "-q"], root)[0] == 0
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((root / "public" / name).read_bytes())
        assert len(feed.entries) == 2
        assert all("content" not in e for e in feed.entries), name
        assert feed.entries[0].summary == "Drei Abteilungen, ein Thema."


# ---------------------------------------------------------------- sitemap, robots, OPML, manifest


def test_sitemap(public: Path) -> None:
    root = ET.parse(public / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP_NS}urlset"
    entries = {
        u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod")
        for u in root.iter(f"{SITEMAP_NS}url")
    }
    for url, lastmod in entries.items():
        assert url and url.startswith(BASE), url
        assert output_for(public, url).is_file(), url
        assert lastmod and dt.datetime.fromisoformat(lastmod).tzinfo is not None
    pages = {
        BASE + p.relative_to(public).as_posix().removesuffix("index.html")
        for p in html_files(public)
        if p.name == "index.html"
    }
    assert set(entries) == pages  # every page but 404.html, nothing else
    assert entries[f"{BASE}2026/09/bundle-post/"] == "2026-09-03T00:00:00+02:00"
    assert entries[f"{BASE}authors/"] == "2026-10-05T09:30:00+02:00"


def test_a_large_sitemap_becomes_an_index(
    run_cli: RunCli, site_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """sitemaps.org allows 50,000 URLs a file: past that, /sitemap.xml lists numbered parts.
    The limit is lowered here so the fixture site needs several parts."""
    from generator import plan

    monkeypatch.setattr(plan, "SITEMAP_LIMIT", 10)
    root = site_copy("basic")
    assert run_cli(["build", "-q"], root)[0] == 0
    public = root / "public"
    index = ET.parse(public / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    parts = [s.findtext(f"{SITEMAP_NS}loc") or "" for s in index.iter(f"{SITEMAP_NS}sitemap")]
    assert parts == [f"{BASE}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    urls: list[str] = []
    for part in parts:
        urlset = ET.parse(output_for(public, part)).getroot()
        assert urlset.tag == f"{SITEMAP_NS}urlset"
        found = [u.findtext(f"{SITEMAP_NS}loc") or "" for u in urlset.iter(f"{SITEMAP_NS}url")]
        assert 0 < len(found) <= 10
        urls += found
    pages = {
        BASE + p.relative_to(public).as_posix().removesuffix("index.html")
        for p in html_files(public)
        if p.name == "index.html"
    }
    assert len(parts) > 1 and sorted(urls) == sorted(pages)


def test_robots_txt_names_the_sitemap(public: Path) -> None:
    lines = read(public, "robots.txt").splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert "User-agent: *" in lines


def test_opml_lists_every_atom_feed_in_groups(public: Path) -> None:
    """Site, authors, topics, departments: each feed once (Atom; its RSS twin carries the same
    posts), with the page it belongs to. Posts' own comment feeds are not listed."""
    root = ET.parse(public / "feeds.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    groups = root.find("body")
    assert groups is not None
    headings = [g.get("text") for g in groups]
    assert headings == ["Beispiel im Dialog", "Autor:innen", "Themen", "Abteilungen"], headings
    feeds = [o for g in groups for o in g]
    urls = [o.get("xmlUrl") for o in feeds]
    files = {p.relative_to(public).as_posix() for p in public.rglob("*.xml")}
    atom = files - {"sitemap.xml", *POST_COMMENT_FEEDS} - {f for f in files if "rss" in f}
    assert sorted(urls) == sorted(BASE + name for name in atom)
    assert all(o.get("text") and o.get("title") and o.get("type") == "rss" for o in feeds)
    pages = {o.get("xmlUrl"): o.get("htmlUrl") for o in feeds}
    assert pages[BASE + "authors/ben/feed.xml"] == BASE + "authors/ben/"
    assert pages[BASE + "tags/api/feed.xml"] == BASE + "tags/api/"
    assert pages[BASE + "feed.xml"] == BASE


def test_posts_json_lists_published_posts_only(public: Path) -> None:
    manifest = json.loads(read(public, "_dialogue/posts.json"))
    posts = {p["slug"]: p for p in manifest["posts"]}
    assert list(posts) == list(PUBLISHED)
    for slug, post in posts.items():
        assert post["url"] == BASE + PUBLISHED[slug].lstrip("/")
        assert output_for(public, post["url"]).is_file()
        assert post["title"]
    assert posts["alte-antwort"]["comments_open"] is False  # comments: false
    assert posts["drei-stimmen"]["comments_open"] is True  # 49 days old, closes after 90
    # The intake answers in the post's language (lang: en on a German site).
    assert {slug: post["lang"] for slug, post in posts.items()} == {
        "drei-stimmen": "de",
        "bundle-post": "en",
        "alte-antwort": "de",
    }


# ---------------------------------------------------------------- pages


def test_author_without_posts_has_a_page(public: Path) -> None:
    page = read(public, "authors/dora/index.html")
    assert "Dora Neu" in page and "Werkstudentin" in page
    assert 'href="/authors/dora/feed.xml"' in page
    assert 'href="/authors/dora/"' in read(public, "authors/index.html")


def test_authors_overview_lists_everyone(public: Path) -> None:
    page = read(public, "authors/index.html")
    for who, name in zip(("anna", "ben", "chris", "dora"), [*THREE, "Dora Neu"], strict=True):
        assert f'href="/authors/{who}/"' in page
        assert name in page


def test_a_tag_used_once_has_its_page(public: Path) -> None:
    for tag in ("api", "strasse-oel"):
        page = read(public, f"tags/{tag}/index.html")
        assert '<link rel="alternate" type="application/atom+xml"' in page
        assert f'href="/tags/{tag}/feed.xml"' in page
    assert 'href="/2026/09/bundle-post/"' in read(public, "tags/api/index.html")
    overview = read(public, "tags/index.html")
    assert all(f'href="/tags/{t}/"' in overview for t in ("api", "dialog", "strasse-oel"))


def test_pagination(public: Path) -> None:
    assert '<link rel="next" href="/page/2/">' in read(public, "index.html")
    second = read(public, "page/2/index.html")
    assert '<link rel="prev" href="/">' in second
    assert 'href="/2026/03/alte-antwort/"' in second
    assert not (public / "page/3").exists()
    assert (public / "departments/kommunikation/index.html").is_file()


def test_a_department_page_counts_its_posts_in_words(public: Path) -> None:
    text = " ".join(text_of(read(public, "departments/kundenservice/index.html")).split())
    assert "1 Beitrag · Kundenservice als Feed abonnieren" in text


def test_drafts_and_scheduled_posts_are_nowhere(public: Path) -> None:
    for path in public.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in (b"entwurf", b"Ein Entwurf", b"geplant", b"Ein geplanter Beitrag"):
                assert needle not in data, f"{needle!r} in {path.relative_to(public)}"
    assert not (public / "2030").exists() and not (public / "2026/08").exists()


def test_no_email_address_anywhere(public: Path, built_basic: Path) -> None:
    emails = set()
    for author in (built_basic / "content/authors").glob("*.yaml"):
        emails |= set(re.findall(r"^email:\s*(\S+)", author.read_text(), re.M))
    assert emails == {"anna@example.com", "ben@example.com"}
    address = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
    for path in public.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [e for e in emails if e.encode() in data], path
            # Pagefind's own interface credits its translators by address: not ours.
            if path.relative_to(public).parts[0] != "pagefind":
                assert address.findall(data) == [], path


def test_every_internal_link_and_anchor_resolves(public: Path) -> None:
    pages = {p: page_links(p.read_text(encoding="utf-8")) for p in html_files(public)}
    broken = []
    checked = 0
    for page, found in pages.items():
        page_url = "/" + page.relative_to(public).as_posix().removesuffix("index.html")
        for link in found.links:
            absolute = urljoin(BASE + page_url.lstrip("/"), link)
            if not absolute.startswith(BASE):
                assert urlsplit(absolute).scheme in ("https", "http", "mailto"), link
                continue
            parts = urlsplit(absolute)
            target = output_for(public, parts.path)
            checked += 1
            if not target.is_file():
                broken.append(f"{page_url}: {link}")
            elif parts.fragment:
                ids = pages[target].ids if target in pages else set()
                if parts.fragment not in ids:
                    broken.append(f"{page_url}: {link} (no id)")
    assert broken == []
    assert checked > 300


def test_pages_are_safe_and_canonical(public: Path) -> None:
    for path in html_files(public):
        html = path.read_text(encoding="utf-8")
        assert page_violations(html) == [], path
        if path.name == "index.html":
            url = BASE + path.relative_to(public).as_posix().removesuffix("index.html")
            assert f'<link rel="canonical" href="{url}">' in html, path
            assert '<meta property="og:title"' in html, path


def test_post_credits_every_author(public: Path) -> None:
    html = read(public, "2026/10/drei-stimmen/index.html")
    links = set(page_links(html).links)
    for who in ("anna", "ben", "chris"):
        assert f"/authors/{who}/" in links  # their page
        assert f"/authors/{who}/feed.xml" in links  # their feed
    for department in ("kommunikation", "entwicklung", "kundenservice"):
        assert f"/departments/{department}/" in links  # each author's department
    (ld,) = [
        json.loads(text)
        for text in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    assert ld["@type"] == "BlogPosting"
    assert [a["name"] for a in ld["author"]] == THREE
    assert [e for e in elements(html) if ("id", f"comment-{COMMENT_IDS[0]}") in e.attrs]


def test_languages_and_localised_dates(public: Path) -> None:
    english = read(public, "2026/09/bundle-post/index.html")
    german = read(public, "2026/10/drei-stimmen/index.html")
    assert '<html lang="en"' in english and "September 1, 2026" in english
    assert '<html lang="de"' in german and "5. Oktober 2026" in german
    archive = read(public, "archive/index.html")
    assert "Oktober 2026" in archive and "März 2026" in archive


def test_a_comment_in_another_language_says_so(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    """A German reply under an English post: ``lang`` in its file, ``lang`` on its text."""
    files = {"content/posts/hello.md": post_text("Hello", lang="en")}
    for number, lang in ((1, "de"), (2, "en"), (3, None)):
        files[f"content/comments/hello/01JA000000000000000000000{number}.yaml"] = (
            f"id: 01JA000000000000000000000{number}\npost: hello\nparent: null\nname: Leser\n"
            "created: 2024-03-02T08:00:00+01:00\napproved: 2024-03-02T09:00:00+01:00\n"
            "approved_by: alice\nstaff: null\n"
            + (f"lang: {lang}\n" if lang else "")
            + f"body: |\n  Text {number}.\n"
        )
    root = make_site(files)
    code, _, err = run_cli(["build"], root)
    assert code == 0, err
    page = (root / "public/2024/03/hello/index.html").read_text("utf-8")
    bodies = [dict(e.attrs) for e in elements(page) if ("class", "comment-body") in e.attrs]
    assert [b.get("lang") for b in bodies] == ["de", None, None]
    assert all(b["dir"] == "auto" for b in bodies)


def test_bundle_images_are_copied(public: Path) -> None:
    html = read(public, "2026/09/bundle-post/index.html")
    sources = [dict(e.attrs).get("src") for e in elements(html) if e.tag == "img"]
    assert "diagram.svg" in sources or "/2026/09/bundle-post/diagram.svg" in sources
    assert (public / "2026/09/bundle-post/diagram.svg").is_file()
    assert (public / "2026/09/bundle-post/teaser.svg").is_file()
    assert "Image: Example" in html


# ---------------------------------------------------------------- golden output

GOLDEN_BASIC = GOLDEN / "basic"


def generated(public: Path) -> dict[str, bytes]:
    """Every file the build generates; theme assets (static/) are copied, not generated, and
    the search bundle (pagefind/) is Pagefind's (tests/test_search_index.py covers it)."""
    return {
        p.relative_to(public).as_posix(): p.read_bytes()
        for p in sorted(public.rglob("*"))
        if p.is_file() and not p.relative_to(public).as_posix().startswith(("static/", "pagefind/"))
    }


def test_golden_output(public: Path, update_golden: bool) -> None:
    """The whole generated site, byte for byte. After an intended change of output run
    ``pytest tests/test_site_outputs.py --update-golden`` and review the diff in git."""
    files = generated(public)
    if update_golden:
        shutil.rmtree(GOLDEN_BASIC, ignore_errors=True)
        for name, data in files.items():
            (GOLDEN_BASIC / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN_BASIC / name).write_bytes(data)
    expected = generated(GOLDEN_BASIC)
    assert sorted(files) == sorted(expected)
    for section in ("authors/", "tags/", "departments/", "archive/"):
        assert any(name.startswith(section) for name in expected)
    different = [name for name in expected if files[name] != expected[name]]
    assert different == [], "run pytest --update-golden if the change is intended"


def test_a_post_comment_feed_and_entry_languages(public: Path) -> None:
    """Each post with comments has their Atom feed beside it, offered on its page; Atom entries
    say their post's language; RSS channels link to the site, not to themselves."""
    feed = feedparser.parse((public / "2026/10/drei-stimmen/feed.xml").read_bytes())
    assert not feed.bozo and feed.version == "atom10"
    assert [e.link.rsplit("#comment-", 1)[1] for e in feed.entries] == COMMENT_IDS
    assert feed.feed.link == BASE + "2026/10/drei-stimmen/"
    page = read(public, "2026/10/drei-stimmen/index.html")
    assert 'type="application/atom+xml"' in page and 'href="/2026/10/drei-stimmen/feed.xml"' in page
    atom = ET.parse(public / "feed.xml").getroot()
    languages = [
        e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in atom.iter(f"{ATOM_NS}entry")
    ]
    assert languages == ["de", "en", "de"]  # drei-stimmen, bundle-post (lang: en), alte-antwort
    for name in ("rss.xml", "authors/ben/rss.xml", "tags/api/rss.xml"):
        channel = ET.parse(public / name).getroot().find("channel")
        assert channel is not None
        assert channel.findtext("link") == BASE + name.removesuffix("rss.xml"), name


def test_stylesheet_and_scripts_are_fingerprinted(public: Path) -> None:
    """Pages link style.css and the scripts under names holding their content's hash, so a
    server may let browsers keep them for a year; the plain names stay for other themes."""
    page = read(public, "2026/10/drei-stimmen/index.html")
    linked = re.findall(r'(?:href|src)="/static/([a-z]+)\.([0-9a-f]{8})\.(css|js)"', page)
    assert {(name, kind) for name, _, kind in linked} == {("style", "css"), ("comments", "js")}
    for name, digest, kind in linked:
        data = (public / "static" / f"{name}.{digest}.{kind}").read_bytes()
        assert data == (public / "static" / f"{name}.{kind}").read_bytes()
        assert hashlib.blake2b(data, digest_size=4).hexdigest() == digest
