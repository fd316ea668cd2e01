"""Site search, without a browser: what the build gives Pagefind and what Pagefind's bundle looks like.

The search page itself, in Chromium, is in test_search_browser.py.
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from live_server import copy_sample

import akhbar.search
from akhbar.config import load_config
from akhbar.digits import to_latin_digits
from akhbar.pagefind_bundle import SIGNATURE, stable_bundle
from akhbar.pipeline import build

ARTICLE = "content/1398/lorestan-flood-bridges.md"


def articles(site) -> dict[str, object]:
    return {rel: page for rel, page in site.pages.items() if rel.startswith("news/")}


def filters(page) -> dict[str, list[str]]:
    """Pagefind's reading of data-pagefind-filter: `key:value`, or `key` with the element's text."""
    found: dict[str, list[str]] = {}
    for node in page.root.iter():
        spec = node.get("data-pagefind-filter")
        if spec is not None:
            key, _, value = spec.partition(":")
            found.setdefault(key, []).append(value or node.clean_text())
    return found


# ----------------------------------------------------------------------------- what gets indexed


def test_each_article_marks_its_story_as_the_indexed_body(sample_site):
    for rel, page in articles(sample_site).items():
        [body] = [n for n in page.root.iter() if "data-pagefind-body" in n.attrs]
        assert body.tag == "article" and "story" in body.classes, rel
        assert body.find("h1").clean_text() == page.root.find("h1").clean_text()
        # The share controls and the neighbours' titles are not this article's text.
        ignored = [n for n in body.iter() if "data-pagefind-ignore" in n.attrs]
        assert {n.get("class") for n in ignored} == {"tools", "neighbours"} & {n.get("class") for n in body.iter()}
        related = page.root.find("section", cls="related")
        assert related is None or not any("data-pagefind-body" in n.attrs for n in related.iter())


def test_list_pages_are_not_search_results(sample_site):
    others = [page for rel, page in sample_site.pages.items() if not rel.startswith("news/")]
    assert len(others) > 20
    for page in others:
        assert not any("data-pagefind-body" in n.attrs for n in page.root.iter()), page.rel


def test_filters_are_the_section_province_and_jalali_year_the_article_shows(sample_site):
    in_year: dict[str, set[str]] = {}
    for rel, page in sample_site.pages.items():
        parts = rel.split("/")
        if parts[0] == "archive" and len(parts) in (3, 5) and parts[2] in ("index.html", "page"):
            links = {unquote(a.get("href")) for a in page.root.find("main").find_all("a")}
            in_year.setdefault(parts[1], set()).update(links)
    assert len(in_year) >= 5
    seen = {"section": set(), "province": set()}
    for rel, page in articles(sample_site).items():
        found = filters(page)
        [year] = found.pop("year")
        assert year.isdigit() and all("۰" <= c <= "۹" for c in year), (rel, year)  # Persian digits, as shown
        assert year in page.root.find("time").clean_text()
        assert "/" + rel.removesuffix("index.html") in in_year[to_latin_digits(year)], rel
        assert set(found) <= {"section", "province"}, rel
        meta = page.root.find("p", cls="meta")
        for key, values in found.items():
            shown = [a.clean_text() for a in meta.find_all("a") if a.get("data-pagefind-filter") == key]
            assert values == shown and all(values), (rel, key)
            seen[key].update(values)
    assert "قزوین" in seen["province"] and "استان‌ها" in seen["section"]


def test_the_date_is_result_metadata(sample_site):
    for rel, page in articles(sample_site).items():
        [date] = [n for n in page.root.iter() if n.get("data-pagefind-meta") == "date"]
        assert date.tag == "time" and date.clean_text(), rel


# ----------------------------------------------------------------------------- the search page


def test_every_page_links_to_the_search_page(sample_site, subpath_site):
    for site, prefix in ((sample_site, "/"), (subpath_site, "/akhbar/")):
        for rel, page in site.pages.items():
            if rel.startswith("fa/"):
                continue  # redirect pages
            header = page.root.find("header", cls="masthead")
            assert any(a.get("href") == prefix + "search/" and a.clean_text() == "جستجو" for a in header.find_all("a")), rel


def test_the_search_page_has_a_labelled_form_filters_and_a_message_without_javascript(sample_site, subpath_site):
    page = sample_site.page("search/index.html")
    assert page.root.find("h1").clean_text() == "جستجو"
    form = page.root.find("form", cls="search-form")
    assert "hidden" in form.attrs and form.get("role") == "search"  # shown by search.js
    assert form.get("data-bundle") == "/pagefind/pagefind.js" and form.get("data-base") == "/"
    assert form.get("data-digits") == "persian" and form.get("data-normalized") == "true"
    labels = {label.get("for"): label.clean_text() for label in form.find_all("label")}
    fields = form.find_all("input") + form.find_all("select")
    assert all(labels.get(f.get("id")) for f in fields), labels
    assert {s.get("data-filter"): labels[s.get("id")] for s in form.find_all("select")} == {
        "section": "سرویس", "province": "استان", "year": "سال"}
    [noscript] = page.root.find_all("noscript")
    assert "جاوااسکریپت" in noscript.clean_text() and noscript.find("a", href="/archive/")
    status = page.root.find("p", cls="search-status")
    assert status.get("data-none") == "نتیجه‌ای یافت نشد" and "{count}" in status.get("data-count")
    assert [s.get("src") for s in page.root.find_all("script") if s.get("src")] == ["/static/js/search.js"]
    sub = subpath_site.page("search/index.html").root.find("form", cls="search-form")
    assert sub.get("data-bundle") == "/akhbar/pagefind/pagefind.js" and sub.get("data-base") == "/akhbar/"


def test_search_js_loads_nothing_from_other_sites(sample_site):
    js = (sample_site.output / "static/js/search.js").read_text(encoding="utf-8")
    assert "import(" in js and "pagefind.search" in js and "innerHTML" not in js
    assert "https://" not in js and "http://" not in js


# ----------------------------------------------------------------------------- the bundle


def test_the_bundle_indexes_every_article_and_ships_only_what_search_js_uses(sample_site):
    bundle = sample_site.output / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["fa"]["page_count"] == len(articles(sample_site))
    assert (bundle / "pagefind.js").is_file() and (bundle / f"pagefind.{entry['languages']['fa']['hash']}.pf_meta").is_file()
    assert len(list((bundle / "fragment").iterdir())) == len(articles(sample_site))
    assert len(list((bundle / "filter").iterdir())) == 3  # section, province, year
    assert not list(bundle.glob("*ui*")) and not (bundle / "pagefind-highlight.js").exists()
    assert not [p for p in sample_site.output.parent.iterdir() if p.name.endswith(".search")], "scratch folder left"


def test_filter_values_are_stored_sorted(sample_site):
    for path in (sample_site.output / "pagefind/filter").iterdir():
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(SIGNATURE)
        # The values' texts appear in the file in the order of their UTF-8 bytes.
        texts = [t for t in _cbor_texts(raw[len(SIGNATURE):])][1:]
        assert texts == sorted(texts) and len(texts) >= 3, path.name


def _cbor_texts(buf: bytes) -> list[str]:
    """Every text string in a CBOR item made of arrays, unsigned integers and texts, in order."""
    texts, pos = [], 0
    while pos < len(buf):
        major, info = buf[pos] >> 5, buf[pos] & 31
        pos += 1
        arg = info
        if info >= 24:
            size = 1 << (info - 24)
            arg, pos = int.from_bytes(buf[pos:pos + size], "big"), pos + size
        if major == 3:
            texts.append(buf[pos:pos + arg].decode("utf-8"))
            pos += arg
    return texts


def test_a_bundle_of_an_unknown_layout_is_left_as_it_is():
    files = {"pagefind-entry.json": b'{"languages": {"fa": {"hash": "fa_0"}}}', "pagefind.js": b"//"}
    assert stable_bundle(files) == files  # its metadata file is missing: nothing is renamed


# ----------------------------------------------------------------------------- when the index is built


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "site")


def test_the_index_is_built_again_only_when_an_article_page_changed(project, tmp_path, pagefind_runs):
    config, output = load_config(project), tmp_path / "out"
    _, state, _ = build(config, output)
    assert len(pagefind_runs) == 1
    index = {p: p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()}

    css = project / "themes/default/static/css/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.x { color: red; }\n", encoding="utf-8")
    _, state, _ = build(config, output, state=state)
    assert len(pagefind_runs) == 1, "a stylesheet edit re-indexed the site"
    assert {p: p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()} == index

    path = project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nواژهٔ‌تازه‌ای به نام زمردفام در این خبر آمد.\n", encoding="utf-8")
    build(config, output, state=state)
    assert len(pagefind_runs) == 2
    fragments = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                 for p in (output / "pagefind/fragment").iterdir()]
    assert sum("زمردفام" in f for f in fragments) == 1


def index_files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()}


def test_a_build_may_leave_the_index_for_later_and_a_later_build_catches_up(project, tmp_path, pagefind_runs):
    """What `serve` does: rebuilds without the index while the editor works, then one that brings it up to date."""
    config, output = load_config(project), tmp_path / "out"
    _, state, _ = build(config, output)
    before = index_files(output)
    path = project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nواژهٔ زمردفام در این خبر آمد.\n", encoding="utf-8")

    _, state, explained = build(config, output, state=state, index_search=False)
    assert "news/lorestan-flood-bridges/index.html" in explained.rendered
    assert index_files(output) == before and len(pagefind_runs) == 1
    _, state, _ = build(config, output, state=state, index_search=False)  # still nothing to index with
    assert len(pagefind_runs) == 1

    build(config, output, state=state)
    assert len(pagefind_runs) == 2
    build(config, tmp_path / "full")
    assert index_files(output) == index_files(tmp_path / "full") != before


def test_an_index_build_stops_when_asked_and_writes_nothing(project, tmp_path, monkeypatch, tree_snapshot):
    config, output = load_config(project), tmp_path / "out"
    _, state, _ = build(config, output)
    before = tree_snapshot(output)
    path = project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nبند تازه.\n", encoding="utf-8")
    import pagefind_bin

    slow = _fake_pagefind(tmp_path, "sleep 60\n")
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: slow)
    asked = time.monotonic()
    with pytest.raises(akhbar.search.IndexCancelledError):
        build(config, output, state=state, cancelled=lambda: time.monotonic() - asked > 0.5)
    assert time.monotonic() - asked < 10, "Pagefind was not stopped"
    assert tree_snapshot(output) == before
    assert not (tmp_path / ".out.search").exists()
    monkeypatch.undo()
    _, _, explained = build(config, output, state=state)
    assert "news/lorestan-flood-bridges/index.html" in explained.rendered


def test_a_cancelled_build_stops_before_pagefind_too_and_the_next_build_catches_up(project, tmp_path, tree_snapshot):
    """`serve`'s index pass is cancelled by the editor's next save: it stops between stages, not only
    inside Pagefind, so the save's own rebuild does not wait for a whole build."""
    config, output = load_config(project), tmp_path / "out"
    _, state, _ = build(config, output)
    before = tree_snapshot(output)
    path = project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nبند تازه.\n", encoding="utf-8")
    asked = []
    with pytest.raises(akhbar.search.IndexCancelledError):
        build(config, output, state=state, cancelled=lambda: asked.append(1) or True)
    assert len(asked) == 1  # the first stage boundary, right after reading
    assert tree_snapshot(output) == before
    _, _, explained = build(config, output, state=state)
    assert "news/lorestan-flood-bridges/index.html" in explained.rendered
    build(config, tmp_path / "full")
    assert tree_snapshot(output).keys() == tree_snapshot(tmp_path / "full").keys()


