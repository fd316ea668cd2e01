"""The command line: bad input never shows a traceback, lists every problem as `path:line: message`,
exits 1 and leaves the previous output/ exactly as it was; `new` creates articles and never overwrites."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from akhbar.cli import main
from akhbar.model import RawArticle
from akhbar.read import load_source, parse_article

REPO = Path(__file__).resolve().parents[1]
TEHRAN = ZoneInfo("Asia/Tehran")
PROBLEM = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9]\d*): (?P<message>\S.*)$")
SUMMARY = re.compile(r"^(\d+) problems?; (nothing was changed in the output|no file was created)\.$")

CONFIG = """# a small project for the command-line tests
title = "اخبار آزمایشی"
base_url = "/"
theme = "default"
page_size = 2

[normalize]
enabled = false  # hazm takes a second to load; these tests are about the command line, not about Persian
"""
ARTICLES = {
    "content/1397/qazvin.md": "---\ntitle: شورای ترافیک قزوین\ndate: 1397-11-20 10:30\ntags: [ایمنی راه‌ها, راه‌سازی]\n"
                              "section: استان‌ها\nprovince: قزوین\nnews_id: 64102\n---\n\nمتن خبر نخست.\n",
    "content/1398/flood.md": "---\ntitle: بازسازی پل‌ها\ndate: 1398-02-09 16:30\ntags: [راه سازی]\n---\n\nمتن خبر دوم.\n",
    "content/1399/metro.md": "---\ntitle: مترو\ndate: 2021-03-09T10:30\ntags: [حمل‌ونقل]\n---\n\nمتن خبر سوم.\n",
}


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory) -> Path:
    """A three-article project, built once; tests take copies of it, output/ included."""
    root = tmp_path_factory.mktemp("mini") / "project"
    shutil.copytree(REPO / "themes", root / "themes")
    write(root, "site_config.toml", CONFIG)
    for rel, text in ARTICLES.items():
        write(root, rel, text)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["--root", str(root), "build"]) == 0, err.getvalue()
    return root


@pytest.fixture
def mini(built_mini, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built_mini, root)
    assert (root / "output" / "index.html").is_file()
    return root


@pytest.fixture
def refuse(cli, tree_snapshot):
    """Run a command that must fail: exit 1, no traceback, only `path:line: message` lines and the count,
    output/ untouched. Returns the problems as (path, line, message)."""

    def run(root: Path, *argv: str | os.PathLike, lines_required: bool = True) -> list[tuple[str, int | None, str]]:
        output = root / "output"
        before = tree_snapshot(output) if output.exists() else None
        result = cli("--root", root, *argv)
        assert result.code == 1, (result.code, result.out, result.err)
        assert "Traceback" not in result.out + result.err
        assert result.out == ""
        lines = result.problem_lines
        assert lines and SUMMARY.match(lines[-1]), lines
        problems = []
        for line in lines[:-1]:
            m = PROBLEM.match(line)
            if m:
                problems.append((m["path"], int(m["line"]), m["message"]))
            else:
                assert not lines_required, f"not `path:line: message`: {line!r}"
                path, _, message = line.partition(": ")
                problems.append((path, None, message))
        assert int(SUMMARY.match(lines[-1]).group(1)) == len(problems)
        if before is not None:
            assert tree_snapshot(output) == before, "the previous output/ changed"
        assert not (root / ".output.new").exists() and not (root / ".output.old").exists()
        return problems

    return run


# ============================================================================= a good build


def test_build_succeeds_with_a_one_line_summary(mini, cli):
    run = cli("--root", mini, "build")
    assert run.code == 0 and "Traceback" not in run.err
    assert re.fullmatch(r"3 articles, \d+ pages \(0 written, 0 removed\) in \d+\.\d+ s\n", run.out), run.out


def test_drafts_flag(mini, cli):
    write(mini, "content/1400/draft.md", "---\ntitle: پیش‌نویس\ndate: 1400-01-01\ndraft: true\n---\n\nمتن.\n")
    run = cli("--root", mini, "build")
    assert run.code == 0 and run.out.startswith("3 articles")
    assert not (mini / "output" / "news" / "draft").exists()
    run = cli("--root", mini, "build", "--drafts")
    assert run.code == 0 and run.out.startswith("4 articles")
    assert (mini / "output" / "news" / "draft" / "index.html").is_file()


# ============================================================================= bad articles


FM = "---\n{}---\n\nمتن خبر.\n"


@pytest.mark.parametrize(("front_matter", "line", "words"), [
    pytest.param("date: 1397-11-20\ntags: [x]\n", 1, "title is missing", id="no-title"),
    pytest.param("date: 1397-11-20\ntitle:\n", 3, "title is missing", id="empty-title"),
    pytest.param("title: خبر\n", 1, "date is missing", id="no-date"),
    pytest.param("title: خبر\ndate: دیروز\n", 3, "not a date", id="malformed-date"),
    pytest.param("title: خبر\ndate: 1397/11\n", 3, "not a date", id="half-date"),
    pytest.param("title: خبر\ntags: [x]\ndate: 1397-13-01\n", 4, "does not exist", id="month-13"),
    pytest.param("title: خبر\ndate: 1397-11-32\n", 3, "does not exist", id="day-32"),
    pytest.param("title: خبر\ndate: 1397-12-30\n", 3, "does not exist", id="esfand-30-non-leap"),
    pytest.param("title: خبر\ndate: 2019-02-29T10:00\n", 3, "does not exist", id="gregorian-feb-29"),
    pytest.param("title: خبر\ndate: 1397-11-20 25:10\n", 3, "impossible time", id="hour-25"),
    pytest.param("title: شورای ترافیک قزوین: ۴۲ نقطه\ndate: 1397-11-20\n", 2, "YAML", id="yaml-colon"),
    pytest.param("title: خبر\ndate: 1397-11-20\ntags: [الف, ب\nsection: مسکن\n", 4, "YAML", id="yaml-bracket"),
    pytest.param('title: "خبر\ndate: 1397-11-20\n', 2, "YAML", id="yaml-quote"),
    pytest.param("title: خبر\ndate: 1397-11-20\nnews_id: شصت\n", 4, "news_id", id="news-id-text"),
    pytest.param("title: خبر\ndate: 1397-11-20\ndraft: شاید\n", 4, "draft", id="draft-not-bool"),
    pytest.param('title: خبر\ndate: 1397-11-20\nslug: "../../escape"\n', 4, "slug", id="slug-dotdot"),
    pytest.param('title: خبر\ndate: 1397-11-20\nslug: "/tmp/escape"\n', 4, "slug", id="slug-absolute"),
])
def test_bad_front_matter(mini, refuse, front_matter, line, words):
    write(mini, "content/1400/bad.md", FM.format(front_matter))
    [(path, got_line, message)] = refuse(mini, "build")
    assert (path, got_line) == ("content/1400/bad.md", line)
    assert words in message


def test_no_front_matter(mini, refuse):
    write(mini, "content/notes.md", "# یادداشت\n\nبدون سرخط.\n")
    [(path, line, message)] = refuse(mini, "build")
    assert (path, line) == ("content/notes.md", 1) and "front matter" in message


def test_non_utf8_article(mini, refuse):
    # Windows-1256, as an old Arabic-Windows editor would save it; the first non-ASCII byte is on line 3
    write(mini, "content/1400/cp1256.md", "---\ndate: 1400-01-01\ntitle: خبر مهم\n---\n\nمتن\n".encode("cp1256"))
    [(path, line, message)] = refuse(mini, "build")
    assert (path, line) == ("content/1400/cp1256.md", 3) and "UTF-8" in message


def test_slugs_that_escape_write_nothing_outside(mini, refuse, tree_snapshot, tmp_path):
    write(mini, "content/a.md", FM.format('title: الف\ndate: 1400-01-01\nslug: "../../../outside"\n'))
    write(mini, "content/b.md", FM.format('title: ب\ndate: 1400-01-02\nslug: "' + str(tmp_path / "abs") + '"\n'))
    before = {p for p in tmp_path.rglob("*") if "output" not in p.parts}
    problems = refuse(mini, "build")
    assert [(p, line) for p, line, _ in problems] == [("content/a.md", 4), ("content/b.md", 4)]
    assert {p for p in tmp_path.rglob("*") if "output" not in p.parts} == before


def test_every_problem_in_every_file_is_listed_in_order(mini, refuse):
    write(mini, "content/1400/b.md", FM.format("title:\ndate: 1400-13-01\n"))
    write(mini, "content/1400/a.md", FM.format("title: خبر\ndate: 1400-01-01\nnews_id: x\n"))
    write(mini, "content/1401/c.md", "---\ntitle: x: y\n---\n")
    problems = refuse(mini, "build")
    assert [(p, line) for p, line, _ in problems] == [
        ("content/1400/a.md", 4), ("content/1400/b.md", 2), ("content/1400/b.md", 3), ("content/1401/c.md", 2)]


def test_duplicate_slugs_and_news_numbers(mini, refuse):
    write(mini, "content/1400/copy.md", FM.format("title: تکراری\ndate: 1400-01-01\nslug: qazvin\nnews_id: 64102\n"))
    problems = refuse(mini, "build")
    assert sorted((p, line) for p, line, _ in problems) == [
        ("content/1397/qazvin.md", 1),  # its slug comes from the file name: no slug line to point at
        ("content/1397/qazvin.md", 7),  # news_id line
        ("content/1400/copy.md", 4),
        ("content/1400/copy.md", 5),
    ]
    messages = " ".join(m for _, _, m in problems)
    assert "qazvin" in messages and "64102" in messages and "content/1400/copy.md" in messages


# ============================================================================= bad configuration and theme


@pytest.mark.parametrize(("config", "line", "words"), [
    pytest.param(CONFIG.replace("page_size = 2", 'page_size = 2\ncolour = "blue"'), 6, "unknown setting",
                 id="unknown-key"),
    pytest.param(CONFIG.replace("page_size = 2", 'page_size = "2"'), 5, "page_size", id="wrong-type"),
    pytest.param(CONFIG.replace('base_url = "/"', 'base_url = "example.ir"'), 3, "base_url", id="bad-url"),
    pytest.param(CONFIG.replace("enabled = false", 'digits = "roman"'), 8, "digits", id="bad-normalize-value"),
    pytest.param(CONFIG.replace('title = "اخبار آزمایشی"', 'title = "اخبار'), 2, "TOML", id="invalid-toml"),
    pytest.param(CONFIG.replace("[normalize]", "[normalize"), 7, "TOML", id="invalid-table"),
    pytest.param(CONFIG.replace('theme = "default"', 'theme = "fancy"'), 4, "unknown theme", id="unknown-theme"),
])
def test_bad_site_config(mini, refuse, config, line, words):
    write(mini, "site_config.toml", config)
    [(path, got_line, message)] = refuse(mini, "build")
    assert (path, got_line) == ("site_config.toml", line)
    assert words in message


def test_non_utf8_site_config(mini, refuse):
    write(mini, "site_config.toml", CONFIG.replace("آزمایشی", "مهم").encode("cp1256"))
    [(path, line, message)] = refuse(mini, "build")
    assert (path, line) == ("site_config.toml", 2) and "UTF-8" in message


def test_template_syntax_error_points_at_the_template_line(mini, refuse):
    template = mini / "themes" / "default" / "templates" / "404.html"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{% if %}")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [(path, line, message)] = refuse(mini, "build")
    assert (path, line) == ("themes/default/templates/404.html", 3) and "template" in message


def test_template_runtime_error_points_at_the_template_line(mini, refuse):
    template = mini / "themes" / "default" / "templates" / "article.html"
    lines = template.read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(lines) if "{% block main %}" in text) + 1
    lines.insert(at, "{{ article.no_such_field }}")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [(path, line, message)] = refuse(mini, "build")
    assert (path, line) == ("themes/default/templates/article.html", at + 1)
    assert "no_such_field" in message


def test_site_config_that_is_a_folder(mini, refuse):
    (mini / "site_config.toml").unlink()
    (mini / "site_config.toml").mkdir()
    [(path, _, message)] = refuse(mini, "build", lines_required=False)
    assert path == "site_config.toml" and "cannot be read" in message


def test_non_utf8_template(mini, refuse):
    (mini / "themes" / "default" / "templates" / "404.html").write_bytes("<p>صفحه</p>".encode("utf-16"))
    [(path, _, message)] = refuse(mini, "build", lines_required=False)
    assert path.startswith("themes/default/templates") and "utf-8" in message.lower()


# ============================================================================= output folder safety


@pytest.mark.parametrize("where", [".", "content", "themes", "themes/default", "..", "content/out"])
def test_output_that_would_replace_the_project_is_refused(mini, refuse, tree_snapshot, where):
    before = tree_snapshot(mini)
    problems = refuse(mini, "build", "--output", mini / where, lines_required=False)
    assert len(problems) == 1 and "output folder" in problems[0][2]
    assert tree_snapshot(mini) == before


def test_output_that_is_a_file_is_refused(mini, refuse, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("a file someone needs", encoding="utf-8")
    [(_, _, message)] = refuse(mini, "build", "--output", target, lines_required=False)
    assert "is a file" in message
    assert target.read_text(encoding="utf-8") == "a file someone needs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "project"]


# ============================================================================= new


def read_article(root: Path, rel: str) -> RawArticle:
    src = load_source(root / rel, root)
    raw = parse_article(src, TEHRAN)
    assert isinstance(raw, RawArticle), raw
    return raw


def test_new_creates_the_article_with_now_in_jalali_tehran_time(mini, cli):
    before = datetime.now(TEHRAN)
    run = cli("--root", mini, "new", "افتتاح فاز نخست آزادراه", "--slug", "azadrah-phase-1")
    after = datetime.now(TEHRAN)
    assert run.code == 0 and run.err == ""
    assert run.out == "created content/azadrah-phase-1.md\n"
    text = (mini / "content" / "azadrah-phase-1.md").read_text(encoding="utf-8")
    date_line = re.search(r"(?m)^date: (.+)$", text).group(1)
    assert re.fullmatch(r"1[34]\d\d-\d\d-\d\d \d\d:\d\d", date_line), date_line  # Jalali, to the minute
    expected = jdatetime.datetime.fromgregorian(datetime=before).strftime("%Y-%m-%d")
    assert date_line.startswith(expected) or after.date() != before.date()
    raw = read_article(mini, "content/azadrah-phase-1.md")
    assert raw.meta.title == "افتتاح فاز نخست آزادراه" and raw.meta.slug == "azadrah-phase-1"
    assert raw.meta.draft is False
    assert before - timedelta(minutes=1) <= raw.meta.date.value <= after
    assert raw.meta.date.value.utcoffset() == before.utcoffset()


def test_new_without_slug_uses_the_title(mini, cli):
    run = cli("--root", mini, "new", "مسكن ملي در پردیس")
    assert run.code == 0
    created = mini / run.out.removeprefix("created ").strip()
    assert created.parent == mini / "content" and created.suffix == ".md"
    assert "ي" not in created.name and "ك" not in created.name and " " not in created.name
    assert read_article(mini, created.relative_to(mini).as_posix()).meta.title == "مسكن ملي در پردیس"


def test_new_quotes_awkward_titles(mini, cli):
    title = 'وزیر: «۲۰ درصد» پیشرفت #آزادراه "تهران-شمال"'
    assert cli("--root", mini, "new", title, "--slug", "awkward").code == 0
    assert read_article(mini, "content/awkward.md").meta.title == title


def test_new_refuses_to_overwrite(mini, cli, refuse):
    assert cli("--root", mini, "new", "خبر", "--slug", "once").code == 0
    path = mini / "content" / "once.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nمتن نوشته‌شده.\n", encoding="utf-8")
    stat, data = path.stat(), path.read_bytes()
    problems = refuse(mini, "new", "خبر دیگر", "--slug", "once", lines_required=False)
    assert problems == [("content/once.md", None, problems[0][2])] and "exists" in problems[0][2]
    assert path.read_bytes() == data and path.stat().st_mtime_ns == stat.st_mtime_ns


@pytest.mark.parametrize("title", ["", "   "])
def test_new_refuses_an_empty_title(mini, refuse, title):
    before = sorted((mini / "content").rglob("*"))
    [(_, _, message)] = refuse(mini, "new", title, lines_required=False)
    assert "title" in message
    assert sorted((mini / "content").rglob("*")) == before


@pytest.mark.parametrize("slug", ["../escape", "../../escape", "sub/../../escape"])
def test_new_refuses_slugs_outside_content(mini, refuse, tmp_path, slug):
    before = {p for p in tmp_path.rglob("*")}
    refuse(mini, "new", "خبر", "--slug", slug, lines_required=False)
    assert {p for p in tmp_path.rglob("*")} == before


def test_a_new_article_builds(mini, cli):
    assert cli("--root", mini, "new", "خبر تازه", "--slug", "fresh").code == 0
    run = cli("--root", mini, "build")
    assert run.code == 0, run.err
    assert run.out.startswith("4 articles")
    assert (mini / "output" / "news" / "fresh" / "index.html").is_file()


# ============================================================================= a real process


def test_build_py_in_a_real_process_exits_1_without_traceback_in_a_c_locale(mini, tree_snapshot):
    """build.py as an editor runs it: from the project folder, default output/, plain C locale."""
    write(mini, "content/1400/bad.md", FM.format('title: خبر\ndate: 1400-12-30\nslug: "خبر/یک"\n'))
    before = tree_snapshot(mini / "output")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO", "PYTHONUTF8"))}
    env["LC_ALL"] = "C"
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "build"], cwd=mini, env=env,
                          capture_output=True, timeout=300)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, err
    assert "Traceback" not in err and proc.stdout == b""
    assert "content/1400/bad.md:3: date '1400-12-30' does not exist" in err
    assert "content/1400/bad.md:4: slug 'خبر/یک'" in err  # Persian in a message survives the C locale
    assert tree_snapshot(mini / "output") == before
