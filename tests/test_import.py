"""`import`: the old site's plain-text exports → normalized, reviewable articles that build into real pages."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tarfile
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from akhbar.cli import main
from akhbar.config import load_config
from akhbar.export_text import decode, escape_markdown, match_date, match_header, parse, provisional_title
from akhbar.model import RawArticle
from akhbar.normalize import TextNormalizer
from akhbar.provinces import find_province
from akhbar.read import load_source, parse_article
from akhbar.slugs import term_slug

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "fixtures" / "seeds"
FIRST, SECOND = "000_a90ceece3b21c34a.txt", "001_7ca114fcd93eda71.txt"
TEHRAN = ZoneInfo("Asia/Tehran")
# 2019-02-09 10:30 in Tehran = 1397-11-20 10:30 (Jalali): the mtime given to exports whose date is guessed.
STAMP = datetime(2019, 2, 9, 10, 30, tzinfo=TEHRAN).timestamp()
STAMP_DATE = "1397-11-20 10:30"
FURNITURE = ("نسخه قابل چاپ", "نظر شما", "ارسال به دوستان", "اشتراک گذاری")


# ----------------------------------------------------------------------------- helpers


def run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def project(tmp: Path, import_table: str = "") -> Path:
    """A site with the repository's themes and config, no content."""
    root = tmp / "site"
    root.mkdir(parents=True)
    shutil.copytree(REPO / "themes", root / "themes")
    shutil.copy(REPO / "normalize-words.txt", root / "normalize-words.txt")
    config = (REPO / "site_config.toml").read_text(encoding="utf-8")
    (root / "site_config.toml").write_text(config + ("\n[import]\n" + import_table if import_table else ""),
                                           encoding="utf-8")
    return root


def export(folder: Path, name: str, data: bytes | str, mtime: float = STAMP) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.utime(path, (mtime, mtime))
    return path


def seeds(folder: Path, *names: str) -> Path:
    for name in names or (FIRST, SECOND):
        export(folder, name, (SEEDS / name).read_bytes())
    return folder


def article(root: Path, rel: str) -> RawArticle:
    src = load_source(root / rel, root)
    assert not isinstance(src, list) and not hasattr(src, "message"), src
    raw = parse_article(src, TEHRAN)
    assert isinstance(raw, RawArticle), [str(p) for p in raw]
    return raw


def imported(root: Path, into: str = "content/imported") -> dict[str, str]:
    folder = root / into
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))} if folder.is_dir() else {}


def fold(text: str) -> str:
    """Letters and digits only, Arabic/Persian forms and digit forms folded: what no normalization changes."""
    text = text.translate(str.maketrans("يكىۀ" + "۰۱۲۳۴۵۶۷۸۹" + "٠١٢٣٤٥٦٧٨٩", "یکیه" + "0123456789" * 2))
    return "".join(c for c in text if c.isalnum() and c != "ـ")


def normalizer() -> TextNormalizer:
    return TextNormalizer(load_config(REPO).normalize)


class _Text(HTMLParser):
    """The visible text of an HTML page and of its article body, and the body's element tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.body: list[str] = []
        self.paragraphs: list[str] = []
        self.body_tags: list[str] = []
        self.depth = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth is not None:
            self.body_tags.append(tag)
            if tag == "p":
                self.paragraphs.append("")
        if tag == "div" and ("class", "body") in attrs:
            self.depth = len(self.stack)
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass
        if self.depth is not None and len(self.stack) <= self.depth:
            self.depth = None

    def handle_data(self, data: str) -> None:
        if any(t in ("script", "style") for t in self.stack):
            return
        self.text.append(data)
        if self.depth is not None:
            self.body.append(data)
            if self.paragraphs and "p" in self.stack[self.depth:]:  # (with the text of inline <bdi> runs)
                self.paragraphs[-1] += data


def page(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def in_order(needles: list[str], haystack: str) -> None:
    """Every needle occurs in the haystack, each after the previous one (compared folded)."""
    hay, at = fold(haystack), 0
    for needle in needles:
        found = hay.find(fold(needle), at)
        assert found >= 0, f"missing or out of order: {needle[:60]}…"
        at = found + len(fold(needle))


def source_paragraphs(name: str) -> tuple[str | None, list[str]]:
    """The seed's title and paragraphs, read here independently of the importer."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    if name == FIRST:  # header, print link, blank, title, blank, paragraphs, «نظر شما»
        blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
        head, title, *paragraphs, comment = blocks
        assert head.startswith("شناسهٔ خبر") and comment == "نظر شما"
        return title, paragraphs
    return None, [line for line in text.splitlines() if line.strip()]


