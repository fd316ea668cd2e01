"""The default theme in Debian's chromium, measured as a reader's phone shows it (issue #12, DESIGN.md).

The sample site plus one article with a Latin acronym in its prose is built into a temporary folder and
served over HTTP on 127.0.0.1; every figure below is read from the browser: computed styles, element
boxes, glyph boxes, pixels of the rendered arrow, and the bytes of the responses it really received.
"""

from __future__ import annotations

import io
import re
import shutil
from urllib.parse import quote, urlsplit

import pytest
from live_server import StaticHost
from test_accessibility import axe_source

from akhbar.cli import main

WHO_ARTICLE = """---
title: گزارش سازمان جهانی بهداشت دربارهٔ ایمنی جاده‌ها
date: 1403-01-20 09:30
section: حمل‌ونقل
tags: [ایمنی راه‌ها]
lead: سازمان جهانی بهداشت گزارش تازهٔ خود دربارهٔ ایمنی جاده‌ها را منتشر کرد.
---

سازمان WHO گزارش داد.

به گفتهٔ این سازمان، کاهش سرعت مجاز در محورهای پرتردد از مؤثرترین راه‌های کم کردن تلفات است.
"""
WHO_PAGE = "news/who-road-safety-report/"
PHOTO_ARTICLE = "news/nowruz-road-safety/"  # a lead photo and four photos in the body
PERSIAN = re.compile("[\u0600-\u06ff]")
# WCAG 2.2 success criterion 1.4.12, as its understanding document's bookmarklet applies it.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; }"""
KB, KIB = 1000, 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_site):
    """A copy of the sample project with the WHO article, built and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("theme") / "project"
    shutil.copytree(sample_site.root, root, symlinks=True)
    (root / "content" / "1403" / "who-road-safety-report.md").write_text(WHO_ARTICLE, encoding="utf-8")
    output = root.parent / "output"
    assert main(["--root", str(root), "build", "--output", str(output)]) == 0
    pages = {
        "home": "", "page 2": "page/2/", "article": PHOTO_ARTICLE, "who": WHO_PAGE,
        "tag": next(f"tags/{quote(p.parent.name)}/" for p in sorted((output / "tags").glob("*/index.html"))),
        "sections": "sections/", "archive": "archive/", "month": "archive/1403/01/", "search": "search/?q=%D8%B1%D8%A7%D9%87",
        "404": "no-such-page/",
    }
    with StaticHost(output) as host:
        yield host, pages


def open_page(browser, url: str, width: int = 360, scheme: str = "light", scale: float = 1):  # noqa: ANN001, ANN201
    page = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme,
                               device_scale_factor=scale).new_page()
    page.goto(url)
    page.evaluate("document.fonts.ready")
    return page


# ----------------------------------------------------------------------------- type


def test_article_body_text_is_at_least_16px_with_line_height_at_least_1_7(browser, site):
    host, pages = site
    page = open_page(browser, host.url + PHOTO_ARTICLE)
    sizes = page.evaluate("""[...document.querySelectorAll('.story .body p')].filter(p => p.textContent.trim())
        .map(p => { const s = getComputedStyle(p); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; })""")
    assert len(sizes) >= 3
    for font, line in sizes:
        assert font >= 16, sizes
        assert line >= 1.7 * font, sizes


@pytest.mark.parametrize("kind", ["home", "article", "who", "tag", "archive", "search"])
def test_no_letter_spacing_on_persian_text(browser, site, kind):
    host, pages = site
    page = open_page(browser, host.url + pages[kind])
    found = page.evaluate("""() => {
        const persian = /[\\u0600-\\u06ff]/, out = [];
        for (const el of document.body.querySelectorAll('*')) {
            const own = [...el.childNodes].some(n => n.nodeType === 3 && persian.test(n.data));
            if (own) out.push([el.tagName, getComputedStyle(el).letterSpacing, el.textContent.trim().slice(0, 30)]);
        }
        return out;
    }""")
    assert len(found) > 10, found
    spaced = [f for f in found if f[1] != "normal"]
    assert not spaced, spaced


# ----------------------------------------------------------------------------- reflow


@pytest.mark.parametrize("spacing", [False, True], ids=["plain", "wcag-text-spacing"])
@pytest.mark.parametrize("kind", ["home", "page 2", "article", "who", "tag", "sections", "archive", "month", "search", "404"])
def test_no_horizontal_scrolling_at_320px(browser, site, kind, spacing):
    host, pages = site
    page = open_page(browser, host.url + pages[kind], width=320)
    if spacing:
        page.add_style_tag(content=TEXT_SPACING)
    page.evaluate("document.fonts.ready")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{kind}: the page is {widths[0]} px wide in a {widths[1]} px window"


# ----------------------------------------------------------------------------- weight and privacy


@pytest.mark.parametrize("kind", ["home", "page 2", "article", "who", "tag", "sections", "archive", "month", "search", "404"])
def test_no_request_leaves_the_host(browser, site, kind):
    host, pages = site
    page = browser.new_context().new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(host.url + pages[kind])
    page.wait_for_load_state("networkidle")
    assert len(seen) >= 3, seen  # the page, its CSS and at least one font
    away = [u for u in seen if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"]
    assert not away, away


def test_fonts_css_and_an_article_stay_within_their_budgets(browser, site):
    host, _ = site
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    received: list[tuple[str, str, int]] = []

    def on_response(response) -> None:  # noqa: ANN001
        if response.status == 200:
            received.append((response.request.resource_type, response.url, len(response.body())))

    page.on("response", on_response)
    page.goto(host.url + PHOTO_ARTICLE)
    page.wait_for_load_state("networkidle")
    by_type: dict[str, int] = {}
    for kind, _, size in received:
        by_type[kind] = by_type.get(kind, 0) + size
    assert {"document", "stylesheet", "font"} <= set(by_type), received
    assert len([r for r in received if r[0] == "font"]) == 2, received  # two faces, Regular and Bold
    assert by_type["font"] <= 50 * KB, by_type
    assert by_type["stylesheet"] <= 50 * KB, by_type
    assert by_type["document"] + by_type["stylesheet"] + by_type["font"] <= 150 * KIB, by_type


# ----------------------------------------------------------------------------- colour schemes


def test_dark_scheme_changes_the_colours(browser, site):
    host, _ = site
    colours = {}
    for scheme in ("light", "dark"):
        page = open_page(browser, host.url + PHOTO_ARTICLE, scheme=scheme)
        colours[scheme] = page.evaluate("""['body', '.story h1', '.story .body p', '.story .meta', '.masthead']
            .map(s => { const c = getComputedStyle(document.querySelector(s)); return [c.color, c.backgroundColor]; })""")
    body_light, body_dark = colours["light"][0], colours["dark"][0]
    assert body_light[0] != body_dark[0] and body_light[1] != body_dark[1], colours
    assert sum(a != b for a, b in zip(colours["light"], colours["dark"], strict=True)) == len(colours["light"]), colours


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["home", "article", "tag", "archive", "search", "404"])
def test_axe_finds_no_contrast_problem(browser, site, kind, scheme):
    host, pages = site
    page = open_page(browser, host.url + pages[kind], width=390, scheme=scheme)
    page.add_script_tag(content=axe_source())
    report = page.evaluate("axe.run(document, {runOnly: ['color-contrast'], resultTypes: ['violations', 'passes']})")
    assert report["passes"], "axe checked no text for contrast"
    bad = [(n["target"], n["any"][0]["message"]) for v in report["violations"] for n in v["nodes"]]
    assert not bad, f"{kind} ({scheme}): {bad}"


# ----------------------------------------------------------------------------- right-to-left layout


def box(page, selector: str) -> dict:  # noqa: ANN001
    found = page.locator(selector)
    assert found.count() == 1, selector
    return found.bounding_box()


def test_pagination_runs_right_to_left(browser, site):
    host, _ = site
    page = open_page(browser, host.url + "page/2/", width=390)
    one = box(page, '.pagination ol a:text-is("۱")')
    two = box(page, '.pagination [aria-current="page"]')
    newer, older = box(page, '.pagination a[rel="prev"]'), box(page, '.pagination a[rel="next"]')
    assert one["x"] >= two["x"] + two["width"], (one, two)  # page 1 at the right of page 2
    assert newer["x"] >= one["x"] + one["width"], (newer, one)  # «قبلی» at the right end
    assert older["x"] + older["width"] <= two["x"], (older, two)  # «بعدی» at the left end
    home = open_page(browser, host.url, width=390)
    assert box(home, '.pagination [aria-current="page"]')["x"] > box(home, '.pagination ol a:text-is("۲")')["x"]


def pointing(png: bytes) -> str:
    """Which way a chevron in a screenshot points: its tip is the one ink column touching only the middle rows."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    w, h = image.size
    background = image.getpixel((0, 0))
    ink = [[abs(image.getpixel((x, y)) - background) > 60 for y in range(h)] for x in range(w)]
    columns = [x for x in range(w) if any(ink[x])]
    assert columns, "the arrow drew nothing"

    def spread(x: int) -> int:
        rows = [y for y in range(h) if ink[x][y]]
        return rows[-1] - rows[0]

    left, right = spread(columns[0]), spread(columns[-1])
    return "left" if left < right else "right"