def _fake_pagefind(folder: Path, script: str) -> Path:
    path = folder / "pagefind"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.skipif(os.name != "posix", reason="the stand-in Pagefind is a shell script")
def test_a_failing_pagefind_is_a_problem_and_the_output_stays(project, cli, tmp_path, monkeypatch, tree_snapshot):
    assert cli("--root", project, "build").code == 0
    before = tree_snapshot(project / "output")
    path = project / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nبند تازه.\n", encoding="utf-8")
    broken = _fake_pagefind(tmp_path, 'echo "Error: the disk is full" >&2\nexit 3\n')
    import pagefind_bin

    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: broken)
    run = cli("--root", project, "build")
    assert run.code == 1
    assert run.problem_lines[0] == "pagefind/: search index: Pagefind failed (exit status 3): Error: the disk is full"
    assert "Traceback" not in run.err and run.out == ""
    assert tree_snapshot(project / "output") == before
    assert not (project / ".output.search").exists()


def test_a_missing_pagefind_binary_is_a_problem(project, cli, monkeypatch):
    import pagefind_bin

    def missing():
        raise FileNotFoundError("no binary")

    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    run = cli("--root", project, "build")
    assert run.code == 1
    assert run.problem_lines[0] == "pagefind/: search index: the Pagefind binary is missing; install it with pip install pagefind-bin"


