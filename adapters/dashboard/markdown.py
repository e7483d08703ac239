"""The live preview of a moderator's Markdown answer, as HTML that cannot carry markup of
its own: raw HTML in the answer is shown as text, and links to `javascript:` or `data:`
addresses are not made links (markdown-it's own validation)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def preview_html(markdown: str) -> Markup:
    """The answer as the preview shows it."""
    return Markup(_RENDERER.render(markdown))


def plain_text(markdown: str) -> str:
    """The text of some Markdown without its marks, for short excerpts (the bot's
    candidates beside the editor)."""
    return Markup(_RENDERER.render(markdown)).striptags()
