"""Links between articles (issue 11): `[متن](news:64048)`, `[متن](../1400/b.md)`, `[متن](b.md#anchor)`
become the target article's URL under `base_url`'s path; a missing target or anchor is `path:line: message`
at the link's line; rebuilds (in memory, as `serve` does, and from `.cache/`, as `build` does) stay
byte-identical to a clean build when the target moves; `fmt` leaves the links as they are."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from akhbar.config import load_config
from akhbar.errors import AkhbarError
from akhbar.pipeline import build

CONFIG = 'title = "آزمایش"\nbase_url = "https://example.ir/akhbar/"\n\n[normalize]\nenabled = false\n'
PROBLEM = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9]\d*): (?P<message>\S.*)$")

TARGET = """\
---
title: خبر مقصد
date: 1400-02-01 10:00
news_id: 64048
---

پاراگراف نخست.

## تأمین مالی طرح

متن.

## زمان بهره‌برداری {#opening}

متن.

## زمان‌بندی طرح

متن.
"""


def linking(body: str, front: str = "") -> str:
    """An article (front matter on lines 1–4, body from line 6) whose body is `body`."""
    return f"---\ntitle: خبر پیونددهنده\ndate: 1400-03-01 10:00\n{front}---\n\n{body}"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def hrefs(page) -> dict[str, str]:
    """Link text → href of the article body's links."""
    body = page.root.find("div", cls="body")
    return {a.clean_text(): a.get("href") for a in body.find_all("a")}


@pytest.fixture
def linked(small_project, tmp_path: Path) -> Path:
    return small_project(tmp_path / "site", {
        "1400/target.md": TARGET,
        "1401/a.md": linking(
            "با شماره [خبر شماره](news:64048) و با رقم فارسی [رقم فارسی](news:۶۴۰۴۸).\n\n"
            "با پرونده [پروندهٔ نسبی](../1400/target.md) و [از ریشه](/1400/target.md).\n\n"
            "با لنگر [لنگر دستی](../1400/target.md#opening) و [لنگر عنوان](news:64048#تأمین-مالی-طرح) "
            "و [لنگر نیم‌فاصله](../1400/target.md#زمان‌بندی-طرح).\n\n"
            "ارجاعی [ارجاع][r] و بیرونی [بیرونی](https://www.mrud.ir/news.md).\n\n[r]: ../1400/target.md\n"),
    }, CONFIG)


def test_links_become_the_target_articles_url_under_the_base_path(linked, cli, html_parse):
    run = cli("--root", linked, "build")
    assert run.code == 0, run.err
    page_path = linked / "output/news/a/index.html"
    links = hrefs(html_parse("news/a/index.html", page_path.read_text(encoding="utf-8")))
    target = "/akhbar/news/target/"
    assert links["خبر شماره"] == links["رقم فارسی"] == target
    assert links["پروندهٔ نسبی"] == links["از ریشه"] == links["ارجاع"] == target
    assert links["لنگر دستی"] == target + "#opening"
    # Written as the heading reads, the anchor is the heading's id as `toc` made it.
    assert links["لنگر عنوان"] == target + "#" + quote("تأمین-مالی-طرح")
    assert links["لنگر نیم‌فاصله"] == target + "#" + quote("زمانبندی-طرح")  # `toc` drops the ZWNJ from ids
    assert links["بیرونی"] == "https://www.mrud.ir/news.md"  # a full URL is not ours
    # Each anchor is an id in the target page, and the target page is where the URL says.
    target_page = html_parse("news/target/index.html",
                             (linked / "output/news/target/index.html").read_text(encoding="utf-8"))
    ids = {n.get("id") for n in target_page.root.iter() if n.get("id")}
    assert {"opening", "تأمین-مالی-طرح", "زمانبندی-طرح"} <= ids
    assert "\x01" not in page_path.read_text(encoding="utf-8")


def test_a_full_content_feed_carries_the_resolved_links(small_project, tmp_path, cli):
    root = small_project(tmp_path / "site", {"1400/target.md": TARGET, "1401/a.md": linking("[خبر](news:64048)\n")},
                         CONFIG + "\n[feeds]\nfull_content = true\n")
    assert cli("--root", root, "build").code == 0
    feed = (root / "output/feed.xml").read_text(encoding="utf-8")
    assert "/akhbar/news/target/" in feed and "news:64048" not in feed and "\x01" not in feed


