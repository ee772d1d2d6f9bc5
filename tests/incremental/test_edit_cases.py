"""After each kind of edit, an incremental build equals a clean build of the same sources (in a
separate copy: no public/, no .dialogue/), byte for byte, and shows what the edit changed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pytest
from sitebuilds import (
    ALT,
    ALT_PAGE,
    BUNDLE,
    BUNDLE_PAGE,
    COMMENTS,
    DREI,
    DREI_PAGE,
    THEME,
    Edit,
    add_comment,
    assert_same_tree,
    build,
    clean_build,
    files_of,
    remove,
    sub,
    write,
)
from sitetools import RunCli, post

NEWEST_POST = post(
    "Der neueste Beitrag",
    date="2026-11-20T08:00:00+01:00",
    authors="[dora]",
    body="Ganz frisch.\n",
    tags="[Dialog, Neu]",
)


class Case(NamedTuple):
    edit: Edit
    shows: Mapping[str, str] = {}  # output file -> text the change must put there
    hides: Mapping[str, str] = {}  # output file -> text the change must take away


NEW_ID = "01JA0000000000000000000003"
CASES = [
    # the site-local theme (themes/default copied into the site)
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/base.html",
                '<main id="main"',
                '<main data-test="rumpf" id="main"',
            ),
            {"index.html": "rumpf", DREI_PAGE: "rumpf", "404.html": "rumpf"},
        ),
        id="template-base",
    ),
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/partials/site_footer.html",
                "{{ t('made_with') }}</p>",
                "{{ t('made_with') }} · Fuß-Test</p>",
            ),
            {"index.html": "Fuß-Test", DREI_PAGE: "Fuß-Test", "404.html": "Fuß-Test"},
        ),
        id="template-footer-partial",
    ),
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/partials/macros.html",
                "{{ t('reading_time',",
                "Lesezeit-Test {{ t('reading_time',",
            ),
            {"index.html": "Lesezeit-Test", "tags/dialog/index.html": "Lesezeit-Test"},
        ),
        id="template-card-macro",
    ),
    pytest.param(
        Case(
            sub(
                f"{THEME}/templates/partials/card.html",
                '<article class="card',
                '<article data-test="karte" class="card',
            ),
            {"index.html": 'data-test="karte"', "authors/chris/index.html": 'data-test="karte"'},
        ),
        id="template-card-partial",
    ),
    pytest.param(
        Case(
            sub(f"{THEME}/static/style.css", "--r:12px", "--r:14px"),
            {"static/style.css": "--r:14px"},
        ),
        id="theme-static-same-size",
    ),
    pytest.param(
        Case(
            sub(f"{THEME}/i18n/de.yaml", "made_with: Erstellt mit", "made_with: Gebaut mit"),
            {"index.html": "Gebaut mit Dialogue", ALT_PAGE: "Gebaut mit Dialogue"},
        ),
        id="theme-i18n-string",
    ),
    # authors
    pytest.param(
        Case(
            sub("content/authors/anna.yaml", "name: Anna Schmidt", "name: Anna Schmidt-Berg"),
            {
                DREI_PAGE: "Anna Schmidt-Berg",
                "index.html": "Anna Schmidt-Berg",  # drei-stimmen's card
                "tags/dialog/index.html": "Anna Schmidt-Berg",
                "feed.xml": "Anna Schmidt-Berg",
                "authors/ben/feed.xml": "Anna Schmidt-Berg",  # every entry names all authors
                "authors/index.html": "Anna Schmidt-Berg",
            },
            {DREI_PAGE: "Anna Schmidt<", "feed.xml": "Anna Schmidt<"},
        ),
        id="author-name",
    ),
    pytest.param(
        Case(
            sub("content/authors/anna.yaml", "department: Kommunikation", "department: Vorstand"),
            {"departments/vorstand/index.html": "drei-stimmen", DREI_PAGE: "Vorstand"},
        ),
        id="author-department",
    ),
    # site.yaml
    pytest.param(
        Case(
            sub("site.yaml", "title: Beispiel im Dialog", "title: Beispiel im Gespräch"),
            {"index.html": "Beispiel im Gespräch", "feed.xml": "Beispiel im Gespräch"},
        ),
        id="site-title",
    ),
    pytest.param(
        Case(
            sub("site.yaml", "posts_per_page: 2", "posts_per_page: 1"),
            {"page/3/index.html": "alte-antwort"},
        ),
        id="site-posts-per-page",
    ),
    pytest.param(
        Case(
            sub(
                "site.yaml",
                "posts_per_page: 2\n",
                "posts_per_page: 2\npermalink: /{year}/{slug}/\n",
            ),
            {"2026/drei-stimmen/index.html": "Drei Stimmen"},
        ),
        id="site-permalink",
    ),
    # comments
    pytest.param(
        Case(
            add_comment("drei-stimmen", NEW_ID),
            {DREI_PAGE: f'id="comment-{NEW_ID}"', "comments/feed.xml": "Ein ganz neuer Kommentar"},
        ),
        id="comment-added",
    ),
    pytest.param(
        Case(add_comment("bundle-post", NEW_ID), {BUNDLE_PAGE: f'id="comment-{NEW_ID}"'}),
        id="comment-added-first-on-post",
    ),
    pytest.param(
        Case(
            remove(f"{COMMENTS}/drei-stimmen/01JA0000000000000000000002.yaml"),
            hides={
                DREI_PAGE: "comment-01JA0000000000000000000002",
                "comments/feed.xml": "Gern geschehen",
            },
        ),
        id="comment-deleted",
    ),
    pytest.param(
        Case(
            sub(
                f"{COMMENTS}/drei-stimmen/01JA0000000000000000000002.yaml",
                "Gern geschehen",
                "Sehr gern",
            ),
            {DREI_PAGE: "Sehr gern", "comments/feed.xml": "Sehr gern"},
        ),
        id="comment-edited",
    ),
    # posts
    pytest.param(
        Case(
            sub(DREI, "Wir schreiben zu dritt.", "Wir schreiben zu viert."),
            {DREI_PAGE: "zu viert.", "feed.xml": "zu viert.", "rss.xml": "zu viert."},
        ),
        id="post-body",
    ),
    pytest.param(  # headings live with the body in the store: the TOC must follow them
        Case(
            sub(DREI, "## Zweiter Teil", "## Zweiter Abschnitt"),
            {DREI_PAGE: 'href="#zweiter-abschnitt">Zweiter Abschnitt</a>'},
            {DREI_PAGE: "Zweiter Teil"},
        ),
        id="post-heading",
    ),
    pytest.param(
        Case(
            sub(BUNDLE, "title: A post with pictures", "title: A post with diagrams"),
            {
                BUNDLE_PAGE: "A post with diagrams",
                DREI_PAGE: "A post with diagrams",
                ALT_PAGE: "A post with diagrams",
                "index.html": "A post with diagrams",
            },
        ),
        id="post-title",
    ),
    pytest.param(  # the comments feed names the post of each comment
        Case(
            sub(DREI, "title: Drei Stimmen zum", "title: Drei neue Stimmen zum"),
            {"comments/feed.xml": "Drei neue Stimmen", DREI_PAGE: "Drei neue Stimmen"},
        ),
        id="post-title-with-comments",
    ),
    pytest.param(
        Case(
            write("content/posts/2026/neuester.md", NEWEST_POST),
            {
                "index.html": "Der neueste Beitrag",
                "page/2/index.html": "bundle-post",
                "2026/11/neuester/index.html": "Ganz frisch.",
            },
        ),
        id="post-added-newest",
    ),
    pytest.param(
        Case(
            remove(ALT), hides={"sitemap.xml": "alte-antwort", "archive/index.html": "alte-antwort"}
        ),
        id="post-deleted",
    ),
    pytest.param(
        Case(
            sub(DREI, "tags: [Dialog, Straße & Öl]", "tags: [Dialog, Neu]"),
            {"tags/neu/index.html": "drei-stimmen"},
        ),
        id="post-tags",
    ),
    pytest.param(
        Case(
            sub(ALT, "date: 2026-03-10", "date: 2026-11-01"),
            {"2026/11/alte-antwort/index.html": "Alter Beitrag", "index.html": "alte-antwort"},
        ),
        id="post-date-moved",
    ),
    pytest.param(
        Case(
            sub("content/posts/2026/entwurf.md", "draft: true\n", ""),
            {"2026/08/entwurf/index.html": "Noch nicht fertig."},
        ),
        id="post-draft-published",
    ),
    pytest.param(
        Case(
            sub("content/posts/2026/bundle-post/diagram.svg", "#e0f0f4", "#f4e0f0"),
            {"2026/09/bundle-post/diagram.svg": "#f4e0f0"},
        ),
        id="post-bundle-image",
    ),
    # standalone pages
    pytest.param(
        Case(
            sub("content/pages/impressum.md", "Musterstraße 1,", "Musterstraße 2,"),
            {"impressum/index.html": "Musterstraße 2,"},
        ),
        id="page-body",
    ),
    pytest.param(
        Case(
            sub("content/pages/impressum.md", "title: Impressum", "title: Impressum und Kontakt"),
            {"index.html": "Impressum und Kontakt"},
        ),
        id="page-title-in-footer-menu",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_incremental_build_equals_clean_build(
    case: Case, run_cli: RunCli, basic_site: Path, tmp_path: Path
) -> None:
    build(run_cli, basic_site, "-q")
    before = files_of(basic_site / "public")
    case.edit(basic_site)
    build(run_cli, basic_site, "-q")

    reference = clean_build(run_cli, basic_site, tmp_path / "reference")
    assert_same_tree(basic_site / "public", reference)
    after = files_of(reference)
    assert after != before, "the edit changed no output: this case proves nothing"
    for name, text in case.shows.items():
        assert name in after, f"{name} is missing from the clean build"
        assert text.encode() in after[name], f"{name} does not show {text!r}"
    for name, text in case.hides.items():
        assert text.encode() in before[name], f"{name} did not show {text!r} before the edit"
        assert text.encode() not in after.get(name, b""), f"{name} still shows {text!r}"
