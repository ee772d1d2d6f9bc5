"""Stage 4, render: an output shows nothing its key does not cover. A template that reads a
post's body on a page that did not declare it fails at its line instead of going stale; a
body missing from the store is an error naming the post, not a template error."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from sitetools import FIXED_NOW, REPO, RunCli, assembled, post

from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.incremental.bodies import BodyStore
from generator.model import Rendered
from generator.plan.records import Output, shared_view
from generator.render.renderer import BodyProblem, make_renderer
from generator.themes import load_theme


def test_a_template_cannot_show_a_body_its_output_does_not_declare(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_site({"content/posts/hello.md": post("Hello", date="2026-11-01")})
    shutil.copytree(REPO / "themes/default", root / "themes/default")
    card = root / "themes/default/templates/partials/card.html"
    card.write_text(card.read_text(encoding="utf-8") + "{{ post.lead }}\n", encoding="utf-8")
    code, _, err = run_cli(["build"], root)
    assert code == 1
    assert "themes/default/templates/partials/card.html:" in err
    assert "body not loaded for this output" in err


def test_templates_see_the_shared_site_not_its_posts(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_site({"content/posts/hello.md": post("Hello", date="2026-11-01")})
    shutil.copytree(REPO / "themes/default", root / "themes/default")
    base = root / "themes/default/templates/base.html"
    text = base.read_text(encoding="utf-8").replace("</body>", "{{ site.posts }}</body>")
    base.write_text(text, encoding="utf-8")
    code, _, err = run_cli(["build"], root)
    assert code == 1 and "has no attribute 'posts'" in err


def test_a_body_missing_from_the_store_names_its_post(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """The store lost a body the post store promised (deleted by hand, a damaged file)."""
    root = make_site({"content/posts/hello.md": post("Hello", date="2026-11-01")})
    config = load_config(root, Diagnostics(root))
    assert config is not None
    site = assembled(config, dt.datetime.fromisoformat(FIXED_NOW))
    stored = Rendered("", "", (), 12, stored="no-such-key")
    hello = dataclasses.replace(site.posts[0], rendered=stored)
    page = Output(hello.url, "post.html", {"post": hello}, (hello,))
    theme = load_theme(root, "default", Diagnostics(root))
    assert theme is not None
    renderer = make_renderer(shared_view(site), theme, {}, BodyStore(tmp_path / "b.sqlite"))
    with pytest.raises(BodyProblem) as raised:
        renderer.render(page)
    assert str(raised.value).startswith(f"{hello.file}:1: post body: its body is missing")


def test_check_after_a_build_renders_the_bodies_the_build_stored(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_site({"content/posts/hello.md": post("Hello", date="2026-11-01")})
    assert run_cli(["build", "-q"], root)[0] == 0
    code, out, err = run_cli(["check"], root)
    assert (code, err) == (0, ""), err
    assert out.startswith("check: ok")


def test_comment_feed_entries_say_their_language(
    make_site: Callable[..., Path], run_cli: RunCli
) -> None:
    """A comment in another language than its post says so on its Atom entry (``lang:``);
    the others carry their post's language."""
    comment = (
        "id: {id}\npost: hallo\nname: {name}\ncreated: 2026-11-02T10:00:00+01:00\n"
        "approved: 2026-11-02T11:00:00+01:00\napproved_by: alice\n{lang}body: {body}\n"
    )
    root = make_site(
        {
            "content/posts/hallo.md": post("Hallo", date="2026-11-01", lang="de"),
            "content/comments/hallo/01JB0000000000000000000001.yaml": comment.format(
                id="01JB0000000000000000000001", name="Eva", lang="", body="Danke!"
            ),
            "content/comments/hallo/01JB0000000000000000000002.yaml": comment.format(
                id="01JB0000000000000000000002", name="Sam", lang="lang: en\n", body="Thanks!"
            ),
        }
    )
    assert run_cli(["build", "-q"], root)[0] == 0
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for feed in ("public/comments/feed.xml", "public/2026/11/hallo/feed.xml"):
        entries = ET.parse(root / feed).getroot().iter("{http://www.w3.org/2005/Atom}entry")
        said = {
            e.findtext("{http://www.w3.org/2005/Atom}content"): e.get(xml_lang) for e in entries
        }
        assert said == {"<p>Danke!</p>\n": "de", "<p>Thanks!</p>\n": "en"}, feed