def test_a_site_without_articles_builds_without_an_index(tmp_path, small_project, cli):
    root = small_project(tmp_path / "p", {})
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    assert (root / "output/search/index.html").is_file() and not (root / "output/pagefind").exists()


def test_serve_reloads_first_and_brings_the_index_up_to_date_once_edits_pause(project):
    from live_server import LiveServer

    def indexed(word: str) -> bool:
        return any(word in gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                   for p in (project / "output/pagefind/fragment").iterdir())

    with LiveServer(project) as server:
        assert indexed("اطلاع‌رسانی") and not indexed("زمردفام")
        path = project / ARTICLE
        path.write_text(path.read_text(encoding="utf-8") + "\nواژهٔ زمردفام در این خبر آمد.\n", encoding="utf-8")
        server.wait_rebuilds(2)
        server.wait_for(r"^search index updated in \d+\.\d+ s$", timeout=30)
        lines = server.stdout.splitlines()
        assert [i for i, line in enumerate(lines) if line.startswith("rebuilt in")][-1] < \
               [i for i, line in enumerate(lines) if line.startswith("search index updated")][0]
        assert indexed("زمردفام")


def test_a_large_archive_is_indexed_in_parts_of_calendar_blocks(monkeypatch) -> None:
    """Pagefind holds every page it indexes in memory: past SHARD_PAGES pages the index comes in parts.
    A block of the calendar (64 years, 32, …, a year, its halves, its seasons, a month) too large for one
    part is cut into the next smaller blocks; the newest part is the main bundle, older ones are named
    for the months they hold."""
    from akhbar import search

    monkeypatch.setattr(search, "SHARD_PAGES", 10)
    months = ([(1392, 5)] * 3 + [(1393, 2)] * 4  # 1392–1393: 7 pages, a 2-year block that fits
              + [(1394, 1)] * 2 + [(1395, 12)] * 2  # 1394–1395 also fits
              + [(1397, m) for m in range(1, 13)]  # 1396–1397: 12 > 10, so 1397 alone: 12, its halves: 6 each
              + [(1398, 2)] * 6 + [(1398, 8)] * 5)  # 1398: 11 > 10, its halves fit
    named = search.parts(months)
    assert sorted(set(named.values()), reverse=True) == [  # (the search page lists them so, newest first)
        "pagefind/1398-02/",  # the first half of 1398, which has news in Ordibehesht only
        "pagefind/1397-07-1397-12/", "pagefind/1397-01-1397-06/", "pagefind/1394-1395/", "pagefind/1392-1393/",
        "pagefind/"]
    assert named[(1398, 8)] == "pagefind/" and named[(1398, 2)] == "pagefind/1398-02/"
    assert named[(1393, 2)] == named[(1392, 5)] == "pagefind/1392-1393/"  # named for the years it holds
    assert all(named[(1397, m)] == "pagefind/1397-01-1397-06/" for m in range(1, 7))
    # A season too large for a part is cut into its months, each a part, even one month over the limit.
    spring = [(1400, 1)] * 4 + [(1400, 2)] * 4 + [(1400, 3)] * 11
    assert search.parts(months + spring)[(1400, 3)] == "pagefind/"
    assert {search.parts(months + spring)[(1400, m)] for m in (1, 2)} == {"pagefind/1400-01/", "pagefind/1400-02/"}
    assert search.parts([(1403, 1)] * 4 + [(1380, 7)] * 6) == {(1403, 1): "pagefind/", (1380, 7): "pagefind/"}  # ≤ 10
    assert search.parts(list(reversed(months))) == named  # the order articles come in does not matter
    for rel, part in (("pagefind/1392-1393/fragment/x.pf_fragment", "pagefind/1392-1393/"),
                      ("pagefind/1397-01-1397-06/pagefind.js", "pagefind/1397-01-1397-06/"),
                      ("pagefind/1400-02/index/a.pf_index", "pagefind/1400-02/"),
                      ("pagefind/1397/pagefind.js", "pagefind/1397/"),
                      ("pagefind/fragment/x.pf_fragment", "pagefind/"), ("pagefind/pagefind.js", "pagefind/")):
        assert search.shard_of(rel) == part


