"""Write a large WordPress export (WXR 1.2) for timing ``dialogue import wordpress``.

    python benchmarks/wordpress_export.py OUT.xml --posts 20000 --comments 8

Posts alternate classic and block-editor content of about 6 KB with a caption shortcode, links to
other posts and a heading; each has the given number of comments (a third of them replies, one
in eight pending). Deterministic: the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Benchmark</title><link>https://old.example</link><language>de-DE</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
"""
WORDS = [
    "Heizung",
    "Thermostat",
    "Firmware",
    "Kunden",
    "Service",
    "Installation",
    "Update",
    "Sicherheit",
    "Energie",
    "Wärme",
    "Planung",
    "Montage",
    "Technik",
    "Daten",
    "Schnittstelle",
    "Wartung",
    "Störung",
    "Lösung",
    "Frage",
    "Antwort",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _content(rng: random.Random, number: int) -> str:
    paragraphs = [_text(rng, 80) for _ in range(8)]
    other = max(1, number - 1)
    link = f'<a href="https://old.example/?p={other}">frühere Beitrag</a>'
    if number % 2:
        caption = (
            f'[caption width="300"]<img src="https://old.example/wp-content/uploads/2020/01/'
            f'bild-{number}.jpg" alt="Bild" /> Bildunterschrift {number}[/caption]'
        )
        return "\n\n".join([paragraphs[0] + " " + link, caption, *paragraphs[1:]])
    blocks = [f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs]
    blocks.insert(1, f"<!-- wp:heading -->\n<h2>Abschnitt {number}</h2>\n<!-- /wp:heading -->")
    blocks.append(f"<!-- wp:paragraph -->\n<p>Siehe {link}.</p>\n<!-- /wp:paragraph -->")
    return "\n\n".join(blocks)


def _comment(rng: random.Random, cid: int, parent: int, when: dt.datetime) -> str:
    status = "0" if cid % 8 == 0 else "1"
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[Leser {cid}]]></wp:comment_author>"
        f"<wp:comment_author_email>leser{cid}@example.org</wp:comment_author_email>"
        f"<wp:comment_date>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
        f"<wp:comment_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{_text(rng, 40)}]]></wp:comment_content>"
        f"<wp:comment_approved>{status}</wp:comment_approved><wp:comment_type>comment"
        f"</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
        "<wp:user_id>0</wp:user_id></wp:comment>\n"
    )


def write(path: Path, posts: int, comments: int) -> None:
    rng = random.Random(7)
    start = dt.datetime(2015, 1, 1, 8)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(4):
            out.write(
                f"<wp:author><wp:author_id>{n + 1}</wp:author_id><wp:author_login>autor{n}"
                f"</wp:author_login><wp:author_email>autor{n}@old.example</wp:author_email>"
                f"<wp:author_display_name>Autorin {n}</wp:author_display_name></wp:author>\n"
            )
        cid = 0
        for number in range(1, posts + 1):
            when = start + dt.timedelta(hours=7 * number)
            slug = f"beitrag-{number}"
            out.write(
                f"<item><title>{escape(_text(rng, 6))}</title>"
                f"<link>https://old.example/{when:%Y/%m/%d}/{slug}/</link>"
                f"<dc:creator>autor{number % 4}</dc:creator>"
                f"<content:encoded><![CDATA[{_content(rng, number)}]]></content:encoded>"
                f"<wp:post_id>{number}</wp:post_id>"
                f"<wp:post_date>{when:%Y-%m-%d %H:%M:%S}</wp:post_date>"
                f"<wp:post_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
                f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="abteilung-{number % 6}">'
                f"Abteilung {number % 6}</category>\n"
            )
            first = cid + 1
            for _ in range(comments):
                cid += 1
                parent = first if cid % 3 == 0 and cid != first else 0
                out.write(_comment(rng, cid, parent, when + dt.timedelta(minutes=cid % 600)))
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--comments", type=int, default=8)
    args = parser.parse_args()
    write(args.out, args.posts, args.comments)
    print(f"{args.out}: {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
