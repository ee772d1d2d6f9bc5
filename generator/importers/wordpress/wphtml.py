"""WordPress's own HTML dialects, made plain HTML before conversion to Markdown.

Classic-editor posts are stored as text whose blank lines are paragraphs (WordPress adds the
``<p>`` and ``<br>`` on display, with ``wpautop``); block-editor posts carry ``<!-- wp:... -->``
comments around ready HTML. Both may hold shortcodes: ``[caption]``, ``[gallery]``, ``[embed]``,
``[audio]``, ``[video]`` and ``[code]`` become HTML; any other is kept as written and reported.
Code samples (``<pre>``, ``<code>``) are set aside first, so ``arr[i]`` in them stays code.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|script|noscript"
)
# Blocks whose content is inline text already: what they hold is not wrapped in <p> again.
TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "pre"}
TEXT_BLOCKS |= {"figcaption", "caption", "address", "summary", "legend"}
_OPEN = re.compile(rf"^<({BLOCKS})[\s/>]", re.I)
_CLOSE = re.compile(rf"</(?:{BLOCKS})>$", re.I)
_SET_ASIDE = re.compile(r"<(pre|code|script|style)\b.*?</\1\s*>", re.I | re.S)
_PLACEHOLDER = re.compile("\x00([BI])(\\d+)\x00")
_SHORTCODE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)((?:\s[^\[\]]*?)?)(/?)\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))|"([^"]*)"|(\S+)""")
_EMBED_BLOCK = re.compile(
    r"<!--\s+wp:(?:core-)?embed(?:/[\w-]+)?\s+(\{.*?\})\s+/?-->(?:.*?<!--\s+/wp:(?:core-)?embed"
    r"(?:/[\w-]+)?\s+-->)?",
    re.S,
)
_CAPTIONED = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
MEDIA_KEYS = ("src", "mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv", "flv")


@dataclass(frozen=True)
class Attachment:
    id: str
    url: str
    title: str
    alt: str
    parent: str


@dataclass
class Shortcodes:
    """What shortcodes need to know about the export, and what they found."""

    attachments: Mapping[str, Attachment]
    children: Sequence[Attachment]  # the post's own attachments, for [gallery] without ids
    unknown: list[str]
    notes: list[str]


def is_block_editor(content: str) -> bool:
    return "<!-- wp:" in content


def to_html(content: str, shortcodes: Shortcodes) -> str:
    """A post's stored content as the HTML WordPress would show (without its theme)."""

    def transform(text: str) -> str:
        if is_block_editor(text):
            return _expand(_EMBED_BLOCK.sub(_embed_block, text), shortcodes)
        return autop(_expand(text, shortcodes))

    return _code_set_aside(content, transform)


def comment_html(content: str) -> str:
    """A comment's stored text as HTML: WordPress runs wpautop on comments, no shortcodes."""
    return _code_set_aside(content, autop)


def _code_set_aside(content: str, transform: Callable[[str], str]) -> str:
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    set_aside: list[str] = []

    def keep(match: re.Match[str]) -> str:
        set_aside.append(match.group(0))
        kind = "I" if match.group(1).lower() == "code" else "B"
        return f"\x00{kind}{len(set_aside) - 1}\x00"

    text = transform(_SET_ASIDE.sub(keep, content))
    return _PLACEHOLDER.sub(lambda m: set_aside[int(m.group(2))], text)


def _embed_block(match: re.Match[str]) -> str:
    try:
        url = str(json.loads(match.group(1)).get("url", ""))
    except (ValueError, AttributeError):
        url = ""
    return _embed(url) if url else ""


def _embed(url: str) -> str:
    """A paragraph holding only the link: what the site turns into an embed with consent."""
    return f"\n\n<p>{html.escape(url.strip())}</p>\n\n"


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(text):
        if m.group(1):
            value = next((g for g in m.group(2, 3, 4) if g is not None), "")
            found[m.group(1).lower()] = html.unescape(value)
        else:
            found.setdefault(str(len(found)), m.group(5) or m.group(6) or "")
    return found


