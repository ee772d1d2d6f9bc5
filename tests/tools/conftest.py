"""The built sample site for the validators: a fresh copy of site.yaml and content/ built once
with its own base_url (what production gets), plus the pages and feeds in it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from browser.builtsite import REPO, build_site, copy_sample

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ATOM_RNC = REPO / "tests" / "schemas" / "atom.rnc"


@dataclass
class Built:
    root: Path
    out: Path
    base_url: str

    def html_files(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))

    def url_of(self, file: Path) -> str:
        """The URL a file is served at (index.html as its folder)."""
        rel = file.relative_to(self.out).as_posix()
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.base_url + rel


@pytest.fixture(scope="package")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = copy_sample(tmp_path_factory.mktemp("tools") / "site")
    base_url = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))["base_url"]
    base_url = base_url.rstrip("/") + "/"
    out = build_site(root, base_url)
    assert (out / "index.html").is_file()
    return Built(root, out, base_url)


def require(program: str) -> str:
    """The path of a program the tools suite needs: missing is a failure, never a skip."""
    found = shutil.which(program)
    assert found, f"{program} is missing: run `make system-tools` (scripts/setup-system-tools.sh)"
    return found
