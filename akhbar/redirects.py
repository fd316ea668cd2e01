"""Old addresses of an article (`aliases` in its front matter) → small redirect pages.

An alias is a URL path: site-absolute (`/fa/news/64048`, relative to the site root whatever
`base_url`'s path is) or relative (`old/path/`). Without an extension it becomes
`<alias>/index.html`, else that very file. Nothing in it may lead outside the output folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import unquote

from .errors import Problem
from .model import Article, ArticleLink, PageSpec

_DRIVE = re.compile(r"^[A-Za-z]:")  # C:foo, C:/foo: a Windows path, never a URL path


class AliasError(ValueError):
    pass


def alias_file(alias: str) -> str:
    """The output file an alias is served from: "/fa/news/64048" → "fa/news/64048/index.html"."""
    if "\x00" in alias or "\\" in alias:
        raise AliasError(f"alias {alias!r} holds a backslash or NUL; write a URL path such as /fa/news/64048")
    if "?" in alias or "#" in alias or "://" in alias or alias.startswith("//"):
        raise AliasError(f"alias {alias!r} must be a path on this site, without address, query or #fragment")
    path = unquote(alias.strip())  # %2e%2e is `..` too: check what the file system would see
    if "\x00" in path or "\\" in path or _DRIVE.match(path):
        raise AliasError(f"alias {alias!r} is not a URL path on this site")
    parts = path.strip("/").split("/")
    if not path.strip("/") or any(p in ("", ".", "..") or p.startswith(".") or p != p.strip() for p in parts):
        raise AliasError(f"alias {alias!r} must be a path such as /fa/news/64048, without empty, '.', '..' or "
                         "hidden parts")
    if path.endswith("/") or not PurePosixPath(parts[-1]).suffix:
        parts.append("index.html")
    return "/".join(parts)


def redirect_specs(articles: Iterable[Article], taken: Iterable[str]) -> tuple[list[PageSpec], list[Problem]]:
    """One redirect page per alias; an alias on a file the site already writes (or another alias) is a problem."""
    owners = {rel: None for rel in taken}  # output path → the article whose alias claimed it (None: a real file)
    specs, problems = [], []
    for article in sorted(articles, key=lambda a: a.source):
        for rel in article.aliases:
            if rel in owners:
                other = owners[rel]
                what = "a page of the site" if other is None else (
                    "another alias of this article" if other is article else f"an alias of {other.source}")
                problems.append(Problem(article.source, article.aliases_line,
                                        f"alias {rel!r} would replace {what}; remove it or choose another",
                                        fa="نشانی قدیمی (aliases) با صفحهٔ دیگری از سایت یکی است."))
                continue
            owners[rel] = article
            specs.append(PageSpec(rel, "redirect.html", {"target": ArticleLink(article.title, article.url),
                                                         "page_url": rel}))
    return specs, problems

