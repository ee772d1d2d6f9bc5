"""``dialogue --help``: the commands grouped by the job they do, with examples to copy."""

from __future__ import annotations

import argparse

# Each job and its commands, in the order a new blog meets them. "comments serve" is a
# subcommand of comments: named here with its own words, as its parser loads only when used.
JOBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("start a blog", ("init", "import")),
    ("write", ("new", "check")),
    ("build and preview", ("build", "serve")),
    ("moderate comments", ("comments",)),
    ("run the comment intake", ("comments serve",)),
    ("plan", ("plan", "schedule")),
)
INTAKE_HELP = "the comment intake endpoint under a production WSGI server"

EXAMPLES = """\
examples:
  dialogue init blog --title "Acme im Dialog" && cd blog && dialogue build
  dialogue new post "Unser neues Büro" --author anna-schmidt
  dialogue comments list --overdue
  dialogue plan --ics plan.ics

Every command works on the site in the current folder (the one with site.yaml).
`dialogue COMMAND --help` tells more about each."""


def overview(commands: argparse._SubParsersAction) -> str:
    """The grouped list of commands, with each command's own help text."""
    helps = {action.dest: action.help or "" for action in commands._choices_actions}
    helps["comments serve"] = INTAKE_HELP
    width = max(len(name) for name in helps) + 2
    lines = ["Build and run a corporate dialogue blog.", ""]
    for job, names in JOBS:
        lines.append(f"{job}:")
        lines += [f"  {name:<{width}}{helps[name]}" for name in names]
    return "\n".join(lines)


def listed() -> set[str]:
    """Every command the overview names (a test checks that none is left out)."""
    return {name for _, names in JOBS for name in names}
