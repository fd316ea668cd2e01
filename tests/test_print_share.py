"""The printable article and the share controls: all in the theme, no third-party code.

The last tests click the buttons in headless Chromium (see browser.py for when they skip), with the
browser's clipboard and share sheet present, missing or refusing, as readers' browsers have them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest


def print_rules(site) -> str:
    css = (site.output / "static/css/site.css").read_text(encoding="utf-8")
    m = re.search(r"@media print\s*\{(.*)\n\}", css, re.S)
    assert m, "site.css has no @media print block"
    return m.group(1)


def test_the_print_stylesheet_hides_furniture_and_prints_link_addresses(sample_site):
    rules = print_rules(sample_site)
    hidden = re.search(r"([^{}]*)\{\s*display:\s*none", rules).group(1)
    for selector in (".masthead", ".footer", "nav", ".related", ".tools"):
        assert selector in hidden, selector
    assert "#000" in rules and "#fff" in rules
    assert re.search(r'a\[href\^="http"\]::after\s*\{\s*content:\s*" \(" attr\(href\) "\)"', rules)
    assert ".meta" in rules  # date and news number stay
    for rel, page in sample_site.pages.items():
        if not rel.startswith("fa/"):
            assert any(ln.get("href") == "/static/css/site.css" and ln.get("rel") == "stylesheet"
                       for ln in page.root.find("head").find_all("link")), rel


def test_internal_links_are_not_absolute_so_print_leaves_them_alone(sample_site):
    page = sample_site.page("news/qazvin-roads-council/index.html")
    for a in page.root.find("main").find_all("a"):
        if not a.get("href").startswith(("http", "mailto:")):
            assert a.get("href").startswith("/")
    nav_links = [a.get("href") for a in page.root.find("header").find_all("a")]
    assert nav_links and not any(h.startswith("http") for h in nav_links)


def test_articles_have_print_copy_and_share_controls(sample_site):
    for rel, page in sample_site.pages.items():
        if not rel.startswith("news/"):
            continue
        tools = page.root.find("div", cls="tools")
        assert tools is not None, rel
        buttons = {b.get("data-action"): b for b in tools.find_all("button")}
        assert set(buttons) == {"print", "share", "copy"}
        assert buttons["print"].clean_text() == "نسخه قابل چاپ"
        # Hidden until share.js shows them: without JavaScript no dead buttons.
        assert all("hidden" in b.attrs and b.get("type") == "button" for b in buttons.values())
        url = tools.get("data-url")
        assert url.startswith(sample_site.base_url + "news/")
        assert tools.find("input", cls="share-url").get("value") == url
        hrefs = [a.get("href") for a in tools.find("ul", cls="share-links").find_all("a")]
        schemes = {urlsplit(h).scheme + ":" + urlsplit(h).netloc for h in hrefs}
        assert schemes == {"mailto:", "https:t.me", "https:wa.me", "https:x.com"}
        for h in hrefs:
            values = [v for vs in parse_qs(urlsplit(h).query).values() for v in vs]
            assert any(url in v for v in values), h
        scripts = page.root.find_all("script")
        comments = ["/static/js/comments.js"] if page.root.find("section", cls="comments") else []  # test_comments.py
        assert [s.get("src") for s in scripts if s.get("src")] == ["/static/js/share.js", *comments]
        assert "defer" in next(s for s in scripts if s.get("src")).attrs


def test_share_js_does_what_the_buttons_promise(sample_site):
    js = (sample_site.output / "static/js/share.js").read_text(encoding="utf-8")
    for needle in ("window.print()", "navigator.share", "navigator.clipboard.writeText", ".select()", "hidden = false"):
        assert needle in js, needle
    assert not re.search(r"https?://", js)
    assert len(js.splitlines()) < 60


def test_no_third_party_scripts_frames_or_images_anywhere(sample_site):
    for rel, page in sample_site.pages.items():
        for node in page.root.iter():
            if node.tag in ("script", "iframe", "img", "embed", "object"):
                src = node.get("src") or node.get("data") or ""
                assert not re.match(r"(?i)(https?:)?//", src), f"{rel}: <{node.tag} src={src}>"
            assert node.tag != "iframe", rel
        for script in page.root.find_all("script"):
            if not script.get("src"):
                assert script.get("type") == "application/ld+json", f"{rel}: inline script"


# ----------------------------------------------------------------------------- the buttons in Chromium

ARTICLE = "news/qazvin-roads-council/"
NO_CLIPBOARD = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"
REFUSED_CLIPBOARD = ("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => ({writeText: () =>"
                     " Promise.reject(new DOMException('denied', 'NotAllowedError'))})});")
NO_SHARE = "Object.defineProperty(Navigator.prototype, 'share', {value: undefined, configurable: true});"
SHARE_SHEET = ("window.shared = []; Object.defineProperty(Navigator.prototype, 'share', {configurable: true,"
               " value: function (data) { window.shared.push(data); return Promise.resolve(); }});")
CLOSED_SHEET = ("Object.defineProperty(Navigator.prototype, 'share', {configurable: true,"
                " value: () => Promise.reject(new DOMException('closed', 'AbortError'))});")




def open_article(browser, host, *scripts: str, **context):  # noqa: ANN001, ANN201
    ctx = browser.new_context(**context)
    for script in scripts:
        ctx.add_init_script(script)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(host.url + ARTICLE)
    page.wait_for_load_state("load")
    return page


def canonical_of(page) -> str:  # noqa: ANN001
    return page.get_attribute('link[rel="canonical"]', "href")


def test_copy_puts_the_canonical_address_on_the_clipboard(browser, host):
    page = open_article(browser, host, permissions=["clipboard-read", "clipboard-write"])
    assert page.evaluate("window.isSecureContext")  # 127.0.0.1 counts as secure, like https
    page.click('[data-action="copy"]')
    page.wait_for_function("() => document.querySelector('.share-status').textContent")
    assert page.text_content(".share-status") == "پیوند رونوشت شد."
    assert page.evaluate("navigator.clipboard.readText()") == canonical_of(page)
    assert canonical_of(page).endswith("/" + ARTICLE) and not page.errors


@pytest.mark.parametrize("script", [NO_CLIPBOARD, REFUSED_CLIPBOARD], ids=["no clipboard", "refused"])
def test_without_the_clipboard_copy_selects_the_address_for_the_reader(browser, host, script):
    page = open_article(browser, host, script)
    page.click('[data-action="copy"]')
    page.wait_for_function("() => document.querySelector('.share-status').textContent")
    assert page.text_content(".share-status") == "پیوند را انتخاب کردیم؛ آن را رونوشت کنید."
    selected = page.evaluate("""() => { const f = document.activeElement;
        return [f.className, f.value, f.selectionStart, f.selectionEnd]; }""")
    assert selected == ["share-url", canonical_of(page), 0, len(canonical_of(page))]
    assert not page.errors


def test_share_opens_the_share_sheet_with_the_title_and_address(browser, host, sample_site):
    page = open_article(browser, host, SHARE_SHEET)
    assert page.is_visible('[data-action="share"]')
    page.click('[data-action="share"]')
    title = sample_site.page(ARTICLE + "index.html").root.find("h1").clean_text()
    assert page.evaluate("window.shared") == [{"title": title, "url": canonical_of(page)}]


def test_closing_the_share_sheet_is_not_an_error(browser, host):
    page = open_article(browser, host, CLOSED_SHEET)
    page.click('[data-action="share"]')
    page.wait_for_timeout(200)
    assert not page.errors and page.text_content(".share-status") == ""


def test_without_a_share_sheet_the_button_stays_hidden_and_the_links_remain(browser, host):
    page = open_article(browser, host, NO_SHARE)
    assert not page.is_visible('[data-action="share"]')
    assert page.is_visible('[data-action="copy"]') and page.is_visible('[data-action="print"]')
    links = page.eval_on_selector_all(".share-links a", "as => as.filter(a => a.offsetParent).map(a => a.href)")
    assert len(links) == 4 and all(canonical_of(page) in unquote(h) for h in links)


def test_print_opens_the_print_dialog(browser, host):
    page = open_article(browser, host, "window.printed = 0; window.print = () => { window.printed += 1; };")
    page.click('[data-action="print"]')
    assert page.evaluate("window.printed") == 1


def test_without_javascript_no_button_shows_but_the_address_and_links_do(browser, host):
    page = open_article(browser, host, java_script_enabled=False)
    assert not any(page.is_visible(f'[data-action="{a}"]') for a in ("print", "share", "copy"))
    assert page.is_visible(".share-url") and page.is_visible(".share-links a")
