"""A Hypothesis state machine that edits a small site at random and checks, after every edit,
that an incremental build gives the same output, byte for byte, and the same problems as a
clean build of the same sources in a fresh folder.

The site lives as Python values (``SiteModel``) and is written out as files; each rule changes
one thing the way a writer would (a post's title, date, body, tags, authors, department, draft
flag, language; an author's fields; a post, page or comment file added or deleted; a key of
site.yaml; a template, a partial or a theme string) and rewrites only the files it touched.

Used by tests/incremental/test_differential.py (a fixed seed and a small budget) and by
benchmarks/differential.py (the long run).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule
from sitebuilds import files_of

REPO = Path(__file__).resolve().parents[2]
THEME = REPO / "themes" / "default"
NOW = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)

AUTHORS = ("alice", "bob", "carol")
DEPARTMENTS = ("", "Kommunikation", "IT", "Vertrieb")
TAGS = ("API", "api", "Kultur", "Öl & Gas", "IT", "Remote", "C")
LANGS = (None, "de", "en")
# Dates around the pinned clock: a few are in the future (scheduled), some are older than
# close_after_days (their comments close).
DATES = (
    "2024-05-01",
    "2025-12-31",
    "2026-03-15",
    "2026-09-01",
    "2026-11-01",
    "2026-11-23T10:00:00+01:00",
    "2026-12-24",
)
TEMPLATES = (
    "post.html",
    "list.html",
    "page.html",
    "archive.html",
    "base.html",
    "partials/card.html",
    "partials/comments.html",
    "partials/site_footer.html",
    "partials/author_box.html",
)
STRINGS = ("feed_comments", "all_posts", "latest_posts", "nav_authors", "made_with")

words = st.text(alphabet="abcdefg XYZ äöüß&<>'\"", min_size=1, max_size=16).filter(
    lambda s: s.strip() == s and s
)


@dataclass
class PostModel:
    title: str
    date: str
    body: str
    tags: list[str]
    authors: list[str]
    department: str = ""
    draft: bool = False
    lang: str | None = None

    def text(self) -> str:
        lines = [
            "---",
            f"title: {json.dumps(self.title, ensure_ascii=False)}",
            f"date: {self.date}",
            f"authors: [{', '.join(self.authors)}]",
        ]
        if self.tags:
            lines.append(f"tags: {json.dumps(self.tags, ensure_ascii=False)}")
        if self.department:
            lines.append(f"department: {json.dumps(self.department, ensure_ascii=False)}")
        if self.draft:
            lines.append("draft: true")
        if self.lang:
            lines.append(f"lang: {self.lang}")
        return "\n".join([*lines, "---", "", self.body, ""])


@dataclass
class CommentModel:
    post: str
    name: str
    body: str
    parent: str | None = None
    day: int = 2

    def text(self, comment_id: str) -> str:
        created = f"2026-11-{self.day:02d}T08:00:00+01:00"
        approved = f"2026-11-{self.day:02d}T09:00:00+01:00"
        return "\n".join(
            [
                f"id: {comment_id}",
                f"post: {self.post}",
                f"parent: {self.parent or 'null'}",
                f"name: {json.dumps(self.name, ensure_ascii=False)}",
                "website: null",
                f"created: {created}",
                f"approved: {approved}",
                "approved_by: alice",
                "staff: null",
                f"body: {json.dumps(self.body, ensure_ascii=False)}",
                "",
            ]
        )


@dataclass
class SiteModel:
    settings: dict[str, object] = field(
        default_factory=lambda: {
            "title": "Testblog",
            "description": "Ein Blog",
            "language": "de",
            "posts_per_page": 2,
            "feeds": {"limit": 3, "full_content": True},
            "comments": {"close_after_days": 90},
        }
    )
    authors: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "alice": {"name": "Alice Example", "role": "Leitung", "department": "IT"},
            "bob": {"name": "Bob Example", "bio": "Schreibt *gern*."},
            "carol": {"name": "Carol Example", "department": "Vertrieb"},
        }
    )
    posts: dict[str, PostModel] = field(default_factory=dict)
    pages: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # slug -> title, menu
    comments: dict[str, CommentModel] = field(default_factory=dict)

    def site_yaml(self) -> str:
        settings = dict(self.settings)
        settings.setdefault("base_url", "https://example.com/")
        settings["comments"] = {**settings["comments"], "moderators": ["alice"]}  # type: ignore[dict-item]
        return json.dumps(settings, ensure_ascii=False, indent=1) + "\n"

    def author_yaml(self, author_id: str) -> str:
        fields = self.authors[author_id]
        return "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items())


def initial_site() -> SiteModel:
    site = SiteModel()
    site.posts = {
        "erster": PostModel("Erster Beitrag", "2026-03-15", "Hallo **Welt**.", ["API"], ["alice"]),
        "zweiter": PostModel(
            "Zweiter", "2026-11-01", "## Eins\n\nText.\n\n## Zwei\n\nMehr.", ["Kultur"], ["bob"]
        ),
        "dritter": PostModel(
            "Dritter", "2025-12-31", "Alt.", ["API", "Remote"], ["carol", "alice"], "IT"
        ),
        "vierter": PostModel("Vierter", "2026-09-01", "Vier.", [], ["bob"], lang="en"),
    }
    site.pages = {"about": ("Über uns", "main"), "impressum": ("Impressum", "footer")}
    site.comments = {
        comment_id(1): CommentModel("zweiter", "Leserin", "Danke!"),
        comment_id(2): CommentModel("zweiter", "Leser", "Und *wie*?", parent=comment_id(1), day=3),
        comment_id(3): CommentModel("erster", "Gast", "Gut.", day=4),
    }
    return site


def comment_id(number: int) -> str:
    return f"01JA{number:022d}"


class SiteFiles:
    """The model written out under ``root``: only what an edit touched is rewritten."""

    def __init__(self, root: Path, site: SiteModel) -> None:
        self.root = root
        self.site = site
        shutil.copytree(THEME, root / "themes" / "default")
        self.write("site.yaml", site.site_yaml())
        for author_id in site.authors:
            self.author(author_id)
        for slug in site.posts:
            self.post(slug)
        for slug in site.pages:
            self.page(slug)
        for number in site.comments:
            self.comment(number)

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def remove(self, name: str) -> None:
        (self.root / name).unlink()

    def post(self, slug: str) -> None:
        if slug in self.site.posts:
            self.write(f"content/posts/{slug}.md", self.site.posts[slug].text())
        else:
            self.remove(f"content/posts/{slug}.md")

    def author(self, author_id: str) -> None:
        self.write(f"content/authors/{author_id}.yaml", self.site.author_yaml(author_id))

    def page(self, slug: str) -> None:
        name = f"content/pages/{slug}.md"
        if slug not in self.site.pages:
            self.remove(name)
            return
        title, menu = self.site.pages[slug]
        menu_line = f"menu: {menu}\n" if menu else ""
        self.write(name, f"---\ntitle: {json.dumps(title)}\n{menu_line}---\n\nSeite {slug}.\n")

    def comment(self, number: str) -> None:
        if number in self.site.comments:
            comment = self.site.comments[number]
            self.write(f"content/comments/{comment.post}/{number}.yaml", comment.text(number))
        else:
            for path in (self.root / "content" / "comments").glob(f"*/{number}.yaml"):
                path.unlink()


def difference(actual: dict[str, bytes], expected: dict[str, bytes]) -> str:
    """'' when equal, else the names that differ and the first lines where the first differs."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    differ = sorted(n for n in actual.keys() & expected.keys() if actual[n] != expected[n])
    if not (missing or extra or differ):
        return ""
    lines = [f"missing {missing}", f"extra {extra}", f"different {differ}"]
    if differ:
        got = actual[differ[0]].decode("utf-8", "replace").splitlines()
        want = expected[differ[0]].decode("utf-8", "replace").splitlines()
        for number, (a, b) in enumerate(zip(got, want, strict=False)):
            if a != b:
                lines += [
                    f"line {number + 1} incremental: {a[:200]}",
                    f"           clean: {b[:200]}",
                ]
                break
    return "\n".join(lines)