# ----------------------------------------------------------------------------- one build of everything


ESCAPES = [
    "۱. این بند فهرست شماره‌دار نیست.",
    "1. این هم فهرست نیست.",
    "# این بند عنوان نیست",
    "- این بند فهرست نیست",
    "+ این هم",
    "* و این هم",
    "> این بند نقل‌قول نیست",
    "| ستون | ستون |",
    "_زیرخط_ و **ستاره** و 2*3 و a_b_c",
    "پیوند [متن](https://example.ir) و `کد` و <b>تگ</b> و &amp; و {: #id} و \\ بک‌اسلش",
    "<div>بلوک HTML نیست</div>",
    ": تعریف نیست",
    "~~~ این حصار کد نیست",
    "پایان.",
]
DATED = "شناسه خبر: ۶۴۹۹۹ - سرویس مسکن\nتاریخ انتشار: ۲۰ بهمن ۱۳۹۷ - ۱۰:۳۰\n\nعنوان خبر تاریخ‌دار\n\nمتن خبر در تبریز.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both seeds, a Markdown-syntax export and a dated export imported with old_url set, then built."""
    tmp = tmp_path_factory.mktemp("import")
    root = project(tmp, 'old_url = "/fa/news/{news_id}"\n')
    src = seeds(tmp / "exports")
    export(src, "002_escapes.txt", "شناسه خبر: 70001 - سرویس اخبار\n\nعنوان آزمایشی\n\n" + "\n\n".join(ESCAPES) + "\n")
    export(src, "003_dated.txt", DATED)
    code, out, err = run("--root", root, "import", src, "--jobs", "1")
    assert code == 0, err
    code, out, err = run("--root", root, "build")
    assert code == 0, err
    return root


def test_the_first_seed_becomes_an_article_with_its_header_read(site):
    raw = article(site, "content/imported/64048.md")
    m = raw.meta
    title, paragraphs = source_paragraphs(FIRST)
    norm = normalizer()
    assert m.news_id == 64048
    assert m.section == "استان‌ها"
    assert m.province == "قزوین"
    assert m.title == norm.normalize(title) and "قزوین" in m.title
    assert m.lead == norm.normalize(paragraphs[0])
    assert m.date.value == datetime(2019, 2, 9, 10, 30, tzinfo=TEHRAN) and m.date.has_time
    assert m.extra["review"] == ["date"]
    data = (SEEDS / FIRST).read_bytes()
    assert m.extra["source"] == {"file": FIRST, "sha256": hashlib.sha256(data).hexdigest()}
    assert m.aliases == ("fa/news/64048/index.html",)  # the old address, as the file of its redirect page
    assert (site / "output/news/64048/index.html").is_file()
    assert (site / "output/fa/news/64048/index.html").is_file()


def test_the_second_seed_gets_a_provisional_title_and_its_province_from_the_attribution(site):
    files = imported(site)
    name = next(n for n, text in files.items() if SECOND in text)
    m = article(site, f"content/imported/{name}").meta
    assert m.province == "اصفهان"
    assert m.news_id is None and m.section is None and "aliases" not in m.extra
    assert m.extra["review"] == ["title", "date"]
    assert not m.title.startswith("به گزارش") and "(" not in m.title
    assert 3 <= len(m.title.split()) <= 12
    assert m.title.startswith("شورای هماهنگی ارتباطات")
    assert term_slug(m.title).startswith(name.removesuffix(".md")) and len(name) <= 63  # cut at a word, 60 at most
    assert (site / "output/news" / name.removesuffix(".md") / "index.html").is_file()


def test_the_text_lines_are_written_as_front_matter_exactly(site):
    text = imported(site)["64048.md"]
    head = text.split("\n---\n", 1)[0]
    keys = [line.split(":", 1)[0] for line in head.splitlines()[1:] if not line.startswith(" ")]
    assert keys == ["title", "date", "news_id", "section", "province", "lead", "source", "review", "aliases"]
    assert "\ndate: 1397-11-20 10:30\n" in text and "\nreview: [date]\n" in text


