"""What a reader sees in Chromium: every kind of page renders with its heading and its styles,
links lead where they say, dark mode follows the system, and a phone never scrolls sideways."""

from __future__ import annotations

import pytest

from browser.builtsite import LiveSite
from browser.conftest import NewPage, Sample

pytestmark = pytest.mark.browser

KINDS = ["home", "post", "author", "tag", "archive", "404"]


def expected_heading(sample: Sample, kind: str, lang: str) -> str:
    return {
        "home": sample.site_title,
        "post": sample.post["title"],
        "author": sample.author_name,
        "tag": sample.tag_name,
        "archive": sample.text("nav_archive", lang),
        "404": sample.text("not_found_title", lang),
    }[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_page_renders_with_its_heading(
    kind: str, live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page()
    page = watched.page
    watched.goto(live_site.url(sample.paths[kind]), status=404 if kind == "404" else 200)

    headings = page.locator("h1")
    assert headings.count() == 1, f"{kind}: {headings.count()} h1 elements"
    lang = page.evaluate("() => document.documentElement.lang")
    assert lang in ("de", "en"), f"{kind}: <html lang={lang!r}>"
    assert " ".join(headings.inner_text().split()) == expected_heading(sample, kind, lang)
    assert headings.is_visible()
    assert page.title().strip(), f"{kind}: empty <title>"
    # The theme's stylesheet arrived and applies: body is a flex column (style.css), not the
    # browser's default block with an 8px margin.
    styles = page.evaluate(
        """() => { const s = getComputedStyle(document.body);
                   return {display: s.display, margin: s.marginTop,
                           sheets: document.styleSheets.length}; }"""
    )
    assert styles["sheets"] >= 1 and styles["margin"] == "0px", styles
    # Every image on the page loads (a broken teaser or avatar shows as a box); lazy ones
    # below the fold are made eager first, since they would only load when scrolled to.
    broken = page.evaluate(
        """async () => {
             const images = [...document.images];
             images.forEach(i => { i.loading = 'eager'; });
             const results = await Promise.allSettled(images.map(i => i.decode()));
             return images.filter((i, n) => results[n].status === 'rejected' || !i.naturalWidth)
                          .map(i => i.currentSrc || i.src);
           }"""
    )
    assert not broken, f"{kind}: images that did not load: {broken}"
    assert not watched.errors, f"{kind}: {watched.errors}"


def test_post_to_author_and_back(live_site: LiveSite, sample: Sample, new_page: NewPage) -> None:
    watched = new_page()
    page = watched.page
    post_url = live_site.url(sample.post["path"])
    watched.goto(post_url)
    page.locator(f"main a[href='/authors/{sample.author_id}/']").first.click()
    page.wait_for_url(live_site.url(f"/authors/{sample.author_id}/"))
    assert page.locator("h1").inner_text().strip() == sample.author_name
    # The author page lists the post we came from.
    assert page.locator(f"main a[href='{sample.post['path']}']").count() >= 1
    page.go_back(wait_until="load")
    assert page.url == post_url
    assert page.locator("h1").inner_text().strip() == sample.post["title"]
    assert not watched.errors, watched.errors


def test_post_to_tag(live_site: LiveSite, sample: Sample, new_page: NewPage) -> None:
    watched = new_page()
    page = watched.page
    watched.goto(live_site.url(sample.post["path"]))
    page.locator(f"main a[href='{sample.tag_path}']").first.click()
    page.wait_for_url(live_site.url(sample.tag_path))
    assert " ".join(page.locator("h1").inner_text().split()) == sample.tag_name
    assert page.locator(f"main a[href='{sample.post['path']}']").count() >= 1
    assert not watched.errors, watched.errors


def _luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an rgb()/rgba() computed colour."""
    numbers = css_colour[css_colour.index("(") + 1 : css_colour.index(")")].split(",")
    r, g, b = (float(n) / 255 for n in numbers[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("kind", ["home", "post"])
def test_dark_mode_follows_the_system(
    kind: str, live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        watched = new_page(color_scheme=scheme)
        watched.goto(live_site.url(sample.paths[kind]))
        colours[scheme] = watched.page.evaluate(
            """() => { const b = getComputedStyle(document.body);
                       return [b.backgroundColor, b.color]; }"""
        )
    (light_bg, light_fg), (dark_bg, dark_fg) = colours["light"], colours["dark"]
    assert light_bg != dark_bg, colours
    assert _luminance(light_bg) > 0.8 and _luminance(light_fg) < 0.2, colours
    assert _luminance(dark_bg) < 0.05 and _luminance(dark_fg) > 0.6, colours


@pytest.mark.parametrize("kind", KINDS)
def test_no_horizontal_scrolling_at_390px(
    kind: str, live_site: LiveSite, sample: Sample, new_page: NewPage
) -> None:
    watched = new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True
    )
    watched.goto(live_site.url(sample.paths[kind]), status=404 if kind == "404" else 200)
    widths = watched.page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth,
                   client: document.documentElement.clientWidth,
                   wide: [...document.querySelectorAll('body *')]
                           .filter(e => e.getBoundingClientRect().right > 390.5)
                           .slice(0, 5).map(e => e.outerHTML.slice(0, 120))})"""
    )
    assert widths["scroll"] <= 390, widths


def test_a_wrapped_task_list_item_hangs_under_its_text(
    live_site: LiveSite, new_page: NewPage
) -> None:
    """The second line of a long task starts where the first line's text starts, not under the
    checkbox (at 390 px every task of the sample posts wraps)."""
    pages = sorted(live_site.out.glob("20*/*/*/index.html"))
    with_tasks = [p for p in pages if 'class="contains-task-list"' in p.read_text("utf-8")]
    assert with_tasks, "the sample site needs a post with a task list"
    path = "/" + with_tasks[0].parent.relative_to(live_site.out).as_posix() + "/"
    watched = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    watched.goto(live_site.url(path))
    lines = watched.page.evaluate(
        """() => [...document.querySelectorAll('.task-list-item label')].map(label => {
             const box = label.querySelector('input').getBoundingClientRect();
             const texts = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
             const starts = [];  // the left edge of each line: where the text goes back left
             let previous = Infinity;
             for (let node = texts.nextNode(); node; node = texts.nextNode()) {
               const range = document.createRange();
               range.selectNodeContents(node);
               for (const r of range.getClientRects()) {
                 if (!r.width) continue;
                 if (r.left < previous) starts.push(Math.round(r.left));
                 previous = r.left;
               }
             }
             return {checkbox: Math.round(box.right), starts};
           })"""
    )
    wrapped = [line for line in lines if len(line["starts"]) > 1]
    assert wrapped, lines
    for line in wrapped:
        assert len(set(line["starts"])) == 1, lines
        assert line["checkbox"] <= line["starts"][0], lines
