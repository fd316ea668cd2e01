"""The typed carriers that flow between pipeline stages. This module imports no stage.

read → `RawArticle`; render body → `RenderedBody`; assemble → `Article`, `Term`, `Site`;
paginate → `Pager`; page specs → `PageSpec`; render pages → `OutputFile`; write → `BuildReport`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .bodies import StoredHtml
from .config import SiteConfig, TaxonomyConfig
from .dates import ArticleDate
from .errors import Problem


@dataclass(frozen=True)
class SourceFile:
    # The absolute path as a string: the build's state holds one per article, and a `Path` that was
    # unpickled parses itself again the first time it is printed (~40 µs, 0.4 s a save at 10,000).
    file: str
    rel: str  # as shown to the editor, e.g. "content/1397/qazvin.md"
    text: str

    @property
    def path(self) -> Path:
        return Path(self.file)

    def __reduce__(self) -> tuple:
        return SourceFile, (self.file, self.rel, self.text)  # (a tuple: smaller than the default, a dict)


@dataclass(frozen=True)
class FrontMatter:
    """Validated metadata, before normalization. `lines` maps each key to its line in the file."""

    title: str
    date: ArticleDate
    slug: str
    tags: tuple[str, ...] = ()
    section: str | None = None
    province: str | None = None
    news_id: int | None = None
    lead: str | None = None
    draft: bool = False
    image: str | None = None
    image_alt: str | None = None
    image_caption: str | None = None
    normalize: bool = True
    updated: ArticleDate | None = None  # last substantial change, for feeds, the sitemap and JSON-LD
    aliases: tuple[str, ...] = ()  # output files of old addresses that redirect here (see redirects.py)
    comments: bool | None = None  # readers' comments on or off; None: as `[comments]` says for its folder
    extra: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RawArticle:
    source: SourceFile
    meta: FrontMatter
    body: str
    body_line: int  # line number of the body's first line in the file


@dataclass(frozen=True)
class SourceImage:
    """A photo an article shows, as probed from its file's header: enough to write its markup."""

    path: str  # absolute, for the encoder
    rel: str  # as shown to the editor, e.g. "content/1397/photo.jpg"
    digest: str  # of its bytes and the encoding settings: names every variant, so a new photo gets new names
    width: int  # after EXIF orientation
    height: int
    fallback: str  # the source's own format, the `<img>`'s: "jpeg" or "png"


@dataclass(frozen=True)
class Picture:
    """One use of a photo: the image with the alt text and caption this article gives it (normalized)."""

    image: SourceImage
    alt: str
    caption: str
    line: int  # where the article names it


@dataclass(frozen=True)
class LinkRef:
    """A link in an article's body to another article (see links.py), before the site is known."""

    href: str  # as written, for messages
    line: int
    news_id: int | None = None  # `news:64048`
    path: str | None = None  # `../1400/other.md`: the file as the editor sees it, e.g. "content/1400/other.md"
    anchor: str = ""  # after '#', percent-decoded


@dataclass(frozen=True)
class RenderedBody:
    """An article after normalization and Markdown: what the cache can keep per content hash."""

    title: str
    lead: str  # plain text: the front-matter lead, else the first paragraph
    terms: Mapping[str, tuple[str, ...]]  # front-matter key of each taxonomy → its normalized values
    html: str | StoredHtml  # in the build's body store once rendered (bodies.py); a str where none is kept
    lead_in_body: bool = False  # the lead is the body's first paragraph: the article page shows it once
    picture: Picture | None = None  # the lead photo (front matter `image`), when it is a file under content/
    pictures: tuple[Picture, ...] = ()  # the photos in the body, in order
    links: tuple[LinkRef, ...] = ()  # links to other articles; `html` has a placeholder for each (links.py)
    anchors: tuple[str, ...] = ()  # the ids in `html` (headings'), which links from other articles may name
    digest: str = ""  # of all the above, computed once when rendered (and cached with it)


@dataclass(frozen=True)
class TermRef:
    taxonomy: str
    name: str
    slug: str
    url: str  # site-relative, percent-encoded, e.g. "tags/%D9%85%D8%B3%DA%A9%D9%86/"


