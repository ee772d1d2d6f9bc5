"""Shared fixtures: fixture sites copied to a temporary folder, inline mini-sites, the CLI run
in-process or as a real subprocess, and a fixed clock so every build in the suite is repeatable.

The clock: ``BuildOptions.now`` is injectable, and the CLI reads it from ``DIALOGUE_NOW`` (an
ISO 8601 datetime). Every CLI run here sets it to ``FIXED_NOW`` unless a test says otherwise.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pgserver
import pytest
from sitetools import (
    AUTHORS,
    FIXED_NOW,
    MINIMAL_SITE_YAML,
    REPO,
    SITES,
    CliResult,
    RunCli,
    write_files,
)

# A developer's own queue (a real PostgreSQL URL in the shell) must never be touched by a test.
os.environ.pop("DIALOGUE_QUEUE", None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current build instead of comparing with it",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def _environment(now: str | None, env: Mapping[str, str] | None) -> dict[str, str]:
    values = dict(os.environ)
    values.pop("DIALOGUE_NOW", None)
    if now is not None:
        values["DIALOGUE_NOW"] = now
    values.update(env or {})
    return values


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """``run_cli(args, cwd) -> (exit_code, stdout, stderr)``: ``generator.cli.main`` in-process.

    argparse's SystemExit (usage errors) becomes its exit code, as the shell would see it.
    """
    from generator import cli, diagnostics

    def run(
        args: list[str],
        cwd: Path,
        *,
        now: str | None = FIXED_NOW,
        env: Mapping[str, str] | None = None,
    ) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with monkeypatch.context() as patch:
            patch.chdir(cwd)
            if now is None:
                patch.delenv("DIALOGUE_NOW", raising=False)
            else:
                patch.setenv("DIALOGUE_NOW", now)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            # Diagnostics.report binds sys.stderr as a default argument when the module is
            # imported, so redirecting sys.stderr alone would not catch the problems it prints.
            patch.setattr(diagnostics.Diagnostics.report, "__defaults__", (err,))
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = cli.main([str(a) for a in args])
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return code, out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def run_cli_subprocess() -> RunCli:
    """``run_cli_subprocess(args, cwd)``: a real ``python -m generator`` process."""

    def run(
        args: list[str],
        cwd: Path,
        *,
        now: str | None = FIXED_NOW,
        env: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> CliResult:
        environment = _environment(now, env)
        environment["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO), environment.get("PYTHONPATH", "")) if p
        )
        done = subprocess.run(
            [sys.executable, "-m", "generator", *map(str, args)],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr

    return run


@pytest.fixture
def site_copy(tmp_path: Path) -> Callable[[str], Path]:
    """``site_copy(name)``: a fresh copy of tests/sites/<name> (the original is never built)."""

    def copy(name: str) -> Path:
        target = tmp_path / name.replace("/", "_")
        shutil.copytree(SITES / name, target)
        return target

    return copy


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """``make_site(files)``: an inline mini-site, as Hugo's txtar tests and MkDocs' tempdir.

    ``files`` maps paths to text (written as UTF-8 exactly, no newline translation) or bytes.
    site.yaml defaults to a minimal valid one; authors alice and bob exist unless given.
    """
    counter = iter(range(1_000_000))

    def make(files: Mapping[str, str | bytes] | None = None, *, authors: bool = True) -> Path:
        root = tmp_path / f"site{next(counter)}"
        root.mkdir()
        defaults: dict[str, str | bytes] = {"site.yaml": MINIMAL_SITE_YAML}
        if authors:
            defaults.update(AUTHORS)
        write_files(root, {**defaults, **(files or {})})
        return root

    return make


@pytest.fixture(scope="session")
def built_basic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/sites/basic built once by ``python -m generator build`` with DIALOGUE_NOW pinned;
    returns the copy's root (public/ inside). Shared by read-only tests: never modify it."""
    root = tmp_path_factory.mktemp("built") / "basic"
    shutil.copytree(SITES / "basic", root)
    environment = _environment(FIXED_NOW, {"PYTHONPATH": str(REPO)})
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-q"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return root


@pytest.fixture(scope="session")
def postgres() -> Iterator[pgserver.Databases]:
    """A throwaway PostgreSQL cluster for the whole session (tests/pgserver.py); each test
    that needs a queue in it takes a fresh database with ``postgres.create()``."""
    with pgserver.cluster() as server:
        yield pgserver.Databases(server)