# ----------------------------------------------------------------------------- broken links


BROKEN = [
    # (the linking article's body, the line of the problem, what the message says)
    pytest.param("متن.\n\n[خبر](news:99999)\n", 8, "no article of the site has news number 99999", id="unknown-number"),
    pytest.param("[خبر](missing.md)\n", 6, "content/1401/missing.md is not an article of the site", id="missing-file"),
    pytest.param("متن.\n\n\n[خبر](../1400/target.md#nope)\n", 9,
                 "content/1400/target.md has no heading with the id 'nope'", id="missing-anchor"),
    pytest.param("[خبر](news:64048#nope)\n", 6, "has no heading with the id 'nope'", id="missing-anchor-by-number"),
    pytest.param("[خبر](news:abc)\n", 6, "needs a news number after 'news:'", id="not-a-number"),
    pytest.param("[خبر](../../../etc/passwd.md)\n", 6, "points outside content/", id="outside-content"),
    pytest.param("[خبر][x]\n\n[x]: news:5\n", 8, "no article of the site has news number 5", id="reference-definition"),
    pytest.param("[خبر](draft.md)\n", 6, "content/1401/draft.md is not an article of the site", id="draft-target"),
]


@pytest.mark.parametrize(("body", "line", "words"), BROKEN)
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_broken_link_is_a_problem_at_its_line(small_project, tmp_path, cli, command, body, line, words):
    root = small_project(tmp_path / "site", {
        "1400/target.md": TARGET, "1401/a.md": linking(body),
        "1401/draft.md": "---\ntitle: پیش‌نویس\ndate: 1401-01-01\ndraft: true\n---\n\nمتن.\n",
    }, CONFIG)
    run = cli("--root", root, command)
    assert run.code == 1, run.out
    assert "Traceback" not in run.err
    [problem, summary] = run.problem_lines
    m = PROBLEM.match(problem)
    assert m, problem
    assert (m["path"], int(m["line"])) == ("content/1401/a.md", line), problem
    assert words in m["message"]
    assert summary.startswith("1 problem;")
    assert not (root / "output").exists()


def test_a_link_to_a_draft_resolves_when_drafts_are_built(small_project, tmp_path, cli):
    root = small_project(tmp_path / "site", {
        "1401/a.md": linking("[خبر](draft.md)\n"),
        "1401/draft.md": "---\ntitle: پیش‌نویس\ndate: 1401-01-01\ndraft: true\n---\n\nمتن.\n",
    }, CONFIG)
    assert cli("--root", root, "build", "--drafts").code == 0
    assert 'href="/akhbar/news/draft/"' in (root / "output/news/a/index.html").read_text(encoding="utf-8")


def test_every_broken_link_of_an_article_is_listed(small_project, tmp_path, cli):
    root = small_project(tmp_path / "site", {
        "1400/target.md": TARGET,
        "1401/a.md": linking("[یک](news:1) و [دو](news:2)\n\n[سه](news:64048)\n\n[چهار](gone.md)\n"),
    }, CONFIG)
    run = cli("--root", root, "check")
    assert run.code == 1
    found = [(m["path"], int(m["line"])) for m in map(PROBLEM.match, run.problem_lines[:-1])]
    assert found == [("content/1401/a.md", 6), ("content/1401/a.md", 6), ("content/1401/a.md", 10)]


