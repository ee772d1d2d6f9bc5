"""The static DOM oracle for untrusted markup (shared/payloads/README.md, "Oracles", 1), on the
output of html.parser, plus the comment renderer's allow-list and the browser-side probe that
oracle 2 runs in Chromium."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

FORBIDDEN_ELEMENTS = frozenset(
    [
        "script",
        "iframe",
        "object",
        "embed",
        "form",
        "input",
        "button",
        "style",
        "link",
        "meta",
        "base",
        "svg",
        "math",
        "noscript",
    ]
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# What a rendered comment body may contain (generator.markdown.comments.render_comment's contract:
# Markdown's inline and block basics, links; no raw HTML, no images). A link's title comes from
# Markdown's [text](url "title"): inert text, escaped by nh3 (which allows title and lang on
# every element by default: its generic_attributes).
ALLOWED_TAGS = frozenset(
    [
        "p",
        "br",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "del",
        "s",
        "hr",
    ]
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "rel", "title"}), "ol": frozenset({"start"})}
# User-given ids and names must carry a prefix so they cannot clobber the page's own.
ID_PREFIX = "user-content-"
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_ESC = re.compile(r"\\(?:(n)|(r)|(t)|(0)|(\\)|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


def decode(line: str) -> str:
    """A payload line's value (shared/payloads/README.md, "Escapes")."""

    def rep(m: re.Match[str]) -> str:
        for i, ch in ((1, "\n"), (2, "\r"), (3, "\t"), (4, "\0"), (5, "\\")):
            if m.group(i):
                return ch
        return chr(int(m.group(6) or m.group(7), 16))

    return _ESC.sub(rep, line)


def generate(expr: str) -> str:
    """A generated payload value: string and integer literals, + and * only (never eval)."""

    def ev(n: ast.AST) -> str | int:
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, str | int):
            if isinstance(n.value, bool):
                raise ValueError("not allowed in a generated payload: a bool")
            return n.value
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add | ast.Mult):
            a, b = ev(n.left), ev(n.right)
            return a + b if isinstance(n.op, ast.Add) else a * b  # type: ignore[operator]
        raise ValueError(f"not allowed in a generated payload: {ast.dump(n)}")

    value = ev(ast.parse(expr, mode="eval"))
    assert isinstance(value, str), expr
    return value


def payload_lines(path: Path) -> list[str]:
    """The lines of xss_markdown.txt as written (leading and trailing spaces are part of a
    value; only the line break is not)."""
    text = path.read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line != ""]


@dataclass(frozen=True)
class FieldCase:
    field: str
    value: str
    expect: str
    note: str


def field_cases(path: Path) -> list[FieldCase]:
    """comment_fields.txt: field, kind, value, expected outcome, note."""
    cases = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        field, kind, value, expect, note = line.split("\t")
        cases.append(
            FieldCase(field, decode(value) if kind == "lit" else generate(value), expect, note)
        )
    return cases


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: C0 controls and spaces trimmed, TAB/LF/CR removed."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(_C0_AND_SPACE))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, attrs))


def elements(html: str) -> list[Element]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def violations(html: str, *, allow_list: bool = True) -> list[str]:
    """Oracle 1 on a fragment of untrusted markup; with ``allow_list``, also every element and
    attribute outside the comment renderer's allow-list."""
    return element_violations(elements(html), allow_list=allow_list)