def _members(named: dict) -> dict[str, frozenset]:
    by_part: dict[str, set] = {}
    for month, part in named.items():
        by_part.setdefault(part, set()).add(month)
    return {part: frozenset(months) for part, months in by_part.items()}


_month = st.tuples(st.integers(1393, 1400), st.integers(1, 12))  # mostly a few pages a month: SHARD_PAGES is 10
_archive = st.lists(_month, min_size=11, max_size=150)


@given(_archive, st.integers(1, 30))
def test_news_added_to_the_newest_month_changes_only_the_newest_part(months, added) -> None:
    """Every part but the newest keeps its name and its months: `serve` and `build` re-index only the newest."""
    from akhbar import search

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_PAGES", 10)
        before = _members(search.parts(months))
        after = _members(search.parts(months + [max(months)] * added))
    old_newest = before.pop(search.BUNDLE)
    for part, members in before.items():
        assert after.get(part) == members, part
    # What the old newest part held is in new parts alone: it split at most.
    assert all(m.isdisjoint(old_newest) or m <= old_newest for m in after.values())


@given(_archive, st.data())
def test_a_re_dated_article_changes_only_the_parts_of_its_two_months_or_one_block(months, data) -> None:
    """Moving one article from month a to month b: the parts holding a and b change; others only when a
    calendar block around a or b crossed the limit and was cut anew, and then inside that block alone."""
    from akhbar import search

    a = data.draw(st.sampled_from(months))
    b = data.draw(_month)
    moved = list(months)
    moved.remove(a)
    moved.append(b)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_PAGES", 10)
        before, after = search.parts(months), search.parts(moved)
        now = _members(after)
        joined = now[after[b]] - {b}  # the part b is in now held these months before
        untouched = {p for p, m in _members(before).items()
                     if a not in m and p != search.BUNDLE and m != joined and now.get(p) != m}
        if untouched:
            counts_before, counts_after = Counter(months), Counter(moved)

            def block_pages(counts: Counter, start: int, span: int) -> int:
                return sum(c for (y, mo), c in counts.items() if start <= y * 12 + mo - 1 < start + span)

            # Some block holding a or b crossed the limit; every changed part lies inside such a block.
            crossed = [(span, (y * 12 + mo - 1) // span * span) for span in search.SPANS for (y, mo) in (a, b)
                       if (block_pages(counts_before, (y * 12 + mo - 1) // span * span, span) > 10)
                       != (block_pages(counts_after, (y * 12 + mo - 1) // span * span, span) > 10)]
            assert crossed, untouched
            for part in untouched:
                assert any(all(start <= y * 12 + mo - 1 < start + span for (y, mo) in _members(before)[part])
                           for span, start in crossed), part
