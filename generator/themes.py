"""Themes: ``themes/<name>/`` with templates/, static/, i18n/ and an optional theme.yaml whose
``extends: <parent>`` lets a theme override single templates and inherit the rest."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator.diagnostics import Diagnostics
from generator.nofollow import link_message, walk
from generator.yamlsafe import load_yaml

BUILTIN_PACKAGE = "dialogue_themes"  # setup.py maps it onto the repository's themes/


@cache
def builtin_themes() -> Path | None:
    """The folder of the themes shipped with Dialogue, used when a site has no themes/<name>/
    of its own: package data of a wheel, or the checkout's themes/ in an editable install.
    The package has no __init__.py (it holds only themes), so it is a namespace package, whose
    search path may list entries that are no folders (an editable install's path hook)."""
    spec = importlib.util.find_spec(BUILTIN_PACKAGE)
    places = spec.submodule_search_locations if spec else None
    return next((Path(p) for p in places or () if Path(p).is_dir()), None)


@dataclass(frozen=True)
class Theme:
    """A theme and its ancestors, most specific first."""

    chain: tuple[Path, ...]

    @property
    def template_dirs(self) -> list[str]:
        return [str(d / "templates") for d in self.chain if (d / "templates").is_dir()]

    @property
    def static_dirs(self) -> list[Path]:
        """Parents first, so a child's file replaces its parent's."""
        return [d / "static" for d in reversed(self.chain) if (d / "static").is_dir()]

    @property
    def i18n_dirs(self) -> list[Path]:
        return [d / "i18n" for d in reversed(self.chain) if (d / "i18n").is_dir()]

    def static_files(self) -> dict[str, Path]:
        """Output name ('static/style.css') -> the file it is copied from (a child's wins)."""
        found: dict[str, Path] = {}
        for folder in self.static_dirs:  # load_theme reported what walk refuses
            for path in map(Path, sorted(walk(folder).files)):
                found["static/" + path.relative_to(folder).as_posix()] = path
        return found

    def fingerprinted(self) -> dict[str, str]:
        """Each stylesheet and script under a name that holds its content's hash
        ('static/style.css' -> 'static/style.3f9c2a71.css'): a changed file gets a new URL,
        so servers may let browsers keep them for a year."""
        names = {}
        for name, path in self.static_files().items():
            stem, dot, suffix = name.rpartition(".")
            if dot and suffix in ("css", "js"):
                digest = hashlib.blake2b(path.read_bytes(), digest_size=4).hexdigest()
                names[name] = f"{stem}.{digest}.{suffix}"
        return names

    def files(self) -> list[Path]:
        """Every file that shapes the output, for the build cache's key."""
        return sorted(Path(name) for d in self.chain for name in walk(d).files)


def _find(root: Path, name: str) -> Path | None:
    for base in (root / "themes", builtin_themes()):
        if base is not None and (base / name).is_dir():
            return base / name
    return None


def load_theme(root: Path, name: str, diag: Diagnostics) -> Theme | None:
    chain: list[Path] = []
    current: str | None = name
    while current:
        folder = _find(root, current)
        if folder is None:
            where = chain[-1] / "theme.yaml" if chain else root / "site.yaml"
            fix = f"create themes/{current}/"
            if builtin_themes() is None:
                fix += " (Dialogue's own themes are missing: reinstall it with pip)"
            diag.error(where, 1, f"theme '{current}' not found: {fix}")
            return None
        if folder in chain:
            diag.error(folder / "theme.yaml", 1, f"theme '{current}' extends itself in a loop")
            return None
        chain.append(folder)
        # A theme is read and copied whole (templates, static, i18n): nothing in it may be a
        # link, or a template could include, and a static folder publish, any file.
        refused = [(folder, link_message(folder))] if folder.is_symlink() else walk(folder).refused
        for path, message in refused:
            diag.error(path, 0, message)
        if refused:
            return None
        settings = folder / "theme.yaml"
        current = None
        if settings.is_file():
            doc = load_yaml(settings.read_text(encoding="utf-8"))
            for line, message in doc.problems:
                diag.error(settings, line, message)
            if isinstance(doc.data, dict) and isinstance(doc.data.get("extends"), str):
                current = doc.data["extends"]
    return Theme(tuple(chain))
