"""One paginator for the home index, every taxonomy term and every archive list."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Article, Pager


def page_urls(base: str, total: int) -> tuple[str, ...]:
    """`base` for page 1, `base + "page/N/"` after it; `base` is site-relative ("" for the home)."""
    return tuple(base if n == 1 else f"{base}page/{n}/" for n in range(1, total + 1))


def paginate(items: Sequence[Article], size: int, base: str) -> list[Pager]:
    total = max(1, -(-len(items) // size))
    urls = page_urls(base, total)
    return [Pager(n, total, tuple(items[(n - 1) * size : n * size]), urls) for n in range(1, total + 1)]
