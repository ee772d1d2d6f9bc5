"""feeds.opml: every feed the site offers, grouped, so a reader subscribes in a few steps."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from generator.config import Config
from generator.plan.records import Feed


def opml(config: Config, feeds: Sequence[Feed], groups: dict[str, str]) -> bytes:
    """Every feed the site offers, grouped (``groups``: group -> its heading; the site's own
    first, then authors, topics, departments), so a reader picks whole groups rather than
    subscribing to every feed and seeing each post several times."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = config.title
    body = ET.SubElement(root, "body")
    for group, heading in groups.items():
        members = [feed for feed in feeds if feed.group == group]
        if not members:
            continue
        folder = ET.SubElement(body, "outline", text=heading, title=heading)
        for feed in members:
            ET.SubElement(
                folder,
                "outline",
                type="rss",
                text=feed.title,
                title=feed.title,
                xmlUrl=config.absolute(feed.url),
                htmlUrl=config.absolute(feed.page),
            )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
