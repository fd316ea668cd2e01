"""End to end on the sample content: every page is parsed with html.parser and checked.

The expectations come from the content files themselves (read with plain PyYAML, dates converted with
jdatetime), not from akhbar's own stages, so a wrong stage cannot agree with itself.
"""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

import jdatetime
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
TEHRAN = ZoneInfo("Asia/Tehran")
MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_YEH_KAF = re.compile("[يكى]")
TAXONOMIES = {"tags": "tags", "sections": "section", "provinces": "province"}


# ----------------------------------------------------------------------------- what the content says


@dataclass(frozen=True)
class Source:
    path: Path
    slug: str
    draft: bool
    date: str
    fields: dict

    @property
    def url(self) -> str:
        return f"news/{self.slug}/"

    @property
    def page(self) -> str:
        return f"news/{self.slug}/index.html"

    def terms(self, key: str) -> list[str]:
        value = self.fields.get(key)
        if value in (None, ""):
            return []
        return [str(v) for v in (value if isinstance(value, list) else [value]) if str(v).strip()]


def read_sources(root: Path) -> list[Source]:
    sources = []
    for path in sorted((root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        fields = yaml.load(text.split("---\n")[1], Loader=yaml.BaseLoader)  # everything as text
        sources.append(Source(path, fields.get("slug") or path.stem, fields.get("draft") == "true",
                              fields["date"], fields))
    return sources


def fold(name: str) -> str:
    """An independent spelling fold: Arabic → Persian letters, ZWNJ and runs of spaces → one space."""
    name = name.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک").replace("\u200c", " ").replace("ـ", "")
    return " ".join(name.replace("-", " ").split())


def fa(n: object) -> str:
    return str(n).translate(FA_DIGITS)


def expected_date(text: str) -> tuple[str, str]:
    """(ISO datetime attribute, Persian display) for a front-matter date, computed without akhbar."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?", text)
    if m and int(m[1]) < 1700:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        hh, mm = int(m[4] or 0), int(m[5] or 0)
        g = jdatetime.datetime(y, mo, d, hh, mm).togregorian()
        value = g.replace(tzinfo=TEHRAN)
        has_time = m[4] is not None
    else:
        value = datetime.fromisoformat(text)
        value = value if value.tzinfo else value.replace(tzinfo=TEHRAN)
        has_time = "T" in text or " " in text
    j = jdatetime.datetime.fromgregorian(datetime=value.astimezone(TEHRAN))
    display = f"{j.day} {MONTHS[j.month - 1]} {j.year}" + (f"، ساعت {j.hour:02}:{j.minute:02}" if has_time else "")
    return value.isoformat(), fa(display)


@pytest.fixture(scope="module")
def sources(sample_site) -> list[Source]:
    found = read_sources(sample_site.root)
    assert len(found) >= 16, "the sample content should hold at least 16 articles"
    return found


@pytest.fixture(scope="module")
def published(sources) -> list[Source]:
    return [s for s in sources if not s.draft]


@pytest.fixture(scope="module")
def page_size(sample_site) -> int:
    m = re.search(r"(?m)^page_size\s*=\s*(\d+)", (sample_site.root / "site_config.toml").read_text(encoding="utf-8"))
    return int(m.group(1)) if m else 10


# ----------------------------------------------------------------------------- link resolution


def page_url(site, rel: str) -> str:
    """The URL a produced file is served at: "news/x/index.html" → base_url + "news/x/"."""
    if rel == "index.html":
        return site.base_url
    if rel.endswith("/index.html"):
        return site.base_url + rel[: -len("index.html")]
    return site.base_url + rel


def resolve(site, rel: str, href: str) -> tuple[Path, str] | None:
    """The output file an internal link leads to (and its #fragment); None for other sites and schemes."""
    target = urlsplit(urljoin(page_url(site, rel), href))
    base = urlsplit(site.base_url)
    if target.scheme not in ("http", "https") or target.netloc != base.netloc:
        return None
    path = unquote(target.path)
    assert path.startswith(base.path), f"{rel}: {href!r} leaves the site's base path {base.path}"
    local = path[len(base.path):]
    if local == "" or local.endswith("/"):
        local += "index.html"
    return site.output / local, target.fragment


def internal_links(site):
    for rel, page in site.pages.items():
        for node, attr, value in page.links():
            resolved = resolve(site, rel, value)
            if resolved is not None:
                yield rel, node, attr, value, resolved


def check_links(site) -> list[str]:
    broken = []
    for rel, node, attr, value, (path, fragment) in internal_links(site):
        if not path.is_file():
            broken.append(f"{rel}: <{node.tag} {attr}={value!r}> → {path.relative_to(site.output)} missing")
        elif fragment:
            target = site.pages.get(path.relative_to(site.output).as_posix())
            if target is None or target.root.find(id=fragment) is None:
                broken.append(f"{rel}: {value!r} → no element with id {fragment!r}")
    return broken


# ----------------------------------------------------------------------------- helpers over pages


def cards(page) -> list[tuple[str, datetime]]:
    """(article URL, datetime) of every card on a list page, in order."""
    result = []
    for card in page.root.find_all("article", cls="card"):
        link = card.find("h2").find("a")
        time = card.find("time")
        result.append((link.get("href"), datetime.fromisoformat(time.get("datetime"))))
    return result


def list_pages(site, first: str) -> list[str]:
    """The page files of one paginated list ("" for the home, "tags/x/" for a term), following rel=next."""
    rels = [first + "index.html"]
    while True:
        nav = site.page(rels[-1]).root.find("nav", cls="pagination")
        nxt = nav.find("a", rel="next") if nav else None
        if nxt is None:
            return rels
        path, _ = resolve(site, rels[-1], nxt.get("href"))
        rels.append(path.relative_to(site.output).as_posix())


def local(site, href: str) -> str:
    """A site-relative, decoded URL path: "/tags/%D9%85/" → "tags/م/"."""
    return unquote(urlsplit(href).path)[len(urlsplit(site.base_url).path):]


def article_terms(site, src: Source, taxonomy: str) -> set[str]:
    """Local URLs of the terms an article page links to for one taxonomy."""
    page = site.page(src.page)
    story = page.root.find("article", cls="story")
    return {local(site, a.get("href")) for a in story.find_all("a")
            if local(site, a.get("href") or "").startswith(taxonomy + "/")}


# ============================================================================= every page


def test_build_prints_one_summary_line(sample_site, published):
    lines = sample_site.run.out.splitlines()
    assert len(lines) == 1
    m = re.fullmatch(r"(\d+) articles, (\d+) pages \((\d+) written, (\d+) removed(?:, \d+ image variants encoded)?\) in \d+\.\d+ s", lines[0])
    assert m, lines[0]
    assert int(m[1]) == len(published)
    assert int(m[2]) == len(sample_site.pages)
    assert int(m[3]) == len(sample_site.files) and int(m[4]) == 0
    assert "Traceback" not in sample_site.run.err


def test_every_page_is_rtl_persian_utf8_html_with_viewport_and_title(sample_site):
    problems = []
    for rel, page in sample_site.pages.items():
        html = page.root.find("html")
        head = page.root.find("head")
        metas = head.find_all("meta") if head else []
        charset = [m.get("charset", "").lower() for m in metas if m.get("charset") is not None]
        viewport = [m.get("content", "") for m in metas if m.get("name") == "viewport"]
        checks = {
            "doctype html": (page.doctype or "").lower() == "doctype html",
            'html lang="fa"': html is not None and html.get("lang") == "fa",
            'html dir="rtl"': html is not None and html.get("dir") == "rtl",
            "one utf-8 charset": charset == ["utf-8"],
            "charset in the first 1024 bytes": page.source.encode("utf-8").find(b'charset="utf-8"') in range(1024)
            or page.source.encode("utf-8").lower().find(b"charset=utf-8") in range(1024),
            "viewport": len(viewport) == 1 and "width=device-width" in viewport[0],
            "title": bool(page.title) and len(page.root.find_all("title")) == 1,
            "stylesheet": any(ln.get("rel") == "stylesheet" for ln in page.root.find_all("link")),
            "h1": len(page.root.find_all("h1")) == 1,
            "balanced tags": not page.errors,
        }
        problems += [f"{rel}: {name}" + (f" {page.errors[:3]}" if name == "balanced tags" else "")
                     for name, ok in checks.items() if not ok]
    assert not problems, "\n".join(problems[:30])


def test_titles_are_real_and_unique(sample_site):
    titles = {}
    for rel, page in sample_site.pages.items():
        titles.setdefault(page.title, []).append(rel)
    duplicates = {t: rels for t, rels in titles.items() if len(rels) > 1}
    assert not duplicates
    for rel, page in sample_site.pages.items():
        if rel.startswith("news/"):
            h1 = page.root.find("h1").clean_text()
            assert h1 and page.title.startswith(h1), (rel, page.title, h1)


def test_every_internal_link_and_source_resolves_to_a_produced_file(sample_site):
    count = sum(1 for _ in internal_links(sample_site))
    assert count > 10 * len(sample_site.pages)  # the check really looked at links
    broken = check_links(sample_site)
    assert not broken, "\n".join(broken[:30])


def test_no_arabic_yeh_or_kaf_in_what_readers_see(sample_site):
    found = []
    for rel, page in sample_site.pages.items():
        for text in page.visible_texts():
            for m in ARABIC_YEH_KAF.finditer(text):
                found.append(f"{rel}: …{text[max(0, m.start() - 15): m.end() + 15]}…")
        for _, _, value in page.links():
            if ARABIC_YEH_KAF.search(unquote(value)):
                found.append(f"{rel}: link {unquote(value)}")
    assert not found, "\n".join(found[:30])


def test_static_files_are_copied_byte_for_byte(sample_site):
    static = sample_site.root / "themes" / "default" / "static"
    expected = sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file())
    assert expected, "the theme has static files"
    produced = sorted(p.relative_to(sample_site.output / "static").as_posix()
                      for p in (sample_site.output / "static").rglob("*") if p.is_file())
    assert produced == expected
    for rel in expected:
        assert (sample_site.output / "static" / rel).read_bytes() == (static / rel).read_bytes()


def test_the_font_is_self_hosted(sample_site):
    css_files = list((sample_site.output / "static").rglob("*.css"))
    assert css_files
    font_urls = []
    for css in css_files:
        text = css.read_text(encoding="utf-8")
        assert "@font-face" in text
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert not re.match(r"(?i)(https?:)?//", url), f"{css.name} loads {url} from another site"
            target = (css.parent / unquote(url)).resolve()
            assert target.is_file() and target.is_relative_to(sample_site.output.resolve()), url
            font_urls.append(target)
    assert any(p.suffix == ".woff2" for p in font_urls)
    for rel, page in sample_site.pages.items():
        for node in page.root.find_all("link") + page.root.find_all("script"):
            ref = node.get("href") or node.get("src") or ""
            assert resolve(sample_site, rel, ref) is not None, f"{rel} loads {ref} from another site"


def test_not_found_page_exists(sample_site):
    page = sample_site.page("404.html")
    assert page.root.find("h1").clean_text()


# ============================================================================= articles


def test_every_published_article_has_its_page_and_nothing_else_is_under_news(sample_site, published):
    produced = sorted(rel for rel in sample_site.pages if rel.startswith("news/"))
    assert produced == sorted(s.page for s in published)


def test_article_dates_are_jalali_text_in_a_time_element_with_iso_datetime(sample_site, published):
    for src in published:
        iso, display = expected_date(src.date)
        time = site_story(sample_site, src).find("time")
        assert time is not None, src.page
        assert (time.get("datetime"), time.clean_text()) == (iso, display), src.path.name
        assert datetime.fromisoformat(time.get("datetime")).utcoffset() is not None


def test_the_requirement_example_date(sample_site, published):
    src = next((s for s in published if s.date == "1397-11-20 10:30"), None)
    assert src is not None, "the sample content should have an article dated 1397-11-20 10:30"
    time = site_story(sample_site, src).find("time")
    assert time.get("datetime") == "2019-02-09T10:30:00+03:30"
    assert time.clean_text() == "۲۰ بهمن ۱۳۹۷، ساعت ۱۰:۳۰"


def test_a_gregorian_dated_article_is_shown_in_jalali(sample_site, published):
    src = next((s for s in published if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", s.date)), None)
    assert src is not None, "the sample content should have an article with a Gregorian ISO date"
    assert int(src.date[:4]) >= 1700
    time = site_story(sample_site, src).find("time")
    assert time.get("datetime").startswith(src.date)  # Tehran time kept, offset added
    assert re.fullmatch(r"[۰-۹]+ \S+ ۱[۳۴][۰-۹]{2}، ساعت [۰-۹]{2}:[۰-۹]{2}", time.clean_text())


def site_story(site, src: Source):
    story = site.page(src.page).root.find("article", cls="story")
    assert story is not None, src.page
    return story


def test_article_pages_show_title_numbers_section_province_tags_lead_and_body(sample_site, published):
    for src in published:
        page = sample_site.page(src.page)
        story = site_story(sample_site, src)
        meta = story.find("p", cls="meta")
        assert story.find("h1").clean_text(), src.page
        if src.fields.get("news_id"):
            assert fa(src.fields["news_id"]) in meta.clean_text(), src.page
        for taxonomy, key in TAXONOMIES.items():
            links = article_terms(sample_site, src, taxonomy)
            assert len(links) == len({fold(v) for v in src.terms(key)}), (src.page, taxonomy, links)
        tag_links = story.find("ul", cls="tags").find_all("a") if src.terms("tags") else []
        assert [fold(a.clean_text()) for a in tag_links] == list(dict.fromkeys(fold(t) for t in src.terms("tags")))
        assert all(a.get("rel") == "tag" for a in tag_links)
        body = story.find("div", cls="body")
        assert body is not None and len(body.clean_text()) > 50, src.page
        # The lead stands above the body unless it is the body's opening paragraph (then it is shown once).
        lead = story.find("p", cls="lead")
        first = next(p for p in body.find_all("p") if p.clean_text())
        shown = lead.clean_text() if lead is not None else first.clean_text()
        assert shown, src.page
        description = next(m.get("content") for m in page.root.find_all("meta") if m.get("name") == "description")
        assert description.strip() == shown


def test_lead_defaults_to_the_first_paragraph_shown_once(sample_site, published):
    without = [s for s in published if not s.fields.get("lead")]
    assert without, "the sample content should have an article without a lead"
    for src in without:
        page = sample_site.page(src.page)
        story = site_story(sample_site, src)
        first = next(p for p in story.find("div", cls="body").find_all("p") if p.clean_text())
        assert story.find("p", cls="lead") is None, src.page
        description = next(m.get("content") for m in page.root.find_all("meta") if m.get("name") == "description")
        assert description.strip() == first.clean_text(), src.page
        assert story.clean_text().count(first.clean_text()) == 1, src.page


def test_previous_and_next_follow_the_home_order(sample_site, published):
    order = [local(sample_site, href) for rel in list_pages(sample_site, "") for href, _ in cards(sample_site.page(rel))]
    assert len(order) == len(published)
    for i, url in enumerate(order):
        nav = sample_site.page(url + "index.html").root.find("nav", cls="neighbours")
        newer = nav.find("a", rel="next") if nav else None
        older = nav.find("a", rel="prev") if nav else None
        assert (local(sample_site, newer.get("href")) if newer else None) == (order[i - 1] if i > 0 else None), url
        assert (local(sample_site, older.get("href")) if older else None) == (order[i + 1] if i + 1 < len(order) else None), url


def test_related_articles_share_the_most_tags(sample_site, published):
    related_count = 4
    m = re.search(r"(?m)^related_count\s*=\s*(\d+)", (sample_site.root / "site_config.toml").read_text(encoding="utf-8"))
    if m:
        related_count = int(m.group(1))
    order = [local(sample_site, href) for rel in list_pages(sample_site, "") for href, _ in cards(sample_site.page(rel))]
    tags = {s.url: article_terms(sample_site, s, "tags") for s in published}
    checked = 0
    for url in order:
        shared = {other: len(tags[url] & tags[other]) for other in order if other != url}
        expected = sorted((o for o in shared if shared[o]), key=lambda o: (-shared[o], order.index(o)))[:related_count]
        section = sample_site.page(url + "index.html").root.find("section", cls="related")
        got = [local(sample_site, a.get("href")) for a in section.find_all("a")] if section else []
        assert got == expected, url
        checked += bool(got)
    assert checked >= len(order) // 2


# ============================================================================= lists and taxonomies


def test_home_index_is_newest_first_and_paginated(sample_site, published, page_size):
    rels = list_pages(sample_site, "")
    total = math.ceil(len(published) / page_size)
    assert total >= 2, "the sample content should fill more than one home page"
    assert rels == ["index.html"] + [f"page/{n}/index.html" for n in range(2, total + 1)]
    assert not (sample_site.output / "page" / str(total + 1)).exists()
    all_cards = []
    for n, rel in enumerate(rels, 1):
        page_cards = cards(sample_site.page(rel))
        assert len(page_cards) == (page_size if n < total else len(published) - page_size * (total - 1))
        all_cards += page_cards
    urls = [local(sample_site, href) for href, _ in all_cards]
    assert sorted(urls) == sorted(s.url for s in published)
    times = [t for _, t in all_cards]
    assert times == sorted(times, reverse=True)


def test_page_navigation_uses_persian_digits(sample_site, published, page_size):
    rels = list_pages(sample_site, "")
    total = len(rels)
    for n, rel in enumerate(rels, 1):
        nav = sample_site.page(rel).root.find("nav", cls="pagination")
        current = next(x for x in nav.iter() if x.get("aria-current") == "page")
        assert current.clean_text() == fa(n)
        numbers = [a.clean_text() for a in nav.find("ol").find_all("a")]
        near = {k for k in range(1, total + 1) if k in (1, total) or abs(k - n) <= 2}
        near |= {k for k in range(2, total) if k - 1 in near and k + 1 in near}  # a one-page gap is no gap
        assert numbers == [fa(k) for k in sorted(near) if k != n]
        assert not re.search(r"[0-9]", nav.clean_text()), nav.clean_text()
        assert f"{fa(n)} از {fa(total)}" in nav.clean_text()
        prev = nav.find("a", rel="prev")
        assert (prev is None) == (n == 1)
        if prev is not None:
            assert resolve(sample_site, rel, prev.get("href"))[0] == sample_site.output / rels[n - 2]


@pytest.mark.parametrize("taxonomy", list(TAXONOMIES))
def test_taxonomy_index_lists_every_term_with_its_count(sample_site, published, page_size, taxonomy):
    key = TAXONOMIES[taxonomy]
    index = sample_site.page(f"{taxonomy}/index.html")
    items = index.root.find("ul", cls="terms").find_all("li")
    expected = {}
    for src in published:
        for name in {fold(v) for v in src.terms(key)}:
            expected[name] = expected.get(name, 0) + 1
    assert len(items) == len(expected), "one entry per term, after folding spellings"
    counts = []
    for li in items:
        link = li.find("a")
        name = link.clean_text()
        count_text = li.find("span", cls="count").clean_text()
        assert re.fullmatch(r"\([۰-۹]+\)", count_text), count_text
        assert count_text == f"({fa(expected[fold(name)])})", name
        counts.append(expected[fold(name)])
        term_url = local(sample_site, link.get("href"))
        assert term_url.startswith(f"{taxonomy}/") and term_url.endswith("/")
        # the term's pages list exactly the articles that link to this term, newest first
        listed = []
        for rel in list_pages(sample_site, term_url):
            listed += cards(sample_site.page(rel))
        assert len(list_pages(sample_site, term_url)) == math.ceil(expected[fold(name)] / page_size)
        linking = sorted(s.url for s in published if term_url in article_terms(sample_site, s, taxonomy))
        assert sorted(local(sample_site, h) for h, _ in listed) == linking
        assert [t for _, t in listed] == sorted((t for _, t in listed), reverse=True)
        heading = sample_site.page(term_url + "index.html").root.find("h1").clean_text()
        assert name in heading
    assert counts == sorted(counts, reverse=True)


def test_a_busy_tag_has_paginated_term_pages(sample_site, page_size):
    paginated = sorted(rel for rel in sample_site.pages if re.fullmatch(r"tags/[^/]+/page/2/index.html", rel))
    assert paginated, "the sample content should have a tag on more articles than fit on one page"
    rel = paginated[0]
    term = rel[: -len("page/2/index.html")]
    assert len(cards(sample_site.page(term + "index.html"))) == page_size
    nav = sample_site.page(rel).root.find("nav", cls="pagination")
    assert resolve(sample_site, rel, nav.find("a", rel="prev").get("href"))[0] == sample_site.output / term / "index.html"


def test_tag_spellings_are_one_tag_with_one_slug(sample_site, published):
    spellings: dict[str, set[str]] = {}
    for src in published:
        for tag in src.terms("tags"):
            spellings.setdefault(fold(tag), set()).add(tag)
    merged = {k: v for k, v in spellings.items() if len(v) > 1}
    assert merged, "the sample content should spell some tag in more than one way"
    folders = [rel for rel in sample_site.pages if re.fullmatch(r"tags/[^/]+/index.html", rel)]
    assert len(folders) == len(spellings)
    for canonical, variants in merged.items():
        urls = set()
        for src in published:
            if any(fold(t) == canonical for t in src.terms("tags")):
                story = site_story(sample_site, src)
                urls |= {a.get("href") for a in story.find("ul", cls="tags").find_all("a")
                         if fold(a.clean_text()) == canonical}
        assert len(urls) == 1, (variants, urls)


def test_tag_urls_are_percent_encoded_persian_slugs(sample_site):
    seen = 0
    for _rel, _node, _attr, value, (path, _) in internal_links(sample_site):
        if local(sample_site, value).startswith("tags/") and local(sample_site, value) != "tags/":
            seen += 1
            assert value.isascii() and "%D" in value, value
            decoded = unquote(value)
            assert re.search("[\u0600-\u06ff]", decoded), decoded
            assert " " not in decoded and "\u200c" not in decoded, decoded
            assert path.is_file()
    assert seen


# ============================================================================= drafts, sub-path, determinism


@pytest.fixture(scope="module")
def drafts(sources) -> list[Source]:
    found = [s for s in sources if s.draft]
    assert found, "the sample content should have a draft"
    return found


def test_drafts_are_left_out_by_default(sample_site, drafts):
    for src in drafts:
        assert not (sample_site.output / "news" / src.slug).exists()
        for rel, page in sample_site.pages.items():
            assert all(src.slug not in unquote(v) for _, _, v in page.links()), f"{rel} links to draft {src.slug}"
            assert src.fields["title"] not in page.root.text(), f"{rel} shows the draft's title"


def test_drafts_are_built_with_the_drafts_flag(drafts_site, drafts, sources):
    assert drafts_site.run.out.startswith(f"{len(sources)} articles")
    for src in drafts:
        assert src.page in drafts_site.pages
        linked_from = [rel for rel, page in drafts_site.pages.items()
                       if any(local(drafts_site, v) == src.url for _, _, v in page.links())]
        assert any(rel == "index.html" or rel.startswith("page/") for rel in linked_from)
    assert not check_links(drafts_site)


def test_a_sub_path_site_links_everything_under_its_path(subpath_site):
    assert subpath_site.base_url == "https://example.ir/akhbar/"
    outside = []
    for rel, page in subpath_site.pages.items():
        for node, attr, value in page.links():
            if value.startswith(("#", "mailto:")) or re.match(r"(?i)https?://(?!example\.ir/)", value):
                continue
            if not (value.startswith("/akhbar/") or value.startswith("https://example.ir/akhbar/")):
                outside.append(f"{rel}: <{node.tag} {attr}={value!r}>")
    assert not outside, "\n".join(outside[:30])
    broken = check_links(subpath_site)
    assert not broken, "\n".join(broken[:30])
    assert sum(1 for _ in internal_links(subpath_site)) > 10 * len(subpath_site.pages)


def test_same_input_gives_byte_identical_output(sample_site, tmp_path, cli):
    other_root = tmp_path / "elsewhere" / "project"
    shutil.copytree(sample_site.root, other_root, ignore=shutil.ignore_patterns("output"))
    out = tmp_path / "second-output"
    run = cli("--root", other_root, "build", "--output", out)
    assert run.code == 0, run.err
    first = {p.relative_to(sample_site.output).as_posix(): p.read_bytes()
             for p in sample_site.output.rglob("*") if p.is_file()}
    second = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    different = [rel for rel in first if first[rel] != second[rel]]
    assert not different, different[:10]


# ============================================================================= unknown keys reach templates


def test_unknown_front_matter_keys_reach_templates(tmp_path, cli, html_parse):
    root = tmp_path / "mini"
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "site_config.toml").write_text('title = "آزمایش"\nbase_url = "/"\n', encoding="utf-8")
    article = root / "content" / "kicker.md"
    article.parent.mkdir(parents=True)
    article.write_text("---\ntitle: خبر با روتیتر\ndate: 1397-11-20 10:30\nkicker: روتیتر ویژه\n"
                       "reporter: مریم احمدی\n---\n\nمتن خبر.\n", encoding="utf-8")
    template = root / "themes" / "default" / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}<p class=\"reporter\">{{ article.extra.reporter }}</p>", 1),
        encoding="utf-8")
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    page = html_parse("news/kicker/index.html",
                      (root / "output" / "news" / "kicker" / "index.html").read_text(encoding="utf-8"))
    assert page.root.find("p", cls="kicker").clean_text() == "روتیتر ویژه"
    assert page.root.find("p", cls="reporter").clean_text() == "مریم احمدی"


