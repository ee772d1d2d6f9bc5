"""The picture a post shows when shared (``og:image``): 1200x630 pixels, raster, because
LinkedIn, Slack and X do not show SVG.

A post with a raster teaser gets the teaser, cropped to 1200x630. Any other post gets a card
drawn in the theme's colours: the site's name, the title, the authors. Both are made once per
content into ``.dialogue/cache/media/cards/`` and copied into the post's folder as
``og-image.jpg``: JPEG, because a card takes a millisecond to encode that way and forty as PNG
(10,000 posts). The font ships with Dialogue (fonts/, DejaVu Sans), so a card looks the same
on every machine.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from generator.media.variants import is_raster
from generator.model import Post, Site

WIDTH, HEIGHT = 1200, 630
FONTS = Path(__file__).parent / "fonts"
# The default theme's light colours (style.css: --bg, --tx, --mu, --ac, --bd).
BACKGROUND, TEXT, MUTED, ACCENT, RULE = "#fbfaf8", "#1b1f24", "#5d6570", "#0b6b64", "#e4e1db"
CARD_KEY = "card:jpeg:3"  # change it when cards are drawn differently


OG_IMAGE = "og-image.jpg"  # in the post's folder


def card_key(site: Site, post: Post, teaser_digest: str) -> str:
    """What the picture shows: the raster teaser (by the digest of its content), or the card's
    words."""
    digest = hashlib.blake2b(digest_size=16)
    if teaser_digest:
        digest.update(f"teaser\0{teaser_digest}".encode())
    else:
        names = ", ".join(site.authors[a].name for a in post.author_ids)
        digest.update(f"{CARD_KEY}\0{site.config.title}\0{post.title}\0{names}".encode())
    return digest.hexdigest()


def make_picture(site: Site, post: Post, target: Path) -> None:
    """Write the post's og:image to ``target`` (atomically)."""
    if post.image and is_raster(post.image):
        image = _cropped_teaser(post.source.parent / post.image)
    else:
        names = ", ".join(site.authors[a].name for a in post.author_ids)
        image = _card(site.config.title, post.title, names)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    # Encoding is most of a card's cost: plain baseline JPEG (4:4:4 or optimize take twice as
    # long; the letters are dark on light, where chroma subsampling shows little).
    image.save(temporary, "JPEG", quality=85)
    os.replace(temporary, target)


def _cropped_teaser(path: Path) -> Any:
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    return ImageOps.fit(image, (WIDTH, HEIGHT), Image.Resampling.LANCZOS)


@cache
def _font(bold: bool, size: int) -> Any:
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _wrap(draw: Any, text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fitted_title(draw: Any, title: str, width: int) -> tuple[Any, list[str]]:
    """The largest title size (64 down to 40 px) at which it fits in four lines; longer
    titles end with an ellipsis."""
    for size in (64, 58, 52, 46, 40):
        font = _font(True, size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= 4:
            return font, lines
    lines = lines[:4]
    while draw.textlength(lines[3] + " …", font=font) > width and " " in lines[3]:
        lines[3] = lines[3].rsplit(" ", 1)[0]
    lines[3] += " …"
    return font, lines


MARGIN = 80


@cache
def _background(site_title: str) -> Any:
    """What every card of a site shares: drawn once, copied for each post."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)  # the header's accent line
    draw.rounded_rectangle((MARGIN, 76, MARGIN + 44, 120), radius=10, fill=ACCENT)
    draw.text((MARGIN + 64, 98), site_title, font=_font(True, 30), fill=TEXT, anchor="lm")
    draw.line((MARGIN, HEIGHT - 120, WIDTH - MARGIN, HEIGHT - 120), fill=RULE, width=2)
    return image


def _card(site_title: str, title: str, authors: str) -> Any:
    from PIL import ImageDraw

    image = _background(site_title).copy()
    draw = ImageDraw.Draw(image)
    margin = MARGIN
    font, lines = _fitted_title(draw, title, WIDTH - 2 * margin)
    line_height = round(font.size * 1.2)
    top = 170 + (4 - len(lines)) * line_height // 2
    for number, line in enumerate(lines):
        draw.text((margin, top + number * line_height), line, font=font, fill=TEXT)
    people = authors
    small = _font(False, 30)
    while draw.textlength(people, font=small) > WIDTH - 2 * margin and " " in people:
        people = people.rsplit(" ", 1)[0] + " …"
    draw.text((margin, HEIGHT - 72), people, font=small, fill=MUTED, anchor="lm")
    return image
