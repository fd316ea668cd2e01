"""One paginator for the home index, every taxonomy term and every archive list."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .model import Article, PageLink, Pager


def page_urls(base: str, total: int) -> tuple[str, ...]:
    """`base` for page 1, `base + "page/N/"` after it; `base` is site-relative ("" for the home)."""
    return tuple(base if n == 1 else f"{base}page/{n}/" for n in range(1, total + 1))


NEAR = 2  # numbered links on each side of the current page


def paginate(items: Sequence[Article], size: int, base: str) -> list[Pager]:
    total = max(1, -(-len(items) // size))
    urls = page_urls(base, total)
    links = _all_links(base, total)
    return [Pager(n, total, tuple(items[(n - 1) * size : n * size]), urls[n - 1],
                  urls[n - 2] if n > 1 else None, urls[n] if n < total else None, links[n - 1])
            for n in range(1, total + 1)]


@functools.lru_cache(maxsize=4096)
def _all_links(base: str, total: int) -> tuple[tuple[PageLink | None, ...], ...]:
    # Kept between builds: a rebuild of a large archive would otherwise redo them for every list page.
    # One `PageLink` per page of the list, shared by every page that links it: the build's state keeps
    # them all, and a list's pages each link ~7 of them.
    urls = page_urls(base, total)
    targets = tuple(PageLink(n, url) for n, url in enumerate(urls, 1))
    return tuple(_links(n, targets) for n in range(1, total + 1))


def _links(number: int, targets: tuple[PageLink, ...]) -> tuple[PageLink | None, ...]:
    """The first page, the last, and `NEAR` on each side of `number`; `None` for each gap between them
    (a gap of one page shows that page instead: a «…» would be no shorter)."""
    total = len(targets)
    shown = sorted({1, total, *range(max(1, number - NEAR), min(total, number + NEAR) + 1)})
    links: list[PageLink | None] = []
    for n in shown:
        if links and links[-1] is not None and n - links[-1].number == 2:
            links.append(targets[n - 2])
        elif links and links[-1] is not None and n - links[-1].number > 2:
            links.append(None)
        links.append(targets[n - 1])
    return tuple(links)