@pytest.mark.parametrize("name", [FIRST, SECOND])
def test_every_source_paragraph_is_on_the_built_page_in_order(site, name):
    file = next(n for n, text in imported(site).items() if name in text)
    built = page(site / "output/news" / file.removesuffix(".md") / "index.html")
    title, paragraphs = source_paragraphs(name)
    body = "".join(built.body)
    in_order(paragraphs, body)
    assert len(built.paragraphs) == len(paragraphs)
    for para, shown in zip(paragraphs, built.paragraphs, strict=True):
        assert fold(para) == fold(shown)
    if title:
        assert fold(title) in fold("".join(built.text))


def test_no_page_furniture_and_no_arabic_letters_in_the_files_or_pages(site):
    for name, text in imported(site).items():
        assert not re.search("[يك]", text), name
        body_lines = text.split("\n---\n", 1)[1].splitlines()
        for furniture in FURNITURE:
            assert all(fold(line) != fold(furniture) for line in body_lines), (name, furniture)
        built = page(site / "output/news" / name.removesuffix(".md") / "index.html")
        visible = "".join(built.text)
        assert not re.search("[يك]", visible)
        assert "نسخه قابل چاپ" not in "".join(built.body) and not "".join(built.body).rstrip().endswith("نظر شما")


def test_imported_files_pass_fmt_check(site):
    code, out, err = run("--root", site, "fmt", "--check", site / "content/imported")
    assert code == 0, out + err
    assert out == ""


def test_markdown_syntax_in_the_text_renders_as_literal_text(site):
    built = page(site / "output/news/70001/index.html")
    # No list, heading, quote, table, code, link, em: paragraphs, and Latin runs isolated in <bdi>.
    assert "p" in built.body_tags and set(built.body_tags) <= {"p", "bdi"}, built.body_tags
    assert len(built.paragraphs) == len(ESCAPES)
    norm = normalizer()
    for source, shown in zip(ESCAPES, built.paragraphs, strict=True):
        assert fold(shown) == fold(source), (source, shown)
        assert shown[:1] == norm.normalize(source)[:1], (source, shown)
    assert built.paragraphs[0].startswith("۱.") and built.paragraphs[2].startswith("#")
    assert "*" in built.paragraphs[8] and "a_b_c" in built.paragraphs[8]
    # (the normalizer may space punctuation: «[متن] (https://…)»; the text stays, no link is made)
    assert "[متن]" in built.paragraphs[9] and "(https://example.ir)" in built.paragraphs[9]
    assert "`کد`" in built.paragraphs[9]
    assert "<b>" in built.paragraphs[9] and "&amp;" in built.paragraphs[9] and "\\" in built.paragraphs[9]
    assert built.paragraphs[10].startswith("<div>") and built.paragraphs[12].startswith("~~~")


def test_a_date_line_in_the_text_is_read_and_nothing_is_left_to_review(site):
    m = article(site, "content/imported/64999.md").meta
    assert m.date.value == datetime(2019, 2, 9, 10, 30, tzinfo=TEHRAN)
    assert m.extra["review"] == []
    assert m.section == "مسکن" and m.title == "عنوان خبر تاریخ‌دار"
    assert m.province is None  # «تبریز» alone, outside «(…)» or «استان …», names no province
    assert "تاریخ انتشار" not in imported(site)["64999.md"]


# ----------------------------------------------------------------------------- inputs


def test_encodings_and_line_endings_give_the_same_article(tmp_path):
    text = (SEEDS / FIRST).read_text(encoding="utf-8")
    # What a Windows-1256 export of the old site holds: Arabic ي, Latin digits, no ezafe hamza.
    arabic = text.replace("ی", "ي").replace("هٔ", "ه").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    variants = {
        "utf8.txt": text.encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16le.txt": text.encode("utf-16"),
        "utf16be.txt": b"\xfe\xff" + text.encode("utf-16-be"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "cr.txt": text.replace("\n", "\r").encode("utf-8"),
        "cp1256.txt": arabic.encode("cp1256"),
    }
    results = {}
    for name, data in variants.items():
        root = project(tmp_path / name)
        export(tmp_path / name / "in", name, data)
        code, out, err = run("--root", root, "import", tmp_path / name / "in", "--jobs", "1")
        assert code == 0, (name, err)
        m = article(root, "content/imported/64048.md").meta
        results[name] = (m.title, m.news_id, m.section, m.province, m.lead, tuple(m.extra["review"]))
        body = imported(root)["64048.md"].split("\n---\n", 1)[1]
        in_order(source_paragraphs(FIRST)[1], body)
    assert len(set(results.values())) == 1, results


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"\n \r\n\t\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
    (bytes(range(256)) * 4, "binary"),
    ("café crème brûlée à la carte, naïve façade".encode("latin-1"), "not text in UTF-8, UTF-16 or Windows-1256"),
    (b"\xff\xfe\x00\xd8", "UTF-16"),
])
def test_bad_sources_are_reported_and_skipped_and_the_rest_imported(tmp_path, data, message):
    root = project(tmp_path)
    src = seeds(tmp_path / "in", FIRST)
    export(src, "bad.txt", data)
    code, out, err = run("--root", root, "import", src, "--jobs", "1")
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith(str(src / "bad.txt"))]
    assert len(lines) == 1 and lines[0].startswith(f"{src / 'bad.txt'}: ") and message in lines[0], err
    assert list(imported(root)) == ["64048.md"]
    assert "imported 1 article" in out and "1 skipped, 0 failed" in out


