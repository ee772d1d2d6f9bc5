"""Who is told: a post's authors, its department's moderators, the central moderators.

The order is the organisation's: the people closest to the post first (SPEC "Notices":
"authors, then the department's moderators, then the central moderators"). A person who is
on two levels (an author who also moderates) is told once, at the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from comments_moderation.permissions import Team
from generator.config import Config

# The recipient keys stored in the outbox: never an address, so the sending log holds none.
AUTHOR = "author:"
WEBHOOK = "webhook:"
COMMENTER = "commenter:"


@dataclass(frozen=True)
class PostFacts:
    slug: str
    title: str
    url: str  # absolute
    lang: str
    department: str
    authors: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str | None


@dataclass(frozen=True)
class Told:
    """One person to tell, and why: 'authors', 'department' or 'moderators'."""

    person: str
    level: str


@dataclass(frozen=True)
class Directory:
    """What notices need to know about the site: posts and people, read from content/."""

    posts: Mapping[str, PostFacts]
    people: Mapping[str, Person]
    moderators: tuple[str, ...]
    department_moderators: Mapping[str, tuple[str, ...]]
    language: str  # the site's, for a post that is gone

    def post(self, slug: str) -> PostFacts:
        """A post's facts; a post deleted since its comment arrived keeps its slug as title."""
        found = self.posts.get(slug)
        if found is None:
            return PostFacts(slug, slug, "", self.language, "", ())
        return found

    def audience(self, slug: str, levels: Iterable[str]) -> list[Told]:
        """Everyone the listed levels name for this post, in escalation order, each once."""
        post = self.post(slug)
        by_level = {
            "authors": post.authors,
            "department": self.department_moderators.get(post.department, ()),
            "moderators": self.moderators,
        }
        told: list[Told] = []
        seen: set[str] = set()
        for level in ("authors", "department", "moderators"):  # the order of escalation
            if level not in levels:
                continue
            for person in by_level[level]:
                if person not in seen and person in self.people:
                    seen.add(person)
                    told.append(Told(person, level))
        return told

    def language_of(self, slugs: Sequence[str]) -> str:
        """One language for a message about these posts: theirs if they share one."""
        languages = {self.post(s).lang for s in slugs}
        return languages.pop() if len(languages) == 1 else self.language


def directory_from_team(team: Team, config: Config) -> Directory:
    """The posts as the build listed them (posts.json) and the people of content/authors/: no
    post is read or rendered to learn who wrote it."""
    posts = {
        slug: PostFacts(slug, p.title, p.url, p.lang or config.language, p.department, p.authors)
        for slug, p in team.posts.items()
    }
    people = {a.id: Person(a.id, a.name, a.email) for a in team.authors.values()}
    return Directory(
        posts=posts,
        people=people,
        moderators=config.comments.moderators,
        department_moderators=config.comments.department_moderators,
        language=config.language,
    )
