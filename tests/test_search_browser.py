"""The search page in headless Chromium, over the built sample site served by a real HTTP server.

A reader types the way readers type (Arabic ي/ك, a space where the article has a zero-width
non-joiner, Latin digits) and must still find the article; filters narrow the results to what the
archive and the term pages say. Needs Debian's /usr/bin/chromium and playwright (see browser.py).
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from live_server import LiveServer, StaticHost, copy_sample

from akhbar.config import load_config
from akhbar.normalize import TextNormalizer

FARS = "/news/fars-national-housing-land/"  # the only article with «می‌گیرد»
TIMEOUT_MS = 15_000
ZWNJ = "\u200c"




def open_search(browser, url: str, **context):  # noqa: ANN001, ANN201
    page = browser.new_context(**context).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "search/" if url.endswith("/") else url)
    page.errors = errors
    return page


def ready(page) -> None:  # noqa: ANN001
    page.wait_for_selector("form.search-form[data-ready]", timeout=TIMEOUT_MS)
    assert not page.errors, page.errors


def search(page, query: str) -> list[str]:  # noqa: ANN001
    """Type `query` as a reader would and return the result links (percent-decoded), once they show."""
    page.fill("#search-q", "")
    page.type("#search-q", query, delay=5)
    page.press("#search-q", "Enter")
    return results(page)


def results(page) -> list[str]:  # noqa: ANN001
    """The result links once the search under way has put its results in the list (it is aria-busy until)."""
    page.wait_for_function("() => !document.querySelector('.search-results').hasAttribute('aria-busy')"
                           " && document.querySelector('.search-status').textContent", timeout=TIMEOUT_MS)
    return [unquote(a.get_attribute("href")) for a in page.query_selector_all(".search-results h2 a")]


def raw_pagefind(page, query: str) -> list[str]:  # noqa: ANN001
    """What Pagefind itself finds for `query`, without the page's normalization."""
    return [unquote(u) for u in page.evaluate(
        """async (q) => { const pf = await import('/pagefind/pagefind.js');
           const found = await pf.search(q);
           return Promise.all(found.results.map(r => r.data().then(d => d.url))); }""", query)]


def articles_linked_from(site, *rels: str) -> set[str]:
    found = set()
    for rel in rels:
        for a in site.page(rel).root.find("main").find_all("a"):
            href = unquote(a.get("href"))
            if href.startswith("/news/"):
                found.add(href)
    return found


# ----------------------------------------------------------------------------- queries as readers type them


@pytest.mark.parametrize(("query", "article"), [
    ("مي گيرد", FARS),  # «می‌گیرد»: Arabic yeh, and a space for the ZWNJ after «می»
    ("كاميون هاي", "/news/bandar-abbas-port-road/"),  # «کامیون‌های»: Arabic kaf and yeh, a plural suffix
    # «رشته‌کوه», a compound no rule knows. (Typed with Arabic ك, Pagefind alone would find it: it drops
    # query words the index lacks, and «رشته» begins «رشته‌کوه».)
    ("رشته کوه", "/news/qazvin-rasht-railway/"),
])
def test_a_query_with_arabic_letters_and_a_space_finds_the_article_with_the_zwnj(browser, host, query, article):
    page = open_search(browser, host.url)
    ready(page)
    assert article not in raw_pagefind(page, query), "Pagefind alone finds it: the test proves nothing"
    found = search(page, query)
    assert found[0] == article, found
    assert page.text_content(".search-status") == f"{len(found)} نتیجه".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_latin_digits_find_persian_ones_and_technical_tokens_keep_theirs(browser, host):
    page = open_search(browser, host.url)
    ready(page)
    assert "/news/qazvin-roads-council/" in search(page, "64102")  # shown as «۶۴۱۰۲»
    assert "/news/ika-airport-iso-9001/" in search(page, "ISO ۹۰۰۱")  # «ISO 9001» keeps its Latin digits


