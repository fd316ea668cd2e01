"""`build.py fmt [--check] [PATHS]`, driven through `akhbar.cli.main` on a throw-away project.

fmt rewrites prose only — the Markdown body's text and the front-matter values title, lead, tags
(and the section/province taxonomies) — and keeps every other byte: keys, order, comments, quoting,
non-prose values, line endings, BOM. Writes are atomic. `--check` writes nothing, prints a unified
diff and exits 1. Unparseable files are reported as `path:line:` and left alone.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from akhbar.body import BodyRenderer
from akhbar.cli import main
from akhbar.config import load_config
from akhbar.read import discover, load_source, parse_article

REPO = Path(__file__).resolve().parents[1]
ZW = "\u200c"
KEYS = ("tags", "section", "province")


@pytest.fixture(scope="module", autouse=True)
def _one_hazm_per_setting(shared_hazm):
    """Every Formatter/TextNormalizer here reuses the hazm normalizer built for its settings."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "themes", root / "themes")
    shutil.copy(REPO / "site_config.toml", root / "site_config.toml")
    shutil.copy(REPO / "normalize-words.txt", root / "normalize-words.txt")
    return root


@pytest.fixture
def fmt(project, capsys):
    def run(*args: str | os.PathLike) -> tuple[int, str, str]:
        code = main(["--root", str(project), "fmt", *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def write(project: Path, rel: str, data: str | bytes) -> Path:
    path = project / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def state(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_ino


def report_kinds(line: str, head: str) -> set[str]:
    """The kinds named in a report line 'fmt: <head> (kind: n, kind: n)', each with a positive count."""
    m = re.fullmatch(rf"fmt: {head} \((.+)\)", line)
    assert m, line
    counts = dict(part.split(": ") for part in m.group(1).split(", "))
    assert all(int(n) > 0 for n in counts.values()), line
    return set(counts)


def report(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("fmt: ")]
    assert len(lines) == 1, err
    return lines[0]


# ----------------------------------------------------------------------------- one rich article

RICH = """---
# يادداشت: اين خبر 3.5 هنوز ويرايش نشده
title: "اين خبر 3.5 درصد"   # عنوان موقت
date: 1397-11-20 10:30
slug: rich-1397
tags: [مسكن ملي, 'سال 1400', "راه سازی"]
section: استان ها
province: تهران
image: /img/كتاب_3.5.jpg
news_id: 64048
منبع: خبرگزاري ايرنا 1397
lead: 'كتاب ها و ''نقل قول'' 3.5'
---

اين كتاب ها 3.5 درصد گران تر شد و `كد 3.5` ماند.

[اين كتاب](https://x.ir/news/64048 "عنوان ي") و ![تصوير ها 12](/img/a_1.jpg)

<div class="ك 3.5">
اين 3.5 كتاب
</div>

```
كد ي 3.5
```

- مورد اول كتاب
- مورد 2

| ستون | عدد |
|---|---|
| كتاب ها | 3.5 |

> نقل قول مي رود
"""

RICH_FORMATTED = f"""---
# يادداشت: اين خبر 3.5 هنوز ويرايش نشده
title: "این خبر ۳٫۵ درصد"   # عنوان موقت
date: 1397-11-20 10:30
slug: rich-1397
tags: [مسکن ملی, 'سال ۱۴۰۰', "راه{ZW}سازی"]
section: استان{ZW}ها
province: تهران
image: /img/كتاب_3.5.jpg
news_id: 64048
منبع: خبرگزاري ايرنا 1397
lead: 'کتاب{ZW}ها و ''نقل قول'' ۳٫۵'
---

این کتاب{ZW}ها ۳٫۵ درصد گران{ZW}تر شد و `كد 3.5` ماند.

[این کتاب](https://x.ir/news/64048 "عنوان ي") و ![تصویر{ZW}ها ۱۲](/img/a_1.jpg)

<div class="ك 3.5">
اين 3.5 كتاب
</div>

```
كد ي 3.5
```

- مورد اول کتاب
- مورد ۲

| ستون | عدد |
|---|---|
| کتاب{ZW}ها | ۳٫۵ |

> نقل قول می{ZW}رود
"""


def test_rewrites_prose_and_keeps_every_other_byte(project, fmt):
    path = write(project, "1397/rich.md", RICH)
    code, out, err = fmt()
    assert code == 0, err
    assert out == ""
    assert path.read_text(encoding="utf-8") == RICH_FORMATTED


def test_formatted_article_renders_like_the_original(project, fmt):
    """fmt never changes the site: the normalized render of the output equals that of the input, and the
    output is already in normalized form (rendering it *without* normalization gives the same page)."""
    path = write(project, "rich.md", RICH)
    before = render(project, path)
    assert fmt()[0] == 0
    assert render(project, path) == before
    assert render(project, path, normalize=False).html == before.html


def test_second_run_changes_nothing(project, fmt):
    path = write(project, "rich.md", RICH)
    assert fmt()[0] == 0
    first = state(path)
    code, out, err = fmt()
    assert (code, out) == (0, "")
    assert report(err) == "fmt: 0 files changed (nothing to fix)"
    assert state(path) == first


def test_report_counts_changes_by_kind(project, fmt):
    write(project, "a.md", "---\ntitle: t\ndate: 1400-01-01\n---\n\nكتاب ها 12\n")
    write(project, "b.md", "---\ntitle: اين\ndate: 1400-01-01\n---\n\nمتن.\n")
    write(project, "clean.md", "---\ntitle: خبر\ndate: 1400-01-01\n---\n\nمتن.\n")
    code, _, err = fmt()
    assert code == 0
    assert report(err) == "fmt: 2 files changed (Arabic letters: 2, ZWNJ restored: 1, digits: 2)"


# ----------------------------------------------------------------------------- front matter details

def test_block_sequence_tags_and_their_comments(project, fmt):
    path = write(project, "seq.md", '---\ntitle: اين خبر\ndate: 1400-01-01\ntags:\n  - مسكن ملي   # نظر ي\n'
                                    '  - "سال 1400"\n  - 1400\n---\n\nمتن\n')
    assert fmt()[0] == 0
    assert path.read_text(encoding="utf-8") == ('---\ntitle: این خبر\ndate: 1400-01-01\ntags:\n  - مسکن ملی   # نظر ي\n'
                                                '  - "سال ۱۴۰۰"\n  - 1400\n---\n\nمتن\n')


@pytest.mark.parametrize(("before", "after"), [
    pytest.param("tags: [مسكن ملي, 1403]", "tags: [مسکن ملی, 1403]", id="number-in-flow-list"),
    pytest.param("tags: [1403, 3.5]", "tags: [1403, 3.5]", id="only-numbers"),
    pytest.param("section: 1403", "section: 1403", id="number-as-value"),
])
def test_non_text_values_do_not_stop_the_rest_being_normalized(project, fmt, before, after):
    """Regression: a number among the tags (read.py accepts it) made fmt give up on the whole front matter."""
    path = write(project, "n.md", f"---\ntitle: اين خبر\ndate: 1400-01-01\n{before}\n---\n\nمتن\n")
    code, _, err = fmt()
    assert code == 0
    assert "warning" not in err
    assert path.read_text(encoding="utf-8") == f"---\ntitle: این خبر\ndate: 1400-01-01\n{after}\n---\n\nمتن\n"


def test_plain_value_that_normalization_would_make_invalid_gets_quoted(project, fmt):
    path = write(project, "colon.md", "---\ntitle: گفت:كتاب\ndate: 1400-01-01\n---\n\nمتن\n")
    assert fmt()[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text == '---\ntitle: "گفت: کتاب"\ndate: 1400-01-01\n---\n\nمتن\n'
    raw = parse_article(load_source(path, project), load_config(project).tz)
    assert raw.meta.title == "گفت: کتاب"


def test_non_prose_values_and_keys_are_never_touched(project, fmt):
    text = ('---\ntitle: خبر\ndate: "1397-11-20"\nslug: "كتاب-3.5"\nimage: images/اين 3.5.jpg\nnews_id: "64048"\n'
            "draft: false\nسرویس ي: اين 3.5\nextra_list: [اين, 3.5]\n---\n\nمتن\n")
    path = write(project, "keys.md", text)
    before = state(path)
    code, _, err = fmt()
    assert code == 0
    assert report(err) == "fmt: 0 files changed (nothing to fix)"
    assert state(path) == before


def test_block_scalar_lead_is_normalized_in_its_own_style(project, fmt):
    path = write(project, "block.md", "---\ntitle: اين\ndate: 1400-01-01\nlead: |\n  كتاب ها\n---\n\nمتن\n")
    fmt()
    assert path.read_text(encoding="utf-8") == f"---\ntitle: این\ndate: 1400-01-01\nlead: |\n  کتاب{ZW}ها\n---\n\nمتن\n"


def test_front_matter_that_cannot_be_rewritten_safely_is_left_with_a_warning(project, fmt):
    # an alias repeats the anchored value: one text, two places, so no in-place edit can be right
    text = "---\ntitle: &t اين\ndate: 1400-01-01\nlead: *t\n---\n\nكتاب\n"
    path = write(project, "alias.md", text)
    code, _, err = fmt()
    assert code == 0
    assert "content/alias.md:2: warning: front matter left as written" in err
    assert path.read_text(encoding="utf-8") == text.replace("\n\nكتاب", "\n\nکتاب")


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param("`كد` كد", "`كد` کد", id="same-word-in-code-span-first"),
    pytest.param("[كتاب](https://fa.wikipedia.org/wiki/كتاب) كتاب", "[کتاب](https://fa.wikipedia.org/wiki/كتاب) کتاب",
                 id="same-word-in-link-target"),
    pytest.param("![كتاب](/img/كتاب.jpg) كتاب", "![کتاب](/img/كتاب.jpg) کتاب", id="same-word-in-image-source"),
])
def test_text_repeated_inside_markup_is_still_normalized(project, fmt, body, expected):
    path = write(project, "a.md", f"---\ntitle: t\ndate: 1400-01-01\n---\n\n{body}\n")
    code, _, err = fmt()
    assert code == 0
    assert path.read_text(encoding="utf-8") == f"---\ntitle: t\ndate: 1400-01-01\n---\n\n{expected}\n"


def test_text_repeated_inside_markup_never_damages_the_markup(project, fmt):
    """Whatever fmt manages there, code spans and targets come through byte-for-byte."""
    body = "`كد` كد و [كتاب](https://fa.wikipedia.org/wiki/كتاب) كتاب و ![كتاب](/img/كتاب.jpg) كتاب"
    path = write(project, "a.md", f"---\ntitle: t\ndate: 1400-01-01\n---\n\n{body}\n")
    before = render(project, path)
    assert fmt()[0] == 0
    text = path.read_text(encoding="utf-8")
    for markup in ("`كد`", "(https://fa.wikipedia.org/wiki/كتاب)", "(/img/كتاب.jpg)"):
        assert markup in text
    assert render(project, path) == before


# ----------------------------------------------------------------------------- bytes on disk

def test_crlf_line_endings_are_kept(project, fmt):
    path = write(project, "crlf.md", RICH.replace("\n", "\r\n").encode("utf-8"))
    assert fmt()[0] == 0
    data = path.read_bytes()
    assert data == RICH_FORMATTED.replace("\n", "\r\n").encode("utf-8")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_byte_order_mark_is_kept(project, fmt):
    path = write(project, "bom.md", b"\xef\xbb\xbf" + RICH.encode("utf-8"))
    assert fmt()[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + RICH_FORMATTED.encode("utf-8")


def test_bom_and_crlf_together(project, fmt):
    path = write(project, "both.md", b"\xef\xbb\xbf" + RICH.replace("\n", "\r\n").encode("utf-8"))
    assert fmt()[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + RICH_FORMATTED.replace("\n", "\r\n").encode("utf-8")


def test_missing_final_newline_stays_missing(project, fmt):
    path = write(project, "eof.md", "---\ntitle: t\ndate: 1400-01-01\n---\n\nكتاب")
    assert fmt()[0] == 0
    assert path.read_bytes() == "---\ntitle: t\ndate: 1400-01-01\n---\n\nکتاب".encode()


def test_write_is_atomic_rename_and_keeps_the_mode(project, fmt):
    path = write(project, "a.md", RICH)
    path.chmod(0o640)
    inode = path.stat().st_ino
    assert fmt()[0] == 0
    assert path.stat().st_ino != inode  # a new file renamed over the old one, not a rewrite in place
    assert path.stat().st_mode & 0o7777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.md"]  # no temp file left behind


def test_failed_write_leaves_the_original_and_no_temp_file(project, fmt, monkeypatch):
    path = write(project, "a.md", RICH)
    before = state(path)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("akhbar.fmt.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        fmt()
    assert state(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.md"]


# ----------------------------------------------------------------------------- --check

def test_check_prints_a_diff_exits_1_and_writes_nothing(project, fmt):
    path = write(project, "1397/rich.md", RICH)
    clean = write(project, "clean.md", "---\ntitle: خبر\ndate: 1400-01-01\n---\n\nمتن.\n")
    before, clean_before = state(path), state(clean)
    code, out, err = fmt("--check")
    assert code == 1
    assert state(path) == before and state(clean) == clean_before
    assert sorted(p.name for p in path.parent.iterdir()) == ["rich.md"]
    assert out.startswith("--- a/content/1397/rich.md\n+++ b/content/1397/rich.md\n@@ ")
    assert "clean.md" not in out
    removed = [line[1:] for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert 'title: "اين خبر 3.5 درصد"   # عنوان موقت' in removed
    assert 'title: "این خبر ۳٫۵ درصد"   # عنوان موقت' in added
    assert not any("منبع" in line or "image:" in line or "```" in line for line in removed + added)
    assert report_kinds(report(err), "1 file would change") == {"Arabic letters", "ZWNJ restored", "digits"}


def test_check_diff_applies_to_give_the_formatted_file(project, fmt):
    write(project, "rich.md", RICH)
    _, out, _ = fmt("--check")
    assert apply_unified_diff(RICH, out) == RICH_FORMATTED


def test_check_exits_0_when_everything_is_formatted(project, fmt):
    path = write(project, "rich.md", RICH_FORMATTED)
    before = state(path)
    code, out, err = fmt("--check")
    assert (code, out) == (0, "")
    assert report(err) == "fmt: 0 files would change (nothing to fix)"
    assert state(path) == before


def test_check_on_crlf_file_writes_nothing(project, fmt):
    path = write(project, "crlf.md", RICH.replace("\n", "\r\n").encode("utf-8"))
    before = state(path)
    code, out, _ = fmt("--check")
    assert code == 1 and out
    assert state(path) == before


# ----------------------------------------------------------------------------- files fmt must not change

def test_normalize_false_article_is_untouched(project, fmt):
    path = write(project, "optout.md", RICH.replace("news_id: 64048\n", "news_id: 64048\nnormalize: false\n"))
    before = state(path)
    code, _, err = fmt()
    assert code == 0
    assert report(err) == "fmt: 0 files changed (nothing to fix)"
    assert state(path) == before


def test_site_wide_switch_off_changes_nothing(project, fmt):
    config = project / "site_config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("enabled = true", "enabled = false"), encoding="utf-8")
    assert "enabled = false" in config.read_text(encoding="utf-8")
    path = write(project, "a.md", RICH)
    before = state(path)
    assert fmt()[0] == 0
    assert state(path) == before


def test_editor_backup_and_hidden_files_are_ignored(project, fmt):
    backups = [write(project, name, RICH) for name in (".#rich.md", "rich.md~", ".hidden/rich.md")]
    before = [state(p) for p in backups]
    assert fmt()[0] == 0
    assert [state(p) for p in backups] == before


def test_only_the_named_paths_are_formatted(project, fmt):
    one = write(project, "one.md", RICH)
    other = write(project, "other.md", RICH)
    before = state(other)
    assert fmt(one)[0] == 0
    assert one.read_text(encoding="utf-8") == RICH_FORMATTED
    assert state(other) == before


# ----------------------------------------------------------------------------- broken files

@pytest.mark.parametrize(("text", "line"), [
    pytest.param('---\ntitle: "اين\ndate: 1400-01-01\n---\n\nكتاب\n', 2, id="unclosed-quote"),
    pytest.param("---\ntitle: اين خبر\ndate: 1400-01-01\ntags: [a, b\nlead: x\n---\n\nكتاب\n", 4, id="unclosed-list"),
    pytest.param("---\ntitle: اين: خبر: دوم\ndate: 1400-01-01\n---\n\nكتاب\n", 2, id="colon-in-plain-value"),
    pytest.param("---\ntitle: اين\ndate: 1400-01-01\n\nكتاب\n", 1, id="front-matter-not-closed"),
    pytest.param("---\ndate: 1400-01-01\n---\n\nكتاب\n", 1, id="no-title"),
])
def test_unparseable_file_is_reported_and_left_alone_others_still_formatted(project, fmt, text, line):
    bad = write(project, "1399/bad.md", text)
    good = write(project, "good.md", RICH)
    before = state(bad)
    code, out, err = fmt()
    assert code == 1
    assert re.search(rf"^content/1399/bad\.md:{line}: ", err, re.M), err
    assert state(bad) == before
    assert good.read_text(encoding="utf-8") == RICH_FORMATTED
    assert report_kinds(report(err), "1 file changed") == {"Arabic letters", "ZWNJ restored", "digits"}


def test_file_that_is_not_utf8_is_reported_with_its_line(project, fmt):
    bad = write(project, "latin1.md", b"---\ntitle: t\ndate: 1400-01-01\n---\n\ncaf\xe9\n")
    before = state(bad)
    code, _, err = fmt()
    assert code == 1
    assert "content/latin1.md:6: is not UTF-8 text" in err
    assert state(bad) == before


def test_broken_file_under_check_is_reported_too(project, fmt):
    bad = write(project, "bad.md", '---\ntitle: "اين\ndate: 1400-01-01\n---\n\nكتاب\n')
    before = state(bad)
    code, out, err = fmt("--check")
    assert code == 1
    assert "content/bad.md:2: " in err
    assert out == ""
    assert state(bad) == before


# ----------------------------------------------------------------------------- the sample articles

SAMPLES = discover(REPO / "content") if (REPO / "content").is_dir() else []


@pytest.mark.skipif(not SAMPLES, reason="no articles under content/ yet")
def test_sample_articles_fmt_preserves_the_site_and_is_idempotent(project, fmt):
    shutil.rmtree(project / "content")
    shutil.copytree(REPO / "content", project / "content")
    paths = discover(project / "content")
    before = {p: render(project, p) for p in paths}
    normalized_bodies = {p: before[p].html for p in paths}
    code, out, err = fmt()
    assert code == 0, err
    assert "warning" not in err, err
    for p in paths:
        rel = p.relative_to(project).as_posix()
        assert render(project, p) == before[p], f"{rel}: fmt changed what the site shows"
        if parse(project, p).meta.normalize:
            # the file itself now holds the normalized text: no normalization needed to show it
            assert render(project, p, normalize=False).html == normalized_bodies[p], f"{rel}: not in normalized form"
    after = {p: state(p) for p in paths}
    code, out, err = fmt("--check")
    assert (code, out) == (0, ""), out
    assert {p: state(p) for p in paths} == after


# ----------------------------------------------------------------------------- helpers

_RENDERERS: dict[bool, BodyRenderer] = {}


def parse(project: Path, path: Path):
    config = load_config(project)
    raw = parse_article(load_source(path, project), config.tz)
    assert not isinstance(raw, list), raw
    return raw


def render(project: Path, path: Path, normalize: bool = True):
    config = load_config(project)
    if normalize not in _RENDERERS:
        _RENDERERS[normalize] = BodyRenderer(config.normalize if normalize else
                                             type(config.normalize)(enabled=False))
    return _RENDERERS[normalize].render(parse(project, path), KEYS)


def apply_unified_diff(original: str, diff: str) -> str:
    """Apply a one-file unified diff (as printed by --check) to `original`."""
    src = original.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[i])
        if not m:
            i += 1
            continue
        start = int(m.group(1)) - 1
        out += src[pos:start]
        pos = start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            tag, body = lines[i][0], lines[i][1:]
            if tag in " -":
                assert src[pos] == body, (src[pos], body)
                pos += 1
            if tag in " +":
                out.append(body)
            i += 1
    return "".join(out + src[pos:])
