"""The picture a post shows when shared (``og:image``): 1200x630 pixels, raster, because
LinkedIn, Slack and X do not show SVG.

A post with a raster teaser gets the teaser, cropped to 1200x630 (``og-image.jpg``, a photo).
Any other post gets a card in the theme's colours: the site's name, the title, the authors
(``og-image.png``). Both are made once per content into ``.dialogue/cache/media/cards/`` and
copied into the post's folder. The font ships with Dialogue (fonts/, DejaVu Sans), so a card
looks the same on every machine.

A cold build draws a card for most posts, so a card is cheap (about 1 ms; 4.6 ms as an RGB
JPEG): it has 16 colours (the background, a ramp of nine shades to the text colour for the
letters' smooth edges, four to the muted colour, the accent, the rule), so it is drawn as
palette indices, one byte a pixel, and only its two bands that differ from card to card are
drawn and compressed (bandpng.py); what all cards share is made once per site.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from generator.media.bandpng import PAD, Piece, packed, png
from generator.media.variants import is_raster
from generator.model import Post, Site

WIDTH, HEIGHT = 1200, 630
FONTS = Path(__file__).parent / "fonts"
# The default theme's light colours (style.css: --bg, --tx, --mu, --ac, --bd).
BACKGROUND, TEXT, MUTED, ACCENT, RULE = "#fbfaf8", "#1b1f24", "#5d6570", "#0b6b64", "#e4e1db"
CARD_KEY = "card:png4:4"  # change it when cards are drawn differently

OG_PHOTO, OG_CARD = "og-image.jpg", "og-image.png"  # in the post's folder

MARGIN = 80
TITLE_ROWS = (170, 490)  # the bands that differ from card to card
AUTHOR_ROWS = (535, 585)
TEXT_SHADES, MUTED_SHADES = 9, 4  # palette: 0 background, 1-9 text, 10-13 muted, 14, 15
ACCENT_INDEX, RULE_INDEX = 14, 15


def og_image(post: Post) -> str:
    """The file name of the post's og:image in its folder."""
    return OG_PHOTO if post.image and is_raster(post.image) else OG_CARD


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
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    if post.image and og_image(post) == OG_PHOTO:
        # Plain baseline JPEG: 4:4:4 or optimize take twice as long for no visible gain.
        _cropped_teaser(post.source.parent / post.image).save(temporary, "JPEG", quality=85)
    else:
        names = ", ".join(site.authors[a].name for a in post.author_ids)
        temporary.write_bytes(card_png(site.config.title, post.title, names))
    os.replace(temporary, target)


