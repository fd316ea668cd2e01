"""Render stage, per page: the `Site` → `OutputFile`s through the theme's Jinja2 templates."""

from __future__ import annotations

import functools
import heapq
import operator
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, unquote

import jinja2
from markupsafe import Markup, escape

from .archive import ARCHIVE, archive_periods
from .bidi import isolate_html
from .bodies import StaleBodyError
from .config import SiteConfig, TaxonomyConfig
from .dates import jalali
from .digits import to_persian_digits
from .errors import AkhbarError, Problem
from .feeds import FEED, feed_specs, term_feed
from .files import shown
from .head import absolute_url, news_article, rfc3339, share_image, share_size
from .images import picture_html
from .model import ArchivePeriod, Article, OutputFile, Pager, PageSpec, Picture, Site, TermCount, TermRef
from .paginate import paginate
from .search import BUNDLE, SEARCH
from .search import parts as index_parts
from .workers import can_fork, fork_map


@functools.lru_cache(maxsize=1 << 18)  # (a rebuild asks again for every page of the archive)
def output_path(url: str) -> str:
    """Site-relative directory URL → file under the output folder: "news/x/" → "news/x/index.html"."""
    return unquote(url) + "index.html"


T = TypeVar("T")


class SpecMemo:
    """The last build's specs by output path, each with what it was made from. A page made from the very
    same (or equal) inputs gets the very same `PageSpec` back, so the stages after it (fingerprints,
    sitemap) can pass it by identity instead of comparing or hashing its context again: on a rebuild of a
    large archive most pages are such pages."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[tuple, PageSpec]] = {}
        self._now: dict[str, tuple[tuple, PageSpec]] = {}
        self._value: object = None

    def spec(self, rel_path: str, make: Callable[..., PageSpec], *inputs: object) -> PageSpec:
        """`make(*inputs)`, or the spec it made last time from equal inputs."""
        old = self._last.get(rel_path)
        if old is not None and old[0] == inputs:  # (tuple ==: identity first)
            # The old inputs are kept, not the equal new ones: they are what the spec shows, and the state
            # then holds one copy (a list page's pager is made anew by every build).
            self._now[rel_path] = old
            return old[1]
        spec = make(*inputs)
        self._now[rel_path] = (inputs, spec)
        return spec

    def same(self, value: T) -> T:
        """`value`, or the equal one the last build had: a value every page shows (the menu) is then
        compared by identity in each page's inputs, not field by field 15,000 times."""
        if value == self._value:
            return self._value
        self._value = value
        return value

    def done(self) -> None:
        """The build's specs are all made: they are what the next build compares with."""
        self._last, self._now = self._now, {}


