"""axe-core in headless Chromium: no serious or critical accessibility violation on the pages readers
use most, in the light and the dark colour scheme (contrast differs).

The sample site is served by a real HTTP server; axe.min.js comes from the axe-playwright-python
package (the test extra) and is injected into each page by Playwright. A page that is inaccessible on
purpose proves axe really runs. Without Chromium or axe the tests skip, except under CI=true.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import unavailable

SEVERE = ("serious", "critical")
SCHEMES = ("light", "dark")
BAD_PAGE = """<!doctype html><html><head><title>x</title></head><body>
<p style="color:#bbb;background:#fff">متن کم‌رنگ</p><img src="data:,"><a href="/"></a></body></html>"""


def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        unavailable("axe-core is missing (pip install -e '.[test]' installs axe-playwright-python)",
                    "the accessibility tests")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()




def severe_violations(page, axe: str) -> list[str]:  # noqa: ANN001
    page.add_script_tag(content=axe)
    report = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in report["violations"] if v["impact"] in SEVERE]


def a_tag_page(site) -> str:
    return next(rel for rel in sorted(site.pages) if rel.startswith("tags/") and rel.count("/") == 2)


def test_axe_finds_what_is_wrong_with_a_bad_page(browser, axe):
    page = browser.new_page()
    page.set_content(BAD_PAGE)
    found = " ".join(severe_violations(page, axe))
    for rule in ("color-contrast", "image-alt", "link-name", "html-has-lang"):
        assert rule in found, found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", ["home", "article", "tag", "archive", "search", "404"])
def test_no_serious_or_critical_violations(browser, axe, host, sample_site, kind, scheme):
    path = {"home": "", "article": "news/qazvin-roads-council/", "tag": a_tag_page(sample_site).removesuffix("index.html"),
            "archive": "archive/", "search": "search/?q=%D8%B1%D8%A7%D9%87", "404": "no-such-page/"}[kind]
    page = browser.new_context(color_scheme=scheme).new_page()
    response = page.goto(host.url + path)
    assert response.status == (404 if kind == "404" else 200)
    if kind == "search":  # with the form shown, the filters filled and results listed
        page.wait_for_selector(".search-results li", timeout=15_000)
        page.wait_for_function("() => !document.querySelector('.search-results').hasAttribute('aria-busy')")
    found = severe_violations(page, axe)
    assert not found, f"{kind} ({scheme}):\n" + "\n".join(found)
