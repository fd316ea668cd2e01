"""Atom feeds: one for the site (`feed.xml`) and one per taxonomy term (`tags/<slug>/feed.xml`, …)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import unquote

from .config import SiteConfig
from .model import Article, FeedEntry, FeedInfo, PageSpec, Site

FEED = "feed.xml"
_EPOCH = datetime.fromtimestamp(0, UTC)


def term_feed(term_url: str) -> str:
    """The feed beside a term's pages: "tags/%D9%85/" → "tags/%D9%85/feed.xml" (site-relative URL)."""
    return term_url + FEED


def feed_specs(site: Site, config: SiteConfig) -> Iterator[PageSpec]:
    limit, full = config.feeds.limit, config.feeds.full_content
    names = tuple(t.name for t in config.taxonomies)
    entries: dict[str, FeedEntry] = {}  # only for the articles some feed shows: the newest of each term

    def entry(article: Article) -> FeedEntry:
        if article.slug not in entries:
            entries[article.slug] = _entry(article, names, full)
        return entries[article.slug]

    yield _spec(FeedInfo(config.title, FEED, ""), [entry(a) for a in site.articles[:limit]])
    for taxonomy in site.taxonomies:
        for term in taxonomy.terms:
            title = f"{taxonomy.config.singular}: {term.ref.name} | {config.title}"
            yield _spec(FeedInfo(title, term_feed(term.ref.url), term.ref.url), [entry(a) for a in term.articles[:limit]])


def _entry(article: Article, taxonomies: tuple[str, ...], full_content: bool) -> FeedEntry:
    return FeedEntry(
        title=article.title, url=article.url, published=article.date.value, updated=article.modified.value,
        summary=article.lead, categories=tuple(ref for name in taxonomies for ref in article.terms.get(name, ())),
        html=article.html if full_content else None,
    )


def _spec(feed: FeedInfo, entries: list[FeedEntry]) -> PageSpec:
    # The feed's own `updated` is its newest entry's, never "now": a build changes nothing when no
    # entry changed. An empty feed (a site without articles) says the Unix epoch.
    updated = max((e.updated for e in entries), default=_EPOCH)
    return PageSpec(unquote(feed.path), "feed.xml", {"feed": feed, "entries": tuple(entries), "updated": updated})