def build_site(root: Path, *, clean: bool) -> tuple[bool, list[str]]:
    from generator.assemble import BuildOptions
    from generator.build import build

    report = build(root, BuildOptions(now=NOW), jobs=1, clean=clean)
    return report.ok, sorted(str(p) for p in set(report.diag.problems))


class IncrementalEqualsClean(RuleBasedStateMachine):
    """Each step: one edit, an incremental build, a clean build of a copy, the two compared."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="dialogue-differential-"))
        self.site = initial_site()
        self.files = SiteFiles(self.folder / "site", self.site)
        self.counter = 100
        self.steps: list[str] = []
        self.last_good: dict[str, bytes] | None = None
        self.check("start")

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------ the comparison

    def check(self, step: str) -> None:
        self.steps.append(step)
        root = self.files.root
        ok, problems = build_site(root, clean=False)
        fresh = self.folder / f"clean-{len(self.steps)}"
        shutil.copytree(root, fresh, ignore=shutil.ignore_patterns(".dialogue", "public"))
        clean_ok, clean_problems = build_site(fresh, clean=True)
        history = " -> ".join(self.steps)
        assert (ok, problems) == (clean_ok, clean_problems), f"problems differ after {history}"
        output = files_of(root / "public") if (root / "public").is_dir() else {}
        if ok:
            expected = files_of(fresh / "public")
            found = difference(output, expected)
            assert not found, f"incremental != clean after {history}:\n{found}"
            self.last_good = output
        else:  # a failed build leaves the previous output exactly as it was
            assert output == (self.last_good or {}), f"output changed by a failed build: {history}"
        shutil.rmtree(fresh)

    def _new_number(self) -> int:
        self.counter += 1
        return self.counter

    # ------------------------------------------------------------ posts

    @rule(data=st.data(), title=words)
    def retitle_post(self, data: st.DataObject, title: str) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        self.site.posts[slug].title = title
        self.files.post(slug)
        self.check(f"title {slug}={title!r}")

    @rule(data=st.data(), date=st.sampled_from(DATES))
    def redate_post(self, data: st.DataObject, date: str) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        self.site.posts[slug].date = date
        self.files.post(slug)
        self.check(f"date {slug}={date}")

    @rule(data=st.data(), text=words, heading=st.booleans())
    def edit_body(self, data: st.DataObject, text: str, heading: bool) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        post = self.site.posts[slug]
        post.body += f"\n\n{'## ' if heading else ''}{text}"
        self.files.post(slug)
        self.check(f"body {slug}")

    @rule(data=st.data(), tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
    def retag_post(self, data: st.DataObject, tags: list[str]) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        self.site.posts[slug].tags = tags
        self.files.post(slug)
        self.check(f"tags {slug}={tags}")

    @rule(
        data=st.data(),
        authors=st.lists(st.sampled_from(AUTHORS), min_size=1, max_size=2, unique=True),
    )
    def reassign_post(self, data: st.DataObject, authors: list[str]) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        self.site.posts[slug].authors = authors
        self.files.post(slug)
        self.check(f"authors {slug}={authors}")

    @rule(data=st.data(), department=st.sampled_from(DEPARTMENTS))
    def move_post(self, data: st.DataObject, department: str) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        self.site.posts[slug].department = department
        self.files.post(slug)
        self.check(f"department {slug}={department!r}")

    @rule(data=st.data())
    def toggle_draft(self, data: st.DataObject) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        post = self.site.posts[slug]
        post.draft = not post.draft
        self.files.post(slug)
        self.check(f"draft {slug}={post.draft}")

    @rule(data=st.data(), lang=st.sampled_from(LANGS))
    def relang_post(self, data: st.DataObject, lang: str | None) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        self.site.posts[slug].lang = lang
        self.files.post(slug)
        self.check(f"lang {slug}={lang}")

    @rule(
        title=words,
        date=st.sampled_from(DATES),
        author=st.sampled_from(AUTHORS),
        tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    )
    def add_post(self, title: str, date: str, author: str, tags: list[str]) -> None:
        slug = f"neu-{self._new_number()}"
        self.site.posts[slug] = PostModel(title, date, f"Neu: {title}", tags, [author])
        self.files.post(slug)
        self.check(f"add post {slug}")

    @precondition(lambda self: len(self.site.posts) > 1)
    @rule(data=st.data())
    def delete_post(self, data: st.DataObject) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.posts)))
        del self.site.posts[slug]
        self.files.post(slug)
        self.check(f"delete post {slug}")

    # ------------------------------------------------------------ authors, pages, comments

    @rule(
        author=st.sampled_from(AUTHORS),
        key=st.sampled_from(("name", "role", "department", "bio")),
        value=words,
    )
    def edit_author(self, author: str, key: str, value: str) -> None:
        self.site.authors[author][key] = value
        self.files.author(author)
        self.check(f"author {author}.{key}={value!r}")

    @rule(title=words, menu=st.sampled_from((None, "main", "footer")))
    def add_page(self, title: str, menu: str | None) -> None:
        slug = f"seite-{self._new_number()}"
        self.site.pages[slug] = (title, menu)
        self.files.page(slug)
        self.check(f"add page {slug}")

    @precondition(lambda self: bool(self.site.pages))
    @rule(data=st.data())
    def delete_page(self, data: st.DataObject) -> None:
        slug = data.draw(st.sampled_from(sorted(self.site.pages)))
        del self.site.pages[slug]
        self.files.page(slug)
        self.check(f"delete page {slug}")

    @rule(data=st.data(), name=words, body=words, day=st.integers(1, 20))
    def add_comment(self, data: st.DataObject, name: str, body: str, day: int) -> None:
        post = data.draw(st.sampled_from(sorted(self.site.posts)))
        on_post = sorted(n for n, c in self.site.comments.items() if c.post == post)
        parent = data.draw(st.sampled_from([None, *on_post]))
        number = comment_id(self._new_number())
        self.site.comments[number] = CommentModel(post, name, body, parent, day)
        self.files.comment(number)
        self.check(f"add comment {number[-3:]} on {post}")

    @precondition(lambda self: bool(self.site.comments))
    @rule(data=st.data())
    def delete_comment(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(sorted(self.site.comments)))
        del self.site.comments[number]
        self.files.comment(number)
        self.check(f"delete comment {number[-3:]}")

    # ------------------------------------------------------------ settings and theme

    @rule(
        setting=st.sampled_from(
            (
                ("title", "Anderer Titel"),
                ("title", "Testblog"),
                ("description", "Neu beschrieben"),
                ("language", "en"),
                ("language", "de"),
                ("posts_per_page", 1),
                ("posts_per_page", 3),
                ("feeds", {"limit": 1, "full_content": True}),
                ("feeds", {"limit": 3, "full_content": False}),
                ("comments", {"close_after_days": 0}),
                ("comments", {"close_after_days": 30}),
                ("comments", {"enabled": False}),
            )
        )
    )
    def edit_setting(self, setting: tuple[str, object]) -> None:
        key, value = setting
        self.site.settings[key] = value
        self.files.write("site.yaml", self.site.site_yaml())
        self.check(f"site.yaml {key}={value}")

    @rule(template=st.sampled_from(TEMPLATES))
    def edit_template(self, template: str) -> None:
        path = self.files.root / "themes/default/templates" / template
        text = path.read_text(encoding="utf-8")
        mark = f"<p>edit {self._new_number()}</p>"
        if "{% block main %}" in text:
            text = text.replace("{% block main %}", "{% block main %}" + mark, 1)
        else:
            text += mark + "\n"
        path.write_text(text, encoding="utf-8")
        self.check(f"template {template}")

    @rule(lang=st.sampled_from(("de", "en")), key=st.sampled_from(STRINGS), value=words)
    def edit_string(self, lang: str, key: str, value: str) -> None:
        path = self.files.root / f"themes/default/i18n/{lang}.yaml"
        lines = [
            f"{key}: {json.dumps(value, ensure_ascii=False)}"
            if line.startswith(f"{key}:")
            else line
            for line in path.read_text(encoding="utf-8").splitlines()
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.check(f"string {lang}.{key}={value!r}")
