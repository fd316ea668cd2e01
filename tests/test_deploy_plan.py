"""The deploy plan: manifest diff, phase order, the delete switch, Content-Type and Cache-Control.

Pure functions; the names below are those the sample site's build writes (checked against a real build
at the end, so a new kind of file the build starts writing cannot slip through unclassified)."""

from __future__ import annotations

import pytest

from akhbar.deploy_plan import (
    ASSETS,
    DELETIONS,
    FEEDS,
    IMMUTABLE,
    OCTETS,
    PAGES,
    SHORT,
    apply,
    cache_control,
    content_type,
    is_fingerprinted,
    manifest_bytes,
    parse_manifest,
    phase_of,
    plan_deploy,
)

SITE = {
    "index.html": "h1",
    "news/a/index.html": "h2",
    "tags/%D9%85/index.html": "h3",
    "static/css/site.css": "c1",
    "static/js/search.js": "j1",
    "static/fonts/Vazirmatn-NL-Regular.woff2": "f1",
    "images/3842a9d7705328565c67-640.webp": "i1",
    "images/3842a9d7705328565c67-og.jpg": "i2",
    "pagefind/pagefind-entry.json": "p1",
    "pagefind/pagefind.js": "p2",
    "pagefind/fragment/fa_1c8ff45.pf_fragment": "p3",
    "pagefind/pagefind.fa_d2ba9e3eec.pf_meta": "p4",
    "feed.xml": "x1",
    "tags/m/feed.xml": "x2",
    "sitemap.xml": "x3",
    "sitemap-1.xml": "x4",
    "robots.txt": "r1",
}


def test_first_deploy_uploads_everything_assets_then_pages_then_feeds():
    plan = plan_deploy(SITE, {}, delete=True)
    assert [p.name for p in plan.phases] == [ASSETS, PAGES, FEEDS]
    assert sorted(plan.uploads) == sorted(SITE)
    assert plan.new == frozenset(SITE)
    assert (plan.unchanged, plan.deletions, plan.kept) == (0, (), ())
    assets, pages, feeds = (p.files for p in plan.phases)
    assert set(pages) == {"index.html", "news/a/index.html", "tags/%D9%85/index.html"}
    assert set(feeds) == {"feed.xml", "tags/m/feed.xml", "sitemap.xml", "sitemap-1.xml", "robots.txt"}
    # files named by their content go first, so Pagefind's entry file never names a piece not yet there
    assert assets.index("pagefind/pagefind.fa_d2ba9e3eec.pf_meta") < assets.index("pagefind/pagefind-entry.json")
    assert all(is_fingerprinted(f) for f in assets[:4]) and not any(is_fingerprinted(f) for f in assets[4:])
    # robots.txt names the sitemap, the sitemap index its parts
    assert feeds[-1] == "robots.txt"
    assert feeds.index("sitemap-1.xml") < feeds.index("sitemap.xml")


def test_only_changed_and_new_files_are_uploaded():
    remote = dict(SITE)
    local = dict(SITE, **{"news/a/index.html": "h2-new", "news/b/index.html": "h9", "feed.xml": "x1-new"})
    plan = plan_deploy(local, remote, delete=False)
    assert [(p.name, p.files) for p in plan.phases] == [
        (PAGES, ("news/a/index.html", "news/b/index.html")), (FEEDS, ("feed.xml",))]
    assert plan.new == {"news/b/index.html"}
    assert plan.unchanged == len(SITE) - 2


def test_nothing_changed_means_no_phase():
    plan = plan_deploy(SITE, dict(SITE), delete=True)
    assert (plan.phases, plan.unchanged) == ((), len(SITE))


@pytest.mark.parametrize("delete", [True, False])
def test_files_gone_from_output_are_deleted_last_only_with_delete(delete):
    local = {k: v for k, v in SITE.items() if k not in ("news/a/index.html", "pagefind/fragment/fa_1c8ff45.pf_fragment")}
    local["pagefind/fragment/fa_9ae4d5b.pf_fragment"] = "p9"
    plan = plan_deploy(local, SITE, delete=delete)
    gone = ("news/a/index.html", "pagefind/fragment/fa_1c8ff45.pf_fragment")
    if delete:
        assert [p.name for p in plan.phases] == [ASSETS, DELETIONS]
        assert plan.deletions == gone and plan.kept == ()
    else:
        assert [p.name for p in plan.phases] == [ASSETS]
        assert plan.deletions == () and plan.kept == gone


def test_apply_records_uploads_and_deletions():
    local = dict(SITE, **{"index.html": "h1-new"})
    after = apply({"index.html": "h1", "old.html": "o"}, local, ["index.html", "feed.xml"], ["old.html"])
    assert after == {"index.html": "h1-new", "feed.xml": "x1"}


