"""sitemap.xml and robots.txt: exactly the canonical HTML pages the build produced."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import jdatetime
import pytest

import akhbar.sitemap

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
TEHRAN = "Asia/Tehran"


def is_redirect(page) -> bool:
    return any(m.get("http-equiv") == "refresh" for m in page.root.find_all("meta"))


def canonical_pages(site) -> set[str]:
    """URLs of the produced HTML pages, without 404.html and redirect pages."""
    urls = set()
    for rel, page in site.pages.items():
        if rel == "404.html" or is_redirect(page):
            continue
        urls.add(site.base_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return urls


def urlset(path: Path) -> dict[str, str | None]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return {unquote(u.findtext("sm:loc", namespaces=NS)): u.findtext("sm:lastmod", namespaces=NS)
            for u in root.findall("sm:url", NS)}


def test_the_sitemap_lists_exactly_the_canonical_pages(sample_site):
    listed = urlset(sample_site.output / "sitemap.xml")
    assert set(listed) == canonical_pages(sample_site)
    assert any("archive/" in u for u in listed) and any("/tags/" in u for u in listed)
    assert not any(u.endswith("404.html") or "/fa/news/" in u for u in listed)
    for url, lastmod in listed.items():
        if "/news/" in url:
            assert lastmod and datetime.fromisoformat(lastmod).utcoffset() is not None, url


def test_lastmod_is_updated_when_given_else_date(sample_site):
    listed = urlset(sample_site.output / "sitemap.xml")
    updated = jdatetime.datetime(1397, 11, 21, 9, 15).togregorian()
    assert listed[sample_site.base_url + "news/qazvin-roads-council/"] == updated.isoformat() + "+03:30"
    assert listed[sample_site.base_url + "news/64048/"] == "2019-02-06T11:20:00+03:30"  # its date


def test_robots_txt_names_the_sitemap(sample_site):
    text = (sample_site.output / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in text.splitlines()
    assert f"Sitemap: {sample_site.base_url}sitemap.xml" in text.splitlines()


def test_past_the_limit_the_sitemap_becomes_an_index(sample_site, tmp_path, monkeypatch, cli):
    monkeypatch.setattr(akhbar.sitemap, "MAX_URLS", 10)
    out = tmp_path / "out"
    run = cli("--root", sample_site.root, "build", "--output", out, "--no-cache")
    assert run.code == 0, run.err
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    locs = [s.findtext("sm:loc", namespaces=NS) for s in root.findall("sm:sitemap", NS)]
    expected = canonical_pages(sample_site)
    assert locs == [f"{sample_site.base_url}sitemap-{n}.xml" for n in range(1, len(locs) + 1)]
    assert len(locs) == -(-len(expected) // 10)
    seen: dict[str, str | None] = {}
    for loc in locs:
        part = urlset(out / loc.rsplit("/", 1)[1])
        assert 0 < len(part) <= 10
        seen.update(part)
    assert set(seen) == expected
    assert all(s.findtext("sm:lastmod", namespaces=NS) for s in root.findall("sm:sitemap", NS))


@pytest.mark.parametrize("base_url", ["https://example.ir/akhbar/"])
def test_a_site_without_articles_still_has_feed_sitemap_and_robots(tmp_path, small_project, cli, base_url):
    root = small_project(tmp_path / "p", {}, f'title = "x"\nbase_url = "{base_url}"\n')
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    listed = urlset(root / "output" / "sitemap.xml")
    assert base_url in listed and base_url + "archive/" in listed
    assert f"Sitemap: {base_url}sitemap.xml" in (root / "output" / "robots.txt").read_text(encoding="utf-8")
    assert (root / "output" / "feed.xml").is_file()


@pytest.mark.parametrize("value", ["1397-13-01", "fardā", "1397-12-30"])
def test_a_bad_updated_date_is_an_error_with_its_line(tmp_path, small_project, cli, value):
    text = f"---\ntitle: خبر\ndate: 1397-11-20 10:30\nupdated: {value}\n---\n\nمتن.\n"
    root = small_project(tmp_path / "p", {"a.md": text})
    run = cli("--root", root, "build")
    assert run.code == 1
    assert run.problem_lines[0].startswith("content/a.md:4: updated "), run.problem_lines
