"""Assemble stage: rendered articles → `Site` (URLs, taxonomy terms, order), checking cross-article rules."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .config import CommentsConfig, SiteConfig
from .dates import jalali_parts
from .digest import stable_digest
from .errors import Problem
from .images import is_url
from .links import LinkIndex, fill
from .model import Article, RawArticle, RenderedBody, Site, Taxonomy, Term, TermRef
from .slugs import term_slug, url_path


@dataclass
class AssembleMemo:
    """What one `assemble` made, for the next to reuse instead of redoing it for every article."""

    # source path → (the rendered body, the term names the article shows and the URLs its links point to,
    # the article made of them)
    articles: dict[str, tuple[RenderedBody, tuple[str, ...], Article]] = field(default_factory=dict)
    terms: dict[tuple[str, str], Term] = field(default_factory=dict)  # (taxonomy, slug) → term
    display: dict[str, dict[str, str]] = field(default_factory=dict)  # `_display_names` of that call
    # taxonomy → slug → how often each written form of it is used, over the articles of that call
    forms: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    comments: CommentsConfig | None = None  # the `[comments]` settings of that call


def assemble(config: SiteConfig, pairs: Iterable[tuple[RawArticle, RenderedBody]],
             memo: AssembleMemo | None = None) -> tuple[Site, list[Problem], AssembleMemo]:
    """The site from every rendered article. `memo` is what the last call returned: an article whose
    body is the very same object (its source was not read again) and whose terms are shown under the
    same names is taken from it as it is, and so is a term with the very same articles."""
    pairs = list(pairs)
    problems = _duplicates(pairs)
    memo = memo or AssembleMemo()
    display, forms = _display_names(config, pairs, memo)
    kept = AssembleMemo(display=display, forms=forms, comments=config.comments)
    same_names = display == memo.display  # then no article's term names changed
    same_comments = memo.comments == config.comments  # then no reused article's comment section changed
    links: LinkIndex | None = None  # (made when the first article with links needs it)
    # One `TermRef` per term for the articles made in this call, not one per article that has it: a
    # tenth of the objects the build's state pickles and loads.
    shared: dict[tuple[str, str], TermRef] = {}

    articles: list[Article] = []
    for raw, body in pairs:
        hit = memo.articles.get(raw.source.rel)
        urls: tuple[str, ...] = ()
        if body.links:  # another article's slug, or its headings, may have changed: look again
            links = links or LinkIndex(pairs)
            urls, broken = links.resolve(raw.source.rel, body.links)
            problems += broken
        if hit is not None and hit[0] is body and same_names and not urls:
            names = hit[1]
        else:
            names = (*(display[tax.name][term_slug(v)] for tax in config.taxonomies for v in body.terms.get(tax.key, ())),
                     *urls)
        if hit is not None and hit[0] is body and hit[1] == names and same_comments:
            article = hit[2]
        else:
            comments = config.comments.open_for(raw.source.rel, raw.meta.comments)
            if hit is not None and hit[0] is body and hit[1] == names and hit[2].comments == comments:
                article = hit[2]
            else:
                article = _article(config, raw, body, display, urls, comments, shared)
        kept.articles[raw.source.rel] = (body, names, article)
        articles.append(article)
    articles.sort(key=lambda a: (a.date.value, a.slug), reverse=True)

    taxonomies = []
    for tax in config.taxonomies:
        members: dict[str, list[Article]] = defaultdict(list)
        refs: dict[str, TermRef] = {}
        for article in articles:
            for ref in article.terms[tax.name]:
                members[ref.slug].append(article)
                refs[ref.slug] = ref
        for slug, items in members.items():
            old = memo.terms.get((tax.name, slug))
            same = old is not None and old.ref == refs[slug] and old.articles == tuple(items)  # (identity first: fast)
            kept.terms[tax.name, slug] = old if same else _with_digest(Term(refs[slug], tuple(items)))
        terms = sorted((kept.terms[tax.name, slug] for slug in members), key=lambda t: (-len(t.articles), t.ref.slug))
        taxonomies.append(_with_digest(Taxonomy(tax, tuple(terms))))
    return Site(config, tuple(articles), tuple(taxonomies)), problems, kept


def _article(config: SiteConfig, raw: RawArticle, body: RenderedBody, display: dict[str, dict[str, str]],
             urls: tuple[str, ...], comments: bool, shared: dict[tuple[str, str], TermRef]) -> Article:
    terms = {}
    for tax in config.taxonomies:
        refs: list[TermRef] = []
        for value in body.terms.get(tax.key, ()):
            slug = term_slug(value)
            if all(r.slug != slug for r in refs):
                ref = shared.get((tax.name, slug))
                if ref is None:
                    ref = shared[tax.name, slug] = TermRef(tax.name, display[tax.name][slug], slug, url_path(tax.name, slug))
                refs.append(ref)
        terms[tax.name] = tuple(refs)
    meta = raw.meta
    date_text, year, month = jalali_parts(meta.date, config.tz)
    article = Article(
        source=raw.source.rel, slug=meta.slug, url=url_path("news", meta.slug), title=body.title,
        date=meta.date, date_text=date_text, month=(year, month), modified=meta.updated or meta.date, lead=body.lead,
        html=fill(str(body.html), config.base_path, urls) if body.links else body.html,
        terms=terms, news_id=meta.news_id, draft=meta.draft, extra=meta.extra,
        image=meta.image if meta.image and is_url(meta.image) else None, picture=body.picture, pictures=body.pictures,
        lead_in_body=body.lead_in_body, updated=meta.updated, aliases=meta.aliases,
        aliases_line=meta.lines.get("aliases", 1),
        comments=comments,
    )
    # The body's html is hashed once, when rendered: here its digest (and where its links point) stands in for it.
    html = stable_digest(body.digest, urls) if urls else body.digest
    digest = stable_digest(dataclasses.replace(article, html=html)) if body.digest else stable_digest(article)
    return dataclasses.replace(article, digest=digest)


def _with_digest(obj):  # noqa: ANN001, ANN202 (Term or Taxonomy)
    """Precomputed, so fingerprinting a page that shows a term does not rehash all its articles."""
    return dataclasses.replace(obj, digest=stable_digest(obj))


_ARABIC_FORMS = re.compile("[يكى]")


def _display_names(config: SiteConfig, pairs: list[tuple[RawArticle, RenderedBody]], memo: AssembleMemo,
                   ) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Counter[str]]]]:
    """Per taxonomy, slug → the most used written form (ties: the first in sort order). A form with Arabic
    ي/ك/ى (from an article with `normalize: false`) is shown only when no Persian spelling exists.

    Also the counts of every form, which the next call updates with the articles that changed instead of
    counting them all again (`memo` is the last call's; its counts are taken over, not copied)."""
    names = {tax.name for tax in config.taxonomies}
    forms = memo.forms if memo.forms.keys() == names and memo.display.keys() == names else {}
    before = {rel: hit[0] for rel, hit in memo.articles.items()} if forms else {}
    now = {raw.source.rel: body for raw, body in pairs}
    forms = forms or {name: {} for name in names}
    touched: dict[str, set[str]] = {name: set() for name in names}

    def count(body: RenderedBody, step: int) -> None:
        for tax in config.taxonomies:
            counts, seen = forms[tax.name], touched[tax.name]
            for name in body.terms.get(tax.key, ()):
                slug = term_slug(name)
                counts.setdefault(slug, Counter())[name] += step
                seen.add(slug)

    for rel, body in before.items():
        if now.get(rel) is not body:
            count(body, -1)
    for rel, body in now.items():
        if before.get(rel) is not body:
            count(body, 1)
    result = {}
    for tax in config.taxonomies:
        counts, display = forms[tax.name], dict(memo.display.get(tax.name, {}) if before else {})
        for slug in touched[tax.name]:
            c = +counts[slug]  # (unary plus drops forms no longer used)
            if c:
                counts[slug] = c
                display[slug] = min(c, key=lambda n: (_ARABIC_FORMS.search(n) is not None, -c[n], n))
            else:
                del counts[slug]
                display.pop(slug, None)
        result[tax.name] = display
    return result, forms


def _duplicates(pairs: list[tuple[RawArticle, RenderedBody]]) -> list[Problem]:
    problems = []
    for attr, what in (("slug", "slug"), ("news_id", "news number")):
        values = [getattr(raw.meta, attr) for raw, _ in pairs]
        twice = {v for v, n in Counter(values).items() if n > 1 and v is not None}
        if not twice:
            continue
        owners: dict[object, list[RawArticle]] = defaultdict(list)
        for (raw, _), value in zip(pairs, values, strict=True):
            if value in twice:
                owners[value].append(raw)
        for value, raws in owners.items():
            for raw in raws:
                others = ", ".join(r.source.rel for r in raws if r is not raw)
                line = raw.meta.lines.get(attr, 1)
                problems.append(Problem(raw.source.rel, line,
                                        f"{what} {value!r} is also used by {others}; each article needs its own"))
    return problems