def test_next_points_left_and_previous_points_right(browser, site):
    host, _ = site
    page = open_page(browser, host.url + "page/2/", width=390, scale=4)
    for rel, label, way in (("next", "بعدی", "left"), ("prev", "قبلی", "right")):
        link = page.locator(f'.pagination a[rel="{rel}"]')
        assert link.inner_text().strip() == label
        icon = link.locator("svg").bounding_box()
        text = page.evaluate("""rel => { const a = document.querySelector(`.pagination a[rel="${rel}"]`);
            const t = [...a.childNodes].find(n => n.nodeType === 3 && n.data.trim());
            const r = document.createRange(); r.selectNodeContents(t); const b = r.getBoundingClientRect();
            return {x: b.x, width: b.width}; }""", rel)
        if way == "left":
            assert icon["x"] + icon["width"] <= text["x"] + 1, (icon, text)  # the arrow leads, at the left
        else:
            assert icon["x"] >= text["x"] + text["width"] - 1, (icon, text)
        assert pointing(link.locator("svg").screenshot()) == way, rel


def test_breadcrumbs_read_right_to_left(browser, site):
    host, pages = site
    page = open_page(browser, host.url + pages["tag"], width=390, scale=4)
    items = page.locator(".breadcrumbs li")
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert items.nth(0).inner_text().strip() == "خانه" and len(boxes) == 3
    assert all(a["x"] > b["x"] for a, b in zip(boxes, boxes[1:], strict=False)), boxes
    assert pointing(items.nth(1).locator("svg").screenshot()) == "left"


