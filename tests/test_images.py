"""Photos end to end: variants on disk, `<picture>` markup that points at them, caching, bad input.

Every check opens the real output: HTML parsed, srcset URLs followed to files, files opened with Pillow.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, features

from akhbar.config import load_config
from akhbar.images import MAX_PIXELS
from akhbar.pipeline import build

BASE = "https://example.ir/akhbar/"
CONFIG = f'title = "آزمایش"\nbase_url = "{BASE}"\n'
MODERN = [f for f in ("avif", "webp") if features.check(f)]  # what this Pillow can write
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
PIL_FORMAT = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}


def photo(path: Path, size: tuple[int, int], fmt: str = "JPEG", mode: str = "RGB", exif: Image.Exif | None = None,
          seed: int = 0) -> Path:
    """A small picture with some structure (so resizing has something to do)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.new(mode, size, (40 + seed * 30, 120, 200, 128) if mode == "RGBA" else (40 + seed * 30, 120, 200))
    d = ImageDraw.Draw(im)
    d.ellipse([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2], fill=(250, 200, 40, 255) if mode == "RGBA" else (250, 200, 40))
    d.rectangle([0, size[1] * 3 // 4, size[0], size[1]], fill=(60, 60, 60, 255) if mode == "RGBA" else (60, 60, 60))
    options = {"exif": exif} if exif is not None else {}
    im.save(path, fmt, **options)
    return path


def article(title: str, date: str, body: str, front: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{front}---\n\n{body}\n"


LEAD = article("خبر با عکس", "1402-01-02", (
    "پاراگراف نخست.\n\n"
    '![پل تازه](body.png "زیرنويس پل")\n\n'  # Arabic ي in the caption: normalized
    "پاراگراف دوم با عکس ![نشان](/shared/tiny.jpg) در میان جمله.\n"),
    front="image: photos/lead.jpg\nimage_alt: عکس اصلي خبر\nimage_caption: زیرنویس عکس اصلی\n")


@pytest.fixture
def site(tmp_path, small_project):
    root = small_project(tmp_path / "p", {"news/lead.md": LEAD,
                                          "news/plain.md": article("خبر بی عکس", "1402-01-01", "متن.")}, CONFIG)
    photo(root / "content/news/photos/lead.jpg", (1400, 900))
    photo(root / "content/news/body.png", (700, 500), "PNG", "RGBA", seed=1)
    photo(root / "content/shared/tiny.jpg", (200, 150), seed=2)
    return root


def url_to_file(root: Path, url: str) -> Path:
    assert url.startswith("/akhbar/") or url.startswith(BASE), url
    rel = url.removeprefix(BASE).removeprefix("/akhbar/")
    path = root / "output" / rel
    assert path.is_file(), f"{url} does not resolve"
    return path


def srcset(value: str) -> list[tuple[str, int]]:
    pairs = []
    for item in value.split(","):
        url, w = item.split()
        assert w.endswith("w")
        pairs.append((url, int(w[:-1])))
    return pairs


def pictures(page) -> list:
    return page.root.find_all("picture")


def check_picture(root: Path, pic, source_size: tuple[int, int], fallback: str) -> list[int]:
    """Every format offered, every srcset URL a file of that format and width, width/height true to the shape."""
    sw, sh = source_size
    expected = [w for w in (320, 640, 960, 1280, 1920) if w <= sw] or [sw]
    types = [s.get("type") for s in pic.find_all("source")]
    assert types == [MIME[f] for f in MODERN]
    img = pic.find("img")
    offers = [(s.get("type"), s.get("srcset")) for s in pic.find_all("source")] + [(MIME[fallback], img.get("srcset"))]
    for mime, value in offers:
        fmt = next(f for f, m in MIME.items() if m == mime)
        pairs = srcset(value)
        assert [w for _, w in pairs] == expected
        for url, w in pairs:
            with Image.open(url_to_file(root, url)) as im:
                assert im.format == PIL_FORMAT[fmt]
                assert im.width == w and abs(im.height - sh * w / sw) <= 1, (url, im.size)
    width, height = int(img.get("width")), int(img.get("height"))
    assert width == expected[-1] and abs(height / width - sh / sw) < 0.01
    with Image.open(url_to_file(root, img.get("src"))) as im:
        assert im.size == (width, height) and im.format == PIL_FORMAT[fallback]
    return expected


def test_variants_markup_and_files(site, cli, html_parse):
    run = cli("--root", site, "build")
    assert run.code == 0, run.err
    page = html_parse("a", (site / "output/news/lead/index.html").read_text(encoding="utf-8"))
    lead, body, inline = pictures(page)
    assert check_picture(site, lead, (1400, 900), "jpeg") == [320, 640, 960, 1280]
    assert check_picture(site, body, (700, 500), "png") == [320, 640]
    assert check_picture(site, inline, (200, 150), "jpeg") == [200]  # smaller than every width: never upscaled

    lead_img = lead.find("img")
    assert lead_img.get("fetchpriority") == "high" and lead_img.get("loading") is None
    assert lead_img.get("alt") == "عکس اصلی خبر"  # front-matter alt text is normalized (ي → ی)
    figures = page.root.find_all("figure")
    assert [f.find("figcaption").clean_text() for f in figures] == ["زیرنویس عکس اصلی", "زیرنویس پل"]
    for pic in (body, inline):
        img = pic.find("img")
        assert (img.get("loading"), img.get("decoding")) == ("lazy", "async")
    assert inline.find("img").get("alt") == "نشان" and not any(f.find("picture") is inline for f in figures)

    with Image.open(url_to_file(site, body.find("img").get("src"))) as im:  # transparency survives
        assert im.mode == "RGBA" and im.getextrema()[3][0] < 255
    for url, _ in srcset(body.find("source").get("srcset")):
        with Image.open(url_to_file(site, url)) as im:
            assert "A" in im.getbands()

    metas = {m.get("property") or m.get("name"): m.get("content") for m in page.root.find_all("meta")}
    with Image.open(url_to_file(site, metas["og:image"])) as im:
        assert im.size == (1200, 630) and im.format == "JPEG"
    assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
    assert metas["twitter:image"] == metas["og:image"]
    ld = page.root.find("script", type="application/ld+json").text()
    assert metas["og:image"] in ld


def test_cards_show_a_thumbnail_of_the_lead_photo(site, cli, html_parse):
    assert cli("--root", site, "build").code == 0
    for rel in ("index.html", "archive/1402/index.html"):
        page = html_parse(rel, (site / "output" / rel).read_text(encoding="utf-8"))
        cards = page.root.find_all("article", cls="card")
        with_thumb = [c for c in cards if c.find("picture")]
        assert len(cards) == 2 and len(with_thumb) == 1, rel
        img = with_thumb[0].find("img")
        if rel == "index.html" and "card-top" in with_thumb[0].classes:
            # the home page's newest story is shown large and is its largest paint: fetched first, article-wide
            assert img.get("loading") is None and img.get("fetchpriority") == "high"
            assert img.get("sizes") == "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
        else:
            assert img.get("loading") == "lazy" and img.get("sizes") == "7rem"
        check_picture(site, with_thumb[0].find("picture"), (1400, 900), "jpeg")


def test_exif_orientation_applied_and_every_tag_removed(tmp_path, small_project, cli):
    root = small_project(tmp_path / "p", {"a.md": article("خبر", "1402-01-02", "متن.", "image: gps.jpg\nimage_alt: عکس\n")},
                         CONFIG)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: shown turned a quarter, portrait
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (51.0, 23.0, 20.0)})
    src = photo(root / "content/gps.jpg", (1000, 700), exif=exif)
    with Image.open(src) as im:
        assert im.getexif().get_ifd(0x8825)  # the test's own photo does carry GPS
    assert cli("--root", root, "build").code == 0
    outputs = sorted((root / "output/images").iterdir())
    assert len(outputs) == 2 * (1 + len(MODERN)) + 1  # 320 and 640 wide (700 ≥ both), each format, + share crop
    for path in outputs:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as im:
            assert not im.getexif() and "exif" not in im.info and "xmp" not in im.info, path.name
            if not path.name.endswith("-og.jpg"):
                assert im.height > im.width, f"{path.name}: orientation not applied"
        assert b"Exif\x00\x00" not in data and b"Camera maker" not in data, path.name


def test_warm_build_encodes_nothing_and_output_is_identical(site, tmp_path, small_project):
    config = load_config(site)
    cold, state, _ = build(config, site / "output", jobs=2)
    assert cold.encoded == len(list((site / "output/images").iterdir())) > 0
    first = {p.relative_to(site / "output").as_posix(): p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    warm, state, _ = build(config, site / "output", state=state)
    assert warm.encoded == 0
    # Even without the build state (a lost state.pickle), the image cache spares the encoding.
    fresh, _, _ = build(config, site / "output2")
    assert fresh.encoded == 0
    # A second project, cold, serial: byte for byte the same files as the parallel build.
    other = small_project(tmp_path / "q", {}, CONFIG)
    shutil.copytree(site / "content", other / "content")
    again, _, _ = build(load_config(other), other / "output", jobs=1)
    assert again.encoded == cold.encoded
    second = {p.relative_to(other / "output").as_posix(): p.read_bytes() for p in (other / "output").rglob("*") if p.is_file()}
    assert second == first


def test_a_changed_photo_with_unchanged_text_rerenders_its_article(site, cli):
    assert cli("--root", site, "build").code == 0
    page = site / "output/news/lead/index.html"
    before = page.read_text(encoding="utf-8")
    old_urls = set(re.findall(r"/akhbar/(images/[^\s\"]+)", before))
    photo(site / "content/news/photos/lead.jpg", (1400, 700), seed=3)  # new bytes, new shape
    run = cli("--root", site, "build")
    assert run.code == 0 and "image variants encoded" in run.out
    after = page.read_text(encoding="utf-8")
    new_urls = set(re.findall(r"/akhbar/(images/[^\s\"]+)", after))
    assert new_urls != old_urls and re.search(r'<img alt="عکس اصلی خبر"[^>]* height="640"[^>]* width="1280"', after)
    for rel in new_urls:
        assert (site / "output" / rel).is_file()
    gone = {u for u in old_urls - new_urls if u.split("-")[0] not in {n.split("-")[0] for n in new_urls}}
    assert gone and not any((site / "output" / rel).exists() for rel in gone)  # stale variants pruned
    run = cli("--root", site, "build")
    assert "encoded" not in run.out and "(0 written, 0 removed)" in run.out


# ----------------------------------------------------------------------------- bad input


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("make, message", [
    (None, r"photo content/news/photos/lead\.jpg does not exist"),
    (lambda p: p.write_text("not a photo"), r"photo content/news/photos/lead\.jpg is not an image"),
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), r"photo content/news/photos/lead\.jpg is damaged or truncated"),
    (lambda p: Image.new("1", (8000, 7000)).save(p, "PNG"), r"photo content/news/photos/lead\.jpg is 8000×7000 pixels, over 50 megapixels"),
], ids=["missing", "not-an-image", "truncated", "bomb"])
def test_bad_lead_photo_is_an_error_and_output_is_untouched(site, cli, make, message):
    assert cli("--root", site, "build").code == 0
    before = snapshot(site / "output")
    lead = site / "content/news/photos/lead.jpg"
    good = lead.read_bytes()
    lead.unlink()
    if "does not exist" not in message:
        lead.write_bytes(good)
        make(lead)
        assert lead.read_bytes() != good
    run = cli("--root", site, "build")
    assert run.code == 1
    assert re.search(r"^content/news/lead\.md:4: " + message, run.err, re.M), run.err
    assert snapshot(site / "output") == before
    assert MAX_PIXELS == 50_000_000


