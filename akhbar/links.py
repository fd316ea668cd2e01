"""Links between articles: `[متن](news:64048)`, `[متن](../1400/other.md)`, `[متن](other.md#anchor)`.

Two steps, because a body is rendered (and cached) on its own but a link's URL depends on another article:

- while the body renders, `LinkTreeprocessor` (after `toc`, which has given the headings their ids)
  records each such link as a `LinkRef` and puts a placeholder naming it in the `href`; the body also
  keeps its own element ids (`anchors`). All of that follows from the article's file alone, so the
  rendered body stays cacheable by content;
- once every article is known (`assemble`), `LinkIndex.resolve` finds each target, and `fill` writes
  the URLs in place of the placeholders. A target that does not exist, or has no such anchor, is a
  problem at the link's line, as Hugo's `ref` reports it.
"""

from __future__ import annotations

import html
import os
import re
import xml.etree.ElementTree as etree  # noqa: N813 (Python-Markdown's own name for it)
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .digits import to_latin_digits
from .errors import Problem
from .figures import line_of
from .files import shown
from .model import LinkRef, RawArticle, RenderedBody
from .slugs import url_path

SCHEME = "news:"
# A placeholder in a rendered body's href: the index of its `LinkRef`, between two U+0001. Reading drops
# control characters from every source file, so an editor's own text can never contain one.
_PLACEHOLDER = re.compile("\x01(\\d+)\x01")
_ESCAPED = re.compile("\x02(\\d+)\x03")  # Python-Markdown's backslash escapes, not yet undone at this stage
_NUMBER = re.compile(r"\s*(\d+)\s*")


def placeholder(index: int) -> str:
    return f"\x01{index}\x01"


def is_article_link(href: str) -> bool:
    """`news:…`, or a path to a Markdown file (no scheme, no host), with or without `#anchor`."""
    if href.lower().startswith(SCHEME):
        return True
    if href.startswith("//") or urlsplit(href).scheme:
        return False
    path = unquote(href.split("#", 1)[0].split("?", 1)[0])
    return path.lower().endswith(".md")


@dataclass
class LinkContext:
    """One article's render: where its links are looked up from, and what was found."""

    raw: RawArticle
    content_dir: Path
    root: Path
    links: list[LinkRef] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def ref(self, href: str, line: int) -> LinkRef | None:
        """The link `href` as a reference to another article; None (and a problem) when it cannot be one."""
        rel = self.raw.source.rel
        target, _, anchor = href.partition("#")
        anchor = unquote(anchor)
        if target.lower().startswith(SCHEME):
            number = _NUMBER.fullmatch(to_latin_digits(unquote(target[len(SCHEME):])))
            if number is None:
                self.problems.append(Problem(rel, line, f"link {href!r} needs a news number after 'news:', "
                                             "such as news:64048", fa="پس از news: شمارهٔ خبر را بنویسید، مانند news:64048."))
                return None
            return LinkRef(href, line, news_id=int(number[1]), anchor=anchor)
        ref = unquote(target.split("?", 1)[0])
        path = self.content_dir / ref.lstrip("/") if ref.startswith("/") else self.raw.source.path.parent / ref
        path = Path(os.path.normpath(path))
        if not path.is_relative_to(Path(os.path.normpath(self.content_dir))):
            self.problems.append(Problem(rel, line, f"link {href!r} points outside content/; link an article "
                                         "in the content folder", fa="پیوند به بیرون از پوشهٔ content اشاره می‌کند."))
            return None
        return LinkRef(href, line, path=shown(path, self.root), anchor=anchor)


class LinkTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.context: LinkContext | None = None  # set for each article; None leaves links as written (fmt)

    def run(self, root: etree.Element) -> None:
        ctx = self.context
        if ctx is None:
            return
        lines = ctx.raw.body.split("\n")
        after = 0
        for el in root.iter():
            if el.get("id"):
                ctx.anchors.append(el.get("id", ""))
            if el.tag != "a" or not is_article_link(href := _ESCAPED.sub(lambda m: chr(int(m[1])), el.get("href", ""))):
                continue
            line, after = line_of(lines, href, after)
            ref = ctx.ref(href, line + ctx.raw.body_line)
            if ref is not None:
                el.set("href", placeholder(len(ctx.links)))
                ctx.links.append(ref)


class LinkExtension(Extension):
    def __init__(self) -> None:
        super().__init__()
        self.processor: LinkTreeprocessor | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        self.processor = LinkTreeprocessor(md)
        md.treeprocessors.register(self.processor, "article_links", 3)  # after `toc` (5): ids are set


@dataclass(frozen=True)
class _Target:
    source: str
    url: str  # site-relative
    anchors: tuple[str, ...]


class LinkIndex:
    """Every article of the site by news number and by source file: what links can point to."""

    def __init__(self, pairs: Iterable[tuple[RawArticle, RenderedBody]]) -> None:
        self.by_number: dict[int, _Target] = {}
        self.by_path: dict[str, _Target] = {}
        for raw, body in pairs:
            target = _Target(raw.source.rel, url_path("news", raw.meta.slug), body.anchors)
            self.by_path[raw.source.rel] = target
            if raw.meta.news_id is not None:
                self.by_number.setdefault(raw.meta.news_id, target)

    def resolve(self, rel: str, links: tuple[LinkRef, ...]) -> tuple[tuple[str, ...], list[Problem]]:
        """The site-relative URL of each link of the article `rel` ("" where broken), and its problems."""
        urls, problems = [], []
        for link in links:
            if link.news_id is not None:
                target = self.by_number.get(link.news_id)
                missing = f"no article of the site has news number {link.news_id}"
            else:
                target = self.by_path.get(link.path or "")
                missing = f"{link.path} is not an article of the site"
            if target is None:
                problems.append(Problem(rel, link.line, f"link {link.href!r} points to no article: {missing} "
                                        "(drafts count only with --drafts); fix the link or remove it",
                                        fa="این پیوند به خبری اشاره می‌کند که در سایت نیست."))
                urls.append("")
                continue
            anchor = link.anchor
            if anchor and anchor not in target.anchors:
                # Written as the heading reads («#تأمین-مالی-و-زمان-بهره‌برداری»): the id is made from it
                # the way `toc` makes it (no zero-width non-joiner, no punctuation).
                anchor = slugify_unicode(anchor, "-") or anchor
            if anchor and anchor not in target.anchors:
                ids = ", ".join(target.anchors[:8]) or "none"
                problems.append(Problem(rel, link.line, f"link {link.href!r}: {target.source} has no heading "
                                        f"with the id {link.anchor!r} (its ids: {ids})",
                                        fa="خبرِ مقصد این پیوند چنین عنوانی (#) ندارد."))
                urls.append("")
            else:
                urls.append(target.url + ("#" + quote(anchor, safe="") if anchor else ""))
        return tuple(urls), problems


def fill(body_html: str, base_path: str, urls: tuple[str, ...]) -> str:
    """The body with each placeholder replaced by its link's URL under the site's base path."""
    return _PLACEHOLDER.sub(lambda m: html.escape(base_path + urls[int(m[1])]), body_html)