def test_latin_run_keeps_the_full_stop_at_the_left_end(browser, site):
    host, _ = site
    page = open_page(browser, host.url + WHO_PAGE, width=390)
    found = page.evaluate("""() => {
        const p = [...document.querySelectorAll('.story .body p')].find(p => p.textContent.trim() === 'سازمان WHO گزارش داد.');
        if (!p) return null;
        const glyphs = [];
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            for (let i = 0; i < node.data.length; i++) {
                if (!node.data[i].trim()) continue;
                const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                const b = r.getBoundingClientRect();
                glyphs.push({ch: node.data[i], left: b.left, right: b.right, top: b.top});
            }
        }
        const who = p.querySelector('bdi');
        return {glyphs, isolated: who && who.textContent === 'WHO' && getComputedStyle(who).unicodeBidi};
    }""")
    assert found is not None, "the WHO paragraph is missing"
    assert found["isolated"] == "isolate", found["isolated"]
    glyphs = found["glyphs"]
    assert len({round(g["top"]) for g in glyphs}) == 1, "the sentence should fit on one line at 390 px"
    stop = [g for g in glyphs if g["ch"] == "."]
    others = [g for g in glyphs if g["ch"] != "."]
    assert len(stop) == 1
    assert stop[0]["right"] <= min(g["left"] for g in others) + 0.5, (stop, sorted(others, key=lambda g: g["left"])[:3])
    # and the Latin run reads left to right inside the Persian line: W left of H left of O
    latin = {g["ch"]: g["left"] for g in others if g["ch"] in "WHO"}
    assert latin["W"] < latin["H"] < latin["O"], latin
