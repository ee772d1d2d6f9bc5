"""UI strings in German and English, and localised dates, without the OS locale."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date

from generator.yamlsafe import load_yaml


class Strings:
    """UI strings of a theme chain: ``get(lang, key)``; a child theme overrides single keys."""

    def __init__(self, i18n_dirs: list[Path]) -> None:
        self.table: dict[str, dict[str, str]] = {}
        for folder in i18n_dirs:
            for file in sorted(folder.glob("*.yaml")):
                data = load_yaml(file.read_text(encoding="utf-8")).data or {}
                self.table.setdefault(file.stem, {}).update(
                    {str(k): str(v) for k, v in data.items()}
                )

    def get(self, lang: str, key: str, **values: object) -> str:
        text = self.table.get(lang, {}).get(key) or self.table.get("en", {}).get(key) or key
        return text.format(**values) if values else text


@lru_cache(maxsize=8192)
def _format(day: dt.date, lang: str, pattern: str) -> str:
    return format_date(day, format=pattern, locale=lang)


def format_day(value: dt.date | dt.datetime, lang: str, pattern: str = "long") -> str:
    """'23. November 2026' (de) or 'November 23, 2026' (en)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return _format(day, lang, pattern)