def test_manifest_round_trip_is_deterministic():
    data = manifest_bytes(SITE)
    assert data == manifest_bytes(dict(reversed(SITE.items())))
    assert parse_manifest(data) == SITE


@pytest.mark.parametrize("data", [
    b"not json", b"\xff\xfe", b"[]", b'{"format": 2, "files": {}}', b'{"format": 1, "files": {"a": 1}}',
    b'{"format": 1, "files": {"../etc/passwd": "x"}}', b'{"format": 1, "files": {"/abs": "x"}}',
    b'{"format": 1, "files": {"a//b": "x"}}', b'{"format": 1, "files": {"a/./b": "x"}}',
])
def test_a_manifest_akhbar_did_not_write_is_refused(data):
    assert parse_manifest(data) is None


@pytest.mark.parametrize(("rel", "ctype"), [
    ("index.html", "text/html; charset=utf-8"),
    ("fa/news/64048/index.html", "text/html; charset=utf-8"),
    ("feed.xml", "application/atom+xml"),
    ("tags/m/feed.xml", "application/atom+xml"),
    ("rss.xml", "application/rss+xml"),
    ("sitemap.xml", "application/xml"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("static/css/site.css", "text/css; charset=utf-8"),
    ("static/js/share.js", "text/javascript; charset=utf-8"),
    ("static/fonts/Vazirmatn-NL-Bold.woff2", "font/woff2"),
    ("static/fonts/OFL.txt", "text/plain; charset=utf-8"),
    ("images/3842a9d7705328565c67-640.webp", "image/webp"),
    ("images/3842a9d7705328565c67-640.avif", "image/avif"),
    ("images/3842a9d7705328565c67-og.jpg", "image/jpeg"),
    ("images/1f469672fad24fbfcb49-320.png", "image/png"),
    ("pagefind/pagefind-entry.json", "application/json"),
    ("pagefind/fragment/fa_1c8ff45.pf_fragment", OCTETS),
    ("pagefind/wasm.unknown.pagefind", OCTETS),
])
def test_content_types(rel, ctype):
    assert content_type(rel) == ctype


@pytest.mark.parametrize(("rel", "fingerprinted"), [
    ("images/3842a9d7705328565c67-640.webp", True),
    ("images/3842a9d7705328565c67-og.jpg", True),
    ("pagefind/fragment/fa_1c8ff45.pf_fragment", True),
    ("pagefind/index/fa_2a3b4c5d6e.pf_index", True),
    ("pagefind/filter/fa_21c18a6d72.pf_filter", True),
    ("pagefind/pagefind.fa_d2ba9e3eec.pf_meta", True),
    # fixed names: the theme links static/css/site.css as it is, so a new version has the same address
    ("static/css/site.css", False),
    ("static/js/search.js", False),
    ("static/fonts/Vazirmatn-NL-Regular.woff2", False),
    ("pagefind/pagefind.js", False),
    ("pagefind/pagefind-entry.json", False),
    ("pagefind/wasm.unknown.pagefind", False),
    ("index.html", False),
    ("news/deadbeefdeadbeef/index.html", False),
    ("feed.xml", False),
])
def test_only_files_named_by_their_content_are_immutable(rel, fingerprinted):
    assert is_fingerprinted(rel) is fingerprinted
    assert cache_control(rel) == (IMMUTABLE if fingerprinted else SHORT)


def test_cache_control_values():
    assert IMMUTABLE == "public, max-age=31536000, immutable"
    assert SHORT == "public, max-age=300"


def test_every_file_the_sample_build_writes_is_classified(sample_site):
    """A real build: each file gets a type of its own (no unknown extension but Pagefind's pieces), pages are
    HTML, feeds Atom, and every photo copy and Pagefind piece is immutable."""
    for rel in sample_site.files:
        ctype, phase = content_type(rel), phase_of(rel)
        if ctype == OCTETS:
            assert rel.startswith("pagefind/"), rel
        if rel.endswith(".html"):
            assert (phase, ctype) == (PAGES, "text/html; charset=utf-8"), rel
        elif rel.endswith("feed.xml"):
            assert (phase, ctype) == (FEEDS, "application/atom+xml"), rel
            assert sample_site.output.joinpath(rel).read_bytes().lstrip().startswith(b"<?xml")
            assert b"<feed" in sample_site.output.joinpath(rel).read_bytes()[:500]
        elif rel.startswith("sitemap") or rel == "robots.txt":
            assert phase == FEEDS, rel
        else:
            assert phase == ASSETS, rel
        if rel.startswith("images/") or rel.endswith((".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta")):
            assert cache_control(rel) == IMMUTABLE, rel
        else:
            assert cache_control(rel) == SHORT, rel
    # the pages reference the theme's files by fixed names: caching them a year would pin old versions
    assert "static/css/site.css" in sample_site.files
    assert any('href="/static/css/site.css"' in p.source for p in sample_site.pages.values())
