"""Typed reading of front matter values: one checker per kind of value, shared by posts, pages
and authors, each problem reported on the key's line with how to fix it."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from generator.content.characters import bidi_message
from generator.content.frontmatter import FrontMatter
from generator.diagnostics import Problem
from generator.redirects import normalise_alias
from generator.urls import SLUG
from generator.yamlsafe import INVALID, type_name


class Fields:
    """Reads keys from a front matter mapping, collecting problems for one file."""

    def __init__(self, path: str, fm: FrontMatter, problems: list[Problem]) -> None:
        self.path = path
        self.fm = fm
        self.problems = problems

    def error(self, key: str | int, message: str) -> None:
        line = key if isinstance(key, int) else self.fm.line_of(key)
        self.problems.append(Problem(self.path, line, message, "error"))

    def warning(self, key: str | int, message: str) -> None:
        line = key if isinstance(key, int) else self.fm.line_of(key)
        self.problems.append(Problem(self.path, line, message, "warning"))

    def check_keys(self, known: Iterable[str], required: Iterable[str]) -> None:
        """Unknown keys warn; a typo of a missing required key is the error that explains it."""
        known = list(known)
        data = self.fm.data
        explained = set()
        for key in data:
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            if close and close[0] in required and close[0] not in data:
                self.error(key, f"unknown key '{key}'{hint}")
                explained.add(close[0])
            else:
                self.warning(key, f"unknown key '{key}'{hint}: it is ignored")
        for key in required:
            if key not in data and key not in explained:
                self.error(1, f"missing required key '{key}'")

    def text(self, key: str, default: str = "") -> str:
        value = self.fm.data.get(key)
        if value is None or value is INVALID:
            return default
        if isinstance(value, str):
            return value.strip()
        shown = f" {value}" if isinstance(value, int | float) else ""
        self.error(key, f"{key} must be a string, got {type_name(value)}{shown}: quote it")
        return default

    def flag(self, key: str, default: bool | None) -> bool | None:
        value = self.fm.data.get(key)
        if value is None or value is INVALID:
            return default
        if isinstance(value, bool):
            return value
        self.error(key, f"{key} must be true or false, got {type_name(value)}")
        return default

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.fm.data.get(key)
        if value is None or value is INVALID:
            return ()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(v.strip() for v in value if v.strip())
        shown = f"'{value}'" if isinstance(value, str) else type_name(value)
        self.error(key, f"{key} must be a list of strings, got {shown}: write [a, b]")
        return ()

    def aliases(self, key: str = "aliases") -> tuple[str, ...]:
        """Old site paths that redirect to this page, each checked and written one way."""
        found = []
        for text in self.strings(key):
            alias, problem = normalise_alias(text)
            if problem:
                self.error(key, problem)
            elif alias:
                found.append(alias)
        return tuple(dict.fromkeys(found))

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key, default)
        if value not in choices:
            self.error(key, f"{key} must be one of {', '.join(choices)}, got '{value}'")
            return default
        return value

    def slug(self, key: str = "slug") -> str | None:
        value = self.text(key)
        if not value:
            return None
        if not SLUG.match(value):
            self.error(key, f"invalid slug '{value}' (allowed: a-z, 0-9, -)")
            return None
        return value

    def date(self, key: str, tz: ZoneInfo) -> dt.datetime | None:
        """A date or datetime; without an offset it is in the site's timezone."""
        value = self.fm.data.get(key)
        if value is None or value is INVALID:
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                self.error(key, f"{key} must be YYYY-MM-DD or ISO 8601, got '{value}'")
                return None
        if isinstance(value, dt.datetime) and value.tzinfo:
            return value.replace(tzinfo=_shared(value.tzinfo))
        if isinstance(value, dt.date):
            local = value if isinstance(value, dt.datetime) else dt.datetime(*value.timetuple()[:3])
            problem = _not_one_instant(local, tz)
            if problem:
                self.error(key, f"{key} {local:%Y-%m-%d %H:%M} {problem}")
                return None
            return local.replace(tzinfo=tz)
        self.error(key, f"{key} must be YYYY-MM-DD or ISO 8601, got {type_name(value)}")
        return None

    def bidi(self, key: str, *values: str) -> None:
        """Warn about bidi controls in a field that pages show (they isolate it)."""
        message = bidi_message(key, "".join(values))
        if message:
            self.warning(key, message)


def _not_one_instant(local: dt.datetime, tz: ZoneInfo) -> str | None:
    """Why a wall-clock time without an offset names no instant, or two, in ``tz`` (the night
    the clocks change), or None. Only the site's zone decides: never the machine's."""
    early, late = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return None
    offsets = [_offset(moment) for moment in (early, late)]
    if early.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != local:
        return (
            f"does not exist in {tz.key}: the clocks skip it that night; add an offset "
            f"(e.g. {local:%Y-%m-%dT%H:%M:%S}{offsets[0]}) or pick a time that exists"
        )
    return (
        f"happens twice in {tz.key}: the clocks go back that night; add the offset you mean, "
        f"{local:%Y-%m-%dT%H:%M:%S}{offsets[0]} or {local:%Y-%m-%dT%H:%M:%S}{offsets[1]}"
    )


def _offset(moment: dt.datetime) -> str:
    minutes = int((moment.utcoffset() or dt.timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_OFFSETS: dict[dt.timedelta | None, dt.tzinfo] = {}


def _shared(tzinfo: dt.tzinfo) -> dt.tzinfo:
    """One object per fixed offset: each parsed date would otherwise carry its own, and a large
    site keeps tens of thousands of dates in memory."""
    if not isinstance(tzinfo, dt.timezone):
        return tzinfo
    return _OFFSETS.setdefault(tzinfo.utcoffset(None), tzinfo)


def read_problems(path: str, fm: FrontMatter) -> list[Problem]:
    return [Problem(path, line, message, "error") for line, message in fm.problems]


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
