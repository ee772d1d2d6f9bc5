"""HTML to Markdown with markdownify: posts in full, comments in the comment subset.

markdownify (MIT, over BeautifulSoup) lets each tag have its own conversion, which is what an
import needs: links and images rewritten as they are met, figures with captions, embeds as a
paragraph holding only their link, and for comments everything the comment renderer would
refuse (images, headings, raw HTML) turned into text or dropped. Text is escaped
(``escape_misc``), so a ``<script>`` written as text in WordPress stays text here too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bs4 import NavigableString, Tag
from markdownify import MarkdownConverter

# (url, "link" | "image") -> the URL to write: rewritten to the new site where it can be.
Rewrite = Callable[[str, str], str]
POST_SCHEMES = ("http:", "https:", "mailto:", "tel:")
COMMENT_SCHEMES = ("http:", "https:", "mailto:")
DROPPED = ("script", "style", "noscript", "object", "embed", "applet", "form", "template")
_URL_ONLY = re.compile(r"https?://\S+")


def _language(element: Tag) -> str:
    """A code block's language from class="language-x" (block editor, Prism) or "lang-x"."""
    for node in (element, element.find("code")):
        if isinstance(node, Tag):
            for name in node.get("class") or ():
                for prefix in ("language-", "lang-", "brush:"):
                    if name.startswith(prefix):
                        return re.sub(r"[^\w+-]", "", name.removeprefix(prefix))
    return ""


def _scheme_ok(url: str, schemes: tuple[str, ...], relative: bool) -> bool:
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", url).lower()
    if cleaned.startswith(schemes):
        return True
    return relative and not re.match(r"[a-z][a-z0-9+.-]*:", cleaned)


def embed_url(src: str) -> str | None:
    """The page address of a YouTube or Vimeo player, as an author would paste it."""
    parts = urlsplit(src if "//" not in src[:2] else "https:" + src)
    host = (parts.hostname or "").removeprefix("www.")
    if host in ("youtube.com", "youtube-nocookie.com") and parts.path.startswith("/embed/"):
        return f"https://www.youtube.com/watch?v={parts.path.removeprefix('/embed/')}"
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return f"https://vimeo.com/{parts.path.removeprefix('/video/')}"
    if host == "w.soundcloud.com":
        track = parse_qs(parts.query).get("url")
        return track[0] if track else None
    return None


class _Base(MarkdownConverter):
    schemes: tuple[str, ...] = POST_SCHEMES
    relative_links = True

    def __init__(self, rewrite: Rewrite, notes: list[str], **options: Any) -> None:
        super().__init__(
            heading_style="ATX",
            bullets="-",
            escape_misc=True,
            newline_style="backslash",
            code_language_callback=_language,
            **options,
        )
        self.rewrite = rewrite
        self.notes = notes

    def inherited(self, name: str) -> Callable[..., str]:
        """markdownify's own conversion (its type stubs name only the constructor and convert)."""
        method: Callable[..., str] = getattr(super(), name)
        return method

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = str(el.get("href") or "").strip()
        if href and not _scheme_ok(href, self.schemes, self.relative_links):
            self.notes.append(f"link with an unsafe address removed: {href[:60]}")
            href = ""
        if href:
            el["href"] = self.rewrite(href, "link")
        elif el.has_attr("href"):
            del el["href"]
        return self.inherited("convert_a")(el, text, parent_tags)

    def _dropped(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if el.name in ("script", "form", "object", "embed", "applet"):
            self.notes.append(f"<{el.name}> removed")
        return ""

    convert_script = convert_style = convert_noscript = convert_object = _dropped
    convert_embed = convert_applet = convert_form = convert_template = _dropped

    def convert_input(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return ""

    convert_button = convert_select = convert_textarea = convert_input


class PostMarkdown(_Base):
    """A post or page: everything Markdown can say, raw HTML only for captioned figures."""

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = str(el.get("src") or "").strip()
        if not src or not _scheme_ok(src, ("http:", "https:"), True):
            return ""
        el["src"] = self.rewrite(src, "image")
        return self.inherited("convert_img")(el, text, parent_tags)

    def convert_figure(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        caption = el.find("figcaption")
        if not isinstance(caption, Tag) or el.find("img") is None:
            return f"\n\n{text.strip()}\n\n"
        inner = "".join(
            self.inherited("process_element")(child, parent_tags | {"figure"})
            for child in el.children
            if child is not caption
        ).strip()
        words = html.escape(" ".join(caption.get_text(" ").split()), quote=False)
        # A figure is raw HTML around Markdown: blank lines let the image be Markdown (so the
        # build sizes it and checks it is there), the caption stays text.
        return f"\n\n<figure>\n\n{inner}\n\n<figcaption>{words}</figcaption>\n</figure>\n\n"

    def convert_iframe(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = str(el.get("src") or "")
        page = embed_url(src)
        if page:
            return f"\n\n<{page}>\n\n"
        self.notes.append(f"<iframe> removed: {src[:60] or 'without an address'}")
        return ""

    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        children = [
            c for c in el.children if not (isinstance(c, NavigableString) and not c.strip())
        ]
        if len(children) == 1 and isinstance(children[0], NavigableString):
            words = children[0].strip()
            if _URL_ONLY.fullmatch(words) and "_inline" not in parent_tags:
                return f"\n\n<{self.rewrite(words, 'link')}>\n\n"  # an oEmbed paragraph
        return self.inherited("convert_p")(el, text, parent_tags)


class CommentMarkdown(_Base):
    """A comment: paragraphs, emphasis, code, quotes, lists and http(s)/mailto links only."""

    schemes = COMMENT_SCHEMES
    relative_links = False

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self.inherited("escape")(str(el.get("alt") or ""), parent_tags)

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        return f"\n\n**{text.strip()}**\n\n" if text.strip() else ""

    def convert_iframe(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return ""


def _tidy(markdown: str) -> str:
    lines = [line.rstrip() for line in markdown.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def post_markdown(source: str, rewrite: Rewrite, notes: list[str]) -> str:
    return _tidy(PostMarkdown(rewrite, notes).convert(source)) if source.strip() else ""


def comment_markdown(source: str, rewrite: Rewrite, notes: list[str]) -> str:
    return _tidy(CommentMarkdown(rewrite, notes).convert(source)) if source.strip() else ""