def _expand(text: str, shortcodes: Shortcodes) -> str:
    out: list[str] = []
    position = 0
    while match := _SHORTCODE.search(text, position):
        out.append(text[position : match.start()])
        position = match.end()
        if match.group(1) and match.group(5):  # [[name]]: WordPress's escape for the text
            out.append(match.group(0)[1:-1])
            continue
        name = match.group(2)
        content = None
        closing = f"[/{name}]"
        end = -1 if match.group(4) else text.find(closing, position)
        if end != -1:
            content = text[position:end]
            position = end + len(closing)
        attrs = _attributes(match.group(3))
        handler = HANDLERS.get(name.lower())
        if handler is None:
            shortcodes.unknown.append(name)
            inner = "" if content is None else _expand(content, shortcodes) + closing
            out.append(match.group(0) + inner)
        else:
            out.append(handler(attrs, _expand(content or "", shortcodes), shortcodes))
    out.append(text[position:])
    return "".join(out)


def _caption(attrs: dict[str, str], content: str, _: Shortcodes) -> str:
    match = _CAPTIONED.match(content)
    if not match:
        return content
    caption = attrs.get("caption") or match.group(2).strip()
    text = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{match.group(1)}{text}</figure>\n\n"


def _gallery(attrs: dict[str, str], _: str, shortcodes: Shortcodes) -> str:
    ids = [i.strip() for i in (attrs.get("ids") or attrs.get("include") or "").split(",")]
    ids = [i for i in ids if i]
    if ids:
        missing = [i for i in ids if i not in shortcodes.attachments]
        if missing:
            shortcodes.notes.append(f"gallery images not in the export: ids {', '.join(missing)}")
        items = [shortcodes.attachments[i] for i in ids if i in shortcodes.attachments]
    else:
        items = list(shortcodes.children)
    images = "\n".join(
        f'<img src="{html.escape(a.url)}" alt="{html.escape(a.alt or a.title)}">' for a in items
    )
    return f"\n\n<p>{images}</p>\n\n" if images else ""


def _embed_code(attrs: dict[str, str], content: str, _: Shortcodes) -> str:
    url = content.strip() or attrs.get("src", "") or attrs.get("url", "")
    return _embed(url) if url else ""


def _media(attrs: dict[str, str], _: str, shortcodes: Shortcodes) -> str:
    url = next((attrs[k] for k in MEDIA_KEYS if attrs.get(k)), "")
    if not url:
        shortcodes.notes.append("an [audio] or [video] shortcode without a file was dropped")
        return ""
    name = html.escape(url.rsplit("/", 1)[-1])
    return f'\n\n<p><a href="{html.escape(url)}">{name}</a></p>\n\n'


def _code(attrs: dict[str, str], content: str, _: Shortcodes) -> str:
    language = re.sub(r"[^\w+-]", "", attrs.get("lang") or attrs.get("language") or "")
    marked = f' class="language-{language}"' if language else ""
    code = content.strip("\n").replace("<", "&lt;")
    return f"\n\n<pre><code{marked}>{code}</code></pre>\n\n"


HANDLERS: dict[str, Callable[[dict[str, str], str, Shortcodes], str]] = {
    "caption": _caption,
    "wp_caption": _caption,
    "gallery": _gallery,
    "embed": _embed_code,
    "audio": _media,
    "video": _media,
    "code": _code,
    "sourcecode": _code,
}


def autop(text: str) -> str:
    """wpautop's rule: blank lines separate paragraphs, a single newline is a line break, and
    block-level HTML is left as it is."""
    text = re.sub(rf"(<(?:{BLOCKS})[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{BLOCKS})>)", r"\1\n\n", text, flags=re.I)
    text = re.sub("(\x00B\\d+\x00)", r"\n\n\1\n\n", text)
    chunks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if chunk:
            chunks.append(_paragraph(chunk))
    return "\n\n".join(chunks)


def _paragraph(chunk: str) -> str:
    """One chunk between blank lines: at most an opening block tag, text, a closing tag."""
    if _PLACEHOLDER.fullmatch(chunk) and chunk[1] == "B":
        return chunk
    opening = _OPEN.match(chunk)
    start = chunk.index(">", opening.start()) + 1 if opening else 0
    closing = _CLOSE.search(chunk, start)
    end = closing.start() if closing else len(chunk)
    middle = chunk[start:end].strip()
    if middle:
        middle = re.sub(r"\s*\n\s*", "<br>\n", middle)
        if not (opening and opening.group(1).lower() in TEXT_BLOCKS):
            middle = f"<p>{middle}</p>"
    return chunk[:start] + middle + chunk[end:]