def element_violations(parsed: list[Element], *, allow_list: bool = True) -> list[str]:
    found = []
    for el in parsed:
        if el.tag in FORBIDDEN_ELEMENTS:
            found.append(f"forbidden element <{el.tag}>")
        elif allow_list and el.tag not in ALLOWED_TAGS:
            found.append(f"element outside the allow-list <{el.tag}>")
        for name, value in el.attrs:
            value = value or ""
            if name.startswith("on"):
                found.append(f"event handler <{el.tag} {name}={value!r}>")
            if name in ("style", "srcdoc"):
                found.append(f"<{el.tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"<{el.tag} {name}={value!r}>: scheme {scheme}")
            if name in ("id", "name") and not value.startswith(ID_PREFIX):
                found.append(f"<{el.tag} {name}={value!r}>: user id/name without a prefix")
            if allow_list and name not in ALLOWED_ATTRIBUTES.get(el.tag, frozenset()):
                found.append(f"attribute outside the allow-list <{el.tag} {name}>")
    return found


class _Regions(HTMLParser):
    """The inner HTML (as element lists) of every element carrying one of ``classes``."""

    def __init__(self, classes: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.classes = classes
        self.regions: list[tuple[str, list[Element]]] = []
        self._stack: list[tuple[str, int | None]] = []  # (tag, region index it opened)
        self._open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for index in self._open:
            self.regions[index][1].append(Element(tag, attrs))
        if tag in VOID:
            return
        opened = None
        classes = set((dict(attrs).get("class") or "").split())
        if classes & self.classes:
            self.regions.append((" ".join(sorted(classes & self.classes)), []))
            opened = len(self.regions) - 1
            self._open.append(opened)
        self._stack.append((tag, opened))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for index in self._open:
            self.regions[index][1].append(Element(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, opened = self._stack.pop()
            if opened is not None:
                self._open.remove(opened)
            if open_tag == tag:
                break


def regions(html: str, classes: set[str]) -> list[tuple[str, list[Element]]]:
    parser = _Regions(classes)
    parser.feed(html)
    parser.close()
    return parser.regions


# --- oracle 2, in the browser ---------------------------------------------------------------

# Runs in every frame before any of its scripts: dialogs and print become recorded calls.
RECORDERS = """
(() => {
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const record = function (...args) {
      try { window.__xssRecord(name, String(args[0]), location.href); } catch (e) {}
      return name === 'confirm' ? false : null;
    };
    try { Object.defineProperty(window, name, {value: record, writable: false}); } catch (e) {}
  }
})();
"""

# Takes {roots, allowed}: resolves every URL attribute in the document with the browser's URL
# parser, checks the allow-list inside the roots, fires the events on every element in them,
# and returns the findings. Safe link clicks (http, https, mailto, same-page) are cancelled
# so the page stays; anything else is let through, so a javascript: link would run.
PROBE = """
async ({roots, allowed}) => {
  const findings = [];
  const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster',
    'background', 'cite', 'longdesc', 'ping', 'srcset', 'lowsrc', 'dynsrc', 'codebase',
    'manifest', 'icon', 'usemap', 'profile', 'archive', 'classid'];
  const BAD = new Set(['javascript:', 'vbscript:', 'data:']);
  const where = el => {
    const c = el.closest('[data-case]');
    if (c) return 'case ' + c.getAttribute('data-case');
    const a = el.closest('article[id]');
    return a ? a.id : el.tagName.toLowerCase();
  };
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (!URL_ATTRS.includes(name) && !name.endsWith(':href')) continue;
      const values = name === 'srcset'
        ? attr.value.split(',').map(s => s.trim().split(/\\s+/)[0])
        : [attr.value];
      for (const value of values) {
        let protocol;
        try { protocol = new URL(value, document.baseURI).protocol; } catch (e) { continue; }
        if (BAD.has(protocol)) {
          findings.push(`${where(el)}: <${el.tagName.toLowerCase()} ${name}="${value}"> ` +
                        `resolves to ${protocol}`);
        }
      }
    }
  }
  const inside = [];
  for (const root of document.querySelectorAll(roots)) {
    for (const el of root.querySelectorAll('*')) {
      inside.push(el);
      if (!allowed) continue;
      const tag = el.tagName.toLowerCase();
      if (!(tag in allowed)) findings.push(`${where(el)}: element <${tag}> outside the allow-list`);
      for (const attr of el.attributes) {
        if (!(allowed[tag] || []).includes(attr.name.toLowerCase())) {
          findings.push(`${where(el)}: attribute <${tag} ${attr.name}> outside the allow-list`);
        }
      }
    }
  }
  const safeClick = event => {
    const link = event.target.closest && event.target.closest('a[href], area[href]');
    if (!link) return;
    let protocol = null;
    try { protocol = new URL(link.getAttribute('href'), document.baseURI).protocol; } catch (e) {}
    if (['http:', 'https:', 'mailto:'].includes(protocol)) event.preventDefault();
  };
  document.addEventListener('click', safeClick, true);
  document.addEventListener('submit', e => e.preventDefault(), true);
  const start = location.href;
  for (const el of inside) {
    for (const type of ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup',
                        'click', 'dblclick', 'contextmenu']) {
      el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window}));
    }
    el.dispatchEvent(new FocusEvent('focus'));
    el.dispatchEvent(new FocusEvent('focusin', {bubbles: true}));
    if (typeof el.focus === 'function') el.focus();
    for (const type of ['error', 'load', 'toggle', 'input', 'change', 'animationstart',
                        'transitionend', 'begin', 'pointerover', 'pointerdown']) {
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
  await new Promise(resolve => setTimeout(resolve, 250));
  if (location.href !== start) findings.push(`the page navigated to ${location.href}`);
  return {findings, elements: inside.length};
}
"""


# What the theme itself puts around a commenter's name: a link to the website, or <bdi>; both
# isolate the name's direction (dir=auto), so bidi controls in it cannot reverse the page.
NAME_MARKUP = {"a": frozenset({"href", "rel", "dir"}), "bdi": frozenset()}


def allowed_for_probe(*, names: bool = False) -> dict[str, list[str]]:
    """The allow-list for the probe; ``names``: the roots include comment names."""
    allowed = {tag: set(ALLOWED_ATTRIBUTES.get(tag, frozenset())) for tag in ALLOWED_TAGS}
    for tag, attributes in NAME_MARKUP.items() if names else ():
        allowed.setdefault(tag, set()).update(attributes)
    return {tag: sorted(attributes) for tag, attributes in allowed.items()}
