"""The Jalali archive: years with counts, year and month pages, newest first, paginated."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import jdatetime

MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TEHRAN = ZoneInfo("Asia/Tehran")


def article_months(site) -> dict[str, list[tuple[str, datetime]]]:
    """"1397/11" → [(article page, datetime)] from the article pages' own <time datetime>."""
    found: dict[str, list] = {}
    for rel, page in site.pages.items():
        if rel.startswith("news/"):
            when = datetime.fromisoformat(page.root.find("article", cls="story").find("time").get("datetime"))
            j = jdatetime.datetime.fromgregorian(datetime=when.astimezone(TEHRAN))
            found.setdefault(f"{j.year}/{j.month:02}", []).append((rel, when))
    return found


def listed(site, first: str) -> list[tuple[str, datetime]]:
    """(article page, datetime) of every card on a paginated list, following rel=next."""
    rels, result = [first], []
    while True:
        page = site.page(rels[-1])
        for card in page.root.find_all("article", cls="card"):
            href = card.find("h2").find("a").get("href")
            result.append((unquote(href).lstrip("/") + "index.html", datetime.fromisoformat(card.find("time").get("datetime"))))
        nav = page.root.find("nav", cls="pagination")
        nxt = nav.find("a", rel="next") if nav else None
        if nxt is None:
            return result
        rels.append(nxt.get("href").lstrip("/") + "index.html")


def test_the_archive_index_lists_years_newest_first_with_counts(sample_site):
    months = article_months(sample_site)
    years: dict[str, int] = {}
    for key, items in months.items():
        years[key[:4]] = years.get(key[:4], 0) + len(items)
    page = sample_site.page("archive/index.html")
    assert page.root.find("h1").clean_text() == "بایگانی"
    items = [li for li in page.root.find("ul", cls="archive").children if not isinstance(li, str)]  # years only
    shown = [(li.find("a").clean_text(), li.find("span", cls="count").clean_text()) for li in items]
    assert shown == [(y.translate(FA), f"({str(n).translate(FA)})") for y, n in sorted(years.items(), reverse=True)]


def test_month_pages_have_persian_names_and_their_articles_newest_first(sample_site):
    months = article_months(sample_site)
    assert "1397/11" in months
    for key, items in months.items():
        year, month = key.split("/")
        rel = f"archive/{year}/{month}/index.html"
        page = sample_site.page(rel)
        label = f"{MONTHS[int(month) - 1]} {year}".translate(FA)
        assert page.root.find("h1").clean_text() == f"بایگانی {label}"
        assert label in page.title
        got = listed(sample_site, rel)
        assert sorted(r for r, _ in got) == sorted(r for r, _ in items)
        assert [t for _, t in got] == sorted((t for _, t in got), reverse=True)
    assert sample_site.page("archive/1397/11/index.html").root.find("h1").clean_text() == "بایگانی بهمن ۱۳۹۷"


def test_year_pages_link_their_months_and_list_the_year(sample_site):
    months = article_months(sample_site)
    for year in {k[:4] for k in months}:
        page = sample_site.page(f"archive/{year}/index.html")
        links = [a.get("href") for a in page.root.find("ul", cls="months").find_all("a")]
        expected = sorted((k for k in months if k.startswith(year)), reverse=True)
        assert links == [f"/archive/{k}/" for k in expected]
        got = listed(sample_site, f"archive/{year}/index.html")
        assert len(got) == sum(len(months[k]) for k in expected)
        assert [t for _, t in got] == sorted((t for _, t in got), reverse=True)


def test_the_header_links_the_archive(sample_site):
    for rel, page in sample_site.pages.items():
        if rel.startswith("fa/"):
            continue  # redirect pages have no header
        nav = page.root.find("header", cls="masthead").find("nav")
        assert any(a.get("href") == "/archive/" and a.clean_text() == "بایگانی" for a in nav.find_all("a")), rel


def test_archive_pages_paginate_like_the_index(tmp_path, cli, html_parse, small_project):
    articles = {f"a{n}.md": f"---\ntitle: خبر {n}\ndate: 1399-05-{n:02} 08:00\n---\n\nمتن {n}.\n" for n in range(1, 6)}
    root = small_project(tmp_path / "p", articles, 'title = "x"\nbase_url = "/"\npage_size = 2\n')
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    out = root / "output"
    for base in ("archive/1399/", "archive/1399/05/"):
        pages = [base + "index.html", base + "page/2/index.html", base + "page/3/index.html"]
        assert all((out / p).is_file() for p in pages) and not (out / base / "page/4").exists()
        seen = []
        for n, rel in enumerate(pages, 1):
            page = html_parse(rel, (out / rel).read_text(encoding="utf-8"))
            seen += [c.find("a").clean_text() for c in page.root.find_all("article", cls="card")]
            current = next(x for x in page.root.find("nav", cls="pagination").iter() if x.get("aria-current"))
            assert current.clean_text() == str(n).translate(FA)
        assert seen == [f"خبر {n}".translate(FA) for n in (5, 4, 3, 2, 1)]
    assert re.search("مرداد ۱۳۹۹", (out / "archive/index.html").read_text(encoding="utf-8"))
