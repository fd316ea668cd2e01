"""The live preview end to end (issue 4), in headless Chromium: an open page follows the edits on disk.

`serve` runs in a subprocess on a free loopback port against a private copy of the sample project;
the page is opened once and never navigated while it should update by itself (livereload's WebSocket
tells it to reload). Needs Debian's /usr/bin/chromium and the playwright package; see browser.py for
when a missing browser skips and when (CI=true) it fails.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import browser as browser_helper
import pytest
from browser import chromium
from live_server import LiveServer, copy_sample

ARTICLE = "content/1403/nowruz-road-safety.md"
ARTICLE_URL = "news/nowruz-road-safety/"
ARTICLE_TITLE = "کاهش ۱۴ درصدی تلفات جاده‌ای در نوروز ۱۴۰۳"
TIMEOUT_MS = 15_000  # generous: the rebuild, the reload message and the new page load


# ----------------------------------------------------------------------------- the helper's skip/fail rule


def test_a_missing_browser_skips_outside_ci(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser_helper, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium is missing"), chromium():
        pass


def test_a_missing_browser_fails_under_ci(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser_helper, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"), chromium():
        pass


@pytest.mark.parametrize(("ci", "outcome"), [(None, pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_a_missing_playwright_package_skips_or_fails(monkeypatch, ci: str | None, outcome: type) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # makes the import fail
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="playwright"), chromium():
        pass


# ----------------------------------------------------------------------------- end to end


class Reloads:
    """Every livereload WebSocket the page opens, and whether the server has greeted it yet."""

    def __init__(self, page) -> None:  # noqa: ANN001
        self.page = page
        self.sockets: list[dict] = []
        page.on("websocket", self._opened)

    def _opened(self, ws) -> None:  # noqa: ANN001
        entry = {"ws": ws, "hello": False}
        ws.on("framereceived", lambda _payload: entry.update(hello=True))
        self.sockets.append(entry)

    def wait_connected(self, after: int = 0, timeout: float = TIMEOUT_MS / 1000) -> None:
        """Wait until a socket opened after the first `after` ones has had the server's hello: from then
        on, a rebuild reaches this page."""
        deadline = time.monotonic() + timeout
        while not any(s["hello"] and not s["ws"].is_closed() for s in self.sockets[after:]):
            assert time.monotonic() < deadline, "the page never connected to livereload's WebSocket"
            self.page.wait_for_timeout(50)  # lets Playwright deliver the events


def only_article_tags(output: Path, html_parse) -> list[tuple[str, str, str]]:
    """(href, name, article URL) of every tag with exactly one article, from the built tags pages."""
    index = html_parse("tags/index.html", (output / "tags/index.html").read_text(encoding="utf-8"))
    terms = index.root.find("ul", cls="terms")
    assert terms is not None
    found = []
    for li in terms.find_all("li"):
        link = li.find("a")
        href = link.get("href")
        term = html_parse(href, (output / unquote(href).lstrip("/") / "index.html").read_text(encoding="utf-8"))
        cards = [a.get("href") for card in term.root.find_all("article", cls="card") for a in card.find_all("a")
                 if a.get("href", "").startswith("/news/")]
        if len(cards) == 1:
            found.append((href, link.clean_text(), cards[0]))
    return sorted(found)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the sample project, with the word list its config names."""
    return copy_sample(tmp_path / "site")


@pytest.fixture
def server(project: Path):
    live = LiveServer(project)
    try:
        yield live.start()
    finally:
        live.stop()


