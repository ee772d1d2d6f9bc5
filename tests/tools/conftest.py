"""The built sites the validators check, each built once with its own base_url (what production
gets): a fresh copy of the sample site, and a site imported from the WordPress export of
tests/wordpress (every upload present, so nothing stays on the old blog)."""

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


def _imported(root: Path) -> Path:
    from wordpress.wxr_site import import_export, make_site, png

    make_site(root)
    (root / "uploads/2019/01/fehlt.png").write_bytes(png(20, 20))
    code, _, err = import_export(root)
    assert code == 0, err
    return root


@pytest.fixture(scope="package", params=["sample", "wordpress"])
def built(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Built:
    folder = tmp_path_factory.mktemp(f"tools-{request.param}") / "site"
    root = copy_sample(folder) if request.param == "sample" else _imported(folder)
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
