"""Render stage, per article: normalized Markdown → HTML fragment, plus normalized title, lead, tags."""

from __future__ import annotations

import dataclasses
import sys
from html.parser import HTMLParser
from pathlib import Path

from markdown import Markdown
from markdown.extensions.toc import TocExtension, slugify_unicode

from .bidi import IsolateExtension
from .bodies import BodyStore
from .config import NormalizeConfig, SiteConfig
from .digest import stable_digest
from .errors import Problem
from .figures import PhotoContext, PictureExtension
from .images import Stamp, is_url
from .links import LinkContext, LinkExtension
from .model import FrontMatter, RawArticle, RenderedBody
from .normalize import TextNormalizer
from .prose import ProseExtension


def make_markdown(prose: ProseExtension, pictures: PictureExtension | None = None,
                  links: LinkExtension | None = None) -> Markdown:
    """The one Markdown configuration used by `build` and `fmt` alike (`fmt` leaves photos and links as they are)."""
    return Markdown(
        extensions=["extra", "sane_lists", TocExtension(slugify=slugify_unicode), prose,
                    *([pictures] if pictures else []), *([links] if links else []), IsolateExtension()],
        output_format="html",
    )


class BodyRenderer:
    """Holds one Markdown instance and one normalizer; build one per process and reuse it."""

    def __init__(self, config: NormalizeConfig, cache_dir: Path | None = None, site: SiteConfig | None = None,
                 store: BodyStore | None = None) -> None:
        self.config = config
        self.site = site  # without it (fmt, unit tests) photos are left as Markdown writes them
        self.store = store  # where rendered bodies go (the build's); without it they stay in memory
        self.normalizer = TextNormalizer(config, cache_dir)
        self.prose = ProseExtension(self.normalizer)
        self.pictures = PictureExtension()
        self.links = LinkExtension()
        self.md = make_markdown(self.prose, self.pictures, self.links)

    def prose_text(self, text: str, enabled: bool = True) -> str:
        return self.normalizer.normalize(text) if enabled and self.config.enabled else text

    def markdown(self, body: str, enabled: bool = True) -> str:
        assert self.prose.processor is not None
        self.prose.processor.enabled = enabled and self.config.enabled
        self.md.reset()
        return self.md.convert(body)

    def render(self, raw: RawArticle, term_keys: tuple[str, ...]) -> RenderedBody:
        return self.render_article(raw, term_keys)[0]

    def render_article(self, raw: RawArticle, term_keys: tuple[str, ...],
                       ) -> tuple[RenderedBody, list[Problem], dict[str, Stamp | None]]:
        """The rendered body, the problems with its photos, and every photo file it names with its stamp
        (the body must be rendered again when one of them changes, even if the text did not)."""
        meta = raw.meta
        on = meta.normalize
        ctx = links = None
        if self.site is not None:
            ctx = PhotoContext(raw, self.site.content_dir, self.site.root, self.site.images, self.site.base_path,
                               lambda text: self.prose_text(text, on))
            links = LinkContext(raw, self.site.content_dir, self.site.root)
        assert self.pictures.processor is not None and self.links.processor is not None
        self.pictures.processor.context, self.links.processor.context = ctx, links
        try:
            html = self.markdown(raw.body, on)
        finally:
            self.pictures.processor.context = self.links.processor.context = None
        picture = None
        if ctx is not None and meta.image and not is_url(meta.image):
            picture = ctx.picture(meta.image, self.prose_text(meta.image_alt or "", on),
                                  self.prose_text(meta.image_caption or "", on), meta.lines.get("image", 1), "lead photo")
        opening = first_paragraph(html)
        lead = self.prose_text(meta.lead, on) if meta.lead else opening
        # Interned: a tag is on thousands of articles, and the state (or a worker's chunk) then holds it once.
        terms = {key: tuple(sys.intern(self.prose_text(v, on)) for v in term_values(meta, key)) for key in term_keys}
        body = RenderedBody(title=self.prose_text(meta.title, on), lead=lead, terms=terms, html=html,
                            lead_in_body=" ".join(lead.split()) == opening, picture=picture,
                            pictures=tuple(ctx.pictures) if ctx else (),
                            links=tuple(links.links) if links else (), anchors=tuple(links.anchors) if links else ())
        body = dataclasses.replace(body, digest=stable_digest(body))
        if self.store is not None:
            body = dataclasses.replace(body, html=self.store.put(html))
        problems = (ctx.problems if ctx else []) + (links.problems if links else [])
        return body, problems, (ctx.files if ctx else {})


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