class PageRenderer:
    def __init__(self, config: SiteConfig, memo: SpecMemo | None = None) -> None:
        self.config = config
        # The last build's specs (the build's state keeps them): valid for these settings only.
        self.memo = memo or SpecMemo()
        self.templates_dir = config.theme_dir / "templates"
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.templates_dir),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["fa"] = to_persian_digits
        self.env.filters["rfc3339"] = lambda value: rfc3339(value, config.tz)
        self.env.filters["jalali_year"] = lambda date: to_persian_digits(jalali(date.value.astimezone(config.tz)).year)
        self.env.filters["q"] = lambda value: quote(str(value), safe="")  # one query-string value
        self.env.filters["isolate"] = isolate_html  # Latin runs in a title or lead, each in a <bdi>
        self.env.globals.update(
            config=config, url=self.url, abs_url=lambda path="": absolute_url(config, path),
            news_article=lambda article: news_article(config, article),
            share_image=lambda article=None: share_image(config, article),
            share_size=share_size, picture=self.picture, nav=self.nav,
            site_feed=FEED, term_feed=term_feed,
        )
        self._base = config.base_path
        # The menu as rendered for the current menu and `_nav.html`: by the page it marks as current ("" the
        # home, None every page it does not link to).
        self._navs: tuple[object, object, dict[str | None, Markup]] = (None, None, {})

    def nav(self, menu: Menu, page_url: str) -> Markup:
        """`_nav.html` for a page: every page shows the menu, and all but the few it links to show it the
        same, so it is rendered once for those and once for each of the others (~0.14 ms a page saved)."""
        template = self.env.get_template("_nav.html")  # (a new object once its file changed)
        last_menu, last_template, rendered = self._navs
        if last_menu is not menu or last_template is not template:
            rendered = {}
            self._navs = (menu, template, rendered)
        plain = rendered.get(None)
        if plain is None:
            plain = rendered[None] = Markup(template.render(menu=menu, current=None))
        if f'href="{escape(self.url(page_url))}"' not in plain:
            return plain
        own = rendered.get(page_url)
        if own is None:
            own = rendered[page_url] = Markup(template.render(menu=menu, current=page_url))
        return own

    def picture(self, picture: Picture, kind: str = "lead") -> Markup:
        """A photo in a template: the article's lead photo ("lead": fetched first), the home page's top story
        ("top": as wide as an article photo and fetched first, no caption) or a card's thumbnail ("thumb")."""
        images = self.config.images
        if kind == "lead":
            html = picture_html(picture, images, self.config.base_path, images.sizes, eager=True, css="lead-photo")
        elif kind == "top":
            html = picture_html(picture, images, self.config.base_path, images.sizes, eager=True, figure=False,
                                css="thumb")
        else:
            html = picture_html(picture, images, self.config.base_path, images.thumb_sizes, figure=False, css="thumb")
        return Markup(html)

    def url(self, path: str = "") -> str:
        """A link to a site-relative URL, under the site's base path (works from a sub-path)."""
        return self._base + path

    def render(self, template: str, rel_path: str, **context: object) -> OutputFile:
        try:
            html = self.env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as e:
            raise AkhbarError(Problem(self._rel(e.filename), e.lineno, f"template error: {e.message}", fa="خطا در قالب سایت؛ این خط از قالب را بررسی کنید.")) from None
        except jinja2.TemplateNotFound as e:
            raise AkhbarError(Problem(self._rel(str(self.templates_dir)), None, f"template {e.name!r} is missing", fa="خطا در قالب سایت؛ این خط از قالب را بررسی کنید.")) from None
        except StaleBodyError:
            raise  # not the template's fault: the build starts over from the sources
        except Exception as e:  # a runtime error inside a template: point at the template line
            path, line = self._template_frame(e)
            raise AkhbarError(Problem(path, line, f"template error while writing {rel_path}: {e}", fa="خطا در قالب سایت؛ این خط از قالب را بررسی کنید.")) from None
        return OutputFile(rel_path, html.encode("utf-8"))

    def _rel(self, filename: str | None) -> str:
        return shown(Path(filename or self.templates_dir), self.config.root)

    def _template_frame(self, e: Exception) -> tuple[str, int | None]:
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if frame.filename.startswith(str(self.templates_dir)):
                return self._rel(frame.filename), frame.lineno
        return self._rel(None), None

    def page_specs(self, site: Site, related: Mapping[str, tuple[str, ...]] | None = None) -> Iterator[PageSpec]:
        """Every page and feed of the site, not yet rendered: its path, its template and what the template gets.

        `related` is `related_slugs(site.articles, …)` when the caller already has it. Every HTML page's
        header lists the site's sections and provinces (`menu`), so a new one re-renders every page."""
        size = self.config.page_size
        articles = site.articles
        if related is None:
            related = related_slugs(articles, self.config.related_count)
        by_slug = {a.slug: a for a in articles}
        memo = self.memo
        menu = memo.same(site_menu(site))
        for i, article in enumerate(articles):
            newer = articles[i - 1] if i > 0 else None
            older = articles[i + 1] if i + 1 < len(articles) else None
            others = tuple(by_slug[s] for s in related[article.slug])
            yield memo.spec(output_path(article.url), _article_spec, article, newer, older, others, menu)
        for pager in paginate(articles, size, ""):
            yield memo.spec(output_path(pager.url), _list_spec, pager, None, None, None, menu,
                            newest_by_section(site, SECTION_ITEMS) if pager.number == 1 else None)
        for taxonomy in site.taxonomies:
            counts = tuple(TermCount(t.ref, len(t.articles)) for t in taxonomy.terms)
            lists = [self._list_spec(pager, count, taxonomy.config, None, menu)
                     for term, count in zip(taxonomy.terms, counts, strict=True)
                     for pager in paginate(term.articles, size, term.ref.url)]
            yield PageSpec(output_path(taxonomy.url), "terms.html",
                           {"taxonomy": taxonomy.config, "terms": counts, "page_url": taxonomy.url, "menu": menu},
                           canonical=True, lastmod=max((s.lastmod for s in lists if s.lastmod), default=None))
            yield from lists
        yield from self._archive_specs(site, menu)
        if self.config.search.enabled:
            merged = sorted(set(index_parts(a.month for a in articles).values()) - {BUNDLE}, reverse=True)
            yield PageSpec(output_path(SEARCH), "search.html", {"page_url": SEARCH, "menu": menu, "merged": tuple(merged)},
                           canonical=True)
        yield PageSpec("404.html", "404.html", {"page_url": "404.html", "menu": menu})
        yield from feed_specs(site, self.config)
        memo.done()

    def _list_spec(self, pager: Pager, term: TermCount | None, taxonomy: TaxonomyConfig | None,
                   archive: ArchivePeriod | None, menu: Menu) -> PageSpec:
        return self.memo.spec(output_path(pager.url), _list_spec, pager, term, taxonomy, archive, menu, None)

    def _archive_specs(self, site: Site, menu: Menu) -> Iterator[PageSpec]:
        periods = archive_periods(site.articles)
        years = tuple(p for p, _ in periods if p.months)
        yield PageSpec(output_path(ARCHIVE), "archive.html", {"years": years, "page_url": ARCHIVE, "menu": menu},
                       canonical=True, lastmod=_newest(site.articles))
        for period, items in periods:
            for pager in paginate(items, self.config.page_size, period.url):
                yield self._list_spec(pager, None, None, period, menu)

    def render_page(self, spec: PageSpec) -> OutputFile:
        return self.render(spec.template, spec.rel_path, **spec.context)

    def render_pages(self, specs: Sequence[PageSpec], jobs: int) -> Iterator[OutputFile]:
        """Every page of `specs`, in order; over `jobs` forked processes when there are many."""
        if jobs > 1 and len(specs) >= PARALLEL_FROM and can_fork():
            for wave in _waves(specs):
                if isinstance(wave, int):
                    yield self.render_page(specs[wave])
                    continue
                for files in fork_map(_render_chunk, wave, (self, specs), jobs):
                    yield from files
        else:
            for spec in specs:
                yield self.render_page(spec)


