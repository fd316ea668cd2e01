"""`[search] enabled = false`: a site without its own search, built for real and read back.

No Pagefind run, no `pagefind/`, no search page, and no link anywhere that leads to one; turning search
off and on again gives the bytes of a clean build with it on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from conftest import copy_project

from akhbar.config import load_config
from akhbar.pipeline import build
from akhbar.serve import INDEX_QUIET

OFF = "\n[search]\nenabled = false\n"


def set_search(root: Path, enabled: bool) -> None:
    path = root / "site_config.toml"
    text = path.read_text(encoding="utf-8").replace(OFF, "")
    path.write_text(text if enabled else text + OFF, encoding="utf-8")


def crawl(output: Path, base_url: str, parse: Callable) -> tuple[set[str], set[str]]:
    """Follow every link and script of the site from its home page, as a reader's browser would: the
    output files reached and the site addresses linked (without `base_url`'s path). A link to a file
    the site lacks fails the test."""
    base = urlsplit(base_url)
    reached: set[str] = set()
    linked: set[str] = set()
    queue = ["index.html"]
    while queue:
        rel = queue.pop()
        if rel in reached:
            continue
        reached.add(rel)
        if not rel.endswith(".html"):
            continue
        page = parse(rel, (output / rel).read_bytes().decode("utf-8"))
        for _, _, value in page.links():
            to = urlsplit(urljoin(base_url + rel, value))
            if to.scheme not in ("http", "https") or to.netloc != base.netloc:
                continue  # another site (share links, the comment server)
            path = unquote(to.path)
            assert path.startswith(base.path), f"{rel}: {value} is outside the site"
            address = path[len(base.path):]
            linked.add(address)
            target = address + "index.html" if address.endswith("/") or not address else address
            assert (output / target).is_file(), f"{rel} links to {value}, which the site does not have"
            queue.append(target)
    return reached, linked


def test_a_site_without_search_has_no_index_no_search_page_and_no_link_to_one(project, cli, html_parse,
                                                                             pagefind_runs):
    set_search(project, False)
    run = cli("--root", project, "build")
    assert run.code == 0, run.err
    output = project / "output"
    assert pagefind_runs == []
    assert not (output / "pagefind").exists() and not (output / "search").exists()

    base_url = load_config(project).base_url
    reached, linked = crawl(output, base_url, html_parse)
    assert "news/lorestan-flood-bridges/index.html" in reached and "archive/" in linked  # the crawl went round the site
    assert not any(a.startswith(("search/", "pagefind/")) for a in linked), sorted(linked)
    # Pages no link reaches (redirects of old addresses, the 404 page) have no such link either.
    for path in output.rglob("*.html"):
        rel = path.relative_to(output).as_posix()
        links = [v for _, _, v in html_parse(rel, path.read_bytes().decode("utf-8")).links()]
        assert not any("search/" in v or "pagefind" in v for v in links), rel
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/news/lorestan-flood-bridges/" in sitemap and "/search/" not in sitemap


def test_the_crawl_sees_the_search_page_when_search_is_on(sample_site, html_parse):
    """The same crawl on the sample site as built with search on finds the page, the bundle and its script:
    the test above would see them if they were left behind."""
    reached, linked = crawl(sample_site.output, sample_site.base_url, html_parse)
    assert "search/" in linked and "search/index.html" in reached and "static/js/search.js" in reached


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_search_turned_off_and_on_again_is_a_clean_build_with_search(project, tmp_path, cli, pagefind_runs):
    """From the command line (the cache in .cache/): the build that turns search off removes the old index
    and page, the one that turns it on again rebuilds them, byte for byte as a clean build does."""
    assert cli("--root", project, "build").code == 0
    output = project / "output"
    with_search = _files(output)
    assert any(rel.startswith("pagefind/") for rel in with_search) and "search/index.html" in with_search

    set_search(project, False)
    runs = len(pagefind_runs)
    run = cli("--root", project, "build")
    assert run.code == 0, run.err
    assert len(pagefind_runs) == runs
    without = _files(output)
    assert not any(rel.startswith(("pagefind/", "search/")) for rel in without)
    assert set(without) == {rel for rel in with_search if not rel.startswith(("pagefind/", "search/"))}
    assert not (project / ".output.search").exists()

    set_search(project, True)
    assert cli("--root", project, "build").code == 0
    fresh = copy_project(tmp_path / "fresh")
    assert cli("--root", fresh, "build").code == 0
    assert _files(output) == _files(fresh / "output") == with_search


def test_search_turned_off_and_on_in_one_process_is_a_clean_build_with_search(project, tmp_path, pagefind_runs):
    """What `serve` does: one state carried from build to build while site_config.toml changes."""
    output = tmp_path / "out"
    _, state, _ = build(load_config(project), output)
    set_search(project, False)
    runs = len(pagefind_runs)
    _, state, _ = build(load_config(project), output, state=state)
    assert len(pagefind_runs) == runs
    assert not (output / "pagefind").exists() and not (output / "search").exists()
    set_search(project, True)
    build(load_config(project), output, state=state)
    build(load_config(project), tmp_path / "clean")
    assert _files(output) == _files(tmp_path / "clean")


def test_serve_without_search_rebuilds_and_never_says_it_updated_an_index(project):
    from live_server import LiveServer

    set_search(project, False)
    with LiveServer(project) as server:
        path = project / "content/1398/lorestan-flood-bridges.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nواژهٔ زمردفام در این خبر آمد.\n", encoding="utf-8")
        server.wait_rebuilds(2)
        time.sleep(3 * INDEX_QUIET)  # the pass that would bring an index up to date once edits pause
        assert "زمردفام" in (project / "output/news/lorestan-flood-bridges/index.html").read_text(encoding="utf-8")
        assert "search index" not in server.stdout and server.alive
        assert not (project / "output/pagefind").exists() and not (project / "output/search").exists()
