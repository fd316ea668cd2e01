"""The printable article and the share controls: all in the theme, no third-party code."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit


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
        assert [s.get("src") for s in scripts if s.get("src")] == ["/static/js/share.js"]
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
