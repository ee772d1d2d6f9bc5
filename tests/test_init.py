"""``dialogue init``: a new site that builds at once, in German or English; it refuses to
overwrite anything; its .gitignore keeps output, cache and queue out of git (asked of git
itself); its CI examples parse, name the right jobs and commands, and their shell steps do what
they say when run (a scheduled run rebuilds exactly when a change fell due)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sitetools import FIXED_NOW, RunCli

from generator.config import CommentsConfig, Config, FeedsConfig

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


@pytest.fixture
def no_git_identity(tmp_path: Path) -> dict[str, str]:
    """Environment for run_cli in which git knows no user (the machine's config is not read)."""
    empty = tmp_path / "gitconfig-empty"
    empty.write_text("", encoding="utf-8")
    return {"GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1"}


def init(run_cli: RunCli, folder: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    return run_cli(["init", *args], folder, env=env)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# ---------------------------------------------------------------- a site that builds at once


def test_german_site_builds_at_once(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    site = tmp_path / "blog"
    code, stdout, stderr = init(
        run_cli, site, no_git_identity, "--title", "Acme im Dialog", "--base-url", "https://x.test"
    )
    assert (code, stderr) == (0, ""), stderr
    assert "Created a new site in this folder:" in stdout
    assert sorted(files_in(site)) == [
        ".github/workflows/check.yml",
        ".github/workflows/publish.yml",
        ".gitignore",
        ".gitlab-ci.yml",
        "content/authors/redaktion.yaml",
        "content/comments/.gitkeep",
        "content/pages/ueber-diesen-blog.md",
        "content/posts/2026/warum-wir-diesen-blog-schreiben.md",
        "site.yaml",
    ]
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert config["title"] == "Acme im Dialog"
    assert config["base_url"] == "https://x.test/"
    assert config["comments"]["moderators"] == ["redaktion"]
    post = (site / "content/posts/2026/warum-wir-diesen-blog-schreiben.md").read_text("utf-8")
    assert f"date: {FIXED_NOW}" in post  # the clock, in the site's zone (Berlin: +01:00)

    assert run_cli(["check", "--strict"], site) == (
        0,
        "check: ok (1 posts, 1 authors, 1 pages)\n",
        "",
    )
    code, _, stderr = run_cli(["build"], site)
    assert (code, stderr) == (0, "")
    home = (site / "public/index.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in home
    assert "Acme im Dialog" in home
    assert "Warum wir diesen Blog schreiben" in home
    assert (site / "public/2026/11/warum-wir-diesen-blog-schreiben/index.html").is_file()
    assert (site / "public/ueber-diesen-blog/index.html").is_file()


def test_english_site(run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]) -> None:
    site = tmp_path / "blog"
    code, _, stderr = init(run_cli, site, no_git_identity, "--language", "en")
    assert (code, stderr) == (0, "")
    assert run_cli(["build", "-q"], site) == (0, "", "")
    home = (site / "public/index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in home
    assert "Our blog" in home and "Why we write this blog" in home
    author = yaml.safe_load((site / "content/authors/editorial-team.yaml").read_text("utf-8"))
    assert author["name"] == "Editorial team"
    assert (site / "public/about-this-blog/index.html").is_file()


def test_a_folder_given_as_argument_is_created(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    code, stdout, _ = run_cli(["init", "new/blog"], tmp_path, env=no_git_identity)
    assert code == 0
    assert "cd new/blog" in stdout
    assert run_cli(["build", "-q"], tmp_path / "new/blog") == (0, "", "")


@needs_git
def test_the_first_author_is_who_git_says(run_cli: RunCli, tmp_path: Path) -> None:
    """The person running init becomes the first author and moderator; their e-mail address
    lets `dialogue comments` recognise them, and it never reaches the built site."""
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Jürgen Groß\n\temail = juergen.gross@acme.example\n", encoding="utf-8"
    )
    env = {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
    site = tmp_path / "blog"
    assert init(run_cli, site, env)[0] == 0
    author = yaml.safe_load((site / "content/authors/juergen-gross.yaml").read_text("utf-8"))
    assert author == {
        "name": "Jürgen Groß",
        "role": "Redaktion",
        "department": "Kommunikation",
        "bio": "Schreibt und moderiert auf diesem Blog.",
        "email": "juergen.gross@acme.example",
    }
    site_yaml = yaml.safe_load((site / "site.yaml").read_text("utf-8"))
    assert site_yaml["comments"]["moderators"] == ["juergen-gross"]
    assert run_cli(["build", "-q"], site) == (0, "", "")
    leaked = [name for name, data in files_in(site / "public").items() if b"juergen.gross@" in data]
    assert leaked == []


# ---------------------------------------------------------------- never overwrites


def test_refuses_to_overwrite_and_changes_nothing(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    site = tmp_path / "blog"
    site.mkdir()
    (site / "site.yaml").write_text("title: Mine\n", encoding="utf-8")
    (site / ".gitignore").write_text("secret\n", encoding="utf-8")
    before = files_in(site)
    code, stdout, stderr = init(run_cli, site, no_git_identity)
    assert (code, stdout) == (1, "")
    assert stderr.startswith("dialogue init: nothing was changed: . holds these files already:\n")
    assert "\n  .gitignore\n  site.yaml\n" in stderr
    assert files_in(site) == before


def test_a_second_init_changes_nothing(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    site = tmp_path / "blog"
    assert init(run_cli, site, no_git_identity)[0] == 0
    before = files_in(site)
    code, _, stderr = init(run_cli, site, no_git_identity, "--language", "en")
    assert code == 1
    assert "  site.yaml\n" in stderr
    assert files_in(site) == before


def test_other_files_in_the_folder_are_fine(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    """A freshly cloned repository with a README and a licence: init adds the site beside."""
    site = tmp_path / "blog"
    site.mkdir()
    (site / "README.md").write_text("# Our blog\n", encoding="utf-8")
    assert init(run_cli, site, no_git_identity)[0] == 0
    assert (site / "README.md").read_text(encoding="utf-8") == "# Our blog\n"


def test_a_file_as_folder_and_bad_options(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    (tmp_path / "taken").write_text("", encoding="utf-8")
    code, _, stderr = run_cli(["init", "taken"], tmp_path, env=no_git_identity)
    assert (code, stderr) == (1, "dialogue init: taken is a file, not a folder\n")
    for bad in (["--base-url", "blog.example.com"], ["--language", "fr"], ["--timezone", "Mars"]):
        code, _, stderr = run_cli(["init", "x", *bad], tmp_path, env=no_git_identity)
        assert code == 2, bad
        assert "usage: dialogue init" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig-empty", "taken"]


# ---------------------------------------------------------------- site.yaml


def _keys(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_site_yaml_has_every_key_with_a_comment(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    site = tmp_path / "blog"
    assert init(run_cli, site, no_git_identity)[0] == 0
    text = (site / "site.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) == _keys(Config) - {"root"}
    assert set(data["feeds"]) == _keys(FeedsConfig)
    assert set(data["comments"]) == _keys(CommentsConfig)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        key = line.strip().split(":", 1)[0]
        if line.strip() and not line.lstrip().startswith("#") and key not in ("feeds", "comments"):
            assert lines[index - 1].lstrip().startswith("#"), f"no comment above: {line}"
    # The defaults it writes are the defaults the build has.
    assert {k: data["feeds"][k] for k in _keys(FeedsConfig)} == dataclasses.asdict(FeedsConfig())
    defaults = dataclasses.asdict(CommentsConfig())
    for key in _keys(CommentsConfig) - {"moderators"}:
        expected = list(defaults[key]) if isinstance(defaults[key], tuple) else defaults[key]
        assert data["comments"][key] == expected, key


# ---------------------------------------------------------------- .gitignore


@needs_git
def test_gitignore_keeps_output_cache_and_queue_out_of_git(
    run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]
) -> None:
    site = tmp_path / "blog"
    assert init(run_cli, site, no_git_identity)[0] == 0
    created = set(files_in(site))
    assert run_cli(["build", "-q"], site) == (0, "", "")
    for name in (".dialogue/comments.sqlite3", ".dialogue/comments.sqlite3-wal", "queue.sqlite3"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(b"SQLite format 3\x00")
    assert (site / "public/index.html").is_file() and (site / ".dialogue").is_dir()
    git = str(GIT)
    env = {**os.environ, **no_git_identity}
    subprocess.run([git, "init", "-q"], cwd=site, check=True, env=env)
    listed = subprocess.run(
        [git, "add", "--dry-run", "--all"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    added = {line.removeprefix("add '").removesuffix("'") for line in listed.splitlines()}
    assert added == created  # the site's sources, and nothing the build or the queue made


# ---------------------------------------------------------------- CI examples


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def new_site(run_cli: RunCli, tmp_path: Path, no_git_identity: dict[str, str]) -> Path:
    site = tmp_path / "blog"
    assert init(run_cli, site, no_git_identity)[0] == 0
    return site


def test_github_workflows(new_site: Path) -> None:
    check = _load(new_site / ".github/workflows/check.yml")
    # YAML 1.1 (PyYAML) reads the key `on` as true; GitHub reads it as "on".
    assert set(check[True]) == {"pull_request"}
    steps = check["jobs"]["check"]["steps"]
    assert [s["run"] for s in steps if "run" in s] == [
        'pip install "$DIALOGUE_PACKAGE"',
        "dialogue check",
    ]
    assert check["env"]["DIALOGUE_PACKAGE"].startswith("dialogue==")

    publish = _load(new_site / ".github/workflows/publish.yml")
    triggers = publish[True]
    assert triggers["push"] == {"branches": ["main"]}
    assert triggers["schedule"] == [{"cron": "7,37 * * * *"}]
    assert publish["env"]["DUE_WINDOW"] == "75m"
    steps = publish["jobs"]["publish"]["steps"]
    names = [s.get("name", s.get("uses")) for s in steps]
    assert names == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "Install Dialogue",
        "Is a scheduled change due?",
        "Build",
        "Deploy (DEPLOY - replace with your own)",
    ]
    assert 'dialogue schedule --due "$DUE_WINDOW"' in steps[3]["run"]
    assert steps[4]["run"] == "dialogue build"
    assert steps[4]["if"] == steps[5]["if"] == "steps.due.outputs.build == 'yes'"


def test_gitlab_ci(new_site: Path) -> None:
    ci = _load(new_site / ".gitlab-ci.yml")
    jobs = {name for name, job in ci.items() if isinstance(job, dict) and "script" in job}
    assert jobs == {"check", "publish"}
    assert ci["check"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert ci["check"]["script"] == ["dialogue check"]
    rules = [rule["if"] for rule in ci["publish"]["rules"]]
    assert '$CI_PIPELINE_SOURCE == "schedule"' in rules
    assert any("push" in rule and "$CI_DEFAULT_BRANCH" in rule for rule in rules)
    script = ci["publish"]["script"]
    assert 'dialogue schedule --due "$DUE_WINDOW" > due.txt' in script[0]
    assert script[1] == "dialogue build"
    assert script[2].startswith('echo "DEPLOY')
    assert ci["default"]["before_script"] == ['pip install --quiet "$DIALOGUE_PACKAGE"']


# The CI steps, run for real in the new site with `dialogue` from this environment.
SCHEDULED_POST = """\
---
title: Geplant
date: 2026-11-24T08:00:00+01:00
author: redaktion
---

Erscheint am Dienstag um acht.
"""


def _shell(script: str, site: Path, now: str, **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    environment = {**os.environ, "PATH": path, "DIALOGUE_NOW": now, "DUE_WINDOW": "75m", **env}
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=site,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("now", "builds"),
    [
        ("2026-11-24T07:59:00+01:00", False),  # not yet
        ("2026-11-24T08:05:00+01:00", True),  # the run just after
        ("2026-11-24T09:10:00+01:00", True),  # a run that started an hour late
        ("2026-11-24T09:20:00+01:00", False),  # the window has passed: built already
    ],
)
def test_gitlab_scheduled_pipeline_builds_when_due(new_site: Path, now: str, builds: bool) -> None:
    (new_site / "content/posts/2026/geplant.md").write_text(SCHEDULED_POST, encoding="utf-8")
    script = "\n".join(_load(new_site / ".gitlab-ci.yml")["publish"]["script"])
    done = _shell(script, new_site, now, CI_PIPELINE_SOURCE="schedule")
    assert done.returncode == 0, done.stderr
    built = new_site / "public/2026/11/geplant/index.html"
    assert built.is_file() is builds
    if builds:
        assert "2026-11-24T08:00:00+01:00  publish" in done.stdout
        assert "DEPLOY" in done.stdout
    else:
        assert "Nothing fell due: no rebuild." in done.stdout
        assert not (new_site / "public").exists()


def test_gitlab_push_pipeline_always_builds(new_site: Path) -> None:
    script = "\n".join(_load(new_site / ".gitlab-ci.yml")["publish"]["script"])
    done = _shell(script, new_site, FIXED_NOW, CI_PIPELINE_SOURCE="push")
    assert done.returncode == 0, done.stderr
    assert (new_site / "public/index.html").is_file()


@pytest.mark.parametrize(
    ("event", "now", "build"),
    [
        ("schedule", "2026-11-24T07:59:00+01:00", "no"),
        ("schedule", "2026-11-24T08:07:00+01:00", "yes"),
        ("push", "2026-11-24T07:59:00+01:00", "yes"),
    ],
)
def test_github_due_step_decides_the_build(
    new_site: Path, tmp_path: Path, event: str, now: str, build: str
) -> None:
    (new_site / "content/posts/2026/geplant.md").write_text(SCHEDULED_POST, encoding="utf-8")
    steps = _load(new_site / ".github/workflows/publish.yml")["jobs"]["publish"]["steps"]
    output = tmp_path / "github-output"
    output.write_text("", encoding="utf-8")
    done = _shell(
        steps[3]["run"], new_site, now, GITHUB_EVENT_NAME=event, GITHUB_OUTPUT=str(output)
    )
    assert done.returncode == 0, done.stderr
    assert output.read_text(encoding="utf-8") == f"build={build}\n"


def test_a_broken_site_fails_the_scheduled_run(new_site: Path) -> None:
    """A content error must not pass for 'nothing due': the job fails and says why."""
    (new_site / "content/posts/2026/kaputt.md").write_text("no front matter\n", encoding="utf-8")
    script = "\n".join(_load(new_site / ".gitlab-ci.yml")["publish"]["script"])
    done = _shell(script, new_site, FIXED_NOW, CI_PIPELINE_SOURCE="schedule")
    assert done.returncode == 1
    assert "content/posts/2026/kaputt.md:1: no front matter" in done.stderr
