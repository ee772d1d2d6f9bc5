"""Who may moderate what: a post's own authors its comments, ``comments.moderators`` all.

And who is typing: ``--by``, else DIALOGUE_MODERATOR, else the author whose ``email`` is
``git config user.email`` in the site's repository (SPEC, "Commands").
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import posts_json
from generator.config import Config
from generator.content.authors import read_author
from generator.diagnostics import Diagnostics
from generator.model import Author


class IdentityError(Exception):
    """The moderator can't be identified; the message says how to say who you are."""


@dataclass(frozen=True)
class Team:
    authors: Mapping[str, Author]
    post_authors: Mapping[str, tuple[str, ...]]  # post slug -> its author ids
    moderators: tuple[str, ...]
    # post slug -> the moderators of its department (comments.department_moderators)
    post_department_moderators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    posts: Mapping[str, posts_json.PostInfo] = field(default_factory=dict)  # from posts.json

    def may_moderate(self, who: str, post: str) -> bool:
        return (
            who in self.moderators
            or who in self.post_authors.get(post, ())
            or who in self.post_department_moderators.get(post, ())
        )

    def refusal(self, who: str, post: str) -> str:
        authors = ", ".join(self.post_authors.get(post, ())) or "none: the post is gone"
        department = ", ".join(self.post_department_moderators.get(post, ()))
        also = f", its department's moderators ({department})" if department else ""
        moderators = ", ".join(self.moderators) or "none"
        return (
            f"{who} may not moderate comments on '{post}': its authors ({authors}){also} and "
            f"the moderators ({moderators}) may; ask one of them, or add {who} to "
            "comments.moderators in site.yaml"
        )


def read_team(config: Config, diag: Diagnostics) -> Team | None:
    """The authors (content/authors/) and who wrote each post (the build's posts.json): a few
    small files, no post read or rendered. None when an author file has errors (in ``diag``)."""
    authors: dict[str, Author] = {}
    folder = config.content_path / "authors"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        author, problems = read_author(path, config.root, lambda bio: "")  # bios are not shown
        diag.extend(problems)
        if author is not None:
            authors[author.id] = author
    if diag.errors:
        return None
    listing = posts_json.path_of(config)
    try:
        posts = posts_json.parse(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = "missing" if isinstance(exc, FileNotFoundError) else f"unreadable ({exc})"
        fix = "run dialogue build; until then only comments.moderators may moderate"
        diag.warning(listing, 0, f"{why}: {fix}")
        posts = {}
    by_department = config.comments.department_moderators
    return Team(
        authors=authors,
        post_authors={slug: info.authors for slug, info in posts.items()},
        moderators=config.comments.moderators,
        post_department_moderators={
            slug: by_department[info.department]
            for slug, info in posts.items()
            if info.department in by_department
        },
        posts=posts,
    )


def git_email(root: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "config", "user.email"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # no git installed, or it hangs: identify by --by instead
    email = done.stdout.strip()
    return email if done.returncode == 0 and email else None


def _known(team: Team, author_id: str, source: str) -> str:
    if author_id not in team.authors:
        known = ", ".join(sorted(team.authors)) or "none yet"
        raise IdentityError(
            f"{source} names '{author_id}', who is not an author: use one of {known}, "
            f"or add content/authors/{author_id}.yaml"
        )
    return author_id


def identify(
    by: str | None, team: Team, root: Path, environ: Mapping[str, str] | None = None
) -> str:
    """The moderator's author id; IdentityError says how to fix it."""
    environ = os.environ if environ is None else environ
    if by:
        return _known(team, by, "--by")
    if environ.get("DIALOGUE_MODERATOR"):
        return _known(team, environ["DIALOGUE_MODERATOR"], "DIALOGUE_MODERATOR")
    email = git_email(root)
    if email:
        for author in team.authors.values():
            if author.email and author.email.strip().casefold() == email.casefold():
                return author.id
    found = f" ({email} is no author's email)" if email else ""
    raise IdentityError(
        f"cannot tell who is moderating{found}: pass --by AUTHOR_ID, set DIALOGUE_MODERATOR, "
        "or put your `git config user.email` as email: in content/authors/<your id>.yaml"
    )