def test_raw_html_links_are_left_as_written(small_project, tmp_path, cli):
    root = small_project(tmp_path / "site", {"1401/a.md": linking('<p><a href="news:1">خام</a></p>\n')}, CONFIG)
    assert cli("--root", root, "build").code == 0
    assert '<a href="news:1">' in (root / "output/news/a/index.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- rebuilds


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rebuilds_follow_the_target_and_match_a_clean_build(small_project, tmp_path, cli, html_parse):
    """A links to B by file (with an anchor) and by news number: B's slug, heading and file change, and A's
    page follows in the in-memory rebuild (`serve`) and in the cached command-line build alike."""
    root = small_project(tmp_path / "site", {
        "1400/target.md": TARGET,
        "1401/a.md": linking("[با پرونده](../1400/target.md#opening) و [با شماره](news:64048).\n"),
        "1401/other.md": "---\ntitle: خبر دیگر\ndate: 1401-05-01\n---\n\nمتنی بی‌پیوند.\n",
    }, CONFIG)
    memory_out, cli_out = tmp_path / "memory", root / "output"
    _, state, _ = build(load_config(root), memory_out)
    assert cli("--root", root, "build").code == 0
    a_page = "news/a/index.html"

    def rebuild(step: str) -> dict[str, bytes]:
        nonlocal state
        config = load_config(root)
        _, state, explained = build(config, memory_out, state=state)
        assert "content/1401/a.md" not in explained.read, f"{step}: A's text did not change, it is not read again"
        assert a_page in explained.rendered, f"{step}: A's page was not rendered again"
        run = cli("--root", root, "build")
        assert run.code == 0, run.err
        clean = tmp_path / f"clean-{step}"
        build(config, clean)
        expected = files_of(clean)
        for out in (memory_out, cli_out):
            got = files_of(out)
            assert got.keys() == expected.keys(), f"{step}: {sorted(got.keys() ^ expected.keys())}"
            assert [k for k in expected if got[k] != expected[k]] == [], f"{step}: differs from a clean build"
        shutil.rmtree(clean)
        return expected

    edit(root / "content/1400/target.md", "news_id: 64048\n", "news_id: 64048\nslug: new-address\n")
    site = rebuild("slug")
    assert hrefs(html_parse(a_page, site[a_page].decode())) == {
        "با پرونده": "/akhbar/news/new-address/#opening", "با شماره": "/akhbar/news/new-address/"}

    edit(root / "content/1400/target.md", "{#opening}", "{#start}")
    with pytest.raises(AkhbarError) as failure:
        build(load_config(root), memory_out, state=state)
    [problem] = failure.value.problems
    assert (problem.path, problem.line) == ("content/1401/a.md", 6) and "'opening'" in problem.message
    edit(root / "content/1401/a.md", "#opening", "#start")
    _, state, _ = build(load_config(root), memory_out, state=state)  # A's own text changed: fine again

    (root / "content/1400/target.md").rename(root / "content/1400/moved.md")
    with pytest.raises(AkhbarError) as failure:
        build(load_config(root), memory_out, state=state)
    [problem] = failure.value.problems
    assert (problem.path, problem.line) == ("content/1401/a.md", 6)
    assert "content/1400/target.md is not an article of the site" in problem.message
    assert cli("--root", root, "check").code == 1
    (root / "content/1400/moved.md").rename(root / "content/1400/target.md")  # back: A is right again
    edit(root / "content/1400/target.md", "slug: new-address\n", "slug: third-address\n")
    site = rebuild("back, and another slug")
    assert hrefs(html_parse(a_page, site[a_page].decode())) == {
        "با پرونده": "/akhbar/news/third-address/#start", "با شماره": "/akhbar/news/third-address/"}


# ----------------------------------------------------------------------------- fmt


def test_fmt_keeps_the_links_and_the_site_still_builds(small_project, tmp_path, cli):
    config = 'title = "آزمایش"\nbase_url = "/"\n'  # normalization on: fmt has prose to fix
    root = small_project(tmp_path / "site", {
        "1400/target.md": TARGET,
        "1401/a.md": linking("خبر [مربوط به تأمين مالي](news:64048#opening) و [خبري ديگر][r] را ببينيد.\n\n"
                             "[r]: ../1400/target.md#تأمین-مالی-طرح\n"),
    }, config)
    before = (root / "content/1401/a.md").read_text(encoding="utf-8")
    assert cli("--root", root, "fmt").code == 0
    after = (root / "content/1401/a.md").read_text(encoding="utf-8")
    assert after != before and "ي" not in after, "fmt had Arabic letters to fix in the link texts"
    for target in ("(news:64048#opening)", "[r]: ../1400/target.md#تأمین-مالی-طرح"):
        assert target in after
    assert cli("--root", root, "check").code == 0
    assert cli("--root", root, "build").code == 0
    html = (root / "output/news/a/index.html").read_text(encoding="utf-8")
    assert 'href="/news/target/#opening">مربوط به تأمین مالی</a>' in html
