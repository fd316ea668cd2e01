"""Atom feeds: the site's and every term's, parsed with feedparser as a feed reader would."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest

OFFSET = re.compile(r"[+-]0[34]:30$")


def feeds(site) -> list[Path]:
    return sorted(site.output.rglob("feed.xml"))


def local_file(site, url: str) -> Path:
    """The produced file an absolute URL of the site is served from."""
    assert url.startswith(site.base_url), url
    rel = unquote(url[len(site.base_url):])
    return site.output / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def raw_dates(path: Path, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>([^<]+)</{tag}>", path.read_text(encoding="utf-8"))


def test_every_feed_parses_without_errors_newest_first_with_tehran_offsets(sample_site):
    found = feeds(sample_site)
    assert sample_site.output / "feed.xml" in found
    assert any(p.parent.parent.name == "tags" for p in found)
    assert any(p.parent.parent.name == "provinces" for p in found)
    for path in found:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        assert parsed.entries, path
        published = [datetime.fromisoformat(d) for d in raw_dates(path, "published")]
        assert len(published) == len(parsed.entries)
        assert published == sorted(published, reverse=True), path
        for text in raw_dates(path, "published") + raw_dates(path, "updated"):
            assert OFFSET.search(text), (path, text)
        for entry in parsed.entries:
            assert entry.title and entry.summary
            assert local_file(sample_site, entry.link).is_file(), entry.link
        self_link = next(ln.href for ln in parsed.feed.links if ln.rel == "self")
        assert local_file(sample_site, self_link) == path


def test_the_site_feed_holds_the_latest_twenty(sample_site):
    parsed = feedparser.parse((sample_site.output / "feed.xml").read_bytes())
    articles = [rel for rel in sample_site.pages if rel.startswith("news/")]
    assert len(parsed.entries) == min(20, len(articles))
    home = sample_site.page("index.html").root.find("article", cls="card").find("a").get("href")
    assert local_file(sample_site, parsed.entries[0].link) == local_file(sample_site, "http://127.0.0.1:8000" + home)
    assert "content" not in parsed.entries[0]  # summaries by default


def test_a_term_feed_lists_the_terms_articles(sample_site):
    for path in feeds(sample_site):
        if path.parent == sample_site.output:
            continue
        term_page = sample_site.page(path.parent.relative_to(sample_site.output).as_posix() + "/index.html")
        count = int(term_page.root.find("p", cls="count").clean_text().split()[0].translate(
            str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
        parsed = feedparser.parse(path.read_bytes())
        assert len(parsed.entries) == min(count, 20), path


def test_feed_links_in_every_head(sample_site):
    for rel, page in sample_site.pages.items():
        if page.root.find("meta", name="robots") is not None and rel != "404.html":
            continue  # redirect pages
        alternates = [ln.get("href") for ln in page.root.find("head").find_all("link", rel="alternate")
                      if ln.get("type") == "application/atom+xml"]
        assert "/feed.xml" in alternates, rel
        m = re.fullmatch(r"((?:tags|sections|provinces)/[^/]+/)(?:page/\d+/)?index.html", rel)
        if m:
            assert len(alternates) == 2, rel
            assert unquote(alternates[1]) == "/" + m[1] + "feed.xml"
        else:
            assert alternates == ["/feed.xml"], rel


def test_limit_full_content_and_escaping(tmp_path, small_project, cli):
    articles = {f"a{n}.md": f"---\ntitle: خبر شمارهٔ {n} & <b>آزمون</b>\ndate: 1402-01-{n:02} 10:00\ntags: [آزمون]\n"
                            f"normalize: false\n---\n\nمتن **خبر** {n} با <پیوند> و & نشانه.\n" for n in range(1, 6)}
    root = small_project(tmp_path / "p", articles, 'title = "آزمایش & سایت"\nbase_url = "https://example.ir/news-site/"\n'
                         '[feeds]\nlimit = 3\nfull_content = true\n')
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    for path in (root / "output" / "feed.xml", next((root / "output" / "tags").rglob("feed.xml"))):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.title.startswith("آزمایش & سایت") or "آزمایش & سایت" in parsed.feed.title
        assert [e.title for e in parsed.entries] == [f"خبر شمارهٔ {n} & <b>آزمون</b>" for n in (5, 4, 3)]
        assert all(e.link.startswith("https://example.ir/news-site/news/") for e in parsed.entries)
        content = parsed.entries[0].content[0]
        assert content.type == "text/html" and "<strong>خبر</strong>" in content.value


@pytest.mark.parametrize("setting", ["limit = 0", 'full_content = "yes"', "size = 3"])
def test_bad_feed_settings_are_errors_with_their_line(tmp_path, small_project, cli, setting):
    root = small_project(tmp_path / "p", {}, f'title = "x"\n[feeds]\n{setting}\n')
    run = cli("--root", root, "build")
    assert run.code == 1
    assert run.problem_lines[0].startswith("site_config.toml:3: "), run.problem_lines


@pytest.mark.parametrize("normalize", ["true", "false"])
def test_control_characters_pasted_into_an_article_never_reach_a_page_or_a_feed(tmp_path, small_project, cli, normalize):
    junk = "\x01\x0b\x0c\x1b\x7f\x85\ufffe"
    articles = {"a.md": f"---\ntitle: \"خبر{junk[:2]} آزمون\"\ndate: 1402-01-01 10:00\ntags: [آزمون]\n"
                        f"normalize: {normalize}\n---\n\nمتن{junk} خبر\tبا جدول.\n"}
    root = small_project(tmp_path / "p", articles, 'title = "آزمایش"\nbase_url = "https://example.ir/"\n'
                         '[feeds]\nfull_content = true\n')
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    written = [p for p in (root / "output").rglob("*") if p.suffix in (".html", ".xml")]
    assert written
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not any(c in text for c in junk), f"{path.name} carries a control character"
    parsed = feedparser.parse((root / "output" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "خبر آزمون"
    assert "خبر" in parsed.entries[0].content[0].value