PARALLEL_FROM = 500  # pages; below this, forking costs more than it saves
CHUNK = 64
# A forked worker gets its own copy of every memory page of the parent's it touches (showing an article
# writes its reference count): one that rendered a whole large site would hold a copy of all of it (~750 MB
# per worker at 100,000 articles). So the pages go in waves, each to newly forked workers, of about this
# many articles shown: an article page counts one (its neighbours are the next pages'), a list or a feed
# each article it lists (a tag's articles lie all over the archive, and over memory). A page that shows
# more than that by itself (a sitemap: every page's date) is rendered by the parent, between waves.
WAVE = 4096


def _shown(spec: PageSpec) -> int:
    pager = spec.context.get("pager")
    if pager is not None:
        return len(pager.items)
    entries = spec.context.get("entries")
    return 1 if entries is None else len(entries)


def _waves(specs: Sequence[PageSpec]) -> Iterator[list[range] | int]:
    """The indices of `specs` in order: waves of chunks, each of about `WAVE` articles shown, and alone
    (an int) each page that shows more."""
    wave: list[range] = []
    start = shown = 0
    for i, spec in enumerate(specs):
        weight = _shown(spec)
        if weight >= WAVE:
            if i > start:
                wave.append(range(start, i))
            if wave:
                yield wave
            yield i
            wave, start, shown = [], i + 1, 0
            continue
        shown += weight
        if i + 1 - start == CHUNK:
            wave.append(range(start, i + 1))
            start = i + 1
            if shown >= WAVE:
                yield wave
                wave, shown = [], 0
    if start < len(specs):
        wave.append(range(start, len(specs)))
    if wave:
        yield wave


def _render_chunk(shared: tuple[PageRenderer, Sequence[PageSpec]], indices: range) -> list[OutputFile]:
    renderer, specs = shared
    return [renderer.render_page(specs[i]) for i in indices]



def _article_spec(article: Article, newer: Article | None, older: Article | None, related: tuple[Article, ...],
                  menu: Menu) -> PageSpec:
    return PageSpec(output_path(article.url), "article.html", {
        "article": article, "newer": newer, "older": older, "related": related, "page_url": article.url, "menu": menu,
    }, canonical=True, lastmod=article.modified.value)


