"""site.yaml: defaults, validation with line numbers, and the typed configuration."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.diagnostics import Diagnostics
from generator.nofollow import UnsafeFile, read_bytes
from generator.notify_config import NotifyConfig, read_department_moderators, read_notify
from generator.yamlsafe import load_yaml, type_name

CONFIG_FILE = "site.yaml"
LANGUAGES = ("de", "en")
PERMALINK_FIELDS = {"year", "month", "day", "slug"}


FULL_CONTENT = (True, False, "main")


@dataclass(frozen=True)
class FeedsConfig:
    limit: int = 20
    # true: every feed carries its posts in full; false: none does, summaries only; "main": the
    # site's /feed.xml and /rss.xml do, the author, tag and department feeds give summaries
    # (the same posts in full in 90 more feeds is most of a site's bytes).
    full_content: bool | str = "main"

    def full(self, site_feed: bool) -> bool:
        """Whether a feed carries its posts' full content (``site_feed``: /feed.xml, /rss.xml)."""
        return self.full_content is True or (self.full_content == "main" and site_feed)


@dataclass(frozen=True)
class CommentsConfig:
    enabled: bool = True
    endpoint: str = "/comments"
    queue: str = ".dialogue/comments.sqlite3"
    close_after_days: int = 90
    sla_hours: int = 24
    moderators: tuple[str, ...] = ("anna-schmidt",)
    max_chars: int = 10000
    max_links: int = 2
    rate_limit_per_minute: int = 5
    trusted_proxies: tuple[str, ...] = ()
    blocklist: str = "comments-blocklist.txt"
    keep_email_days: int = 30  # `comments purge` erases emails of comments decided before
    # department name -> author ids who moderate its posts (and hear of its comments)
    department_moderators: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    base_url: str
    description: str = ""
    language: str = "de"
    timezone: str = "Europe/Berlin"
    theme: str = "default"
    posts_per_page: int = 10
    permalink: str = "/{year}/{month}/{slug}/"
    output_dir: str = "public"
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    comments: CommentsConfig = field(default_factory=CommentsConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def output_path(self) -> Path:
        return (self.root / self.output_dir).resolve()

    @property
    def content_path(self) -> Path:
        return self.root / "content"

    @property
    def queue_path(self) -> Path:
        return (self.root / self.comments.queue).resolve()

    @property
    def base_path(self) -> str:
        """The path part of base_url ('/' or '/blog/'): every site URL starts with it."""
        return urlsplit(self.base_url).path or "/"

    def absolute(self, url: str) -> str:
        """An absolute URL for a site path such as '/2026/11/slug/'."""
        return self.base_url.rstrip("/") + "/" + url.lstrip("/")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


# Each key with the type it must have; nested sections list their own keys.
_SCALARS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "theme": str,
    "posts_per_page": int,
    "permalink": str,
    "output_dir": str,
}
_SECTIONS: dict[str, type] = {"feeds": FeedsConfig, "comments": CommentsConfig}
_LIST_FIELDS = {"moderators", "trusted_proxies"}


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_type(value: Any, expected: type | tuple[type, ...], name: str) -> str | None:
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        return f"'{name}' must be a whole number, got {type_name(value)}"
    if expected is bool and not isinstance(value, bool):
        return f"'{name}' must be true or false, got {type_name(value)}"
    if expected is str and not isinstance(value, str):
        return f"'{name}' must be a string, got {type_name(value)}: quote it"
    return None


def _read_section(
    cls: type, name: str, raw: Any, lines: dict[str, int], problems: list[tuple[int, str]]
) -> Any:
    """Build a FeedsConfig or CommentsConfig from its mapping, reporting bad keys and types."""
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        problems.append((lines.get(name, 1), f"'{name}' must be a mapping"))
        return cls()
    defaults = cls()
    known = [f.name for f in fields(cls)]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        line = lines.get(f"{name}.{key}", lines.get(name, 1))
        if key not in known:
            problems.append((line, f"unknown key '{name}.{key}'{_suggest(str(key), known)}"))
            continue
        if cls is CommentsConfig and key == "department_moderators":
            values[key] = read_department_moderators(value, lines, problems)
            continue
        if key in _LIST_FIELDS:
            if value is None:
                value = []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append((line, f"'{name}.{key}' must be a list of strings"))
                continue
            values[key] = tuple(value)
            continue
        if f"{name}.{key}" == "feeds.full_content":
            if not any(value is choice or value == choice == "main" for choice in FULL_CONTENT):
                problems.append((line, "'feeds.full_content' must be true, false or main"))
            else:
                values[key] = value
            continue
        error = _check_type(value, type(getattr(defaults, key)), f"{name}.{key}")
        if error:
            problems.append((line, error))
            continue
        values[key] = value
    return replace(defaults, **values)


