"""The og:image card, decoded back with Pillow: a 1200x630 PNG in the theme's colours whose
shared bands and per-post bands join into one valid image (generator/media/cards.py,
bandpng.py)."""

from __future__ import annotations

import io
import random

import pytest

from generator.media import bandpng, cards

Image = pytest.importorskip("PIL.Image")


def decoded(data: bytes):  # type: ignore[no-untyped-def]
    image = Image.open(io.BytesIO(data))
    image.load()  # checks every chunk's CRC and the zlib stream's Adler-32
    return image


def test_bands_join_into_the_image_they_came_from() -> None:
    width, height, rows = 7, 9, [(0, 2), (2, 5), (5, 9)]  # odd width: the last byte half-used
    chance = random.Random(5)
    palette = bytes(chance.randrange(256) for _ in range(48))
    pixels = [[chance.randrange(16) for _ in range(width)] for _ in range(height)]
    pieces = []
    for top, end in rows:
        band = Image.new("L", (bandpng.PAD + width, end - top), 0)
        for y in range(top, end):
            for x in range(width):
                band.putpixel((bandpng.PAD + x, y - top), pixels[y][x])
        pieces.append(bandpng.Piece(bandpng.packed(band, palette), last=end == height))
    image = decoded(bandpng.png(width, height, palette, pieces))
    assert (image.format, image.mode, image.size) == ("PNG", "P", (width, height))
    assert image.getpalette()[:48] == list(palette)
    assert [[image.getpixel((x, y)) for x in range(width)] for y in range(height)] == pixels


def test_a_card_shows_the_theme_colours() -> None:
    card = decoded(cards.card_png("Dialog", "Wie wir Firmware testen", "Anna Schmidt, Ben Müller"))
    assert (card.format, card.size) == ("PNG", (1200, 630))
    rgb = card.convert("RGB")
    counts = {colour: n for n, colour in rgb.getcolors(16) or []}
    theme = {
        "bg": (0xFB, 0xFA, 0xF8),
        "text": (0x1B, 0x1F, 0x24),
        "muted": (0x5D, 0x65, 0x70),
        "accent": (0x0B, 0x6B, 0x64),
        "rule": (0xE4, 0xE1, 0xDB),
    }
    assert counts[theme["bg"]] > 1200 * 630 * 0.8
    assert counts[theme["text"]] > 3_000  # the title and the site's name, fully covered
    assert counts[theme["muted"]] > 200  # the authors
    assert rgb.getpixel((600, 7)) == theme["accent"]  # the header's accent line
    assert rgb.getpixel((100, 98)) == theme["accent"]  # the square before the site's name
    assert rgb.getpixel((600, 510)) == theme["rule"]
    title = rgb.crop((cards.MARGIN, cards.TITLE_ROWS[0], 1200 - cards.MARGIN, cards.TITLE_ROWS[1]))
    assert theme["text"] in {colour for _, colour in title.getcolors(16) or []}
    # The two bands that differ between cards are what differs between two cards.
    other = decoded(cards.card_png("Dialog", "Ganz anders", "Chris"))
    differs = [
        y
        for y in range(630)
        if card.crop((0, y, 1200, y + 1)).tobytes() != other.crop((0, y, 1200, y + 1)).tobytes()
    ]
    assert differs and all(
        cards.TITLE_ROWS[0] <= y < cards.TITLE_ROWS[1]
        or cards.AUTHOR_ROWS[0] <= y < cards.AUTHOR_ROWS[1]
        for y in differs
    )


def test_long_titles_and_author_lists_are_cut_to_fit() -> None:
    title = "Ein sehr langer Titel über Öl und Straßen " * 12
    authors = ", ".join(f"Autorin Nummer {n}" for n in range(40))  # once looped forever
    card = decoded(cards.card_png("Dialog", title, authors)).convert("RGB")
    background = (0xFB, 0xFA, 0xF8)
    right_margin = card.crop((1200 - cards.MARGIN + 1, 130, 1200, 600))
    assert right_margin.getcolors() == [(right_margin.width * right_margin.height, background)]
    assert card.crop((80, 170, 1120, 490)).getcolors(16) != [(1040 * 320, background)]
    font = cards._font(False, 30)
    cut = cards._cut(authors, font, 1040)
    assert cut.endswith(" …") and font.getlength(cut) <= 1040 and cut.startswith("Autorin")