@dataclass(frozen=True)
class Article:
    source: str  # path shown to the editor
    slug: str
    url: str  # site-relative, e.g. "news/64048/"
    title: str
    date: ArticleDate
    date_text: str  # «۲۰ بهمن ۱۳۹۷، ساعت ۱۰:۳۰»
    month: tuple[int, int]  # Jalali (year, month) in the site's time zone: the archive page it is on
    modified: ArticleDate  # `updated`, else `date`: what feeds, the sitemap and JSON-LD call its last change
    lead: str
    html: str | StoredHtml  # in the build's body store once rendered (bodies.py); a str where none is kept
    terms: Mapping[str, tuple[TermRef, ...]]  # taxonomy name → terms
    lead_in_body: bool = False
    news_id: int | None = None
    draft: bool = False
    image: str | None = None  # the front matter's `image` when it is a full URL (shared, not shown)
    picture: Picture | None = None  # the lead photo
    pictures: tuple[Picture, ...] = ()  # the body's photos
    updated: ArticleDate | None = None
    aliases: tuple[str, ...] = ()  # output files of the redirect pages, e.g. "fa/news/64048/index.html"
    aliases_line: int = 1  # where `aliases` is in the source, for collision errors
    comments: bool = False  # the page ends with the «نظر شما» section (front matter `comments`, else `[comments]`)
    extra: Mapping[str, Any] = field(default_factory=dict)
    digest: str = ""  # of everything above: pages showing this article re-render when it changes

    @property
    def tags(self) -> tuple[TermRef, ...]:
        return self.terms.get("tags", ())

    def first(self, taxonomy: str) -> TermRef | None:
        refs = self.terms.get(taxonomy, ())
        return refs[0] if refs else None


@dataclass(frozen=True)
class ArticleLink:
    """An article as a page that only links to it sees it (a redirect): re-rendered only when these change."""

    title: str
    url: str


@dataclass(frozen=True)
class Term:
    ref: TermRef
    articles: tuple[Article, ...]  # newest first
    digest: str = ""


@dataclass(frozen=True)
class TermCount:
    """What a page about a term shows of it: pages get this, not the `Term`, so they re-render only
    when their own items change, not whenever any article of the term does."""

    ref: TermRef
    count: int


@dataclass(frozen=True)
class ArchivePeriod:
    """A Jalali year or month of the archive, as its pages and the archive index show it."""

    label: str  # «۱۳۹۷» or «بهمن ۱۳۹۷»
    url: str  # site-relative, e.g. "archive/1397/11/"
    count: int
    months: tuple[ArchivePeriod, ...] = ()  # a year's months, newest first


@dataclass(frozen=True)
class FeedInfo:
    """One Atom feed: its title, its own file and the page it follows (site-relative)."""

    title: str
    path: str  # e.g. "tags/%D9%85/feed.xml"
    page_url: str  # e.g. "tags/%D9%85/"


@dataclass(frozen=True)
class FeedEntry:
    """What a feed shows of an article: a feed re-renders only when these change (the body only
    counts when feeds carry full content)."""

    title: str
    url: str
    published: datetime
    updated: datetime
    summary: str
    categories: tuple[TermRef, ...]
    html: str | StoredHtml | None = None  # the body, with `[feeds] full_content`


@dataclass(frozen=True)
class Taxonomy:
    config: TaxonomyConfig
    terms: tuple[Term, ...]  # by count, then name
    digest: str = ""

    @property
    def url(self) -> str:
        return f"{self.config.name}/"


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]  # newest first
    taxonomies: tuple[Taxonomy, ...]


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str  # site-relative


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list; `number` counts from 1.

    `links` are the numbered links the page shows: the first and last pages and those near this one,
    `None` where pages are left out. Not every page: the home of a 60,000-article archive has 3,000.
    """

    number: int
    total: int
    items: tuple[Article, ...]
    url: str  # site-relative
    prev_url: str | None
    next_url: str | None
    links: tuple[PageLink | None, ...]


@dataclass(frozen=True)
class PageSpec:
    """One output file, not yet rendered: its path, its template and what the template gets.

    Only `template` and `context` decide the bytes (the build fingerprints those two, with the theme).
    `canonical` and `lastmod` are what the sitemap says about the page (a canonical HTML page, and when
    it last changed).
    """

    rel_path: str
    template: str
    context: dict[str, Any]
    canonical: bool = False
    lastmod: datetime | None = None


@dataclass(frozen=True)
class OutputFile:
    rel_path: str  # POSIX path under the output folder
    data: bytes


@dataclass(frozen=True)
class BuildReport:
    articles: int
    pages: int  # HTML pages; feeds, sitemaps and robots.txt are written but not counted
    written: int
    removed: int
    seconds: float
    warnings: tuple[Problem, ...] = ()
    encoded: int = 0  # image variants encoded (not found in .cache/images/)