def test_a_query_that_matches_nothing_says_so(browser, host):
    page = open_search(browser, host.url)
    ready(page)
    assert search(page, "زززززژ") == []
    assert page.text_content(".search-status") == "نتیجه‌ای یافت نشد"


def test_results_link_to_the_articles_with_their_title_and_date(browser, host, sample_site):
    page = open_search(browser, host.url)
    ready(page)
    search(page, "مي گيرد")
    first = page.query_selector(".search-results li")
    article = sample_site.page(FARS.lstrip("/") + "index.html")
    assert first.query_selector("h2").text_content() == article.root.find("h1").clean_text()
    assert article.root.find("time").clean_text() in first.query_selector(".meta").text_content()
    assert first.query_selector(".excerpt mark") is not None
    first.query_selector("h2 a").click()
    page.wait_for_url("**" + "/news/fars-national-housing-land/")
    assert page.title().startswith(article.title.split(" | ")[0])


def test_results_come_ten_at_a_time_up_to_the_count_shown(browser, host):
    page = open_search(browser, host.url)
    ready(page)
    first = search(page, "راه")
    total = int(page.text_content(".search-status").split()[0].translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
    assert len(first) == 10 < total and page.is_visible(".search-more")
    while page.is_visible(".search-more"):
        count = len(page.query_selector_all(".search-results li"))
        page.click(".search-more")
        page.wait_for_function(f"() => document.querySelectorAll('.search-results li').length > {count}")
    every = results(page)
    assert len(every) == len(set(every)) == total


# ----------------------------------------------------------------------------- filters


def test_a_province_filter_narrows_the_results_to_that_province(browser, host, sample_site):
    page = open_search(browser, host.url)
    ready(page)
    everything = search(page, "راه")
    options = page.eval_on_selector_all("#search-province option", "os => os.map(o => o.value)")
    assert "قزوین" in options
    page.select_option("#search-province", "قزوین")
    narrowed = results(page)
    assert "province=" in page.url
    qazvin = articles_linked_from(sample_site, *[r for r in sample_site.pages if r.startswith("provinces/قزوین/")])
    assert narrowed and set(narrowed) <= qazvin and len(narrowed) < len(everything)
    assert set(narrowed) == qazvin & set(everything)
    # The address keeps the search: opening it again shows the same results.
    again = open_search(browser, page.url)
    ready(again)
    assert again.input_value("#search-province") == "قزوین" and again.input_value("#search-q") == "راه"
    assert sorted(results(again)) == sorted(narrowed)


def test_a_year_filter_alone_lists_that_jalali_year_as_the_archive_does(browser, host, sample_site):
    page = open_search(browser, host.url)
    ready(page)
    years = page.eval_on_selector_all("#search-year option", "os => os.map(o => o.value).filter(Boolean)")
    assert "۱۳۹۷" in years and years == sorted(years, reverse=True)
    page.select_option("#search-year", "۱۳۹۷")
    results(page)
    while page.is_visible(".search-more"):
        count = len(page.query_selector_all(".search-results li"))
        page.click(".search-more")
        page.wait_for_function(f"() => document.querySelectorAll('.search-results li').length > {count}")
    archive = articles_linked_from(sample_site, *[r for r in sample_site.pages if r.startswith("archive/1397/")])
    assert set(results(page)) == archive and archive


# ----------------------------------------------------------------------------- the page itself


def test_without_javascript_the_page_shows_a_message_and_no_dead_form(browser, host):
    page = open_search(browser, host.url, java_script_enabled=False)
    assert not page.is_visible("form.search-form")
    assert "جاوااسکریپت" in page.inner_text("main")


def test_on_a_sub_path_the_bundle_and_the_results_live_under_it(browser, subpath_site):
    with StaticHost(subpath_site.output, "/akhbar/") as h:
        page = open_search(browser, h.url)
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.reload()
        ready(page)
        found = search(page, "مي گيرد")
        assert "/akhbar" + FARS in found
        assert any(u.startswith(h.url + "pagefind/pagefind.js") for u in requested)
        assert all(u.startswith(h.url) for u in requested), [u for u in requested if not u.startswith(h.url)]


def test_search_works_in_the_live_preview(browser, tmp_path):
    root = copy_sample(tmp_path / "site")
    with LiveServer(root) as server:
        page = open_search(browser, server.url)
        ready(page)
        assert FARS in search(page, "مي گيرد")


# ----------------------------------------------------------------------------- the query forms


def test_the_build_s_own_normalization_of_a_query_is_one_of_the_forms_searched(browser, host, repo):
    """Whatever akhbar's normalizer makes of a reader's text (as it did of the articles), search.js
    searches for that form too: first when the joint is one of the rules («می», «ها», «ای», «ترین»),
    among the others for compounds. Pagefind drops the ZWNJ inside words, so forms compare without it."""
    normalizer = TextNormalizer(load_config(repo).normalize)
    page = open_search(browser, host.url)
    ready(page)

    def forms_of(typed: str) -> tuple[str, list[str]]:
        forms = page.evaluate("([q]) => akhbarSearch.variants(q, true)", [typed])
        return normalizer.normalize(typed).replace(ZWNJ, ""), [f.replace(ZWNJ, "") for f in forms]

    for typed in ["مي شود", "دستگاه هاي اجرايي", "رسانه اي", "سال 1397", "مهم ترين طرح ها", "نمي توان",
                  "٣٤ كيلومتر", "بزرگتر"]:
        expected, forms = forms_of(typed)
        assert forms[0] == expected, (typed, expected, forms)
    for typed in ["كلان شهر", "اطلاع رساني استان"]:
        expected, forms = forms_of(typed)
        assert expected in forms, (typed, expected, forms)


def test_on_a_site_that_is_not_normalized_the_query_as_typed_is_searched_too(browser, tmp_path, small_project, cli):
    article = "---\ntitle: خبر آزمایشي\ndate: 1397-11-20 10:30\n---\n\nكارگاه آموزشي روابط عمومي برگزار شد.\n"
    config = 'title = "آزمایش"\nbase_url = "https://example.ir/"\n[normalize]\nenabled = false\n'
    root = small_project(tmp_path / "p", {"a.md": article}, config)
    assert cli("--root", root, "build").code == 0
    with StaticHost(root / "output") as h:
        page = open_search(browser, h.url)
        ready(page)
        assert search(page, "كارگاه آموزشي") == ["/news/a/"]  # Arabic ي and ك, as the article has them
        assert search(page, "کارگاه") == []  # so the normalized spelling alone would have found nothing


def test_an_index_in_parts_is_searched_as_one(browser, tmp_path, monkeypatch):
    """A large archive is indexed in parts, blocks of the Jalali calendar (Pagefind's memory grows with the
    pages it indexes); the search page merges them: a query finds articles of every part, and a year filter
    lists what the archive lists for that year."""
    from akhbar import search as search_module
    from akhbar.pipeline import build

    monkeypatch.setattr(search_module, "SHARD_PAGES", 6)
    root = copy_sample(tmp_path / "site")
    config = load_config(root)
    build(config, root / "output", jobs=1)  # in one process: the browser's threads are running in this one
    parts = sorted(p.name for p in (root / "output/pagefind").iterdir() if p.is_dir() and p.name[:1].isdigit())
    assert len(parts) >= 2, parts
    with StaticHost(root / "output") as h:
        page = open_search(browser, h.url)
        ready(page)
        # «می‌گیرد» is in an article of 1400, «کامیون‌های» in one of 1397: older parts, merged by the page.
        assert FARS in search(page, "مي گيرد")
        assert "/news/bandar-abbas-port-road/" in search(page, "كاميون هاي")
        # The main bundle alone (imported on a page without the search script) does not have it.
        bare = browser.new_context().new_page()
        bare.goto(h.url + "404.html")
        assert "/news/bandar-abbas-port-road/" not in raw_pagefind(bare, "کامیون‌های"), \
            "the article is in the main bundle: the test no longer shows that parts are merged"
        assert "/news/birjand-zahedan-road-dualling/" in raw_pagefind(bare, "بیرجند")
