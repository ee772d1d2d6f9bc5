"""Pictures the build makes, decoded back with Pillow: WebP copies of a bundle's raster images
at the widths the <img srcset> names, each post's 1200x630 og:image (the teaser cropped, or a
card in the theme's colours), all made once per content and never again on a warm build."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sitetools import RunCli, post

Image = pytest.importorskip("PIL.Image")

CACHE = ".dialogue/cache/media"


def picture(size: tuple[int, int], colour: str, kind: str = "JPEG") -> bytes:
    data = io.BytesIO()
    Image.new("RGB", size, colour).save(data, kind)
    return data.getvalue()


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    body = "Intro.\n\n![A wide photo](photo.jpg)\n\n![A small chart](chart.png)\n"
    return make_site(
        {
            "content/posts/photos/index.md": post("Photos", body=body, image="teaser.jpg"),
            "content/posts/photos/photo.jpg": picture((1700, 1000), "#3366aa"),
            "content/posts/photos/chart.png": picture((640, 400), "#aa3300", "PNG"),
            "content/posts/photos/teaser.jpg": picture((2000, 1000), "#cc0000"),
            "content/posts/plain.md": post(
                "Ein Beitrag ohne Bild über Öl & Straße", date="2024-03-02"
            ),
        }
    )


def decoded(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        image.load()
        return str(image.format), image.size


def made(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / CACHE).rglob("*") if p.is_file()}


def test_bundle_images_get_webp_copies_named_in_srcset(run_cli: RunCli, site: Path) -> None:
    code, _, stderr = run_cli(["build"], site)
    assert code == 0, stderr
    folder = site / "public" / "2024" / "03" / "photos"
    html = (folder / "index.html").read_text("utf-8")
    photo = re.search(r'<img src="photo.jpg"[^>]*>', html)
    assert photo, html
    tag = photo.group(0)
    assert 'width="1700" height="1000"' in tag
    assert 'sizes="(min-width: 46rem) 42rem, calc(100vw - 2.25rem)"' in tag
    candidates = re.search(r'srcset="([^"]*)"', tag).group(1).split(", ")  # type: ignore[union-attr]
    assert candidates == [
        "photo-480w.webp 480w",
        "photo-800w.webp 800w",
        "photo-1200w.webp 1200w",
        "photo-1600w.webp 1600w",
        "photo-1700w.webp 1700w",
    ]
    for candidate in candidates:
        name, width = candidate.split(" ")
        assert decoded(folder / name) == ("WEBP", (int(width[:-1]), round(int(width[:-1]) / 1.7)))
    chart = re.search(r'<img src="chart.png"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'srcset="chart-480w.webp 480w, chart-640w.webp 640w"' in chart
    # The teaser too, with its size, on the post and on the listing's card.
    assert 'srcset="/2024/03/photos/teaser-480w.webp 480w' in html
    home = (site / "public" / "index.html").read_text("utf-8")
    assert 'src="/2024/03/photos/teaser.jpg" alt="" width="2000" height="1000" srcset=' in home
    # The original stays as it was.
    assert decoded(folder / "photo.jpg") == ("JPEG", (1700, 1000))


def test_every_post_has_a_raster_og_image(run_cli: RunCli, site: Path) -> None:
    code, _, stderr = run_cli(["build"], site)
    assert code == 0, stderr
    for slug, name, kind in (("photos", "og-image.jpg", "JPEG"), ("plain", "og-image.png", "PNG")):
        folder = site / "public" / "2024" / "03" / slug
        html = (folder / "index.html").read_text("utf-8")
        url = f"https://example.com/2024/03/{slug}/{name}"
        assert f'<meta property="og:image" content="{url}">' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        assert not (folder / ("og-image.png" if kind == "JPEG" else "og-image.jpg")).exists()
        with Image.open(folder / name) as image:
            assert (image.format, image.size) == (kind, (1200, 630))
            rgb = image.convert("RGB")
            centre, corner, top = (
                rgb.getpixel((600, 315)),
                rgb.getpixel((5, 620)),
                rgb.getpixel((600, 5)),
            )
        if kind == "JPEG":  # the red teaser, cropped
            assert centre[0] > 190 and centre[1] < 40 and centre[2] < 40, centre
        else:  # the card: the theme's background, its accent line on top, dark title text
            assert (corner, top) == ((0xFB, 0xFA, 0xF8), (0x0B, 0x6B, 0x64))
            colours = dict((c, n) for n, c in rgb.getcolors(16) or [])
            assert colours[(0x1B, 0x1F, 0x24)] > 5_000  # the title's letters, in --tx
            assert colours[(0x5D, 0x65, 0x70)] > 200  # the authors, in --mu
            assert colours[(0xE4, 0xE1, 0xDB)] == 2 * (1200 - 160 + 1)  # the rule, --bd


def test_made_once_per_content(run_cli: RunCli, site: Path) -> None:
    assert run_cli(["check"], site)[0] == 0
    assert not (site / CACHE).exists()  # check names the pictures, makes none
    assert run_cli(["build"], site)[0] == 0
    first = made(site)
    assert len([n for n in first if n.endswith(".webp")]) == 5 + 2 + 5  # photo, chart, teaser
    pictures = sorted(n.rsplit(".", 1)[1] for n in first if n.endswith((".jpg", ".png")))
    assert pictures == ["jpg", "png"]  # the teaser cropped, the other post's card
    assert run_cli(["build", "--clean"], site)[0] == 0  # even a clean build reuses them
    assert made(site) == first
    (site / "public" / "2024" / "03" / "photos" / "photo-800w.webp").unlink()
    assert run_cli(["build"], site)[0] == 0  # a file deleted by hand is copied again
    assert (site / "public" / "2024" / "03" / "photos" / "photo-800w.webp").is_file()
    assert made(site) == first
    (site / "content/posts/photos/photo.jpg").write_bytes(picture((900, 600), "#00aa00"))
    assert run_cli(["build"], site)[0] == 0
    now = made(site)
    # Only the new photo's copies are made; the chart, teaser and cards are as they were.
    assert sorted(name.split("-")[1] for name in set(now) - set(first)) == [
        "480.webp",
        "800.webp",
        "900.webp",
    ]
    with Image.open(site / "public/2024/03/photos/photo-900w.webp") as image:
        assert image.size == (900, 600)
