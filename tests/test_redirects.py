"""`aliases`: old addresses become redirect pages; collisions and unsafe paths are editor errors."""

from __future__ import annotations

import re

import pytest

from akhbar.redirects import AliasError, alias_file

ARTICLE = "---\ntitle: خبر نخست\ndate: 1397-11-20 10:30\n{extra}---\n\nمتن خبر.\n"
PROBLEM = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9]\d*): (?P<message>\S.*)$")


def redirect_parts(page) -> tuple[str, str, str, str]:
    """(refresh target, canonical, robots, the visible link's href) of a redirect page."""
    head = page.root.find("head")
    refresh = next(m.get("content") for m in head.find_all("meta") if m.get("http-equiv") == "refresh")
    robots = next(m.get("content") for m in head.find_all("meta") if m.get("name") == "robots")
    canonical = head.find("link", rel="canonical").get("href")
    link = page.root.find("main").find("a").get("href")
    return refresh, canonical, robots, link


def test_the_sample_alias_redirects_to_its_article(sample_site):
    page = sample_site.page("fa/news/64048/index.html")
    refresh, canonical, robots, link = redirect_parts(page)
    target = sample_site.base_url + "news/64048/"
    assert refresh == f"0; url={target}" and canonical == target and link == target
    assert robots == "noindex"
    assert "برگزاری شورای هماهنگی" in page.root.find("main").clean_text()
    assert not page.errors


def test_site_absolute_aliases_are_relative_to_the_site_root_under_a_sub_path(subpath_site):
    page = subpath_site.page("fa/news/64048/index.html")
    assert not (subpath_site.output / "akhbar").exists()
    assert redirect_parts(page)[0] == "0; url=https://example.ir/akhbar/news/64048/"


@pytest.mark.parametrize(("alias", "file"), [
    ("/fa/news/64048", "fa/news/64048/index.html"),
    ("old/path/", "old/path/index.html"),
    ("/old/page.html", "old/page.html"),
    ("/fa/%D8%AE%D8%A8%D8%B1", "fa/خبر/index.html"),
    ("/fa/خبر/123", "fa/خبر/123/index.html"),
])
def test_alias_files(alias, file):
    assert alias_file(alias) == file


def test_relative_and_absolute_aliases_and_an_extension(tmp_path, small_project, cli):
    text = ARTICLE.format(extra='aliases: ["/old/a", "old/b/", "/old/c.html"]\n')
    root = small_project(tmp_path / "p", {"first.md": text}, 'title = "x"\nbase_url = "https://example.ir/sub/"\n')
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    out = root / "output"
    for rel in ("old/a/index.html", "old/b/index.html", "old/c.html"):
        assert 'content="0; url=https://example.ir/sub/news/first/"' in (out / rel).read_text(encoding="utf-8")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/old/" not in sitemap


def refused(cli, tree_snapshot, root):
    """A build that must fail: exit 1, `path:line: message` lines, output/ exactly as it was."""
    before = tree_snapshot(root / "output")
    run = cli("--root", root, "build")
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    assert tree_snapshot(root / "output") == before
    lines = run.problem_lines
    assert lines[-1].endswith("nothing was changed in the output.")
    return [PROBLEM.match(line).groups() for line in lines[:-1]]


@pytest.mark.parametrize(("aliases", "what"), [
    ('["/news/second/"]', "a page of the site"),
    ('["/archive"]', "a page of the site"),
    ('["feed.xml"]', "a page of the site"),
    ('["/static/css/site.css"]', "a page of the site"),
    ('["/old", "old/"]', "another alias of this article"),
])
def test_an_alias_on_an_existing_file_is_an_error_at_its_line(tmp_path, small_project, cli, tree_snapshot, aliases, what):
    root = small_project(tmp_path / "p", {
        "first.md": ARTICLE.format(extra="tags: [آزمون]\n"),
        "second.md": ARTICLE.format(extra="").replace("1397-11-20", "1397-11-21"),
    })
    assert cli("--root", root, "build").code == 0
    (root / "content/first.md").write_text(ARTICLE.format(extra=f"tags: [آزمون]\naliases: {aliases}\n"), encoding="utf-8")
    [(path, line, message)] = refused(cli, tree_snapshot, root)
    assert (path, line) == ("content/first.md", "5")
    assert what in message


def test_two_articles_claiming_one_alias(tmp_path, small_project, cli, tree_snapshot):
    root = small_project(tmp_path / "p", {
        "first.md": ARTICLE.format(extra=""),
        "second.md": ARTICLE.format(extra="").replace("1397-11-20", "1397-11-21"),
    })
    assert cli("--root", root, "build").code == 0
    for name in ("first.md", "second.md"):
        text = (root / "content" / name).read_text(encoding="utf-8")
        (root / "content" / name).write_text(text.replace("---\n\n", "aliases: [/old/1]\n---\n\n"), encoding="utf-8")
    [(path, line, message)] = refused(cli, tree_snapshot, root)
    assert path == "content/second.md" and line == "4" and "content/first.md" in message


@pytest.mark.parametrize("alias", [
    "../escape", "/a/../../b", "a/./b", "%2e%2e/x", "a\\\\b", "C:/windows", "//host/share", "https://e.ir/x",
    "/a?b=1", "/", "a//b", "\\0", "/.hidden/x",
])
def test_unsafe_aliases_are_refused(tmp_path, small_project, cli, tree_snapshot, alias):
    root = small_project(tmp_path / "p", {"first.md": ARTICLE.format(extra="")})
    assert cli("--root", root, "build").code == 0
    (root / "content/first.md").write_text(ARTICLE.format(extra=f'aliases: ["{alias}"]\n'), encoding="utf-8")
    [(path, line, message)] = refused(cli, tree_snapshot, root)
    assert (path, line) == ("content/first.md", "4") and "alias" in message
    assert not any(p.name == "escape" for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("alias", ["..", "a/../..", "x/\x00", "a\\b", "D:\\x", "%2E%2E"])
def test_alias_file_rejects_paths_leaving_the_output(alias):
    with pytest.raises(AliasError):
        alias_file(alias)
