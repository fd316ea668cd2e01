"""`build.py check` (issue 11): everything a build reads and validates, reported as the build reports it,
and nothing written: no output/, no photo variants; from the build's cache, so a check after a build reads
only what changed, and a build after a check is still byte-identical to a clean build."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from akhbar.config import load_config
from akhbar.pipeline import build

REPO = Path(__file__).resolve().parents[1]
CONFIG = 'title = "آزمایش"\nbase_url = "https://example.ir/"\npage_size = 2\n\n[normalize]\nenabled = false\n'
PROBLEM = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9]\d*): (?P<message>\S.*)$")
SUMMARY = re.compile(r"^(\d+) articles, (\d+) pages: no problems \((.*)\) in \d+\.\d\d s$")
FAILED = re.compile(r"^(\d+) problems?; the site would not build\.$")

ARTICLES = {
    "1400/a.md": "---\ntitle: خبر یک\ndate: 1400-01-01 10:00\ntags: [راه]\nnews_id: 100\n---\n\nمتن یک.\n\n"
                 "![پل تازه](bridge.jpg)\n",
    "1400/b.md": "---\ntitle: خبر دو\ndate: 1400-02-01 10:00\ntags: [راه, مسکن]\nnews_id: 101\n---\n\n"
                 "متن دو، با [پیوند به خبر یک](news:100).\n",
    "1401/c.md": "---\ntitle: خبر سه\ndate: 1401-01-01 10:00\n---\n\nمتن سه.\n",
}


def photo(path: Path, size: tuple[int, int] = (900, 600)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.new("RGB", size, (40, 120, 200))
    ImageDraw.Draw(im).ellipse([100, 100, 400, 400], fill=(250, 200, 40))
    im.save(path, "JPEG", quality=90)
    return path


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(small_project, tmp_path: Path) -> Path:
    root = small_project(tmp_path / "site", ARTICLES, CONFIG)
    photo(root / "content/1400/bridge.jpg")
    return root


# ----------------------------------------------------------------------------- a good site


def test_check_passes_a_good_site_and_writes_nothing_but_its_cache(site, cli):
    before = tree(site)
    run = cli("--root", site, "check")
    assert run.code == 0, run.err
    m = SUMMARY.match(run.out.strip())
    assert m and (m[1], m[3]) == ("3", "3 read, " + m[3].split(", ")[1]), run.out
    after = tree(site)
    assert not (site / "output").exists()
    assert {k for k in after if not k.startswith(".cache/")} == set(before)
    assert all(after[k] == v for k, v in before.items())
    # The cache is the build's own (the state of what was read, and the bodies it rendered: one per
    # article); no photo variant was encoded into it.
    cached = sorted(k for k in after if k.startswith(".cache/"))
    assert [k for k in cached if not k.startswith(".cache/bodies/")] == [".cache/state.pickle"]
    assert len([k for k in cached if k.endswith(".html")]) == 3


def test_check_after_a_build_reads_only_what_changed_and_the_next_build_is_still_right(site, cli, tmp_path, tree_snapshot):
    assert cli("--root", site, "build").code == 0
    output_before = tree_snapshot(site / "output")
    run = cli("--root", site, "check")
    assert run.code == 0 and "(nothing changed since the last build)" in run.out, run.out

    a = site / "content/1400/a.md"
    a.write_text(a.read_text(encoding="utf-8").replace("متن یک.", "متن یک، با ویرایش."), encoding="utf-8")
    run = cli("--root", site, "check")
    assert run.code == 0 and "(1 read, " in run.out, run.out
    assert cli("--root", site, "check").out.count("(0 read, ") == 1  # what the last check read is cached
    assert tree_snapshot(site / "output") == output_before, "check changed output/"

    # The state the check saved still describes output/ as the build left it: the next build writes the edit.
    run = cli("--root", site, "build", "--explain")
    assert run.code == 0 and "news/a/index.html" in run.out
    build(load_config(site), tmp_path / "clean")
    assert tree(site / "output") == tree(tmp_path / "clean")


def test_a_photo_without_alt_text_is_a_warning_and_strict_makes_it_a_problem(site, cli):
    a = site / "content/1400/a.md"
    a.write_text(a.read_text(encoding="utf-8").replace("![پل تازه]", "![]"), encoding="utf-8")
    run = cli("--root", site, "check")
    assert run.code == 0 and "content/1400/a.md:10: warning: photo bridge.jpg has no alt text" in run.err
    run = cli("--root", site, "check", "--strict")
    assert run.code == 1
    assert run.problem_lines[0].startswith("content/1400/a.md:10: photo bridge.jpg has no alt text")


def test_the_sample_site_passes_check(project, cli):
    run = cli("--root", project, "check")
    assert run.code == 0, run.err
    assert SUMMARY.match(run.out.strip()), run.out
    assert not (project / "output").exists()


# ----------------------------------------------------------------------------- negative fixtures


def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def add(rel: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return change


def truncate_photo(root: Path) -> None:
    path = root / "content/1400/bridge.jpg"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def template_line(name: str, after: str, line: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / "themes/default/templates" / name
        lines = path.read_text(encoding="utf-8").splitlines()
        at = next(i for i, text in enumerate(lines) if after in text) + 1
        lines.insert(at, line)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return change


def template_line_of(root: Path, name: str, text: str) -> int:
    lines = (root / "themes/default/templates" / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


BAD = [
    # (what breaks the site, the problems as (path, line or a template's marker text, words in the message))
    pytest.param(edit("content/1401/c.md", "title: خبر سه\n", "title:\n"), [("content/1401/c.md", 2, "title is missing")],
                 id="missing-title"),
    pytest.param(edit("content/1401/c.md", "date: 1401-01-01 10:00", "date: 1401-13-01"), [("content/1401/c.md", 3, "month")],
                 id="impossible-date"),
    pytest.param(edit("content/1401/c.md", "date: 1401-01-01 10:00", "date: [1401"), [("content/1401/c.md", 3, "YAML")],
                 id="broken-yaml"),
    pytest.param(edit("content/1401/c.md", "title: خبر سه\n", "title: خبر سه\nslug: a\n"),
                 [("content/1400/a.md", 1, "slug 'a' is also used by content/1401/c.md"),
                  ("content/1401/c.md", 3, "slug 'a' is also used by content/1400/a.md")], id="duplicate-slug"),
    pytest.param(edit("content/1401/c.md", "title: خبر سه\n", "title: خبر سه\nnews_id: 101\n"),
                 [("content/1400/b.md", 5, "news number 101"), ("content/1401/c.md", 3, "news number 101")],
                 id="duplicate-news-number"),
    pytest.param(lambda root: (root / "content/1400/bridge.jpg").unlink(),
                 [("content/1400/a.md", 10, "photo content/1400/bridge.jpg does not exist")], id="missing-photo"),
    pytest.param(truncate_photo, [("content/1400/a.md", 10, "photo content/1400/bridge.jpg is damaged or truncated")],
                 id="truncated-photo"),
    pytest.param(edit("content/1400/b.md", "news:100", "news:999"), [("content/1400/b.md", 8, "news number 999")],
                 id="broken-internal-link"),
    pytest.param(add("content/1401/d.md", "---\ntitle: نام مستعار\ndate: 1401-02-01\naliases: [/news/a/]\n---\n\nمتن.\n"),
                 [("content/1401/d.md", 4, "alias")], id="alias-on-a-page"),
    pytest.param(template_line("404.html", "{% block", "{% if %}"), [("themes/default/templates/404.html", "{% if %}", "template")],
                 id="template-syntax"),
    pytest.param(template_line("article.html", "{% block main %}", "{{ article.no_such_field }}"),
                 [("themes/default/templates/article.html", "no_such_field", "no_such_field")], id="template-runtime"),
    pytest.param(add("site_config.toml", CONFIG + 'colour = "blue"\n'), [("site_config.toml", 7, "unknown setting")],
                 id="unknown-config-key"),
]


def problems_of(run) -> list[tuple[str, int, str]]:
    lines = run.problem_lines
    assert lines and FAILED.match(lines[-1]), lines
    found = []
    for line in lines[:-1]:
        m = PROBLEM.match(line)
        assert m, f"not `path:line: message`: {line!r}"
        found.append((m["path"], int(m["line"]), m["message"]))
    assert int(FAILED.match(lines[-1])[1]) == len(found)
    return found


@pytest.mark.parametrize(("breakage", "expected"), BAD)
@pytest.mark.parametrize("built_before", [False, True], ids=["cold", "after-a-build"])
def test_check_reports_what_the_build_would_and_writes_nothing(site, cli, breakage, expected, built_before):
    if built_before:
        assert cli("--root", site, "build").code == 0
    breakage(site)
    before = tree(site)
    run = cli("--root", site, "check")
    assert run.code == 1, run.out
    assert "Traceback" not in run.err and run.out == ""
    found = problems_of(run)
    assert len(found) == len(expected), found
    for (path, line, message), (want_path, want_line, words) in zip(found, expected, strict=True):
        if isinstance(want_line, str):  # a template line, found by its text
            want_line = template_line_of(site, Path(want_path).name, want_line)
        assert (path, line) == (want_path, want_line), found
        assert words in message, message
    # Only the bodies of the articles it read may be new, in the content-addressed body store (bodies.py).
    after = {k: v for k, v in tree(site).items() if not (k.startswith(".cache/bodies/") and k not in before)}
    assert after == before, "a failed check wrote something"
    # The build finds exactly the same problems (its summary line differs: nothing was changed in the output).
    build_run = cli("--root", site, "build")
    assert build_run.code == 1 and build_run.problem_lines[:-1] == run.problem_lines[:-1]


def test_check_in_a_real_process_exits_1_without_traceback(site):
    edit("content/1400/b.md", "news:100", "news:999")(site)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C", "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site), "check"],
                            capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/1400/b.md:8: link 'news:999' points to no article" in result.stderr
    edit("content/1400/b.md", "news:999", "news:100")(site)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site), "check"],
                            capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 0 and SUMMARY.match(result.stdout.strip()), result.stderr