def test_bad_body_photo_points_at_its_body_line(site, cli):
    (site / "content/news/body.png").unlink()
    run = cli("--root", site, "build")
    assert run.code == 1 and not (site / "output").exists()
    # the front matter closes on line 7; line 8 is blank, the photo's paragraph is on line 11
    assert re.search(r"^content/news/lead\.md:11: photo content/news/body\.png does not exist", run.err, re.M), run.err


def test_photo_outside_content_is_refused(tmp_path, small_project, cli):
    root = small_project(tmp_path / "p", {"a.md": article("خبر", "1402-01-02", "![x](../secret.jpg)")}, CONFIG)
    photo(root / "secret.jpg", (100, 100))
    run = cli("--root", root, "build")
    assert run.code == 1 and "content/a.md:6: photo '../secret.jpg' is outside content/" in run.err, run.err


def test_missing_alt_text_warns_every_build_and_fails_strict(site, cli):
    text = (site / "content/news/lead.md").read_text(encoding="utf-8")
    (site / "content/news/lead.md").write_text(text.replace("![نشان]", "![]").replace("image_alt: عکس اصلي خبر\n", ""),
                                               encoding="utf-8")
    warnings = [r"content/news/lead\.md:4: warning: lead photo has no alt text",
                r"content/news/lead\.md:12: warning: photo /shared/tiny\.jpg has no alt text"]
    for _ in range(2):  # the second build is warm and reads nothing again: the warnings still show
        run = cli("--root", site, "build")
        assert run.code == 0
        for w in warnings:
            assert re.search("^" + w, run.err, re.M), run.err
    before = snapshot(site / "output")
    run = cli("--root", site, "build", "--strict")
    assert run.code == 1
    for w in warnings:
        assert re.search("^" + w.replace("warning: ", ""), run.err, re.M), run.err
    assert snapshot(site / "output") == before


def test_images_settings(tmp_path, small_project, cli):
    root = small_project(tmp_path / "p", {"a.md": article("خبر", "1402-01-02", "![x](a.jpg)")},
                         CONFIG + '\n[images]\nwidths = [100, 50]\nformats = ["webp"]\nquality = 60\nsizes = "50vw"\n')
    photo(root / "content/a.jpg", (120, 90))
    config = load_config(root)
    assert (config.images.widths, config.images.formats, config.images.quality) == ((50, 100), ("webp",), 60)
    assert cli("--root", root, "build").code == 0
    html = (root / "output/news/a/index.html").read_text(encoding="utf-8")
    assert 'sizes="50vw"' in html and "avif" not in html and re.search(r"-50\.webp 50w, \S+-100\.webp 100w", html)
    (root / "site_config.toml").write_text(CONFIG + '\n[images]\nwidths = "big"\nformat = ["gif"]\n', encoding="utf-8")
    run = cli("--root", root, "build")
    assert run.code == 1
    assert re.search(r"^site_config\.toml:5: \[images\] widths must be a list of widths", run.err, re.M), run.err
    assert re.search(r"^site_config\.toml:6: unknown setting \[images\] 'format'", run.err, re.M), run.err
