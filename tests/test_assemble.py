"""Assemble stage and its helpers: slugs, tag folding, order, pagination, related articles, duplicates."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from akhbar.assemble import assemble
from akhbar.body import BodyRenderer, first_paragraph
from akhbar.config import NormalizeConfig, SiteConfig
from akhbar.dates import parse_date
from akhbar.model import FrontMatter, RawArticle, RenderedBody, SourceFile
from akhbar.pages import output_path, related_slugs
from akhbar.paginate import page_urls, paginate
from akhbar.slugs import term_slug, url_path

TEHRAN = ZoneInfo("Asia/Tehran")
CONFIG = SiteConfig(root=Path("/site"), related_count=3)


def pair(slug: str, date: str, tags=(), section=None, province=None, news_id=None, title=None,
         rel: str | None = None, lines=None) -> tuple[RawArticle, RenderedBody]:
    rel = rel or f"content/{slug}.md"
    meta = FrontMatter(title=title or slug, date=parse_date(date, TEHRAN), slug=slug, tags=tuple(tags),
                       section=section, province=province, news_id=news_id, lines=lines or {})
    raw = RawArticle(SourceFile(f"/site/{rel}", rel, ""), meta, "متن", 6)
    terms = {"tags": tuple(tags), "section": (section,) if section else (), "province": (province,) if province else ()}
    return raw, RenderedBody(title=title or slug, lead="", terms=terms, html="<p>متن</p>")


def build(*pairs, config: SiteConfig = CONFIG):
    site, problems, _ = assemble(config, pairs)
    assert problems == []
    return site


# ----------------------------------------------------------------------------- slugs


@pytest.mark.parametrize("variant", [
    "مسکن ملی",  # Persian letters, space
    "مسكن ملي",  # Arabic kaf and yeh
    "مسکن\u200cملی",  # zero-width non-joiner instead of the space
    "مسكن\u200cملى",  # Arabic letters, ZWNJ and alef maksura
    " مسکن  ملی ",  # extra spaces
    "مسکن-ملی",
    "مسـکن ملی",  # kashida
])
def test_tag_spellings_fold_to_one_slug(variant):
    assert term_slug(variant) == "مسکن-ملی"


def test_digit_forms_fold_together():
    assert term_slug("سال ۱۴۰۰") == term_slug("سال 1400") == term_slug("سال ١٤٠٠") == "سال-1400"


def test_latin_case_folds():
    assert term_slug("COVID-19") == term_slug("covid 19") == "covid-19"


@pytest.mark.parametrize("name", ["../../etc", "a/b\\c", "..", "#?%&", "x\x00y", "/"])
def test_term_slugs_never_contain_path_separators_or_dot_segments(name):
    slug = term_slug(name)
    assert slug and "/" not in slug and "\\" not in slug and slug not in (".", "..")
    assert output_path(url_path("tags", slug)).startswith("tags/")
    assert ".." not in output_path(url_path("tags", slug)).split("/")


def test_url_path_percent_encodes_persian_and_output_path_decodes_it():
    url = url_path("tags", "مسکن-ملی")
    assert url == "tags/%D9%85%D8%B3%DA%A9%D9%86-%D9%85%D9%84%DB%8C/"
    assert url.isascii()
    assert output_path(url) == "tags/مسکن-ملی/index.html"
    assert url_path("news", "a/b") == "news/a%2Fb/"  # a slash inside a segment cannot make a folder in the URL
    assert url_path() == ""
    assert output_path("") == "index.html"


# ----------------------------------------------------------------------------- assembling


def test_articles_are_newest_first_whatever_the_calendar():
    site = build(
        pair("old", "1395-01-01"),
        pair("greg", "2021-03-09T10:30"),  # 1399-12-19
        pair("new", "1403-01-13 19:00"),
        pair("mid", "1399-12-19 10:29"),
    )
    assert [a.slug for a in site.articles] == ["new", "greg", "mid", "old"]


def test_same_instant_is_ordered_by_slug_so_builds_are_stable():
    site = build(pair("b", "1397-11-20 10:30"), pair("a", "2019-02-09T07:00Z"), pair("c", "1397-11-20 10:30"))
    assert [a.slug for a in site.articles] == ["c", "b", "a"]


def test_article_urls_dates_and_fields():
    site = build(pair("qazvin", "1397-11-20 10:30", ["راه‌سازی"], "استان‌ها", "قزوین", 64102, title="تیتر"))
    [a] = site.articles
    assert a.url == "news/qazvin/" and output_path(a.url) == "news/qazvin/index.html"
    assert a.date_text == "۲۰ بهمن ۱۳۹۷، ساعت ۱۰:۳۰"
    assert a.date.iso == "2019-02-09T10:30:00+03:30"
    assert (a.title, a.news_id, a.source) == ("تیتر", 64102, "content/qazvin.md")
    assert [r.name for r in a.tags] == ["راه‌سازی"]
    assert a.first("sections").name == "استان‌ها" and a.first("provinces").name == "قزوین"
    assert a.first("sections").url == url_path("sections", "استان-ها")


def test_tag_variants_across_articles_are_one_term_shown_in_its_most_used_spelling():
    site = build(
        pair("a", "1397-01-01", ["مسکن ملی"]),
        pair("b", "1397-01-02", ["مسكن ملي"]),
        pair("c", "1397-01-03", ["مسکن\u200cملی"]),
        pair("d", "1397-01-04", ["مسکن ملی"]),
    )
    tags = next(t for t in site.taxonomies if t.config.name == "tags")
    [term] = tags.terms
    assert term.ref.slug == "مسکن-ملی"
    assert term.ref.name == "مسکن ملی"
    assert [a.slug for a in term.articles] == ["d", "c", "b", "a"]  # newest first
    assert {a.tags[0].url for a in site.articles} == {url_path("tags", "مسکن-ملی")}
    assert {a.tags[0].name for a in site.articles} == {"مسکن ملی"}  # every article shows the same spelling


@pytest.mark.parametrize("arabic_count", [1, 2])
def test_a_persian_spelling_is_shown_over_an_arabic_one_even_if_rarer(arabic_count):
    # articles with `normalize: false` keep their Arabic letters; the shared tag must not show them
    pairs = [pair(f"ar{i}", f"1397-01-0{i + 1}", ["مسكن ملي"]) for i in range(arabic_count)]
    site = build(*pairs, pair("fa", "1397-02-01", ["مسکن ملی"]))
    tags = next(t for t in site.taxonomies if t.config.name == "tags")
    assert [t.ref.name for t in tags.terms] == ["مسکن ملی"]
    assert {a.tags[0].name for a in site.articles} == {"مسکن ملی"}


def test_a_tag_repeated_in_one_article_in_two_spellings_counts_once():
    site = build(pair("a", "1397-01-01", ["راه‌سازی", "راه سازي", "ایمنی"]))
    [a] = site.articles
    assert [r.slug for r in a.tags] == ["راه-سازی", "ایمنی"]
    tags = next(t for t in site.taxonomies if t.config.name == "tags")
    assert [len(t.articles) for t in tags.terms] == [1, 1]


def test_terms_are_ordered_by_count_then_slug():
    site = build(
        pair("a", "1397-01-01", ["ب", "الف", "پ"]),
        pair("b", "1397-01-02", ["پ", "ب"]),
        pair("c", "1397-01-03", ["پ"]),
    )
    tags = next(t for t in site.taxonomies if t.config.name == "tags")
    assert [(t.ref.name, len(t.articles)) for t in tags.terms] == [("پ", 3), ("ب", 2), ("الف", 1)]


def test_sections_and_provinces_are_taxonomies_too():
    site = build(pair("a", "1397-01-01", section="مسكن", province="تهران"),
                 pair("b", "1397-01-02", section="مسکن"), pair("c", "1397-01-03"))
    by_name = {t.config.name: t for t in site.taxonomies}
    assert [(t.ref.slug, len(t.articles)) for t in by_name["sections"].terms] == [("مسکن", 2)]
    assert [t.ref.slug for t in by_name["provinces"].terms] == ["تهران"]
    assert by_name["sections"].url == "sections/"


# ----------------------------------------------------------------------------- duplicates


def test_duplicate_slugs_are_reported_in_both_files_with_the_slug_line():
    pairs = [pair("same", "1397-01-01", rel="content/1397/a.md", lines={"slug": 5}),
             pair("same", "1397-01-02", rel="content/1397/b.md", lines={"slug": 7}),
             pair("other", "1397-01-03")]
    _, problems, _ = assemble(CONFIG, pairs)
    found = sorted((p.path, p.line) for p in problems)
    assert found == [("content/1397/a.md", 5), ("content/1397/b.md", 7)]
    a = next(p for p in problems if p.path == "content/1397/a.md")
    assert "content/1397/b.md" in a.message and "same" in a.message


def test_duplicate_news_numbers_are_reported():
    pairs = [pair("a", "1397-01-01", news_id=64048, lines={"news_id": 6}),
             pair("b", "1397-01-02", news_id=64048, lines={"news_id": 4}),
             pair("c", "1397-01-03", news_id=64049)]
    _, problems, _ = assemble(CONFIG, pairs)
    assert sorted((p.path, p.line) for p in problems) == [("content/a.md", 6), ("content/b.md", 4)]
    assert all("64048" in p.message for p in problems)


def test_articles_without_news_number_are_not_duplicates():
    _, problems, _ = assemble(CONFIG, [pair("a", "1397-01-01"), pair("b", "1397-01-02")])
    assert problems == []


# ----------------------------------------------------------------------------- pagination


@pytest.mark.parametrize(("count", "size", "pages"), [(0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2),
                                                      (23, 10, 3), (5, 1, 5)])
def test_paginate_splits_into_pages(count, size, pages):
    items = list(range(count))
    pagers = paginate(items, size, "tags/x/")  # type: ignore[arg-type]
    assert len(pagers) == pages
    assert [p.number for p in pagers] == list(range(1, pages + 1))
    assert all(p.total == pages for p in pagers)
    assert [i for p in pagers for i in p.items] == items
    assert all(len(p.items) <= size for p in pagers)
    assert all(len(p.items) == size for p in pagers[:-1])


def test_page_urls_and_neighbours():
    assert page_urls("", 3) == ("", "page/2/", "page/3/")
    assert page_urls("tags/x/", 2) == ("tags/x/", "tags/x/page/2/")
    first, second, third = paginate(list(range(25)), 10, "")  # type: ignore[arg-type]
    assert (first.url, first.prev_url, first.next_url) == ("", None, "page/2/")
    assert (second.url, second.prev_url, second.next_url) == ("page/2/", "", "page/3/")
    assert (third.url, third.prev_url, third.next_url) == ("page/3/", "page/2/", None)
    assert output_path(second.url) == "page/2/index.html"


def numbers(pager) -> list[int | None]:  # noqa: ANN001
    return [link.number if link else None for link in pager.links]


def test_pages_link_the_first_the_last_and_their_neighbours_not_every_page():
    pagers = paginate(list(range(1000)), 10, "")  # type: ignore[arg-type]
    assert numbers(pagers[0]) == [1, 2, 3, None, 100]
    assert numbers(pagers[49]) == [1, None, 48, 49, 50, 51, 52, None, 100]
    assert numbers(pagers[99]) == [1, None, 98, 99, 100]
    assert numbers(pagers[4]) == [1, 2, 3, 4, 5, 6, 7, None, 100]  # a one-page gap shows the page
    assert all(link is None or link.url == pagers[link.number - 1].url for p in pagers for link in p.links)
    assert numbers(paginate(list(range(30)), 10, "")[1]) == [1, 2, 3]


# ----------------------------------------------------------------------------- related


def test_related_are_the_articles_sharing_most_tags_then_newest():
    site = build(
        pair("me", "1397-01-10", ["a", "b", "c"]),
        pair("three", "1397-01-01", ["a", "b", "c"]),
        pair("two-old", "1397-01-02", ["a", "b"]),
        pair("two-new", "1397-01-08", ["b", "c", "z"]),
        pair("one", "1397-01-09", ["c"]),
        pair("none", "1397-01-11", ["z"]),
        pair("untagged", "1397-01-12"),
    )
    related = related_slugs(site.articles, 3)
    assert list(related["me"]) == ["three", "two-new", "two-old"]
    assert list(related_slugs(site.articles, 10)["me"]) == ["three", "two-new", "two-old", "one"]
    assert related["untagged"] == ()
    assert list(related["none"]) == ["two-new"]
    assert all(slug not in rel for slug, rel in related.items())  # never itself
    assert related_slugs(site.articles, 0)["me"] == ()


def test_related_uses_folded_tags():
    site = build(pair("a", "1397-01-01", ["مسکن ملی"]), pair("b", "1397-01-02", ["مسكن ملي"]))
    assert list(related_slugs(site.articles, 4)["a"]) == ["b"]


# ----------------------------------------------------------------------------- the body: lead and terms


@pytest.fixture(scope="module")
def renderer() -> BodyRenderer:
    return BodyRenderer(NormalizeConfig())


def raw(text: str) -> RawArticle:
    from akhbar.read import parse_article

    result = parse_article(SourceFile("/site/content/x.md", "content/x.md", text), TEHRAN)
    assert isinstance(result, RawArticle), result
    return result


def test_lead_is_the_first_paragraph_when_not_given(renderer):
    body = renderer.render(raw("---\ntitle: a\ndate: 1397-11-20\n---\n\n## تیتر میانی\n\nپاراگراف **نخست** خبر.\n\n"
                               "پاراگراف دوم.\n"), ("tags",))
    assert body.lead == "پاراگراف نخست خبر."


def test_front_matter_lead_wins_and_is_normalized(renderer):
    body = renderer.render(raw("---\ntitle: a\ndate: 1397-11-20\nlead: خلاصه اي كوتاه\n---\n\nپاراگراف.\n"), ("tags",))
    assert body.lead != "پاراگراف."
    assert "ي" not in body.lead and "ك" not in body.lead and "کوتاه" in body.lead


def test_title_and_terms_are_normalized(renderer):
    body = renderer.render(raw("---\ntitle: مسكن ملي\ndate: 1397-11-20\ntags: [راه سازي]\nsection: مسكن\n---\n\nمتن\n"),
                           ("tags", "section", "province"))
    assert body.title == "مسکن ملی"
    assert all("ي" not in v and "ك" not in v for values in body.terms.values() for v in values)
    assert body.terms["section"] == ("مسکن",) and body.terms["province"] == ()


def test_first_paragraph_skips_empty_paragraphs_and_ignores_markup():
    assert first_paragraph("<h2>x</h2><p> </p><p>یک <a href='#'>دو</a>\n سه</p><p>چهار</p>") == "یک دو سه"
    assert first_paragraph("<ul><li>x</li></ul>") == ""
