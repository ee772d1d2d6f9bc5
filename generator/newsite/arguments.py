"""The command line of ``dialogue init`` (light: the work is in create.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.config import LANGUAGES

DEFAULT_BASE_URL = "https://blog.example.com/"


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(
            f"'{value}' is no absolute URL: write e.g. https://blog.example.com/"
        )
    return value if value.endswith("/") else value + "/"


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone '{value}': write e.g. Europe/Berlin"
        ) from None
    return value


def run(args: argparse.Namespace) -> int:
    from generator import clock
    from generator.newsite.create import DEFAULTS, NewSite, Refused, create, first_author

    folder = Path(args.dir)
    author_id, name, email = first_author(args.language, folder if folder.is_dir() else Path.cwd())
    site = NewSite(
        title=args.title or str(DEFAULTS[args.language]["title"]),
        language=args.language,
        base_url=args.base_url,
        timezone=args.timezone,
        author_id=author_id,
        author_name=name,
        email=email,
        now=clock.now().astimezone(ZoneInfo(args.timezone)).replace(microsecond=0),
    )
    try:
        written = create(folder, site)
    except Refused as refused:
        print(f"dialogue init: {refused}", file=sys.stderr)
        return 1
    where = "this folder" if folder == Path(".") else f"{folder}/"
    print(f"Created a new site in {where}:")
    for name in written:
        print(f"  {name}")
    steps = [] if folder == Path(".") else [f"cd {folder}"]
    steps += [
        "dialogue build    # the site, into public/",
        "dialogue serve    # a preview at http://127.0.0.1:8000/, rebuilt on every save",
    ]
    print("Next:\n" + "\n".join(f"  {step}" for step in steps))
    if args.base_url == DEFAULT_BASE_URL:
        print(f"Then set base_url in site.yaml (now {DEFAULT_BASE_URL}) to your blog's address.")
    print("To publish from CI: .github/workflows/ (GitHub) or .gitlab-ci.yml (GitLab).")
    return 0


def add_arguments(commands: Any) -> None:
    init = commands.add_parser(
        "init",
        help="start a new blog: a site that builds at once, with CI that publishes on time",
        description="Create a new site in DIR (default: here): site.yaml with every key "
        "explained, content/ with a first author, post and page, a .gitignore, and CI for "
        "GitHub Actions and GitLab. Refuses to overwrite anything.",
    )
    init.add_argument("dir", nargs="?", default=".", metavar="DIR")
    init.add_argument("--title", help="the blog's name (default: 'Unser Blog' / 'Our blog')")
    init.add_argument(
        "--language", choices=LANGUAGES, default="de", help="of the site and its first post"
    )
    init.add_argument(
        "--base-url",
        type=_base_url,
        default=DEFAULT_BASE_URL,
        metavar="URL",
        help=f"where the blog will be published (default: {DEFAULT_BASE_URL})",
    )
    init.add_argument(
        "--timezone",
        type=_timezone,
        default="Europe/Berlin",
        help="of the dates you write and the publication times (default: Europe/Berlin)",
    )
    init.set_defaults(handler=run)
