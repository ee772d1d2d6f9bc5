"""Dialogue as users install it: the wheel, built from a copy of this checkout, installed into a
fresh virtual environment outside it; there ``dialogue init`` starts a site in an empty folder
and ``dialogue build`` builds it with the theme that came inside the wheel.

Building the wheel needs pip to reach a package index (or its cache) for setuptools, as any
build does. The dependencies are installed offline (``--no-index``) from wheels of this very
environment's packages (wheelhouse.py), so pip resolves the declared dependencies for real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from sitetools import FIXED_NOW, REPO
from wheelhouse import wheelhouse

pytestmark = pytest.mark.packaging

# What a build of the wheel reads; copied so that building writes nothing into the checkout.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "generator", "comments_moderation", "themes")


def run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    wheels = tmp_path_factory.mktemp("wheels")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run([*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, source], source, _env())
    (built,) = wheels.glob("dialogue-*.whl")
    return built


def _env(venv: Path | None = None) -> dict[str, str]:
    """The environment without this checkout on the import path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(venv)
    env["DIALOGUE_NOW"] = FIXED_NOW
    return env


def test_the_wheel_holds_the_theme_and_the_site_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {
        "dialogue_themes/" + p.relative_to(REPO / "themes").as_posix()
        for p in (REPO / "themes").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert theme and theme <= names
    starter = REPO / "generator/newsite/files"
    assert {
        "generator/newsite/files/" + p.relative_to(starter).as_posix()
        for p in starter.rglob("*")
        if p.is_file()
    } <= names
    assert "generator/planning/templates/plan.html" in names  # serve's plan page
    assert "generator/planning/commands.py" in names and "comments_moderation/cli.py" in names
    assert not [n for n in names if n.startswith(("tests/", "content/", "themes/"))]


def test_installed_wheel_starts_and_builds_a_site(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, _env())
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    metadata = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("/METADATA"))
    headers = Parser().parsestr(zipfile.ZipFile(wheel).read(metadata).decode("utf-8"))
    needs = [r for r in headers.get_all("Requires-Dist") or () if "extra ==" not in r]
    assert any(r.startswith("jinja2") for r in needs)
    wheels = wheelhouse(needs, tmp_path / "wheelhouse")
    offline = ["install", "--quiet", "--no-compile", "--no-index", "--find-links", wheels]
    run([*pip, "--python", python, *offline, wheel], tmp_path, _env())
    env = _env(venv)
    where = run(
        [
            python,
            "-c",
            "import generator.themes as t; print(t.__file__); print(t.builtin_themes())",
        ],
        tmp_path,
        env,
    ).split()
    assert all(Path(p).is_relative_to(venv) for p in where), where  # not this checkout's

    site = tmp_path / "blog"
    site.mkdir()
    run(["dialogue", "init", "--title", "Aus dem Rad"], site, env)
    out = run(["dialogue", "build"], site, env)
    assert out.startswith("Built 1 post into public/: ")
    home = (site / "public/index.html").read_text(encoding="utf-8")
    assert "Aus dem Rad" in home and "Warum wir diesen Blog schreiben" in home
    assert (site / "public/static/style.css").is_file()
    schedule = run(["dialogue", "schedule", "--json"], site, env)
    assert '"kind": "close-comments"' in schedule
    run(["dialogue", "comments", "list"], site, env)
