"""What the site already holds, as far as an import must know: which slugs are taken (and by
which file), which author ids exist, and how its tags and departments are spelled.

Only front matter is read (no Markdown rendered), and a file the build would refuse is simply
passed over: the import must work on a site that is not finished yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Config
from generator.content.discover import discover
from generator.content.frontmatter import parse
from generator.content.posts import default_slug
from generator.urls import SLUG, slugify


@dataclass
class ExistingSite:
    post_slugs: dict[str, str] = field(default_factory=dict)  # slug -> file, relative to root
    page_slugs: dict[str, str] = field(default_factory=dict)
    authors: set[str] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)  # slug -> the spelling in use
    departments: dict[str, str] = field(default_factory=dict)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def scan(config: Config) -> ExistingSite:
    site = ExistingSite()
    sources = discover(config.content_path)
    site.authors = {path.stem for path in sources.authors}
    files = [(Path(name), site.post_slugs) for name in sources.posts]
    files += [(path, site.page_slugs) for path in sources.pages]
    for path, slugs in files:
        data = parse(path.read_bytes()).data
        slug = data.get("slug")
        if not (isinstance(slug, str) and SLUG.match(slug)):
            slug = default_slug(path)
        slugs.setdefault(slug, path.relative_to(config.root).as_posix())
        for name in _strings(data.get("tags")):
            site.tags.setdefault(slugify(name), name.strip())
        for name in _strings(data.get("department")):
            site.departments.setdefault(slugify(name), name.strip())
    return site
