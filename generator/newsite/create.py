"""Write a new site from the templates in files/: site.yaml with every key explained, a first
author, post and page in the site's language, a .gitignore, and CI for GitHub and GitLab.

Nothing that exists is ever replaced: every target is checked first, and each file is created
with exclusive mode, so a file that appears meanwhile is not overwritten either.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from generator import __version__
from generator.urls import SLUG, slugify

_PLACEHOLDER = re.compile(r"@@([a-z_]+)@@")

# Texts of the first files, by language.
DEFAULTS = {
    "de": {
        "title": "Unser Blog",
        "description": "Menschen aus unserem Unternehmen schreiben, wie wir arbeiten.",
        "author": ("redaktion", "Redaktion"),
        "post": ("warum-wir-diesen-blog-schreiben", "Warum wir diesen Blog schreiben"),
        "page": "ueber-diesen-blog",
    },
    "en": {
        "title": "Our blog",
        "description": "People from our company write about how we work.",
        "author": ("editorial-team", "Editorial team"),
        "post": ("why-we-write-this-blog", "Why we write this blog"),
        "page": "about-this-blog",
    },
}


@dataclass(frozen=True)
class NewSite:
    title: str
    language: str  # 'de' or 'en'
    base_url: str
    timezone: str
    author_id: str
    author_name: str
    email: str | None
    now: dt.datetime  # the first post's date


class Refused(Exception):
    """The site was not created; the message says why and what to do."""


def _git_identity(folder: Path) -> tuple[str | None, str | None]:
    """user.name and user.email from git, if git is there and knows them."""

    def get(key: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "config", "--get", key],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() or None

    return get("user.name"), get("user.email")


def first_author(language: str, folder: Path) -> tuple[str, str, str | None]:
    """The person running ``init`` (from git), else an editorial team: (id, name, email)."""
    name, email = _git_identity(folder)
    if name and SLUG.match(slugify(name)) and slugify(name) != "n-a":
        return slugify(name), name, email
    author_id, team = DEFAULTS[language]["author"]
    return author_id, team, email


def _template(name: str) -> str:
    return (resources.files("generator.newsite") / "files" / name).read_text(encoding="utf-8")


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values[match[1]], text)


def planned_files(site: NewSite) -> dict[str, str]:
    """Every file of the new site (path relative to its folder -> text)."""
    texts = DEFAULTS[site.language]
    post_slug, post_title = texts["post"]
    lang = site.language
    email = f"email: {json.dumps(site.email)}" if site.email else "# email: name@example.com"
    values = {
        "title": json.dumps(site.title, ensure_ascii=False),
        "description": json.dumps(texts["description"], ensure_ascii=False),
        "base_url": site.base_url,
        "language": site.language,
        "timezone": site.timezone,
        "moderator": site.author_id,
        "author": site.author_id,
        "author_name": json.dumps(site.author_name, ensure_ascii=False),
        "email": email,
        "post_title": json.dumps(post_title, ensure_ascii=False),
        "date": site.now.isoformat(),
        "version": __version__,
    }
    sources = {
        "site.yaml": "site.yaml",
        ".gitignore": "gitignore",
        ".github/workflows/check.yml": "github-check.yml",
        ".github/workflows/publish.yml": "github-publish.yml",
        ".gitlab-ci.yml": "gitlab-ci.yml",
        f"content/authors/{site.author_id}.yaml": f"{lang}/author.yaml",
        f"content/posts/{site.now.year}/{post_slug}.md": f"{lang}/post.md",
        f"content/pages/{texts['page']}.md": f"{lang}/page.md",
    }
    files = {target: _fill(_template(source), values) for target, source in sources.items()}
    files["content/comments/.gitkeep"] = ""  # approved comments land here; git keeps the folder
    return files


def create(folder: Path, site: NewSite) -> list[str]:
    """Write the new site into ``folder``; returns the files written. Raises Refused when the
    folder is a file or any of the files exists, before writing anything."""
    if folder.exists() and not folder.is_dir():
        raise Refused(f"{folder} is a file, not a folder")
    files = planned_files(site)
    taken = sorted(name for name in files if (folder / name).exists())
    if taken:
        listed = "".join(f"\n  {name}" for name in taken)
        raise Refused(
            f"nothing was changed: {folder} holds these files already:{listed}\n"
            "Start the new site in an empty folder: dialogue init DIR"
        )
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return list(files)
