"""What pages say about themselves to other programs: absolute URLs, RFC 3339 dates, JSON-LD.

Templates reach these as Jinja globals and filters; the head tags themselves live in base.html.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .config import SiteConfig
from .images import og_path, og_size
from .model import Article

# In a <script> element only `</script>` (and `<!--`) can end the data early; escaping every <, > and &
# (legal JSON escapes) means no article text can, and the JSON still loads to the same strings.
# (str.replace, each only when needed: str.translate with this table took ~0.1 ms an article page.)
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def absolute_url(config: SiteConfig, path: str = "") -> str:
    """A site-relative path (or a site-absolute "/x", relative to the site root) → a full URL under
    `base_url`; full URLs pass through. With a path-only `base_url` the result is site-absolute."""
    if ":" in path and urlsplit(path).scheme:  # (a page's own path has no ":", and urlsplit is slow)
        return path
    return config.base_url + quote(path.lstrip("/"), safe="/%:@!$&'()*+,;=~")


def rfc3339(value: datetime, tz: ZoneInfo) -> str:
    """RFC 3339 in the site's time zone (Gregorian, Tehran offset +03:30 or +04:30)."""
    return value.astimezone(tz).isoformat()


def script_json(data: object) -> Markup:
    """JSON that can sit inside <script type="application/ld+json"> whatever the strings hold."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in _SCRIPT_SAFE:
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def share_image(config: SiteConfig, article: Article | None) -> str | None:
    """The page's share image: the article's lead photo cropped to 1200×630, else its `image` URL, else the site's."""
    if article is not None and article.picture is not None:
        return absolute_url(config, og_path(article.picture.image))
    image = (article.image if article is not None else None) or config.image
    return absolute_url(config, image) if image else None


def share_size(article: Article | None) -> tuple[int, int] | None:
    """The share crop's size in pixels, when the build made it (for og:image:width and height)."""
    return og_size(article.picture.image) if article is not None and article.picture is not None else None


def news_article(config: SiteConfig, article: Article) -> Markup:
    """schema.org NewsArticle for an article page."""
    url = absolute_url(config, article.url)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "datePublished": rfc3339(article.date.value, config.tz),
        "dateModified": rfc3339(article.modified.value, config.tz),
        "inLanguage": "fa",
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": {"@type": "Organization", "name": config.title},
    }
    image = share_image(config, article)
    if image:
        data["image"] = [image]
    return script_json(data)
