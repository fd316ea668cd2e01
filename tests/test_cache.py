"""The build cache and parallel builds: whatever path a build takes, the output is the same bytes.

A cold build, a warm rebuild from `.cache/`, a single-process run and a run over forked workers must
write identical trees; a torn or corrupt cache is ignored (the build starts cold), never trusted.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest

import akhbar.normalize
import akhbar.pages
import akhbar.pipeline
import akhbar.sources
from akhbar import cache


def contents(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def forking(monkeypatch):
    """Send even the small sample site through the worker pools (reading and rendering), the renderers
    replaced by fresh ones every few chunks."""
    monkeypatch.setattr(akhbar.sources, "PARALLEL_FROM", 1)
    monkeypatch.setattr(akhbar.pages, "PARALLEL_FROM", 1)
    monkeypatch.setattr(akhbar.sources, "CHUNK", 3)
    monkeypatch.setattr(akhbar.pages, "CHUNK", 7)
    monkeypatch.setattr(akhbar.pages, "WAVE", 30)


def test_cold_warm_single_process_and_parallel_builds_write_the_same_bytes(project, tmp_path, cli, forking):
    single, parallel = tmp_path / "single", tmp_path / "parallel"
    assert cli("--root", project, "build", "--output", single, "--no-cache", "--jobs", "1").code == 0
    run = cli("--root", project, "build", "--output", parallel, "--no-cache", "--jobs", "2")
    assert run.code == 0, run.err
    cold = contents(single)
    assert len(cold) > 100
    assert contents(parallel) == cold

    # Warm: the cache written by the last run, an output folder with nothing in it yet to trust.
    warm = tmp_path / "warm"
    run = cli("--root", project, "build", "--output", warm, "--jobs", "2", "--explain")
    assert run.code == 0, run.err
    assert contents(warm) == cold
    assert "site settings changed" in run.out  # another output folder: every page rendered, nothing re-read
    assert "read again (0)" in run.out

    run = cli("--root", project, "build", "--output", warm, "--explain")
    assert run.code == 0, run.err
    assert "why: nothing changed" in run.out and "(0 written, 0 removed)" in run.out
    assert contents(warm) == cold


def test_a_warm_rebuild_after_edits_matches_a_cold_build_of_the_same_content(project, tmp_path, cli, forking):
    out = tmp_path / "out"
    assert cli("--root", project, "build", "--output", out).code == 0
    body_edit = project / "content/1399/covid-19-public-transport.md"
    body_edit.write_text(body_edit.read_text(encoding="utf-8") + "\nبندی تازه با كتاب ها.\n", encoding="utf-8")
    tag_edit = project / "content/1397/qazvin-roads-council.md"
    text = tag_edit.read_text(encoding="utf-8")
    assert "\ntags: [" in text
    tag_edit.write_text(text.replace("\ntags: [", "\ntags: [برچسب تازه, ", 1), encoding="utf-8")
    (project / "content/1396/kerman-rural-roads.md").unlink()
    run = cli("--root", project, "build", "--output", out, "--explain")
    assert run.code == 0, run.err
    assert "read again (2)" in run.out
    cold = tmp_path / "cold"
    assert cli("--root", project, "build", "--output", cold, "--no-cache", "--jobs", "1").code == 0
    assert contents(out) == contents(cold)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_corrupt_cache_is_ignored_and_the_build_still_matches(project, tmp_path, cli, damage):
    out, cold = tmp_path / "out", tmp_path / "cold"
    assert cli("--root", project, "build", "--output", cold, "--no-cache").code == 0
    assert cli("--root", project, "build", "--output", out).code == 0
    for path in (cache.cache_file(project), cache.cache_dir(project) / "hazm.pickle"):
        assert path.is_file(), f"{path.name} should have been written by the build"
        data = bytearray(path.read_bytes())
        if damage == "flip":
            data[len(data) // 2] ^= 0xFF
        elif damage == "truncate":
            del data[len(data) // 3 :]
        else:
            data[:] = b"not a cache at all"
        path.write_bytes(bytes(data))
        assert cache.load(path) is None
    article = sorted((project / "content").rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nیک بند دیگر می شود.\n", encoding="utf-8")
    run = cli("--root", project, "build", "--output", out, "--explain")
    assert run.code == 0, run.err
    assert "no cache: everything is built" in run.out
    fresh = tmp_path / "fresh"
    assert cli("--root", project, "build", "--output", fresh, "--no-cache").code == 0
    assert contents(out) == contents(fresh)
    assert cache.load(cache.cache_file(project)) is not None  # rewritten whole


def test_a_no_op_build_does_not_rewrite_the_cache(project, tmp_path, cli):
    out = tmp_path / "out"
    assert cli("--root", project, "build", "--output", out).code == 0
    state = cache.cache_file(project)
    before = state.stat().st_mtime_ns, state.stat().st_ino
    run = cli("--root", project, "build", "--output", out, "--explain")
    assert "why: nothing changed" in run.out
    assert (state.stat().st_mtime_ns, state.stat().st_ino) == before


def test_a_page_changed_by_hand_is_repaired_even_when_no_source_changed(project, tmp_path, cli):
    out = tmp_path / "out"
    assert cli("--root", project, "build", "--output", out).code == 0
    good = contents(out)
    (out / "index.html").write_text("vandalized", encoding="utf-8")
    (out / "stray.html").write_text("left by hand", encoding="utf-8")
    run = cli("--root", project, "build", "--output", out, "--explain")
    assert run.code == 0, run.err
    assert "nothing changed" not in run.out
    assert contents(out) == good


def bodies(project: Path) -> list[Path]:
    return sorted((cache.cache_dir(project) / "bodies").rglob("*.html"))


@pytest.mark.parametrize("damage", ["delete", "flip", "swap"])
@pytest.mark.parametrize("way", ["in-place", "staged"])
def test_a_damaged_body_in_the_store_is_never_published(project, tmp_path, cli, damage, way, monkeypatch, forking):
    """Rendered bodies live in `.cache/bodies/`, not in the state: one missing, altered, or holding another
    article's text is found when a page needs it, and the build starts over from the sources. So too when
    the rebuild stages a new tree and renders in forked workers (as it does once many pages change)."""
    if way == "staged":
        monkeypatch.setattr(akhbar.pipeline, "IN_PLACE_MAX", 0)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert cli("--root", project, "build", "--output", out).code == 0
    stored = bodies(project)
    articles = len(list((project / "content").rglob("*.md")))
    assert len(stored) >= articles - 2  # one body per article (a few may be identical or drafts)
    for path in stored:
        if damage == "delete":
            path.unlink()
        elif damage == "flip":
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0x01
            path.write_bytes(bytes(data))
        else:
            path.write_bytes(stored[0].read_bytes() if path != stored[0] else stored[1].read_bytes())
    # Every article page must be rendered again, so every body is read.
    template = project / "themes/default/templates/article.html"
    text = template.read_text(encoding="utf-8")
    assert '<div class="body">' in text
    template.write_text(text.replace('<div class="body">', '<div class="body"><!-- changed -->'), encoding="utf-8")
    run = cli("--root", project, "build", "--output", out, "--explain")
    assert run.code == 0, run.err
    assert "a cached body was damaged: everything is built" in run.out
    assert cli("--root", project, "build", "--output", fresh, "--no-cache").code == 0
    assert contents(out) == contents(fresh)
    assert "<!-- changed -->" in next(out.glob("news/*/index.html")).read_text(encoding="utf-8")


def test_the_state_holds_no_article_text_and_the_store_keeps_only_live_bodies(project, tmp_path, cli):
    out = tmp_path / "out"
    stray = cache.cache_dir(project) / "bodies" / "00" / ("0" * 32 + ".html")
    stray.parent.mkdir(parents=True)
    stray.write_text("<p>an article deleted long ago</p>", encoding="utf-8")
    assert cli("--root", project, "build", "--output", out).code == 0
    assert not stray.exists()  # a cold build clears the store of what no article has
    state = cache.cache_file(project).read_bytes()
    page = (out / "news/nowruz-road-safety/index.html").read_text(encoding="utf-8")
    body = page.split('<div class="body">', 1)[1]
    sentence = max(re.findall(r"<p>([^<]+)</p>", body), key=len)  # the body's longest paragraph without markup
    assert len(sentence) > 40, sentence
    assert sentence.encode() not in state  # the body's text is in the store only
    assert any(sentence.encode() in p.read_bytes() for p in bodies(project))

    # An edit adds the new body; the old one stays until enough have gone stale to be worth a listing.
    article = project / "content/1399/covid-19-public-transport.md"
    before = set(bodies(project))
    article.write_text(article.read_text(encoding="utf-8") + "\nیک بند تازه.\n", encoding="utf-8")
    assert cli("--root", project, "build", "--output", out).code == 0
    assert len(set(bodies(project)) - before) == 1
    assert cli("--root", project, "build", "--output", out, "--no-cache").code == 0
    assert len(bodies(project)) == len(before)  # the stale one is gone after a cold build


def test_a_build_with_nothing_to_do_needs_only_the_summary_and_notices_every_change(project, tmp_path, cli):
    """`build` first compares the files with the small summary the last build left; only when something
    differs does it load the state. Whatever changed, that look must not miss it."""
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert cli("--root", project, "build", "--output", out).code == 0
    state = cache.cache_file(project)
    kept = state.read_bytes()
    state.write_bytes(b"not loaded by a build with nothing to do")
    run = cli("--root", project, "build", "--output", out, "--explain")
    assert run.code == 0 and "why: nothing changed" in run.out, run.out
    state.write_bytes(kept)

    article = project / "content/1399/covid-19-public-transport.md"
    photo = next((project / "content").rglob("*.jpg"))
    changes = {
        "an article edited, same size": lambda: article.write_text(
            article.read_text(encoding="utf-8").replace("ا", "آ", 1), encoding="utf-8"),
        "an article added": lambda: (project / "content/1403/new.md").write_text(
            '---\ntitle: "خبر تازه"\ndate: 1403-06-01 08:00\n---\nمتن خبر تازه.\n', encoding="utf-8"),
        "an article deleted": lambda: (project / "content/1403/new.md").unlink(),
        "a photo replaced": lambda: os.utime(photo, ns=(1, 1)),
        "a template edited": lambda: (project / "themes/default/templates/404.html").write_text(
            (project / "themes/default/templates/404.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        "a theme file edited": lambda: (project / "themes/default/static/css/site.css").write_text(
            (project / "themes/default/static/css/site.css").read_text(encoding="utf-8") + "\n", encoding="utf-8"),
        "the settings edited": lambda: (project / "site_config.toml").write_text(
            (project / "site_config.toml").read_text(encoding="utf-8").replace("page_size = 10", "page_size = 9"),
            encoding="utf-8"),
        "an output page deleted": lambda: (out / "404.html").unlink(),
        "an output page changed by hand": lambda: (out / "index.html").write_text("x", encoding="utf-8"),
        "a file added to the output": lambda: (out / "stray.html").write_text("x", encoding="utf-8"),
    }
    for name, change in changes.items():
        change()
        run = cli("--root", project, "build", "--output", out, "--explain")
        assert run.code == 0, (name, run.err)
        assert "why: nothing changed" not in run.out, name
        assert "why: nothing changed" in cli("--root", project, "build", "--output", out, "--explain").out, name
    assert cli("--root", project, "build", "--output", fresh, "--no-cache").code == 0
    assert contents(out) == contents(fresh)


@pytest.mark.parametrize("staged", [False, True], ids=["in-place", "staged"])
def test_a_rebuild_reads_only_what_the_summary_shows_changed_even_after_a_check(project, tmp_path, cli, forking,
                                                                              monkeypatch, staged):
    """What the first look at the files listed is what the build works from: the articles whose stamps
    differ from the state (one `check` already read is not read again), new and deleted ones, and an output
    changed by hand (listed again, in a thread that must be gone before the renderers fork). The result is
    the bytes of a clean build."""
    if staged:
        monkeypatch.setattr(akhbar.pipeline, "IN_PLACE_MAX", 0)
    out, fresh = project / "output", tmp_path / "fresh"  # (the output `check` looks at)
    assert cli("--root", project, "build").code == 0
    checked = project / "content/1399/covid-19-public-transport.md"
    checked.write_text(checked.read_text(encoding="utf-8") + "\nبند تازه.\n", encoding="utf-8")
    assert cli("--root", project, "check").code == 0  # its state has read this edit; the output has not got it
    edited = project / "content/1401/tehran-shomal-freeway-tunnel.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nبند دیگر.\n", encoding="utf-8")
    (project / "content/1403/new.md").write_text(
        '---\ntitle: "خبر تازه"\ndate: 1403-06-01 08:00\n---\nمتن خبر تازه.\n', encoding="utf-8")
    (project / "content/1398/lorestan-flood-bridges.md").unlink()
    (out / "404.html").write_text("x", encoding="utf-8")
    (out / "robots.txt").write_text("x", encoding="utf-8")  # (a file no change of the articles renders again)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = cli("--root", project, "build", "--explain")
    assert run.code == 0, run.err
    assert "why: incremental" in run.out, run.out
    # The output changed by hand is listed again in a thread, which must be gone before anything forks: a
    # process forked while it has other threads can leave the child waiting forever on a lock one held.
    assert not [w for w in caught if "multi-threaded" in str(w.message)]
    read = re.search(r"read again \((\d+)\):\n((?:  .*\n)*)", run.out)
    assert read and sorted(read.group(2).split()) == ["content/1401/tehran-shomal-freeway-tunnel.md",
                                                      "content/1403/new.md"], run.out
    assert "content/1398/lorestan-flood-bridges.md" in run.out.split("removed", 1)[1], run.out
    assert cli("--root", project, "build", "--output", fresh, "--no-cache").code == 0
    assert contents(out) == contents(fresh)


def test_a_checkout_that_gives_every_article_a_new_mtime_renders_only_the_changed_one(project, tmp_path, cli,
                                                                                     forking):
    """CI restores `.cache/` into a fresh clone: every article file has a new mtime and, but for the commit's
    own edit, the same text. The workers that read the files compare the texts with the cached entries and
    render only the edited body again; with `output/` not kept either, the pages come from cached bodies."""
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert cli("--root", project, "build", "--output", out).code == 0
    articles = sorted((project / "content").rglob("*.md"))
    assert len(articles) > 20
    edited = project / "content/1401/tehran-shomal-freeway-tunnel.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nبند تازه.\n", encoding="utf-8")
    for checkout, at in (("output kept", 2_000_000_000), ("output not kept", 2_000_000_100)):
        for article in articles:
            os.utime(article, (at, at))
        if checkout == "output not kept":
            shutil.rmtree(out)
        run = cli("--root", project, "build", "--output", out, "--jobs", "2", "--explain")
        assert run.code == 0, run.err
        assert "why: incremental" in run.out, run.out
        read = re.search(r"read again \((\d+)\):\n((?:  .*\n)*)", run.out)
        expected = ["content/1401/tehran-shomal-freeway-tunnel.md"] if checkout == "output kept" else []
        assert read and read.group(2).split() == expected, (checkout, run.out)
    assert cli("--root", project, "build", "--output", fresh, "--no-cache", "--jobs", "1").code == 0
    assert contents(out) == contents(fresh)


def test_a_check_on_a_fresh_checkout_leaves_the_build_nothing_to_read(project, cli, forking, monkeypatch):
    """CI runs `make check` before `make build`: the check compares the newly stamped files with the cache
    over its workers without loading hazm (no text changed, nothing to normalize), and the build after it
    opens none of them."""
    assert cli("--root", project, "build").code == 0
    for article in (project / "content").rglob("*.md"):
        os.utime(article, (2_000_000_000, 2_000_000_000))
    loaded: list[str] = []
    real_saved = akhbar.normalize.TextNormalizer._saved

    def saved(self, name, make):  # noqa: ANN001, ANN202
        loaded.append(name)
        return real_saved(self, name, make)

    monkeypatch.setattr(akhbar.normalize.TextNormalizer, "_saved", saved)
    run = cli("--root", project, "check", "--jobs", "2")
    assert run.code == 0, run.err
    assert "(0 read, 0 pages rendered)" in run.out, run.out
    assert loaded == []  # (the normalizer's parts load through `_saved`, hazm's first)
    opened: list[str] = []
    real_open, content = open, str(project / "content")

    def spy(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if str(file).startswith(content):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr("io.open", spy)
    run = cli("--root", project, "build", "--jobs", "1", "--explain")
    assert run.code == 0, run.err
    assert "read again (0)" in run.out and "pages rendered (0)" in run.out, run.out
    assert opened == []


def test_forked_rendering_goes_in_bounded_waves_and_the_parent_renders_a_sitemap_sized_page():
    """Each set of forked renderers shows about `WAVE` articles (it copies what it touches of the parent's
    memory); every page is rendered once, in order; a page showing more than a wave (a sitemap) is the
    parent's own."""
    from akhbar.model import Pager, PageSpec
    from akhbar.pages import CHUNK, WAVE, _shown, _waves

    def article() -> PageSpec:
        return PageSpec("a", "article.html", {"page_url": "a"})

    def listing(n: int) -> PageSpec:
        return PageSpec("l", "list.html", {"pager": Pager(1, 1, tuple(range(n)), "l", None, None, ())})

    sitemap = PageSpec("sitemap.xml", "sitemap.xml", {"entries": tuple(range(WAVE * 3))})
    specs = [article()] * (WAVE * 2 + 5) + [listing(20)] * 1000 + [sitemap, article(), sitemap] + [listing(3)] * 70
    plan = list(_waves(specs))
    order = [i for w in plan for i in ([w] if isinstance(w, int) else [j for chunk in w for j in chunk])]
    assert order == list(range(len(specs)))
    alone = [w for w in plan if isinstance(w, int)]
    assert [specs[i] for i in alone] == [sitemap, sitemap]
    waves = [w for w in plan if not isinstance(w, int)]
    assert len(waves) > 6
    for wave in waves:
        assert all(len(chunk) <= CHUNK for chunk in wave)
        assert sum(_shown(specs[j]) for chunk in wave for j in chunk) < WAVE + CHUNK * 20
