"""Read stage: content files → RawArticle (validated front matter) or Problems pointing at their line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from akhbar.errors import Problem
from akhbar.model import RawArticle, SourceFile
from akhbar.read import discover, is_content_file, load_source, parse_article

TEHRAN = ZoneInfo("Asia/Tehran")
GOOD = """---
title: "شورای ترافیک قزوین"
date: 1397-11-20 10:30
tags: [ایمنی راه‌ها, راه‌سازی]
section: استان‌ها
province: قزوین
news_id: 64102
lead: خلاصهٔ خبر
slug: qazvin-council
draft: false
image: /images/qazvin.jpg
---

متن خبر.
"""


def parse(text: str, name: str = "content/1397/x.md") -> RawArticle | list[Problem]:
    return parse_article(SourceFile(f"/site/{name}", name, text), TEHRAN)


def ok(text: str, name: str = "content/1397/x.md") -> RawArticle:
    result = parse(text, name)
    assert isinstance(result, RawArticle), [str(p) for p in result]
    return result


def bad(text: str, name: str = "content/1397/x.md") -> list[tuple[int | None, str]]:
    result = parse(text, name)
    assert isinstance(result, list), "expected problems"
    assert all(isinstance(p, Problem) and p.path == name for p in result)
    return [(p.line, p.message) for p in result]


def fm(*lines: str, body: str = "متن خبر.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n\n" + body


# ----------------------------------------------------------------------------- a good article


def test_every_known_key_is_read():
    raw = ok(GOOD)
    m = raw.meta
    assert m.title == "شورای ترافیک قزوین"
    assert m.date.value == datetime(2019, 2, 9, 7, 0, tzinfo=UTC) and m.date.has_time
    assert m.tags == ("ایمنی راه‌ها", "راه‌سازی")
    assert (m.section, m.province, m.news_id) == ("استان‌ها", "قزوین", 64102)
    assert (m.lead, m.slug, m.draft, m.image) == ("خلاصهٔ خبر", "qazvin-council", False, "/images/qazvin.jpg")
    assert m.extra == {}
    assert raw.body == "متن خبر.\n"


def test_key_lines_are_the_lines_in_the_file():
    m = ok(GOOD).meta
    assert m.lines["title"] == 2
    assert m.lines["date"] == 3
    assert m.lines["slug"] == 9
    assert m.lines["image"] == 11


def test_body_line_is_the_first_body_line_in_the_file():
    raw = ok("---\ntitle: a\ndate: 1397-11-20\n---\nمتن\n")
    assert raw.body == "متن\n" and raw.body_line == 5
    raw = ok("---\ntitle: a\ndate: 1397-11-20\n---\n\nمتن\n")
    assert raw.body == "متن\n" and raw.body_line == 6


def test_only_title_and_date_are_required_and_the_rest_defaults():
    m = ok(fm("title: خبر", "date: 1397-11-20"), name="content/1397/qazvin-roads.md").meta
    assert m.slug == "qazvin-roads"  # the file name
    assert m.tags == () and m.section is None and m.province is None and m.news_id is None
    assert m.lead is None and m.image is None and m.draft is False and m.normalize is True


def test_jalali_dates_stay_jalali_although_yaml_would_read_them_as_gregorian():
    assert ok(fm("title: a", "date: 1397-11-20")).meta.date.value.year == 2019
    assert ok(fm("title: a", "date: 2019-02-09")).meta.date.value.date().isoformat() == "2019-02-09"
    assert ok(fm("title: a", 'date: "1397-11-20 10:30"')).meta.date.iso == "2019-02-09T10:30:00+03:30"


def test_unknown_keys_are_kept_with_their_values():
    m = ok(fm("title: a", "date: 1397-11-20", "kicker: روتیتر", "sources: [ایرنا, ایسنا]",
              "photo_credit:", "priority: 3")).meta
    assert m.extra == {"kicker": "روتیتر", "sources": ["ایرنا", "ایسنا"], "photo_credit": None, "priority": 3}


def test_one_tag_written_as_text_is_a_list_of_one():
    assert ok(fm("title: a", "date: 1397-11-20", "tags: مسکن")).meta.tags == ("مسکن",)


def test_tags_may_be_numbers_and_blank_tags_are_dropped():
    assert ok(fm("title: a", "date: 1397-11-20", "tags: [1400, '', ' مسکن ']")).meta.tags == ("1400", "مسکن")


def test_news_id_written_as_text_digits_is_a_number():
    assert ok(fm("title: a", "date: 1397-11-20", 'news_id: "64048"')).meta.news_id == 64048


def test_draft_true_is_read():
    assert ok(fm("title: a", "date: 1397-11-20", "draft: true")).meta.draft is True


def test_utf8_bom_and_windows_line_endings_are_accepted(tmp_path):
    path = tmp_path / "content" / "x.md"
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    src = load_source(path, tmp_path)
    assert isinstance(src, SourceFile) and src.rel == "content/x.md"
    raw = parse_article(src, TEHRAN)
    assert isinstance(raw, RawArticle)
    assert raw.meta.title == "شورای ترافیک قزوین" and raw.meta.lines["slug"] == 9
    assert "\r" not in raw.body


@pytest.mark.parametrize("slug", ["qazvin-1397", "خبر-قزوین", "news_64048", "A.b"])
def test_acceptable_slugs(slug):
    assert ok(fm("title: a", "date: 1397-11-20", f"slug: '{slug}'")).meta.slug == slug


# ----------------------------------------------------------------------------- problems and their lines


def test_missing_title_points_at_the_front_matter_start():
    [(line, message)] = bad(fm("date: 1397-11-20"))
    assert line == 1 and "title is missing" in message


@pytest.mark.parametrize("title_line", ["title:", 'title: ""', "title: '   '", "title: [a, b]"])
def test_empty_or_non_text_title_points_at_its_line(title_line):
    [(line, message)] = bad(fm("date: 1397-11-20", title_line))
    assert line == 3 and "title" in message


def test_missing_date():
    [(line, message)] = bad(fm("title: a"))
    assert line == 1 and "date is missing" in message
    [(line, message)] = bad(fm("title: a", "date:"))
    assert line == 3 and "date is missing" in message


@pytest.mark.parametrize(("value", "words"), [
    ("yesterday", "not a date"),
    ("13971120", "not a date"),
    ("1397-13-01", "does not exist"),
    ("1397-11-32", "does not exist"),
    ("1397-12-30", "does not exist"),
    ("2019-02-29T10:00", "does not exist"),
    ("1397-11-20 25:00", "impossible time"),
])
def test_bad_date_points_at_the_date_line(value, words):
    [(line, message)] = bad(fm("title: a", "tags: [x]", f"date: {value}"))
    assert line == 4 and words in message


@pytest.mark.parametrize(("lines", "line"), [
    (("title: شورای ترافیک قزوین: ۴۲ نقطه", "date: 1397-11-20"), 2),  # an unquoted colon in the title
    (("title: a", "date: 1397-11-20", "tags: [a, b", "section: x"), 4),  # an unclosed list
    (('title: "a', "date: 1397-11-20", "section: x"), 2),  # an unclosed quote
    (("title: a", "  date: 1397-11-20"), 3),  # bad indentation
    (("title: a", "date: 1397-11-20", "\tsection: x"), 4),  # a tab
    (("title: a", "date: *missing"), 3),
])
def test_invalid_yaml_points_at_the_line_to_fix(lines, line):
    [(got, message)] = bad(fm(*lines))
    assert got == line
    assert "not valid YAML" in message


def test_yaml_cannot_run_code():
    [(line, message)] = bad(fm("title: !!python/object/apply:os.system ['true']", "date: 1397-11-20"))
    assert line == 2 and "YAML" in message


def test_front_matter_that_is_not_a_mapping():
    [(line, message)] = bad("---\n- title\n- date\n---\nمتن\n")
    assert line == 2 and "key: value" in message


def test_no_front_matter_and_unclosed_front_matter():
    [(line, message)] = bad("# تیتر\n\nمتن\n")
    assert line == 1 and "no front matter" in message
    [(line, message)] = bad("---\ntitle: a\ndate: 1397-11-20\n\nمتن\n")
    assert line == 1 and "not closed" in message


@pytest.mark.parametrize(("line_text", "key"), [
    ("news_id: abc", "news_id"),
    ("news_id: -5", "news_id"),
    ("news_id: 12.5", "news_id"),
    ("draft: yes please", "draft"),
    ('draft: "true"', "draft"),
    ("tags: {a: 1}", "tags"),
    ("tags: [[a]]", "tags"),
    ("section: [a, b]", "section"),
    ("province: {a: b}", "province"),
    ("normalize: maybe", "normalize"),
])
def test_wrong_types_point_at_their_line(line_text, key):
    [(line, message)] = bad(fm("title: a", "date: 1397-11-20", line_text))
    assert line == 4 and key in message


@pytest.mark.parametrize("slug", ["../x", "../../etc/passwd", "/etc/passwd", "a/b", "a\\\\b", ".hidden", "..", ".",
                                  "a b", "x?y", "x#y", "50%", "a:b", "<x>"])
def test_slugs_that_could_escape_or_break_a_url_are_refused(slug):
    [(line, message)] = bad(fm("title: a", "date: 1397-11-20", f'slug: "{slug}"'))
    assert line == 4 and "slug" in message


def test_every_problem_of_a_file_is_reported_at_once():
    found = bad(fm("title:", "date: 1397-13-01", "news_id: x", 'slug: "../x"'))
    assert [line for line, _ in found] == [2, 3, 4, 5]


def test_non_utf8_file_is_a_problem_at_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "content" / "1397" / "x.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(fm("date: 1397-11-20", "title: خبر مهم").encode("cp1256"))
    problem = load_source(path, tmp_path)
    assert isinstance(problem, Problem)
    assert (problem.path, problem.line) == ("content/1397/x.md", 3)
    assert "UTF-8" in problem.message


# ----------------------------------------------------------------------------- discovery


def test_discover_finds_articles_in_any_folder_in_a_stable_order(tmp_path):
    content = tmp_path / "content"
    for rel in ["1398/b.md", "1397/a.md", "1397/z.md", "top.md", "1397/notes.txt", "1397/.hidden.md",
                "1397/#autosave.md#", "1397/backup.md~", ".git/x.md", "1397/.drafts/y.md", "1397/~lock.md"]:
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("x", encoding="utf-8")
    (content / "1399" / "folder.md").mkdir(parents=True)  # a folder named like an article is not one
    found = [p.relative_to(content).as_posix() for p in discover(content)]
    assert found == ["1397/a.md", "1397/z.md", "1398/b.md", "top.md"]


@pytest.mark.parametrize(("name", "expected"), [
    ("a.md", True), (".a.md", False), ("#a.md", False), ("a.md~", False), ("~a.md", False), ("a.markdown", False),
])
def test_is_content_file(name, expected):
    assert is_content_file(Path(name)) is expected