def test_the_open_page_follows_edits_errors_fixes_and_deletions(server: LiveServer, html_parse) -> None:
    root = server.root
    article = root / ARTICLE
    original = article.read_text(encoding="utf-8")
    candidates = [t for t in only_article_tags(root / "output", html_parse) if t[2] != "/" + ARTICLE_URL]
    assert candidates, "the sample site has no tag with a single article"
    tag_href, tag_name, doomed_url = candidates[0]
    doomed = [p for p in (root / "content").rglob("*.md") if p.stem == doomed_url.strip("/").split("/")[-1]]
    assert len(doomed) == 1, doomed_url

    with chromium() as browser:
        from playwright.sync_api import expect  # chromium() has checked that playwright is there

        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        reloads = Reloads(page)
        response = page.goto(server.url + ARTICLE_URL)
        assert response is not None and response.status == 200
        heading = page.locator("article.story h1")
        overlay = page.locator("#akhbar-error-overlay")
        expect(heading).to_have_text(ARTICLE_TITLE)
        reloads.wait_connected()
        opened_at = page.url

        # (1) a new title on disk shows up in the open page, with no navigation by the test
        seen = len(reloads.sockets)
        article.write_text(original.replace(ARTICLE_TITLE, "عنوان تازه از روی دیسک", 1), encoding="utf-8")
        expect(heading).to_have_text("عنوان تازه از روی دیسک", timeout=TIMEOUT_MS)
        assert page.url == opened_at
        reloads.wait_connected(after=seen)

        # (2) broken front matter: the overlay names the file, the last good page stays underneath
        seen = len(reloads.sockets)
        article.write_text(re.sub(r"(?m)^title: .*$", "title: عنوان: با دونقطهٔ اضافه", original, count=1),
                           encoding="utf-8")
        expect(overlay).to_be_visible(timeout=TIMEOUT_MS)
        expect(overlay).to_contain_text("nowruz-road-safety.md:2")
        expect(overlay).to_contain_text("front matter is not valid YAML")
        expect(overlay).to_contain_text("مشخصات خبر خوانا نیست")
        assert overlay.get_attribute("dir") == "rtl"
        expect(heading).to_have_text("عنوان تازه از روی دیسک")
        reloads.wait_connected(after=seen)

        # (3) the fix removes the overlay by itself and the page is back
        seen = len(reloads.sockets)
        article.write_text(original.replace(ARTICLE_TITLE, "عنوان درست‌شده", 1), encoding="utf-8")
        expect(overlay).to_have_count(0, timeout=TIMEOUT_MS)
        expect(heading).to_have_text("عنوان درست‌شده", timeout=TIMEOUT_MS)
        assert page.url == opened_at
        reloads.wait_connected(after=seen)

        # (4) deleting a tag's only article removes the tag page and its entry in the tags index
        base = server.rebuilds()
        doomed[0].unlink()
        server.wait_rebuilds(base + 1)
        expect(heading).to_have_text("عنوان درست‌شده", timeout=TIMEOUT_MS)  # the open page reloaded fine

        response = page.goto(server.url + tag_href.lstrip("/"))
        assert response is not None and response.status == 404, f"{tag_name}: the tag page is still served"
        expect(page.locator("h1")).to_have_text("صفحه پیدا نشد")
        response = page.goto(server.url + doomed_url.lstrip("/"))
        assert response is not None and response.status == 404

        response = page.goto(server.url + "tags/")
        assert response is not None and response.status == 200
        terms = page.locator("ul.terms")
        expect(terms.locator("a").first).to_be_visible()
        expect(terms.locator(f'a[href="{tag_href}"]')).to_have_count(0)
        assert tag_name not in [t.strip() for t in terms.locator("a").all_inner_texts()]
        assert not errors, f"JavaScript errors in the page: {errors}"


def test_a_page_opened_before_the_first_good_build_becomes_the_site(project: Path) -> None:
    article = project / ARTICLE
    good = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r"(?m)^date: .*$", "date: 1402-12-30", good, count=1), encoding="utf-8")
    with LiveServer(project) as live, chromium() as browser:
        from playwright.sync_api import expect

        page = browser.new_page()
        reloads = Reloads(page)
        response = page.goto(live.url + ARTICLE_URL)
        assert response is not None and response.status == 404
        overlay = page.locator("#akhbar-error-overlay")
        expect(overlay).to_be_visible()
        expect(overlay).to_contain_text(f"{ARTICLE}:3")
        expect(overlay).to_contain_text("Jalali")
        reloads.wait_connected()

        article.write_text(good, encoding="utf-8")
        expect(page.locator("article.story h1")).to_have_text(ARTICLE_TITLE, timeout=TIMEOUT_MS)
        expect(overlay).to_have_count(0)
