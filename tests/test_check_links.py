"""``dialogue check`` checks the links of every page the build would write: a missing bundle
image, a missing absolute image, a dead internal link and an anchor without its element are
errors at the Markdown line that holds them; links that work, external links and the site's
own absolute URLs pass; a dead link the theme makes is reported once for its template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitetools import SITES, RunCli, post

BROKEN_BODY = """\
Intro paragraph with a [working link](/archive/) and [the other post](/2024/03/other/#second).

## Fine heading

![A missing picture](missing.png)

![An absolute one](/static/nothing.png)

Read [the old post](/2023/01/gone/) and [its part](#no-such-anchor), or
[a heading that exists](#fine-heading), [our home](https://example.com/) and
[somebody else's](https://example.org/nowhere/) and [mail](mailto:x@example.com).
"""

OTHER_BODY = "First.\n\n## Second\n\nText with a [link to nothing](../../../2024/03/nope/).\n"


def test_broken_links_are_errors_at_their_lines(
    run_cli: RunCli, make_site: Callable[..., Path]
) -> None:
    root = make_site(
        {
            "content/posts/broken/index.md": post("Broken", body=BROKEN_BODY),
            "content/posts/other.md": post("Other", date="2024-03-02", body=OTHER_BODY),
        }
    )
    code, stdout, stderr = run_cli(["check"], root)
    assert code == 1, stdout
    lines = sorted(line for line in stderr.splitlines() if not line.startswith("check:"))
    # The post's front matter has 5 lines and a blank one: the body starts on line 7.
    broken = "content/posts/broken/index.md"
    assert lines == sorted(
        [
            f"{broken}:11: broken link 'missing.png': leads to no page or file of the site",
            f"{broken}:13: broken link '/static/nothing.png': leads to no page or file of the site",
            f"{broken}:15: broken link '/2023/01/gone/': leads to no page or file of the site",
            f"{broken}:15: broken link '#no-such-anchor': no element has the id 'no-such-anchor'",
            "content/posts/other.md:11: broken link '../../../2024/03/nope/': "
            "leads to no page or file of the site",
            f"{broken}:11: warning: image 'missing.png' not found beside the post",
        ]
    ), stderr
    # build does not check links: the site is written, as before.
    code, _, stderr = run_cli(["build"], root)
    assert code == 0, stderr


def test_the_sample_sites_have_no_broken_link(run_cli: RunCli, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root)
    code, stdout, stderr = run_cli(["check", "--strict"], root)
    assert code == 0, stderr
    assert stdout.startswith("check: ok")


def test_a_dead_link_in_the_theme_is_reported_once(
    run_cli: RunCli, make_site: Callable[..., Path]
) -> None:
    root = make_site(
        {
            "content/posts/a.md": post("A"),
            "content/posts/b.md": post("B", date="2024-03-02"),
            "themes/mine/theme.yaml": "extends: default\n",
            "themes/mine/templates/partials/site_footer.html": '<a href="/imprint/">Imprint</a>',
        }
    )
    config = root / "site.yaml"
    config.write_text(config.read_text("utf-8") + "theme: mine\n", "utf-8")
    code, _, stderr = run_cli(["check"], root)
    assert code == 1
    problems = [line for line in stderr.splitlines() if "/imprint/" in line]
    assert len(problems) == 1, stderr
    assert problems[0].startswith("theme 'mine': broken link '/imprint/' on /")
    assert "more pages" in problems[0]
