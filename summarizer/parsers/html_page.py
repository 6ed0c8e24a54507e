"""HTML trial pages: extract the visible text with its block structure, then read it as text.

``source.text`` is the extracted text (what every span indexes into) and ``source.original`` the
HTML. Scripts, styles and templates are dropped; blocks become lines, list items '- ' bullets and
table cells ' | '-separated, so the text parser's label and list rules apply unchanged.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from summarizer.models import Trial
from summarizer.parsers.base import ParseError
from summarizer.parsers.limits import check_page
from summarizer.parsers.text.assemble import trial_from_text

_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "button", "select")
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "blockquote",
        "pre",
        "form",
        "fieldset",
        "figure",
        "figcaption",
        "address",
        "hr",
        "br",
        "title",
        "details",
        "summary",
        "caption",
        "body",
        "html",
        "li",
    ]
)
_CELLS = frozenset(("td", "th"))
_HTML_RE = re.compile(
    r"<(?:!doctype\s+html|html|body|head|div|p|table|ul|ol|li|h[1-6]|span|a)\b", re.IGNORECASE
)
_WS_RE = re.compile(r"[ \t\r\n\f\v]+")
# Deeper lists are indented no further: 10,000 nested lists must not make 100 MB of spaces.
_MAX_INDENT_LEVELS = 8


class _Writer:
    """Collects text with at most one blank line between blocks and no trailing spaces."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.line = ""

    def text(self, s: str) -> None:
        s = _WS_RE.sub(" ", s)
        if not s.strip():
            if self.line and not self.line.endswith(" "):
                self.line += " "
            return
        if not self.line.strip():
            s = s.lstrip()
        self.line += s

    def newline(self, blank: bool = False) -> None:
        line = self.line.rstrip()
        self.line = ""
        if line.strip():
            self.parts.append(line)
            if blank:
                self.parts.append("")
        elif blank and self.parts and self.parts[-1] != "":
            self.parts.append("")

    def result(self) -> str:
        self.newline()
        while self.parts and self.parts[-1] == "":
            self.parts.pop()
        return "\n".join(self.parts)


def extract_text(html: str) -> str:
    """Visible text of an HTML page, one block a line."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(list(_DROP))
    out = _Writer()
    root = tree.root
    if root is None:
        return ""
    # Iterative walk: (node, entering, list depth, cell index in row)
    stack: list[tuple[LexborNode, bool, int]] = [(root, True, 0)]
    while stack:
        node, entering, depth = stack.pop()
        tag = node.tag or ""
        if not entering:
            if tag in _CELLS:
                out.text(" | ")
            elif tag == "tr":
                out.line = out.line.rstrip(" |").rstrip() + " |" if out.line.strip() else ""
                out.newline()
            elif tag in _BLOCKS:
                out.newline(blank=tag in ("p", "h1", "h2", "h3", "h4", "table", "ul", "ol"))
            continue
        if tag == "-text":
            out.text(node.text_content or "")
            continue
        if tag.startswith("-"):
            continue
        if tag == "br":
            out.newline()
            continue
        if tag in _BLOCKS:
            out.newline()
        sub_depth = depth + 1 if tag in ("ul", "ol") else depth
        if tag == "li":
            out.line = "  " * min(max(depth - 1, 0), _MAX_INDENT_LEVELS) + "- "
        stack.append((node, False, depth))
        children: list[LexborNode] = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        for c in reversed(children):
            stack.append((c, True, sub_depth))
    return out.result()


class HtmlPageParser:
    name = "html_page"

    def detect(self, name: str, text: str) -> float:
        low = name.lower()
        head = text[:5000]
        if low.endswith((".html", ".htm", ".xhtml")) and "<" in head:
            return 0.9
        if text.lstrip()[:1] == "<" and len(_HTML_RE.findall(head)) >= 2:
            return 0.7
        return 0.0

    def parse(self, name: str, text: str) -> list[Trial]:
        extracted = extract_text(text)
        if not extracted.strip():
            raise ParseError("HTML page has no visible text")
        check_page("visible text of the page", extracted)
        return [trial_from_text(extracted, path=name, fmt=self.name, original=text)]


PARSER = HtmlPageParser()