def _cropped_teaser(path: Path) -> Any:
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    return ImageOps.fit(image, (WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def card_png(site_title: str, title: str, authors: str) -> bytes:
    """The card's PNG file: the site's shared bands around this post's title and authors."""
    top, middle, bottom = _shared_bands(site_title)
    return png(WIDTH, HEIGHT, _palette(), [top, *_title(title), middle, _authors(authors), bottom])


@cache
def _palette() -> bytes:
    def rgb(colour: str) -> tuple[int, int, int]:
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

    def ramp(to: str, shades: int) -> list[tuple[int, ...]]:
        start, end = rgb(BACKGROUND), rgb(to)
        return [
            tuple(round(s + (e - s) * step / shades) for s, e in zip(start, end, strict=True))
            for step in range(1, shades + 1)
        ]

    colours = [rgb(BACKGROUND), *ramp(TEXT, TEXT_SHADES), *ramp(MUTED, MUTED_SHADES)]
    return bytes(value for colour in [*colours, rgb(ACCENT), rgb(RULE)] for value in colour)


# The authors' letters are drawn as shades 1-4 (see _lettered) and moved to their indices.
MUTED_LUT = [0, *(TEXT_SHADES + min(MUTED_SHADES, shade) for shade in range(1, 256))]


@cache
def _font(bold: bool, size: int) -> Any:
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _lettered(
    rows: tuple[int, int], lines: list[tuple[int, int, str, Any, str]], shades: int
) -> Any:
    """A band of the card (the picture's rows ``rows``) with ``lines`` drawn on it, each
    (x, y in the picture, text, font, anchor), in ``shades`` steps of coverage: Pillow blends
    a letter's edge between the band's 0 and the ink, so the pixels are indices 0 to shades,
    the text colour's ramp as they are."""
    from PIL import Image, ImageDraw

    band = Image.new("L", (PAD + WIDTH, rows[1] - rows[0]), 0)
    draw = ImageDraw.Draw(band)
    for x, y, text, font, anchor in lines:
        draw.text((PAD + x, y - rows[0]), text, font=font, fill=shades, anchor=anchor)
    return band


def _wrap(text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fitted_title(title: str, width: int) -> tuple[Any, list[str]]:
    """The largest title size (64 down to 40 px) at which it fits in four lines; longer
    titles end with an ellipsis."""
    for size in (64, 58, 52, 46, 40):
        font = _font(True, size)
        lines = _wrap(title, font, width)
        if len(lines) <= 4:
            return font, lines
    return font, [*lines[:3], _cut(lines[3], font, width)]


def _cut(text: str, font: Any, width: int) -> str:
    """As many of ``text``'s words as fit in ``width`` with an ellipsis after them."""
    words = text.split(" ")
    while len(words) > 1 and font.getlength(" ".join(words) + " …") > width:
        words.pop()
    return " ".join(words) + " …"


def _title(title: str) -> list[Piece]:
    """The title's band: the rows its lines take drawn and compressed, blank rows above and
    below them (a short title leaves half the band blank) compressed once per height."""
    font, lines = _fitted_title(title, WIDTH - 2 * MARGIN)
    line_height = round(font.size * 1.2)
    top = TITLE_ROWS[0] + (4 - len(lines)) * line_height // 2
    drawn = [(MARGIN, top + n * line_height, line, font, "la") for n, line in enumerate(lines)]
    slack = font.size // 4  # room for marks above a capital's accent, below a descender
    rows = (
        max(TITLE_ROWS[0], top - slack),
        min(TITLE_ROWS[1], top + len(lines) * line_height + slack),
    )
    lettered = Piece(packed(_lettered(rows, drawn, TEXT_SHADES), _palette()))
    above, below = rows[0] - TITLE_ROWS[0], TITLE_ROWS[1] - rows[1]
    return [*([_blank(above)] if above else []), lettered, *([_blank(below)] if below else [])]


@cache
def _blank(rows: int) -> Piece:
    return Piece(bytes(rows * (PAD + WIDTH) // 2))  # index 0, each row led by filter byte 0


def _authors(authors: str) -> Piece:
    small, width = _font(False, 30), WIDTH - 2 * MARGIN
    people = authors if small.getlength(authors) <= width else _cut(authors, small, width)
    drawn = [(MARGIN, HEIGHT - 72, people, small, "lm")]
    return Piece(packed(_lettered(AUTHOR_ROWS, drawn, MUTED_SHADES).point(MUTED_LUT), _palette()))


@cache
def _shared_bands(site_title: str) -> tuple[Piece, Piece, Piece]:
    """What every card of a site shows, above, between and below its two bands: the header's
    accent line, the accent square, the site's name, the rule above the authors."""
    from PIL import ImageDraw

    name = (MARGIN + 64, 98, site_title, _font(True, 30), "lm")
    card = _lettered((0, HEIGHT), [name], TEXT_SHADES)
    draw = ImageDraw.Draw(card)
    draw.rectangle((PAD, 0, PAD + WIDTH - 1, 14), fill=ACCENT_INDEX)
    square = (PAD + MARGIN, 76, PAD + MARGIN + 44, 120)
    draw.rounded_rectangle(square, radius=10, fill=ACCENT_INDEX)
    rule = HEIGHT - 120
    draw.line((PAD + MARGIN, rule, PAD + WIDTH - MARGIN, rule), fill=RULE_INDEX, width=2)
    rows = packed(card, _palette())
    row = len(rows) // HEIGHT
    (title_top, title_end), (authors_top, authors_end) = TITLE_ROWS, AUTHOR_ROWS
    return (
        Piece(rows[: title_top * row]),
        Piece(rows[title_end * row : authors_top * row]),
        Piece(rows[authors_end * row :], last=True),
    )
