"""``dialogue --help`` teaches: the commands grouped by the job they do, none left out, and
examples to copy."""

from __future__ import annotations

import argparse
from pathlib import Path

from sitetools import RunCli

from generator import cli, cli_help


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_help_groups_the_commands_by_job(run_cli: RunCli, tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(["--help"], tmp_path)
    assert (code, stderr) == (0, "")
    headers = [line for line in stdout.splitlines() if line.endswith(":") and line[0] != " "]
    assert headers[:6] == [
        "start a blog:",
        "write:",
        "build and preview:",
        "moderate comments:",
        "run the comment intake:",
        "plan:",
    ]
    block = stdout.split("plan:\n", 1)[1]
    assert block.startswith("  plan            the editorial plan: ")
    assert "  schedule        when time alone changes the site" in block
    assert "  comments serve  the comment intake endpoint" in stdout
    assert 'dialogue init blog --title "Acme im Dialog" && cd blog && dialogue build' in stdout


def test_every_command_is_in_exactly_one_job() -> None:
    commands = _commands(cli._parser(with_comments=True))
    named = [name for _, names in cli_help.JOBS for name in names]
    assert len(named) == len(set(named))
    top = {name.split()[0] for name in named}
    assert top == set(commands)
    for name in named:  # a named subcommand exists ('comments serve')
        first, *rest = name.split()
        if rest:
            assert rest[0] in _commands(commands[first])


def test_subcommand_usage_names_the_command(run_cli: RunCli, tmp_path: Path) -> None:
    for words in (["plan"], ["schedule"], ["init"], ["comments"]):
        code, stdout, _ = run_cli([*words, "--help"], tmp_path)
        assert code == 0
        assert stdout.startswith(f"usage: dialogue {words[0]} "), stdout.splitlines()[0]
