"""`sitemap.xml` (sitemaps.org) of every canonical HTML page, split past `MAX_URLS`, and `robots.txt`."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime

from .config import SiteConfig
from .head import absolute_url
from .model import PageSpec

_LOC = operator.attrgetter("loc")
MAX_URLS = 50_000  # the sitemaps.org limit per file; tests lower it


@dataclass(frozen=True)
class SitemapEntry:
    loc: str  # absolute URL
    lastmod: datetime | None  # written as a W3C datetime with the site's offset


def sitemap_specs(pages: list[PageSpec], config: SiteConfig,
                  memo: dict[str, tuple[PageSpec, SitemapEntry]] | None = None) -> list[PageSpec]:
    """The sitemap (or a sitemap index and its parts) of the canonical pages among `pages`, and robots.txt.

    `memo` (page path → the spec and its entry) is the last call's, and is updated to this one's: a page
    whose spec is the very same object keeps its entry (on a rebuild, nearly every page)."""
    last = dict(memo or {})
    now: dict[str, tuple[PageSpec, SitemapEntry]] = {}
    for p in pages:
        if p.canonical:
            old = last.get(p.rel_path)
            entry = old[1] if old is not None and old[0] is p else SitemapEntry(absolute_url(config, p.context["page_url"]), p.lastmod)
            now[p.rel_path] = (p, entry)
    if memo is not None:
        memo.clear()
        memo.update(now)
    entries = sorted((entry for _, entry in now.values()), key=_LOC)
    specs = [PageSpec("robots.txt", "robots.txt", {"sitemap": absolute_url(config, "sitemap.xml")})]
    if len(entries) <= MAX_URLS:
        return [PageSpec("sitemap.xml", "sitemap.xml", {"entries": tuple(entries)}), *specs]
    parts = [tuple(entries[i : i + MAX_URLS]) for i in range(0, len(entries), MAX_URLS)]
    index = []
    for n, part in enumerate(parts, 1):
        rel = f"sitemap-{n}.xml"
        specs.append(PageSpec(rel, "sitemap.xml", {"entries": part}))
        index.append(SitemapEntry(absolute_url(config, rel), max((e.lastmod for e in part if e.lastmod), default=None)))
    return [PageSpec("sitemap.xml", "sitemap-index.xml", {"sitemaps": tuple(index)}), *specs]
