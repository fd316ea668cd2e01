"""A Python-Markdown extension that normalizes prose in the element tree, never markup.

It runs as a treeprocessor after `inline` (20) and before `toc` (5): by then code spans are
`AtomicString`s inside `<code>`, link targets sit in attributes and raw HTML sits in the stash as
`\\x02…\\x03` placeholders, which `TextNormalizer` keeps as opaque tokens. It also runs after
`attr_list` (8) and `abbr` (7), which read syntax out of text nodes (`{: .class #id}`, abbreviations):
they must see the text as written, or `{: .x}` would reach them as `{: . x}` and an abbreviation
written with Arabic letters would no longer be found. Only `el.text`,
`el.tail` and image `alt` text change.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .normalize import TextNormalizer

SKIP = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})


class ProseTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, normalizer: TextNormalizer) -> None:
        super().__init__(md)
        self.normalizer = normalizer
        self.enabled = True
        # (before, after) of every text run of the last document, in order; `fmt` maps them to the source.
        self.runs: list[tuple[str, str]] = []

    def run(self, root: etree.Element) -> None:
        self.runs = []
        if self.enabled:
            self._walk(root)

    def _fix(self, text: str | None) -> str | None:
        if not text or isinstance(text, AtomicString):
            return text
        new = self.normalizer.normalize(text)
        self.runs.append((text, new))
        return new

    def _walk(self, el: etree.Element) -> None:
        if el.tag in SKIP:
            return
        el.text = self._fix(el.text)
        if el.tag == "img" and el.get("alt"):
            el.set("alt", self._fix(el.get("alt")) or "")
        for child in el:
            self._walk(child)
            child.tail = self._fix(child.tail)


class ProseExtension(Extension):
    def __init__(self, normalizer: TextNormalizer) -> None:
        super().__init__()
        self.normalizer = normalizer
        self.processor: ProseTreeprocessor | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        self.processor = ProseTreeprocessor(md, self.normalizer)
        md.treeprocessors.register(self.processor, "persian_prose", 6)
