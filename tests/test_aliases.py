"""``aliases:`` in front matter: old addresses that redirect to a post or page (Hugo's way), and
every way to get one wrong reported with its file and line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from htmlcheck import elements
from sitetools import MINIMAL_SITE_YAML, RunCli, post

PAGE = "---\ntitle: Impressum\naliases: [/impressum.html, '/?page_id=2']\n---\n\nAcme GmbH\n"


def test_aliases_become_redirect_pages_and_a_map(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    aliases = "\n  - /2019/05/old\n  - /archiv/%C3%BCber-uns/\n  - /?p=7"
    root = make_site(
        {
            "content/posts/hello.md": post("Hello", aliases=aliases),
            "content/pages/impressum.md": PAGE,
        }
    )
    code, _, err = run_cli(["build"], root)
    assert code == 0, err
    public = root / "public"
    for name in ("2019/05/old/index.html", "archiv/über-uns/index.html", "impressum.html"):
        page = (public / name).read_text("utf-8")
        assert '<meta name="robots" content="noindex">' in page
        assert 'http-equiv="refresh"' in page and 'rel="canonical"' in page
    assert "https://example.com/2024/03/hello/" in (public / "2019/05/old/index.html").read_text()
    redirects = json.loads((public / "_dialogue/redirects.json").read_text("utf-8"))
    assert redirects == {"/?p=7": "/2024/03/hello/", "/?page_id=2": "/impressum/"}
    assert (public / "static/redirects.js").is_file()
    assert "redirects.js" in (public / "index.html").read_text("utf-8")
    assert "redirects.js" not in (public / "2024/03/hello/index.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("base_url", "path"), [("https://example.com/", "/"), ("https://example.com/blog/", "/blog/")]
)
def test_an_alias_page_sends_readers_to_a_path_on_the_same_host(
    make_site: Callable[..., Path], run_cli: RunCli, base_url: str, path: str
) -> None:
    """A copy served on another host or port (a preview, a mirror) keeps its readers there;
    search engines still learn the address under base_url."""
    config = MINIMAL_SITE_YAML.replace("https://example.com/", base_url)
    root = make_site({"site.yaml": config, "content/posts/hello.md": post("Hi", aliases="[/old/]")})
    assert run_cli(["build"], root)[0] == 0
    target = f"{path}2024/03/hello/"
    links = {
        (e.tag, *sorted(e.attrs)) for e in elements((root / "public/old/index.html").read_text())
    }
    assert ("meta", ("content", f"0; url={target}"), ("http-equiv", "refresh")) in links
    assert ("a", ("href", target)) in links
    assert ("link", ("href", f"{base_url}2024/03/hello/"), ("rel", "canonical")) in links


def test_a_site_without_query_aliases_loads_no_script(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_site({"content/posts/hello.md": post("Hello", aliases="[/old/]")})
    assert run_cli(["build"], root)[0] == 0
    assert (root / "public/old/index.html").is_file()
    assert not (root / "public/_dialogue/redirects.json").exists()
    assert "redirects.js" not in (root / "public/index.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ("[https://old.example/x/]", "alias 'https://old.example/x/' must be a path of this site"),
        ("[/a/../b/]", "alias '/a/../b/' has an empty, '.' or '..' part"),
        ("[/a//b/]", "alias '/a//b/' has an empty, '.' or '..' part"),
        ("['/x#y']", "alias '/x#y' holds a control character, '\\' or '#'"),
        ("[/]", "alias '/' is the home page: remove it"),
        ("['/?']", "alias '/?' ends in '?'"),
        ("[/tags/api/]", "alias '/tags/api/' is where the build writes its own pages"),
        ("[/404.html]", "alias '/404.html' is where the build writes its own pages"),
        ("[/2024/03/other/]", "alias '/2024/03/other/' is the address of content/posts/other.md"),
        ("alias-as-text", "aliases must be a list of strings"),
    ],
)
def test_a_wrong_alias_is_an_error_with_its_line(
    make_site: Callable[..., Path], run_cli: RunCli, aliases: str, message: str
) -> None:
    root = make_site(
        {
            "content/posts/hello.md": post("Hello", aliases=aliases),
            "content/posts/other.md": post("Other"),
        }
    )
    code, _, err = run_cli(["check"], root)
    assert code == 1
    assert f"content/posts/hello.md:5: {message}" in err, err


def test_an_alias_given_twice_names_both_places(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_site(
        {
            "content/posts/a.md": post("A", aliases="[/old/]"),
            "content/posts/b.md": post("B", tags="[x]", aliases="[/old]"),
        }
    )
    code, _, err = run_cli(["check"], root)
    assert code == 1
    # Reported once, at one of the two, naming the other.
    one = "content/posts/a.md:5: alias '/old/' is also given in content/posts/b.md:6"
    other = "content/posts/b.md:6: alias '/old/' is also given in content/posts/a.md:5"
    assert (one in err) != (other in err), err


def test_sticky_posts_come_first_on_the_home_page(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_site(
        {
            "content/posts/old.md": post("Old news", date="2020-01-01", sticky="true"),
            "content/posts/new.md": post("New news", date="2024-01-01"),
        }
    )
    assert run_cli(["build"], root)[0] == 0
    home = (root / "public/index.html").read_text("utf-8")
    assert home.index("Old news") < home.index("New news")
    feed = (root / "public/feed.xml").read_text("utf-8")
    assert feed.index("New news") < feed.index("Old news")  # feeds stay by date


def test_a_sticky_post_says_it_is_pinned_on_the_home_page_only(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_site(
        {
            "content/posts/old.md": post("Old news", date="2020-01-01", sticky="true", tags="[x]"),
            "content/posts/new.md": post("New news", date="2024-01-01", tags="[x]"),
        }
    )
    assert run_cli(["build"], root)[0] == 0
    home = (root / "public/index.html").read_text("utf-8")
    label = '<span class="badge">Pinned</span>'
    assert home.count(label) == 1
    assert home.index(label) < home.index("Old news") < home.index("New news")
    assert "Pinned" not in (root / "public/tags/x/index.html").read_text("utf-8")
    assert "Pinned" not in (root / "public/2020/01/old/index.html").read_text("utf-8")


def test_comments_left_under_a_renamed_slug_say_where_they_belong(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    comment = (
        "id: 01JA0000000000000000000001\npost: old-name\nparent: null\nname: Leser\n"
        "created: 2024-03-02T08:00:00+01:00\napproved: 2024-03-02T09:00:00+01:00\n"
        "approved_by: alice\nstaff: null\nbody: |\n  Gut.\n"
    )
    root = make_site(
        {
            "content/posts/new-name.md": post("Renamed", aliases="[/2024/03/old-name/]"),
            "content/comments/old-name/01JA0000000000000000000001.yaml": comment,
            "content/comments/gone/01JA0000000000000000000001.yaml": comment.replace(
                "post: old-name", "post: gone"
            ),
        }
    )
    _, _, err = run_cli(["check"], root)
    assert (
        "content/comments/old-name/01JA0000000000000000000001.yaml:2: warning: comment on unknown"
        " post 'old-name': it is not shown; content/posts/new-name.md has the alias"
        " '/2024/03/old-name/': if that post was 'old-name', move content/comments/old-name/ to"
        " content/comments/new-name/"
    ) in err, err
    assert "post 'gone': it is not shown\n" in err, err
