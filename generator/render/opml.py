"""feeds.opml: every feed the site offers, so a reader subscribes to all of them in one step."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from generator.config import Config
from generator.plan.records import Feed


def opml(config: Config, feeds: Sequence[Feed]) -> bytes:
    """Every feed the site offers, so a reader subscribes to all of them in one step."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = config.title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        ET.SubElement(
            body,
            "outline",
            type="rss",
            text=feed.title,
            title=feed.title,
            xmlUrl=config.absolute(feed.url),
        )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
