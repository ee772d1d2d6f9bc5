"""Slugs and URLs: German transliteration, permalinks, and the site paths of every page kind."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from slugify import slugify as _slugify

from generator.config import Config

# python-slugify's default would turn 'ü' into 'u'; German readers expect 'ue'.
_GERMAN = [
    ["Ä", "Ae"],
    ["Ö", "Oe"],
    ["Ü", "Ue"],
    ["ä", "ae"],
    ["ö", "oe"],
    ["ü", "ue"],
    ["ß", "ss"],
    ["ẞ", "SS"],
]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@lru_cache(maxsize=1 << 16)  # tags and departments are slugged on every page that links them
def slugify(text: str) -> str:
    """'Über Öl & Straße' -> 'ueber-oel-strasse'."""
    return _slugify(text, replacements=_GERMAN) or "n-a"


def permalink(config: Config, date: dt.datetime, slug: str) -> str:
    return config.permalink.format(
        year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug
    )


def paginated(base: str, page: int) -> str:
    """'/tags/x/' page 1 -> '/tags/x/', page 3 -> '/tags/x/page/3/'."""
    return base if page == 1 else f"{base}page/{page}/"


def output_file(url: str) -> str:
    """The file a site path is written to: '/a/b/' -> 'a/b/index.html', '/x.xml' -> 'x.xml'."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path