def _validate(config: Config, lines: dict[str, int]) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []

    def add(key: str, message: str) -> None:
        problems.append((lines.get(key, 1), message))

    base = urlsplit(config.base_url)
    if base.scheme not in ("http", "https") or not base.netloc:
        add("base_url", f"base_url must be an absolute http(s) URL, got '{config.base_url}'")
    if config.language not in LANGUAGES:
        add("language", f"language must be one of {', '.join(LANGUAGES)}, got '{config.language}'")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        add("timezone", f"unknown timezone '{config.timezone}' (e.g. Europe/Berlin)")
    if config.posts_per_page < 1:
        add("posts_per_page", "posts_per_page must be at least 1")
    placeholders = set(re.findall(r"\{(\w+)\}", config.permalink))
    if placeholders - PERMALINK_FIELDS:
        unknown = ", ".join(sorted(placeholders - PERMALINK_FIELDS))
        add("permalink", f"unknown permalink placeholder {unknown} (use year, month, day, slug)")
    if "slug" not in placeholders or not config.permalink.startswith("/"):
        add("permalink", "permalink must start with '/' and contain {slug}")
    out, root = config.output_path, config.root.resolve()
    if root.is_relative_to(out) or any(out.is_relative_to(root / n) for n in ("content", "themes")):
        add(
            "output_dir",
            "output_dir must be a folder of its own, not the site, content/ or themes/",
        )
    if not config.comments.queue.startswith(("postgresql://", "postgres://")):
        queue = (config.root / config.comments.queue).resolve()
        for inside in (config.content_path.resolve(), config.output_path):
            if queue.is_relative_to(inside):
                add("comments.queue", "comments.queue must not be inside content/ or output_dir")
    if config.comments.keep_email_days < 0:
        add("comments.keep_email_days", "comments.keep_email_days must be 0 or more")
    if config.feeds.limit < 1:
        add("feeds.limit", "feeds.limit must be at least 1")
    if not config.comments.endpoint.startswith(("/", "http://", "https://")):
        add("comments.endpoint", "comments.endpoint must be a path like /comments or a URL")
    return problems


def load_config(
    root: Path, diag: Diagnostics, base_url: str | None = None, output_dir: str | None = None
) -> Config | None:
    """Read site.yaml under ``root``; report every problem to ``diag``; None if unusable."""
    path = root / CONFIG_FILE
    if not os.path.lexists(path):
        diag.error(path, 0, "no site.yaml here: run dialogue in the site's folder")
        return None
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except UnsafeFile as exc:
        diag.error(path, 0, exc.message)
        return None
    except UnicodeDecodeError as exc:
        diag.error(path, 1, f"not valid UTF-8 ({exc.reason})")
        return None
    doc = load_yaml(text)
    problems = list(doc.problems)
    raw = doc.data if doc.data is not None else {}
    if not isinstance(raw, dict):
        problems.append((1, f"site.yaml must be a mapping of keys, got {type_name(raw)}"))
        raw = {}
    lines = doc.key_lines
    values: dict[str, Any] = {}
    known = [*_SCALARS, *_SECTIONS, "notify"]
    for key, value in raw.items():
        line = lines.get(str(key), 1)
        if key == "notify":
            values[key] = read_notify(value, lines, problems)
        elif key in _SECTIONS:
            values[key] = _read_section(_SECTIONS[key], key, value, lines, problems)
        elif key in _SCALARS:
            error = _check_type(value, _SCALARS[key], key)
            if error:
                problems.append((line, error))
            else:
                values[key] = value
        else:
            problems.append((line, f"unknown key '{key}'{_suggest(str(key), known)}"))
    if base_url:
        values["base_url"] = base_url
    if output_dir:
        values["output_dir"] = output_dir
    for required in ("title", "base_url"):
        if required not in values and not any(line == 1 and required in m for line, m in problems):
            problems.append((1, f"missing required key '{required}'"))
    config = None
    if "title" in values and "base_url" in values:
        values["base_url"] = values["base_url"].rstrip("/") + "/"
        config = Config(root=root, **values)
        problems.extend(_validate(config, lines))
    for line, message in problems:
        diag.error(path, line, message)
    return None if problems else config