def _list_spec(pager: Pager, term: TermCount | None, taxonomy: TaxonomyConfig | None, archive: ArchivePeriod | None,
               menu: Menu, by_section: tuple[tuple[TermRef, tuple[Article, ...]], ...] | None) -> PageSpec:
    context = {"pager": pager, "heading": term.ref.name if term else None, "term": term, "taxonomy": taxonomy,
               "archive": archive, "page_url": pager.url, "menu": menu}
    if by_section is not None:
        context["by_section"] = by_section
    return PageSpec(output_path(pager.url), "list.html", context, canonical=True, lastmod=_newest(pager.items))


SECTION_ITEMS = 3  # newest articles of each section on the home page


Menu = tuple[tuple[TaxonomyConfig, tuple[TermRef, ...]], ...]


def site_menu(site: Site) -> Menu:
    """What the header lists: each taxonomy but tags (sections, provinces) with its terms, in Persian
    alphabetical order. Not busiest first: every page shows the menu, and an order that moved whenever
    one count overtook another would re-render the whole archive for one new article."""
    return tuple((t.config, tuple(sorted((term.ref for term in t.terms), key=lambda r: persian_order(r.name))))
                 for t in site.taxonomies if t.config.key != "tags")


_ALPHABET = "آاأإبپتثجچحخدذرزژسشصضطظعغفقکكگلمنوؤهةیيئ"
_RANK = {c: i for i, c in enumerate(_ALPHABET)}


def persian_order(text: str) -> tuple[int, ...]:
    """A sort key in the order of the Persian alphabet (code points put پ چ ژ گ after the Arabic letters)."""
    return tuple(_RANK.get(c, len(_ALPHABET) + ord(c)) for c in text)


def newest_by_section(site: Site, count: int) -> tuple[tuple[TermRef, tuple[Article, ...]], ...]:
    """The home page's blocks: each section (the `section` taxonomy, if the site has it) and its newest articles."""
    return tuple((term.ref, term.articles[:count]) for t in site.taxonomies if t.config.key == "section"
                 for term in t.terms)


def _newest(articles: Iterable[Article]) -> datetime | None:
    """When the newest change among `articles` was: a list page's sitemap `lastmod`."""
    return max(map(_MODIFIED, articles), default=None)


_MODIFIED = operator.attrgetter("modified.value")  # (in C: a rebuild runs it over every list's items)


RELATED_WINDOW = 12  # per shared tag, this many articles on each side in time are candidates


def same_relations(before: Sequence[Article], now: Sequence[Article]) -> bool:
    """Whether `related_slugs` gives the same for `now` as it gave for `before`: it depends only on each
    article's slug and tags, in order (an edit to a body changes nothing). Unchanged articles are the
    very same objects, so this costs next to nothing on a rebuild."""
    return len(before) == len(now) and all(
        a is b or (a.slug == b.slug and a.tags == b.tags) for a, b in zip(before, now, strict=True))


def related_slugs(articles: tuple[Article, ...], count: int) -> dict[str, tuple[str, ...]]:
    """Per article's slug, the slugs of the `count` others sharing most tags (ties: newer first).

    Candidates are, for each of the article's tags, the articles nearest to it in time under that tag:
    every member for the long tail of small tags, a window for the few tags on thousands of articles.
    That keeps this linear in the archive's size, and news relates to news of its own time anyway.
    """
    by_tag: dict[str, list[int]] = defaultdict(list)
    places: list[list[tuple[str, int]]] = []
    for i, a in enumerate(articles):
        places.append([(ref.slug, len(by_tag[ref.slug])) for ref in a.tags])
        for ref in a.tags:
            by_tag[ref.slug].append(i)
    tagsets = [frozenset(ref.slug for ref in a.tags) for a in articles]
    result = {}
    for i, a in enumerate(articles):
        candidates: set[int] = set()
        for slug, at in places[i]:
            candidates.update(by_tag[slug][max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1])
        candidates.discard(i)
        mine = tagsets[i]
        best = heapq.nsmallest(count, [(-len(mine & tagsets[j]), j) for j in candidates])
        result[a.slug] = tuple(articles[j].slug for _, j in best)
    return result
