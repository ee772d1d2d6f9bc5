"""What the output folder holds, as the last build left it (OutputManifest)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from generator.config import Config
from generator.incremental import pickles
from generator.incremental.keys import UNKNOWN_SITE, SiteKey, digest

Files = dict[str, tuple[str, str]]


class OutputManifest:
    """What the output folder holds: file -> (key it was rendered from, hash of its bytes), or
    (the asset's signature, "") for a copied file; the ``SiteKey`` it was built from; and the
    files where the spare folder beside it lags behind (write/tree.py), None if unknown."""

    def __init__(self, config: Config, folder: Path) -> None:
        name = digest(str(config.output_path))[:12]
        self.path = folder / f"outputs-{name}.pickle"

    def load(self) -> tuple[Files, SiteKey, frozenset[str] | None]:
        value = pickles.load(self.path)
        try:
            files, shape, bodies, lagging = value
            if all(type(v) is tuple for v in files.values()):
                spare = None if lagging is None else frozenset(lagging)
                return files, SiteKey(str(shape), dict(bodies)), spare
        except (TypeError, ValueError, AttributeError):
            pass  # another format or a damaged file: nothing is known
        return {}, UNKNOWN_SITE, None

    def save(self, files: Files, site: SiteKey, lagging: Collection[str] | None) -> None:
        spare = None if lagging is None else sorted(lagging)
        pickles.save(self.path, (files, site.shape, site.bodies, spare))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
