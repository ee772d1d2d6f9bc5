"""axe-core on every kind of page, in the light and the dark colour scheme: zero WCAG 2 A and AA
violations (contrast included, so both schemes count)."""

from __future__ import annotations

import pytest

from browser.builtsite import LiveSite
from browser.conftest import AXE, NewPage, Sample, describe_violations, run_axe

pytestmark = pytest.mark.browser

KINDS = ["home", "post", "post-notice", "author", "tag", "archive", "404"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_wcag2_violations(
    kind: str, scheme: str, live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    assert AXE.is_file(), f"{AXE} missing: run `make npm` (npm ci --ignore-scripts)"
    watched = new_page(color_scheme=scheme)
    if kind == "post-notice":  # the post as the intake's redirect shows it, notice visible
        path = sample.paths["post"] + "?comment=received#comment-status"
    else:
        path = sample.paths[kind]
    watched.goto(live_site.url(path), status=404 if kind == "404" else 200)
    violations = run_axe(watched.page)
    assert not violations, f"{kind} ({scheme}), {path}:\n{describe_violations(violations)}"


def test_every_post_page_and_overview_in_both_schemes(
    live_site: LiveSite, new_page: NewPage
) -> None:
    """Posts differ in what their Markdown makes (code, tables, task lists, figures): every
    post and standalone page, and one page of each remaining template, light and dark at
    1280 px, and light at 390 px."""
    import json

    manifest = json.loads((live_site.out / "_dialogue" / "posts.json").read_text("utf-8"))
    paths = [p["path"] for p in manifest["posts"]]
    standalone = [
        "/" + str(p.parent.relative_to(live_site.out)) + "/"
        for p in sorted(live_site.out.glob("*/index.html"))
        if p.parent.name not in ("authors", "tags", "departments", "archive", "page", "comments")
        and not p.parent.name.isdigit()
    ]
    overviews = ["/authors/", "/tags/", "/departments/"]
    departments = sorted(live_site.out.glob("departments/*/index.html"))
    overviews += ["/" + str(departments[0].parent.relative_to(live_site.out)) + "/"]
    if (live_site.out / "page" / "2" / "index.html").is_file():
        overviews.append("/page/2/")
    paths += standalone + overviews
    assert len(paths) >= 15, paths

    desktop = new_page(color_scheme="light")
    # At 390 px code blocks and tables overflow: scroll regions a keyboard must reach too.
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    report = []
    for path in paths:
        desktop.goto(live_site.url(path))
        for scheme in ("light", "dark"):
            desktop.page.emulate_media(color_scheme=scheme)
            violations = run_axe(desktop.page)
            if violations:
                report.append(f"{path} ({scheme}):\n{describe_violations(violations)}")
        phone.goto(live_site.url(path))
        violations = run_axe(phone.page)
        if violations:
            report.append(f"{path} (390 px, light):\n{describe_violations(violations)}")
    assert not report, "\n".join(report)
