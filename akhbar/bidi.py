"""Latin runs inside Persian prose, each wrapped in `<bdi>` so the bidi algorithm lays it out on its own.

Inside a right-to-left paragraph a plain Latin word is already safe («سازمان WHO گزارش داد.» ends with
its full stop at the left), but neutral characters at a run's edge are not: «زبان C++ را» shows
"++C", and «نسخهٔ Wi-Fi 6E» or a URL ending in "/" can come apart the same way. Isolating every run,
not only the ones that happen to break, keeps the rule simple to state and to check (alreq, DESIGN.md).

A run starts with a Latin letter and may hold digits, inner punctuation (`Node.js`, `COVID-19`,
`ISO 9001:2015`, `info@mrud.ir`) and further Latin words or numbers after single spaces; a sentence's
own full stop, comma or closing bracket stays outside it. Persian digits never join a run.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from markupsafe import Markup, escape

_LETTER = "A-Za-z\u00c0-\u024f"
_INNER = _LETTER + "0-9._+\\-/:@&#%'’"
_WORD = f"[{_LETTER}](?:[{_INNER}]*[{_LETTER}0-9+#/])?"
_NEXT = f"(?: (?:{_WORD}|[0-9](?:[{_INNER}]*[{_LETTER}0-9])?))"  # "ISO 9001", "Wi-Fi 6E", "Boeing 737"
# Stash placeholders (raw HTML, escapes: "\x02wzxhzdk:0\x03") are matched first so their letters stay put.
_PIECES = re.compile(f"(\x02[^\x03]*\x03)|({_WORD}{_NEXT}*)")

# Text inside these is not prose, or is already laid out on its own.
SKIP = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math", "bdi", "bdo"})


def latin_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every Latin run in `text`."""
    return [m.span(2) for m in _PIECES.finditer(text) if m.group(2)]


def isolate_html(text: str) -> Markup:
    """`text` escaped for HTML, with every Latin run in a `<bdi>` (titles and leads in templates)."""
    out, at = [], 0
    for start, end in latin_runs(text):
        out += [escape(text[at:start]), Markup("<bdi>"), escape(text[start:end]), Markup("</bdi>")]
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


class IsolateTreeprocessor(Treeprocessor):
    """Splits text nodes around Latin runs and puts each run in a `<bdi>` element."""

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, el: etree.Element) -> None:
        if el.tag in SKIP or el.get("dir"):
            return
        for child in list(el):
            self._walk(child)
        for child in list(el):  # tails belong to the parent's flow, after the child
            self._split_tail(el, child)
        text = el.text
        if text and not isinstance(text, AtomicString) and latin_runs(text):
            el.text, nodes = _split(text)
            for i, node in enumerate(nodes):
                el.insert(i, node)

    @staticmethod
    def _split_tail(parent: etree.Element, child: etree.Element) -> None:
        tail = child.tail
        if not tail or isinstance(tail, AtomicString) or not latin_runs(tail):
            return
        child.tail, nodes = _split(tail)
        at = list(parent).index(child) + 1
        for i, node in enumerate(nodes):
            parent.insert(at + i, node)


def _split(text: str) -> tuple[str, list[etree.Element]]:
    """The text before the first run, and one `<bdi>` per run carrying the text after it as its tail."""
    runs = latin_runs(text)
    nodes = []
    for i, (start, end) in enumerate(runs):
        bdi = etree.Element("bdi")
        bdi.text = text[start:end]
        bdi.tail = text[end:runs[i + 1][0] if i + 1 < len(runs) else len(text)]
        nodes.append(bdi)
    return text[:runs[0][0]], nodes


class IsolateExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        # After prose (6), toc (5, heading ids read the plain text) and pictures (4, captions it builds).
        md.treeprocessors.register(IsolateTreeprocessor(md), "isolate_latin", 3)
