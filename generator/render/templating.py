"""The Jinja2 environment: autoescape on, StrictUndefined, and the filters templates use.

Content is never compiled as a template: titles and bodies are passed in as values, so
``{{ 7*7 }}`` in a post stays literal text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from generator.content.characters import BIDI
from generator.i18n import Strings, format_day
from generator.images import image_size
from generator.media.cards import og_image
from generator.media.variants import is_raster, srcset
from generator.model import Author, Post
from generator.plan.records import Shared
from generator.render.memo import Memo
from generator.themes import Theme
from generator.urls import slugify

_BY_VALUE = {str, int, bool, type(None)}  # fragment() keys these by value, records by identity


# The language of the page being rendered. Themes import macros without context (so Jinja runs
# macros.html once, not once per page, card and fragment); t() and the date filters called in
# a macro find the page's language here.
_page_lang: ContextVar[str | None] = ContextVar("page_lang", default=None)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Render the templates inside in ``lang``, macros included."""
    token = _page_lang.set(lang)
    try:
        yield
    finally:
        _page_lang.reset(token)


def _lang(context: Context) -> str:
    return str(context.get("lang") or _page_lang.get() or context["config"].language)


class _Environment(Environment):
    """Templates see the environment's globals as one flat dict instead of Jinja's ChainMap:
    every render and every import compares and copies them, and a ChainMap does that in
    Python (a tenth of a listing page's time). Safe because make_environment sets all globals
    before the first template loads."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def make_environment(
    shared: Shared,
    theme: Theme,
    strings: Strings,
    comment_counts: Mapping[str, int],
    compiled: Path | None = None,
) -> Environment:
    """Templates see ``shared`` as ``site`` and nothing else of the site beside their context
    (so an output's key covers all it shows). ``comment_counts``: post slug -> approved
    comments, which a post's key includes. ``compiled``: a folder where Jinja keeps templates
    compiled (keyed by their source), so a rebuild does not compile the theme again."""
    config = shared.config
    authors = shared.authors
    if compiled:
        compiled.mkdir(parents=True, exist_ok=True)
    env = _Environment(
        loader=FileSystemLoader(theme.template_dirs),
        bytecode_cache=FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    base_path = config.base_path.rstrip("/")

    def url(path: str) -> str:
        """A site path under base_url's path ('/blog/' sites work too)."""
        return base_path + path if path.startswith("/") else path

    hashed = {
        f"/{name}": f"/{fingerprinted}" for name, fingerprinted in theme.fingerprinted().items()
    }

    def asset(path: str) -> str:
        """A theme file's URL, fingerprinted for stylesheets and scripts (cached for long)."""
        return url(hashed.get(path, path))

    @pass_context
    def translate(context: Context, key: str, **values: Any) -> str:
        return strings.get(_lang(context), key, **values)

    @pass_context
    def date(context: Context, value: dt.datetime, pattern: str = "long") -> str:
        return format_day(value.astimezone(config.tz), _lang(context), pattern)

    @pass_context
    def month(context: Context, value: dt.date) -> str:
        return format_day(value, _lang(context), "MMMM yyyy")

    def isodate(value: dt.datetime) -> str:
        return value.isoformat(timespec="seconds")

    def to_json(value: Any) -> Markup:
        # Safe inside <script>: no '</script>' or '<!--' can be formed from user text.
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup(text)

    def authors_of(post: Post) -> list[Any]:
        return [authors[a] for a in post.author_ids]

    def author_names(post: Post) -> Markup:
        """'Anna Schmidt, Ben Okafor': plain names, as the archive lists them; a name holding
        bidi controls in a <bdi>, so that it cannot reverse the names after it."""
        names = (authors[a].name for a in post.author_ids)
        return Markup(", ").join(
            Markup("<bdi>%s</bdi>") % name if BIDI.search(name) else name for name in names
        )

    taxon_urls = {(kind, slug): url(f"/{kind}/{slug}/") for kind, slug, _ in shared.taxa}

    def tag_url(name: str) -> str:
        """The tag page of a tag name, or '' when no published post has that tag."""
        return taxon_urls.get(("tags", slugify(name)), "")

    def department_url(name: str) -> str:
        return taxon_urls.get(("departments", slugify(name)), "")

    writers = sorted(authors.values(), key=lambda a: a.name.lower())  # as Jinja sorts
    people: dict[str, list[Author]] = {}
    for author in writers:
        people.setdefault(author.department.lower(), []).append(author)

    def department_people(name: str) -> list[Author]:
        """The authors in a department, by name."""
        return people.get(name.lower(), [])

    def comment_count(post: Post) -> int:
        return comment_counts.get(post.slug, 0)

    def nav_state(page_url: str) -> tuple[str, str]:
        """(current, section): the page's URL if it is a top-level page (the only kind menus
        link to), and the first segment of its path ('/tags/'). Header and footer depend on
        the page only through these, which take few values, so they are rendered once each."""
        first, *rest = page_url.strip("/").split("/")
        return (page_url if not rest else ""), (f"/{first}/" if first else "/")

    # Outputs render in age order, so a card is reused by pages near each other: 4,000 keeps
    # what is reused (10,000 posts: no more CPU than 20,000) at 40 MB less in each worker.
    fragments: Memo[tuple[Any, ...], tuple[Markup, dict[str, Any]]] = Memo(limit=4_000)

    @pass_context
    def fragment(context: Context, name: str, **values: Any) -> Markup:
        """The template ``name`` rendered with ``values`` (and the page's lang) once, then
        reused by every page that shows the same thing: a card is on up to a dozen listing
        pages, an author box on each of the author's posts. Records count by identity (they
        live as long as the build); the memo keeps them referenced, so no identity is reused."""
        lang = _lang(context)
        key = (name, lang, *((k, v if type(v) in _BY_VALUE else id(v)) for k, v in values.items()))

        def make() -> tuple[Markup, dict[str, Any]]:
            with speaking(lang):
                html = Markup(env.get_template(name).render(values, lang=lang))
            return html, values

        return fragments.get(key, make)[0]

    @pass_context
    def card(
        context: Context,
        post: Post,
        level: int = 2,
        featured: bool = False,
        eager: bool = False,
        pinned: bool = False,
    ) -> Markup:
        """A post's card (partials/card.html). ``eager`` loads the card's image at once; a card
        without an image is the same either way, so both share one rendering. ``pinned``: the
        listing puts sticky posts first (the home page), so a sticky post's card says so."""
        eager = eager and bool(post.image)
        pinned = pinned and post.sticky
        return fragment(
            context,
            "partials/card.html",
            post=post,
            level=level,
            featured=featured,
            eager=eager,
            pinned=pinned,
        )

    def teaser_attributes(post: Post, sizes: str) -> Markup:
        """width, height and, for a raster teaser, srcset and sizes of its <img>."""
        size = image_size(post.source.parent / post.image) if post.image else None
        if not size or not post.image:
            return Markup("")
        attributes = f' width="{size[0]}" height="{size[1]}"'
        if is_raster(post.image):
            choices = srcset(url(post.url + post.image), size)
            attributes += f' srcset="{escape(choices)}" sizes="{escape(sizes)}"'
        return Markup(attributes)

    # Passed the context, so that Jinja does not fold "'/static/style.css'|asset" into a
    # constant when it compiles a template: compiled templates are kept by their source alone
    # (.dialogue/cache/templates/), and the base path and the fingerprints change without it.
    env.filters.update(
        url=pass_context(lambda _context, path: url(path)),
        asset=pass_context(lambda _context, path: asset(path)),
        absolute=pass_context(lambda _context, path: config.absolute(path)),
        date=date,
        month=month,
        isodate=isodate,
        json=to_json,
    )
    env.globals.update(
        site=shared,
        config=config,
        t=translate,
        authors_of=authors_of,
        author_names=author_names,
        card=card,
        fragment=fragment,
        comment_count=comment_count,
        department_people=department_people,
        nav_state=nav_state,
        tag_url=tag_url,
        department_url=department_url,
        writers=writers,
        main_menu=[p for p in shared.pages if p.menu == "main"],
        footer_menu=[p for p in shared.pages if p.menu == "footer"],
        build_year=shared.year,
        teaser_attributes=teaser_attributes,
        og_image=og_image,
    )
    return env