def test_a_missing_source_is_an_error_and_nothing_is_imported(tmp_path):
    root = project(tmp_path)
    code, out, err = run("--root", root, "import", tmp_path / "nowhere")
    assert code == 1 and "nowhere: no such file or folder" in err
    assert not (root / "content").exists()


def _archive_members() -> list[tuple[str, bytes]]:
    return [(f"export/{FIRST}", (SEEDS / FIRST).read_bytes()), (f"export/{SECOND}", (SEEDS / SECOND).read_bytes()),
            ("../outside.txt", "شناسه خبر: 777\n\nعنوان\n\nمتن.\n".encode()), ("export/readme.md", b"# not an export")]


def test_zip_and_tar_gz_sources_are_read_in_memory(tmp_path):
    zip_path, tar_path = tmp_path / "export.zip", tmp_path / "export.tar.gz"
    with zipfile.ZipFile(zip_path, "w") as z:
        for name, data in _archive_members():
            info = zipfile.ZipInfo(name, date_time=(2019, 2, 9, 10, 30, 0))  # no zone: read in the site's
            z.writestr(info, data)
    with tarfile.open(tar_path, "w:gz") as t:
        for name, data in _archive_members():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), int(STAMP)
            t.addfile(info, io.BytesIO(data))
    for archive in (zip_path, tar_path):
        root = project(tmp_path / archive.name.replace(".", "_"))
        before = sorted(p for p in tmp_path.rglob("*") if "site" not in p.parts)
        code, out, err = run("--root", root, "import", archive, "--jobs", "1")
        assert code == 0, err
        assert sorted(p for p in tmp_path.rglob("*") if "site" not in p.parts) == before  # nothing extracted
        files = imported(root)
        assert "64048.md" in files and "777.md" in files and len(files) == 3
        assert article(root, "content/imported/64048.md").meta.date.value == datetime(2019, 2, 9, 10, 30, tzinfo=TEHRAN)
        assert f"  file: {FIRST}\n" in files["64048.md"]


def test_dates_csv_gives_dates_by_news_number_or_file_name(tmp_path):
    root = project(tmp_path)
    src = seeds(tmp_path / "in")
    dates = tmp_path / "dates.csv"
    dates.write_text(f"source,date\n۶۴۰۴۸,1397-11-20 10:30\n{SECOND},2022-05-01T09:00\n", encoding="utf-8")
    code, out, err = run("--root", root, "import", src, "--dates", dates, "--jobs", "1")
    assert code == 0, err
    files = imported(root)
    assert "\ndate: 1397-11-20 10:30\n" in files["64048.md"] and "\nreview: []\n" in files["64048.md"]
    second = next(text for text in files.values() if SECOND in text)
    assert "\ndate: 1401-02-11 09:00\n" in second and "\nreview: [title]\n" in second
    assert "need review, of the 2 imported: title 1 (" in out


def test_a_bad_dates_csv_row_is_reported_with_its_line_and_nothing_is_imported(tmp_path):
    root = project(tmp_path)
    src = seeds(tmp_path / "in")
    dates = tmp_path / "dates.csv"
    dates.write_text("source,date\n64048,1397-13-01\n", encoding="utf-8")
    code, out, err = run("--root", root, "import", src, "--dates", dates)
    assert code == 1 and f"{dates}:2: " in err
    assert imported(root) == {}


