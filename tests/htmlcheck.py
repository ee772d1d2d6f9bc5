"""Small html.parser tools shared by the tests: a static DOM oracle for untrusted markup, and a
collector of links and ids for the internal link checker."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# SPEC's oracle for xss_markdown.txt (shared/payloads/README.md, "Oracles").
FORBIDDEN_ELEMENTS = frozenset(
    {"script", "iframe", "object", "embed", "form", "input", "button", "style", "link"}
    | {"meta", "base", "svg", "math", "noscript"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: C0 controls and spaces trimmed, TAB/LF/CR removed."""
    cleaned = url.strip(_C0_AND_SPACE)
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    line: int


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(html: str) -> list[Element]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def text_of(html: str) -> str:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return "".join(parser.text)


def dom_violations(html: str, *, allow_ld_json: bool = False) -> list[str]:
    """Everything in ``html`` the static oracle forbids; an empty list means it passes.

    ``allow_ld_json`` admits ``<script type="application/ld+json">`` (a page's JSON-LD).
    """
    found = []
    for element in elements(html):
        attrs = element.attrs
        if element.tag in FORBIDDEN_ELEMENTS:
            is_ld = element.tag == "script" and ("type", "application/ld+json") in attrs
            if not (allow_ld_json and is_ld):
                found.append(f"line {element.line}: <{element.tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"line {element.line}: <{element.tag} {name}=...>")
            if name in ("style", "srcdoc"):
                found.append(f"line {element.line}: <{element.tag} {name}=...>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"line {element.line}: <{element.tag} {name}={value!r}>")
    return found


def page_violations(html: str) -> list[str]:
    """The part of the oracle that holds for a whole page of the theme, which has its own
    <meta>, <link> and comment <form>: no event handler attributes, no srcdoc, no unsafe URL
    scheme, and no inline script but JSON-LD (external scripts must come from the site)."""
    found = []
    for element in elements(html):
        attrs = dict(element.attrs)
        if element.tag == "script" and attrs.get("type") != "application/ld+json":
            src = attrs.get("src") or ""
            if not src or url_scheme(src) is not None or src.startswith("//"):
                found.append(f"line {element.line}: <script src={src!r}>")
        for name, value in element.attrs:
            if name.startswith("on") or name == "srcdoc":
                found.append(f"line {element.line}: <{element.tag} {name}=...>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"line {element.line}: <{element.tag} {name}={value!r}>")
    return found


@dataclass
class PageLinks:
    """The ids a page defines and the links it makes (href/src of a, link, img, script...)."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)


def page_links(html: str) -> PageLinks:
    result = PageLinks()
    for element in elements(html):
        attrs = dict(element.attrs)
        for key in ("id", "name"):
            value = attrs.get(key)
            if value and (key == "id" or element.tag == "a"):
                result.ids.add(value)
        for key in ("href", "src"):
            value = attrs.get(key)
            if value is not None and element.tag != "base":
                result.links.append(value)
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                result.links.append(candidate.split()[0])
    return result
