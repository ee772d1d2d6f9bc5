"""Markdown to HTML, in two renderers with one markup.

- ``reference.py``: posts, pages and author bios through markdown-it-py (trusted writers: tables,
  footnotes, task lists, raw HTML through an allow-list, warnings at their line).
- ``fast.py``: the same bodies through markdown-it-pyrs, the Rust port, patched to the same
  markup; ``divergence.py`` says which bodies must take the reference instead, so the output is
  byte-identical either way.
- ``markup.py``: what both engines produce alike: highlighted code, heading ids, image sizes,
  footnotes; ``embeds.py``: two-click embeds of a video or audio URL alone in its paragraph.
- ``comments.py``: readers' comments, strict (no raw HTML, no images, few link schemes), with
  ``caps.py`` keeping hostile bodies linear in time.
"""
