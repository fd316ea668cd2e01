"""What every page's head tells search engines and social sites: canonical URL, description, Open
Graph, Twitter card, and on articles schema.org JSON-LD that no article text can break out of."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest
from PIL import Image

ATTACK = '</script><script>alert(1)</script>" onload="x'


def metas(page) -> dict[str, str]:
    head = page.root.find("head")
    found = {}
    for m in head.find_all("meta"):
        key = m.get("property") or m.get("name")
        if key:
            assert key not in found, f"{page.rel}: two {key} tags"
            found[key] = m.get("content")
    return found


def canonical(page) -> str | None:
    links = page.root.find("head").find_all("link", rel="canonical")
    assert len(links) <= 1
    return links[0].get("href") if links else None


def url_of(site, rel: str) -> str:
    return site.base_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def kind(rel: str) -> str:
    if rel.startswith("news/"):
        return "article"
    if rel.startswith("fa/"):
        return "redirect"
    return "404" if rel == "404.html" else "list"


def test_every_page_kind_has_its_head_tags(sample_site):
    description = "آرشیو خبرهای وزارت راه و شهرسازی"
    kinds = set()
    for rel, page in sample_site.pages.items():
        k = kind(rel)
        kinds.add(k)
        m = metas(page)
        if k == "redirect":
            continue  # see test_redirects.py
        if k == "404":
            assert canonical(page) is None and m["robots"] == "noindex"
        else:
            assert unquote(canonical(page)) == url_of(sample_site, rel), rel
            assert canonical(page).isascii()  # percent-encoded
            assert m["og:url"] == canonical(page)
        assert m["og:type"] == ("article" if k == "article" else "website"), rel
        assert m["og:locale"] == "fa_IR" and m["og:site_name"] == "پایگاه خبری وزارت راه و شهرسازی"
        assert m["og:title"] and m["twitter:title"] == m["og:title"]
        assert m["twitter:card"] in ("summary", "summary_large_image")
        assert m["description"] and m["og:description"] == m["description"] == m["twitter:description"]
        scripts = page.root.find_all("script", type="application/ld+json")
        if k == "article":
            lead = page.root.find("article", cls="story").find("p", cls="lead")
            if lead is not None:
                assert m["description"] == lead.clean_text()
            assert m["og:title"] == page.root.find("h1").clean_text()
            [script] = scripts
            data = json.loads(script.children[0])
            assert data["@type"] == "NewsArticle" and data["inLanguage"] == "fa"
            assert data["headline"] == m["og:title"]
            assert data["mainEntityOfPage"]["@id"] == canonical(page)
            assert data["publisher"] == {"@type": "Organization", "name": m["og:site_name"]}
            for key in ("datePublished", "dateModified"):
                assert data[key][-6:] in ("+03:30", "+04:30"), data[key]
        else:
            assert not scripts, rel
            if k == "list":
                assert m["description"] == description, rel
    assert kinds == {"article", "list", "404", "redirect"}


def test_date_modified_follows_updated(sample_site):
    page = sample_site.page("news/qazvin-roads-council/index.html")
    data = json.loads(page.root.find("script", type="application/ld+json").children[0])
    assert data["datePublished"] == "2019-02-09T10:30:00+03:30"
    assert data["dateModified"] == "2019-02-10T09:15:00+03:30"


@pytest.fixture
def attack_page(tmp_path, small_project, cli, html_parse):
    # `normalize: false` keeps the title byte for byte, so the test sees exactly what an editor typed.
    text = ("---\ntitle: '" + ATTACK.replace("'", "''") + "'\ndate: 1397-11-20 10:30\nnormalize: false\n"
            "lead: '" + ATTACK.replace("'", "''") + "'\n---\n\nمتن.\n")
    root = small_project(tmp_path / "p", {"attack.md": text})
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    return html_parse("news/attack/index.html",
                      (root / "output/news/attack/index.html").read_text(encoding="utf-8"))


def test_json_ld_cannot_be_broken_out_of(attack_page):
    page = attack_page
    assert not page.errors
    scripts = page.root.find_all("script")
    ld = [s for s in scripts if s.get("type") == "application/ld+json"]
    assert len(ld) == 1
    data = json.loads(ld[0].children[0])
    assert data["headline"] == ATTACK and data["description"] == ATTACK
    assert "</" not in ld[0].children[0] and "<" not in ld[0].children[0]
    # Nothing else became a script or an attribute: one JSON-LD block and the theme's own deferred file.
    others = [s for s in scripts if s is not ld[0]]
    assert [s.get("src") for s in others] == ["/static/js/share.js"]
    assert all(not s.children for s in others)
    assert not [n for n in page.root.iter() if "onload" in n.attrs or "x" in n.attrs]
    assert "alert(1)" not in page.root.text().replace(ATTACK, "")
    m = metas(page)
    assert m["og:title"] == ATTACK and m["description"] == ATTACK
    assert page.root.find("h1").clean_text() == ATTACK


def build_with_images(tmp_path, small_project, cli, html_parse, config_extra: str):
    articles = {
        "with.md": "---\ntitle: خبر با عکس\ndate: 1402-01-02\nimage: /images/photo.jpg\n---\n\nمتن.\n",
        "without.md": "---\ntitle: خبر بی عکس\ndate: 1402-01-01\n---\n\nمتن.\n",
    }
    root = small_project(tmp_path / "p", articles,
                         'title = "آزمایش"\nbase_url = "https://example.ir/akhbar/"\n' + config_extra)
    (root / "content/images").mkdir()
    Image.new("RGB", (1300, 800), (20, 120, 200)).save(root / "content/images/photo.jpg")
    run = cli("--root", root, "build")
    assert run.code == 0, run.err
    return {rel: metas(html_parse(rel, (root / "output" / rel).read_text(encoding="utf-8")))
            for rel in ("news/with/index.html", "news/without/index.html", "index.html")}


def test_og_image_falls_back_to_the_sites_image(tmp_path, small_project, cli, html_parse):
    m = build_with_images(tmp_path, small_project, cli, html_parse, 'image = "static/img/logo.png"\n')
    assert re.fullmatch(r"https://example\.ir/akhbar/images/[0-9a-f]{20}-og\.jpg", m["news/with/index.html"]["og:image"])
    assert m["news/with/index.html"]["twitter:card"] == "summary_large_image"
    assert m["news/without/index.html"]["og:image"] == "https://example.ir/akhbar/static/img/logo.png"
    assert m["index.html"]["og:image"] == "https://example.ir/akhbar/static/img/logo.png"


def test_without_a_site_image_only_articles_with_one_have_og_image(tmp_path, small_project, cli, html_parse):
    m = build_with_images(tmp_path, small_project, cli, html_parse, "")
    assert m["news/with/index.html"]["og:image"].endswith("-og.jpg")
    assert "og:image" not in m["news/without/index.html"] and "og:image" not in m["index.html"]
    assert m["news/without/index.html"]["twitter:card"] == "summary"