# ----------------------------------------------------------------------------- runs


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_rerunning_changes_nothing_and_force_rewrites_atomically(tmp_path):
    root = project(tmp_path)
    src = seeds(tmp_path / "in")
    assert run("--root", root, "import", src, "--jobs", "1")[0] == 0
    first = _tree(root / "content")
    code, out, err = run("--root", root, "import", src, "--jobs", "1")
    assert code == 0 and "imported 0 articles" in out and "2 already there" in out
    assert "already imported as content/imported/64048.md" in err
    assert _tree(root / "content") == first
    edited = root / "content/imported/64048.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nویرایش دستی.\n", encoding="utf-8")
    inode = edited.stat().st_ino
    code, out, err = run("--root", root, "import", src, "--jobs", "1", "--force")
    assert code == 0 and "imported 1 article (1 rewritten)" in out
    assert edited.read_bytes() == first["imported/64048.md"][0]
    assert edited.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert sorted(_tree(root / "content")) == sorted(first)  # no temporary files left


def test_dry_run_writes_nothing_and_reports_the_same(tmp_path):
    root = project(tmp_path)
    src = seeds(tmp_path / "in")
    export(src, "bad.txt", b"")
    before = _tree(tmp_path)
    code, dry, err_dry = run("--root", root, "import", src, "--dry-run", "--jobs", "1")
    assert _tree(tmp_path) == before and not (root / "content").exists()
    code2, real, err_real = run("--root", root, "import", src, "--jobs", "1")
    assert code == code2 == 1
    assert dry == "dry run, nothing written: " + real.replace("imported 2", "would import 2", 1)
    assert err_dry == err_real


def test_jobs_2_writes_exactly_what_jobs_1_writes(tmp_path):
    src = seeds(tmp_path / "in")
    text = (SEEDS / FIRST).read_text(encoding="utf-8")
    for i in range(12):  # more exports than one worker's chunk, with and without news numbers
        export(src, f"1{i:02}.txt", text.replace("64048", str(65000 + i)), mtime=STAMP + i * 3600)
        export(src, f"2{i:02}.txt", (SEEDS / SECOND).read_text(encoding="utf-8").replace("اصفهان", f"اصفهان {i}"))
    trees = []
    for jobs in (1, 2):
        root = project(tmp_path / f"jobs{jobs}")
        code, out, err = run("--root", root, "import", src, "--jobs", jobs)
        assert code == 0, err
        trees.append({k: v[0] for k, v in _tree(root / "content").items()})
    assert len(trees[0]) == 26 and trees[0] == trees[1]


def test_colliding_title_slugs_get_a_deterministic_suffix(tmp_path):
    root = project(tmp_path)
    src = tmp_path / "in"
    text = (SEEDS / SECOND).read_text(encoding="utf-8")
    export(src, "a.txt", text)
    export(src, "b.txt", text + "یک بند دیگر.\n")
    assert run("--root", root, "import", src, "--jobs", "1")[0] == 0
    first, second = sorted(imported(root), key=len)
    assert second == first.replace(".md", "-2.md")
    assert "file: a.txt" in imported(root)[first] and "file: b.txt" in imported(root)[second]
    assert run("--root", root, "build")[0] == 0


def test_the_same_news_number_with_other_text_fails_and_is_named(tmp_path):
    root = project(tmp_path)
    src = seeds(tmp_path / "in", FIRST)
    export(src, "zzz.txt", (SEEDS / FIRST).read_text(encoding="utf-8") + "\nبند دیگر\n")
    code, out, err = run("--root", root, "import", src, "--jobs", "1")
    assert code == 1 and f"{src / 'zzz.txt'}: has the news number 64048 of {src / FIRST}" in err
    assert list(imported(root)) == ["64048.md"]


def test_custom_furniture_from_the_config(tmp_path):
    root = project(tmp_path, 'furniture = ["نسخه قابل چاپ", "نظر شما", "تعداد بازدید"]\n')
    src = tmp_path / "in"
    export(src, "x.txt", "شناسه خبر: 5 - سرویس راه\nنسخه‌قابل‌چاپ\n\nعنوان\n\nمتن خبر.\n\nتعداد بازديد\n\nنظر شما:\n")
    assert run("--root", root, "import", src, "--jobs", "1")[0] == 0
    body = imported(root)["5.md"].split("\n---\n", 1)[1]
    assert body.strip() == "متن خبر."


# ----------------------------------------------------------------------------- the pieces


