"""«نظر شما»: what `[comments]` and front matter `comments:` put on article pages (the built HTML), and
how their mistakes are reported. The widget itself, with a real Isso server, is test_comments_browser.py.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from akhbar.config import CommentsConfig, load_config

REPO = Path(__file__).resolve().parents[1]
ARTICLE = """---
title: {title}
date: 1397-11-20 10:30
news_id: {news_id}
{extra}---

متن خبر دربارهٔ راه‌سازی در استان.
"""
BASE = 'title = "آزمایش"\nbase_url = "https://example.ir/akhbar/"\n'


def article(title: str, news_id: int, extra: str = "") -> str:
    return ARTICLE.format(title=title, news_id=news_id, extra=extra)


ARTICLES = {
    "1397/open.md": article("افتتاح آزادراه قزوین - رشت & «پل» <کشکان>", 64048),
    "1397/closed.md": article("خبری بی‌نظر", 64049, "comments: false\n"),
    "imported/old.md": article("خبر بایگانی", 1200),
    "imported/reopened.md": article("خبر بایگانی با نظر", 1201, "comments: true\n"),
    "imported/deeper/older.md": article("خبر بایگانی کهنه‌تر", 1202),
}


def build(small_project, cli, tmp_path: Path, comments: str, articles: dict[str, str] = ARTICLES) -> Path:
    root = small_project(tmp_path / "site", articles, BASE + comments)
    out = tmp_path / "out"
    run = cli("--root", root, "build", "--output", out)
    assert run.code == 0, run.err
    return out


def comment_section(html_parse, out: Path, slug: str):  # noqa: ANN201
    page = html_parse(slug, (out / "news" / slug / "index.html").read_text(encoding="utf-8"))
    return page, page.root.find("section", cls="comments")


ISSO = '[comments]\nprovider = "isso"\nurl = "https://example.ir/comments"\nclosed_folders = ["imported/"]\n'


# ----------------------------------------------------------------------------- Isso


def test_isso_section_is_a_button_and_a_thread_keyed_by_the_canonical_path(small_project, cli, html_parse, tmp_path):
    out = build(small_project, cli, tmp_path, ISSO)
    page, section = comment_section(html_parse, out, "open")
    assert section is not None and section.get("aria-label") == "نظر شما"
    button = section.find("button", cls="comments-open")
    assert button.clean_text() == "نظر شما" and button.get("type") == "button"
    assert "hidden" in button.attrs and button.get("aria-expanded") == "false"  # comments.js shows it
    thread = section.find("section", id="isso-thread")
    assert button.get("aria-controls") == "isso-thread" and "hidden" in thread.attrs
    canonical = page.root.find("link", rel="canonical").get("href")
    assert thread.get("data-isso-id") == urlsplit(canonical).path == "/akhbar/news/open/"
    assert thread.get("data-title") == page.root.find("h1").clean_text() == "افتتاح آزادراه قزوین - رشت & «پل» <کشکان>"
    assert thread.get("data-server") == "https://example.ir/comments/"  # a "/" is added
    assert "جاوااسکریپت" in section.find("noscript").text()  # what a reader without JavaScript is told
    scripts = [s.get("src") for s in page.root.find_all("script") if s.get("src")]
    assert scripts == ["/akhbar/static/js/share.js", "/akhbar/static/js/comments.js"]
    # Nothing of the comment server is loaded with the page: it is named only in the data attribute.
    assert not [value for _, _, value in page.links() if "comments" in urlsplit(value).path and value.startswith("http")]
    assert "embed.min.js" not in page.source
    js = (out / "static/js/comments.js").read_text(encoding="utf-8")
    for needle in ('"data-isso", server', '"data-isso-lang", "fa"', 'server + "js/embed.min.js"', "button.hidden = false",
                   '"data-isso-css", "false"'):
        assert needle in js, needle
    assert not re.search(r"https?://", js)  # the server's address comes from the page, never from the script


def test_comments_false_closed_folders_and_true_decide_per_article(small_project, cli, html_parse, tmp_path):
    out = build(small_project, cli, tmp_path, ISSO)
    shown = {slug: comment_section(html_parse, out, slug)[1] is not None
             for slug in ("open", "closed", "old", "reopened", "older")}
    assert shown == {"open": True, "closed": False, "old": False, "reopened": True, "older": False}
    page, _ = comment_section(html_parse, out, "closed")
    assert "comments.js" not in page.source and "isso" not in page.source
    for rel in ("index.html", "archive/index.html", "search/index.html", "404.html"):
        assert "comments" not in (out / rel).read_text(encoding="utf-8").split("<main", 1)[1], rel


def test_default_false_opens_only_articles_that_ask(small_project, cli, html_parse, tmp_path):
    out = build(small_project, cli, tmp_path, ISSO.replace("closed_folders", "default = false\nclosed_folders"))
    shown = {slug for slug in ("open", "closed", "old", "reopened", "older") if comment_section(html_parse, out, slug)[1]}
    assert shown == {"reopened"}


# ----------------------------------------------------------------------------- e-mail and none


def test_email_provider_links_a_subject_with_the_news_number_and_headline(small_project, cli, html_parse, tmp_path):
    out = build(small_project, cli, tmp_path, '[comments]\nprovider = "email"\nemail = "comments@example.ir"\n')
    page, section = comment_section(html_parse, out, "open")
    [link] = section.find_all("a")
    href = link.get("href")
    assert href.isascii() and " " not in href  # percent-encoded UTF-8, as a mail program expects
    parts = urlsplit(href)
    assert (parts.scheme, parts.path) == ("mailto", "comments@example.ir")
    query = parse_qs(parts.query)
    assert query["subject"] == ["نظر دربارهٔ خبر ۶۴۰۴۸: افتتاح آزادراه قزوین - رشت & «پل» <کشکان>"]
    assert query["body"] == ["https://example.ir/akhbar/news/open/"]
    assert quote("افتتاح", safe="") in href  # UTF-8 bytes, not another encoding
    assert section.find("h2").clean_text() == "نظر شما"
    assert "comments.js" not in page.source and "isso" not in page.source
    assert comment_section(html_parse, out, "closed")[1] is None


def test_email_subject_without_a_news_number(small_project, cli, html_parse, tmp_path):
    articles = {"x.md": "---\ntitle: بی‌شماره\ndate: 1397-11-20\n---\n\nمتن.\n"}
    out = build(small_project, cli, tmp_path, '[comments]\nprovider = "email"\nemail = "a.b@example.ir"\n', articles)
    href = comment_section(html_parse, out, "x")[1].find("a").get("href")
    assert unquote(parse_qs(urlsplit(href).query)["subject"][0]) == "نظر دربارهٔ خبر: بی‌شماره"


@pytest.mark.parametrize("comments", ["", '[comments]\nprovider = "none"\nurl = "https://example.ir/c/"\n'])
def test_none_produces_nothing(small_project, cli, tmp_path, comments):
    out = build(small_project, cli, tmp_path, comments)
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "comments" not in text and "isso" not in text and "نظر شما" not in text, path


def test_email_page_is_valid_html(small_project, cli, tmp_path):
    """The sample site (test_html_validity.py) has Isso's section; this checks the e-mail one."""
    from test_html_validity import vnu

    command = vnu()
    out = build(small_project, cli, tmp_path, '[comments]\nprovider = "email"\nemail = "comments@example.ir"\n')
    done = subprocess.run([*command, "--errors-only", str(out / "news/open/index.html")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stdout + done.stderr


# ----------------------------------------------------------------------------- mistakes


@pytest.mark.parametrize(("table", "line", "message"), [
    ('[comments]\nprovider = "disqus"\n', 4, '[comments] provider must be "isso", "email" or "none"'),
    ('[comments]\nprovider = "isso"\n', 4, '[comments] provider "isso" needs url'),
    ('[comments]\nprovider = "email"\n', 4, '[comments] provider "email" needs email'),
    ('[comments]\nprovider = "isso"\nurl = "comments.example.ir"\n', 5, "[comments] url must be the comment server's public address"),
    ('[comments]\nprovider = "isso"\nurl = "ftp://example.ir/"\n', 5, "[comments] url must be"),
    ('[comments]\nprovider = "email"\nemail = "نظر@example.ir"\n', 5, "[comments] email must be an e-mail address"),
    ('[comments]\ndefault = "no"\n', 4, "[comments] default must be true or false"),
    ('[comments]\nclosed_folders = ["../x"]\n', 4, "[comments] closed_folders must be a list of folders under content/"),
    ('[comments]\nprovider = "none"\nurls = "x"\n', 5, "unknown setting [comments] 'urls'"),
    ('comments = "isso"\n', 3, "comments must be a table: [comments]"),
])
def test_config_mistakes_name_their_line(small_project, cli, tmp_path, table, line, message):
    root = small_project(tmp_path / "site", {"1397/open.md": ARTICLES["1397/open.md"]}, BASE + table)
    run = cli("--root", root, "build", "--output", tmp_path / "out")
    assert run.code == 1 and "Traceback" not in run.err
    [problem] = [line for line in run.problem_lines if line.startswith("site_config.toml")]
    assert problem.startswith(f"site_config.toml:{line}: {message}"), problem
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ['"no"', "0", "[true]", "yes please"])
def test_front_matter_comments_must_be_true_or_false(small_project, cli, tmp_path, value):
    articles = {"1397/open.md": article("خبر", 1, f"comments: {value}\n")}
    root = small_project(tmp_path / "site", articles, BASE + ISSO)
    run = cli("--root", root, "build", "--output", tmp_path / "out")
    assert run.code == 1
    assert any(line.startswith("content/1397/open.md:5: comments must be true or false") for line in run.problem_lines), run.err


def test_defaults_and_the_repository_config():
    assert CommentsConfig() == CommentsConfig(provider="none", url=None, email=None, default=True, closed_folders=())
    assert CommentsConfig().open_for("content/x.md", True) is False  # "none" shows nothing, whatever an article says
    config = load_config(REPO).comments
    assert config.provider == "isso" and config.url == "http://127.0.0.1:8080/" and config.closed_folders == ("imported",)


# ----------------------------------------------------------------------------- the ready Isso configuration


def test_isso_cfg_matches_the_site():
    """comments/isso.cfg, which `make comments` runs: moderated, on loopback, the site's origin allowed,
    the database where git ignores it, and reachable at the address site_config.toml gives the pages."""
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "comments/isso.cfg", encoding="utf-8")
    site = tomllib.loads((REPO / "site_config.toml").read_text(encoding="utf-8"))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site["base_url"]))
    assert origin in cfg.get("general", "host").split()
    assert cfg.getboolean("moderation", "enabled")
    listen = urlsplit(cfg.get("server", "listen"))
    assert listen.hostname == "127.0.0.1"
    assert site["comments"]["url"].rstrip("/") == cfg.get("server", "public-endpoint") == f"http://127.0.0.1:{listen.port}"
    db = cfg.get("general", "dbpath")
    assert not Path(db).is_absolute()
    ignored = subprocess.run(["git", "check-ignore", "-q", db], cwd=REPO)
    assert shutil.which("git") is None or ignored.returncode == 0, f"{db} is not git-ignored"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^comments:.*\n(\t.*\n)*\t\S*isso -c comments/isso\.cfg run$", makefile)

