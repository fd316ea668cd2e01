"""Render stage, per article: normalized Markdown → HTML fragment, plus normalized title, lead, tags."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

from markdown import Markdown
from markdown.extensions.toc import TocExtension, slugify_unicode

from .config import NormalizeConfig
from .digest import stable_digest
from .model import FrontMatter, RawArticle, RenderedBody
from .normalize import TextNormalizer
from .prose import ProseExtension


def make_markdown(prose: ProseExtension) -> Markdown:
    """The one Markdown configuration used by `build` and `fmt` alike."""
    return Markdown(
        extensions=["extra", "sane_lists", TocExtension(slugify=slugify_unicode), prose],
        output_format="html",
    )


class BodyRenderer:
    """Holds one Markdown instance and one normalizer; build one per process and reuse it."""

    def __init__(self, config: NormalizeConfig, cache_dir: Path | None = None) -> None:
        self.config = config
        self.normalizer = TextNormalizer(config, cache_dir)
        self.prose = ProseExtension(self.normalizer)
        self.md = make_markdown(self.prose)

    def prose_text(self, text: str, enabled: bool = True) -> str:
        return self.normalizer.normalize(text) if enabled and self.config.enabled else text

    def markdown(self, body: str, enabled: bool = True) -> str:
        assert self.prose.processor is not None
        self.prose.processor.enabled = enabled and self.config.enabled
        self.md.reset()
        return self.md.convert(body)

    def render(self, raw: RawArticle, term_keys: tuple[str, ...]) -> RenderedBody:
        meta = raw.meta
        on = meta.normalize
        html = self.markdown(raw.body, on)
        opening = first_paragraph(html)
        lead = self.prose_text(meta.lead, on) if meta.lead else opening
        terms = {key: tuple(self.prose_text(v, on) for v in term_values(meta, key)) for key in term_keys}
        body = RenderedBody(title=self.prose_text(meta.title, on), lead=lead, terms=terms, html=html,
                            lead_in_body=" ".join(lead.split()) == opening)
        return dataclasses.replace(body, digest=stable_digest(body))


def term_values(meta: FrontMatter, key: str) -> tuple[str, ...]:
    """What an article's front matter gives one taxonomy key (`tags`, `section`, or any other key)."""
    value = getattr(meta, key) if key in ("tags", "section", "province") else meta.extra.get(key)
    if value is None:
        return ()
    values = value if isinstance(value, (list, tuple)) else [value]
    return tuple(str(v).strip() for v in values if str(v).strip())


class _FirstParagraph(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "p" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self.depth:
            self.depth -= 1
            self.done = self.done or bool("".join(self.parts).strip())

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.parts.append(data)


def first_paragraph(html: str) -> str:
    """Plain text of the first non-empty paragraph, used when an article has no `lead`."""
    parser = _FirstParagraph()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())