@pytest.mark.parametrize("line", [
    "شناسهٔ خبر: 64048 - سرویس استانها",
    "شناسه خبر: ۶۴۰۴۸ – سرویس استانها",
    "شناسه‌ی خبر : ٦٤٠٤٨ — سرويس  استانها",
    "شناسه ی خبر:64048-سرویس استانها ",
    "شناسۀ خبر :  64048  |  سرویس استانها",
])
def test_header_variants(line):
    assert match_header(line) == (64048, "استانها")


@pytest.mark.parametrize(("line", "date"), [
    ("تاریخ انتشار: ۲۰ بهمن ۱۳۹۷ - ۱۰:۳۰", "1397-11-20 10:30"),
    ("1397/11/20 10:30", "1397-11-20 10:30"),
    ("تاريخ: ۱۳۹۷/۱۱/۲۰", "1397-11-20"),
    ("یکشنبه ۲۰ بهمن ماه ۱۳۹۷ ساعت ۱۰:۳۰", "1397-11-20 10:30"),
    ("10:30 - 1397/11/20", "1397-11-20 10:30"),
    ("در تاریخ 1397/11/20 جلسه برگزار شد", None),
])
def test_date_lines(line, date):
    assert match_date(line) == date


@pytest.mark.parametrize(("text", "province"), [
    ("جلسه شورای راه و شهرسازی استان قزوين", "قزوین"),
    ("به گزارش پایگاه خبری (تبریز)؛ جلسه", "آذربایجان شرقی"),
    ("در استان آذربايجان‌غربي", "آذربایجان غربی"),
    ("استان کهگیلویه‌وبویراحمد", "کهگیلویه و بویراحمد"),
    ("استان سیستان و بلوچستان", "سیستان و بلوچستان"),
    ("استان چهارمحال بختیاری", "چهارمحال و بختیاری"),
    ("در استان کرمانشاه و استان کرمان", "کرمانشاه"),
    ("به گزارش خبرنگار (خرم آباد)", "لرستان"),
    ("در شهر تبریز و استانداری", None),
])
def test_provinces(text, province):
    assert find_province(text) == province


def test_provisional_title_drops_the_attribution_and_cuts_at_a_word():
    line = (SEEDS / SECOND).read_text(encoding="utf-8").splitlines()[0]
    title = provisional_title(line)
    assert title == "شورای هماهنگی ارتباطات و اطلاعرسانی دستگاههای زیرمجموعه وزارت راه و شهرسازی"
    assert provisional_title("به گزارش ایرنا، راه تازه افتتاح شد. جزئیات بیشتر.") == "راه تازه افتتاح شد"


def test_paragraphs_one_per_line_or_one_per_block():
    furniture = frozenset()
    assert parse("بند یک.\nبند دو.\nبند سه.\n", furniture).paragraphs == ("بند یک.", "بند دو.", "بند سه.")
    lined = parse("عنوان کوتاه\nبند یک.\nبند دو.\n", furniture)
    assert lined.title == "عنوان کوتاه" and lined.paragraphs == ("بند یک.", "بند دو.")
    assert parse("بند یک\nادامه\n\nبند دو\n", furniture).paragraphs == ("بند یک ادامه", "بند دو")


@pytest.mark.parametrize("text", ["۱. بند", "1. بند", "# بند", "- بند", "> بند", "* بند", "a | b", "<b>x</b>",
                                  "~~~ x", ": x", "&copy; و &#1; و x_y_z *a* `c` [l](u) {: #i} \\"])
def test_escape_markdown_renders_the_text(text):
    from markdown import Markdown

    html = Markdown(extensions=["extra", "sane_lists"]).convert(escape_markdown(text))
    parser = _Text()
    parser.feed(f'<div class="body">{html}</div>')
    assert parser.body_tags == ["p"] and parser.paragraphs == [text]


def test_decode_reads_utf16_and_windows_1256():
    assert decode("سلام\r\nدنیا\r".encode("utf-16")) == "سلام\nدنیا\n"
    assert decode("سلام كتاب".encode("cp1256")) == "سلام كتاب"


def test_the_sample_site_holds_the_two_seed_articles():
    files = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "content/imported").glob("*.md")}
    assert "64048.md" in files and len(files) == 2
    assert any(f"  file: {SECOND}\n" in text for text in files.values())
    for name in files:
        article(REPO, f"content/imported/{name}")