def test_the_menu_marks_the_page_it_links_to_and_is_the_same_on_every_other_page(sample_site):
    """The header's menu on every page: its own link marked `aria-current` on the home, a section's pages
    and the archive, no link marked anywhere else, and on all those other pages the very same markup (the
    renderer renders it once for them: a page must not get another page's marks)."""
    plain: set[str] = set()
    marked_on: list[str] = []
    for rel, page in sorted(sample_site.pages.items()):
        nav = page.root.find("nav", cls="site-nav")
        if page.root.find("header", cls="masthead") is None:
            continue  # a redirect page, with no header
        assert nav is not None, rel
        own = rel.removesuffix("index.html")
        top = [li.find("a") for li in nav.find("ul", cls="wrap").children
               if getattr(li, "tag", None) == "li" and "menu" not in li.classes]
        marked = [local(sample_site, a.get("href")) for a in nav.find_all("a") if a.get("aria-current") == "page"]
        assert marked == ([own] if own in {local(sample_site, a.get("href")) for a in top} else []), rel
        if marked:
            marked_on.append(own)
        else:
            start = page.source.index('<nav class="site-nav"')
            plain.add(page.source[start : page.source.index("</nav>", start)])
    sections = {local(sample_site, a.get("href")) for a in sample_site.page("index.html").root.find(
        "nav", cls="site-nav").find_all("a")} - {"", "archive/"}
    assert "" in marked_on and "archive/" in marked_on and sections & set(marked_on), marked_on
    assert len(plain) == 1
    assert len(sample_site.pages) - len(marked_on) > 100
