"""Incremental rebuilds (issue 4): a `BuildState` carried from build to build must give exactly the bytes
of a clean full build, re-read only the files that changed and re-render only the pages that show them.

Everything here drives `pipeline.build` in-process on a private copy of the sample project (`project`,
below); the "full" builds run with no state into a fresh folder beside it.
"""

from __future__ import annotations

import builtins
import difflib
import io
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from live_server import copy_sample

from akhbar import pipeline
from akhbar.config import load_config
from akhbar.errors import AkhbarError
from akhbar.pipeline import build

# Sample articles the scripted series edits (none has a `slug:` line, so the file name is the slug).
BODY_EDIT = "content/1398/lorestan-flood-bridges.md"
TITLE_EDIT = "content/1403/nowruz-road-safety.md"
TAGS_EDIT = "content/1396/sarpol-zahab-reconstruction.md"  # in the sample, the only article tagged «زلزله»
DATE_EDIT = "content/1396/kerman-rural-roads.md"
RENAMED_FROM, RENAMED_TO = "content/1399/covid-19-public-transport.md", "content/1399/covid-public-transport.md"
DELETED = "content/1395/pardis-mehr-housing.md"  # in the sample, the only article tagged «مسکن مهر»
DRAFT = "content/1402/rasht-astara-railway-agreement.md"
TAXONOMY_INDEXES = {"tags/index.html", "sections/index.html", "provinces/index.html"}

NEW_ARTICLE = """\
---
title: "افتتاح پایانهٔ مسافری تازهٔ شهر نمونه"
date: 1403-05-20 09:15
tags: [پایانه مسافری, ناوگان عمومی, راه‌سازی]
section: حمل‌ونقل
province: یزد
news_id: 70001
lead: "پایانهٔ مسافری تازهٔ شهر نمونه با حضور معاون وزیر افتتاح شد."
---

پایانهٔ مسافری تازه با ظرفیت روزانهٔ ۵ هزار مسافر به بهره‌برداری رسید.

## جزئیات طرح

- ۱۲ سکوی سوار و پیاده کردن مسافر؛
- پارکینگ ۴۰۰ خودرویی.
"""


# ----------------------------------------------------------------------------- helpers


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the sample project, with the word list its config names."""
    return copy_sample(tmp_path / "site")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def dirs_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def assert_same_tree(incremental: Path, full: Path, step: str) -> None:
    """Same file list, same bytes in every file, no leftover (empty) folders."""
    inc, ref = files_of(incremental), files_of(full)
    extra, missing = sorted(set(inc) - set(ref)), sorted(set(ref) - set(inc))
    assert not extra and not missing, (
        f"after {step!r} the incremental output has stale files {extra} and lacks {missing}"
    )
    differing = [rel for rel in ref if inc[rel] != ref[rel]]
    if differing:
        first = differing[0]
        diff = "\n".join(list(difflib.unified_diff(
            ref[first].decode("utf-8", "replace").splitlines(), inc[first].decode("utf-8", "replace").splitlines(),
            "full build", "incremental", lineterm="", n=1))[:40])
        pytest.fail(f"after {step!r}, {len(differing)} file(s) differ from a clean full build: {differing[:10]}\n"
                    f"first difference, in {first}:\n{diff}")
    assert dirs_of(incremental) == dirs_of(full), f"after {step!r} the folder lists differ (empty folders left?)"


def edit(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit of {path.name} changed nothing; the sample content moved?"
    path.write_text(after, encoding="utf-8")


def sub_once(pattern: str, repl: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        new, n = re.subn(pattern, repl, text, count=1, flags=re.MULTILINE)
        assert n == 1, f"pattern {pattern!r} not found"
        return new
    return change


def page_of(source: str) -> str:
    return f"news/{Path(source).stem}/index.html"


def lone_terms_of(output: Path, source: str) -> set[str]:
    """Term pages (any taxonomy) that list exactly one article, `source`'s: they must go when it leaves."""
    link = f'href="/news/{Path(source).stem}/"'
    found = set()
    for page in output.glob("*/*/index.html"):
        if page.parts[-3] in ("news", "page", "static"):
            continue
        html = page.read_text(encoding="utf-8")
        if link in html and html.count('<article class="card') == 1 and not (page.parent / "page").exists():
            found.add(page.relative_to(output).as_posix())
    return found


# ----------------------------------------------------------------------------- the scripted series


# How a rebuild writes: the pages it rendered in place (the usual few), or a new tree staged beside the
# output with every unchanged file linked over (what it does once more pages change than IN_PLACE_MAX).
WAYS = pytest.mark.parametrize("in_place_max", [pipeline.IN_PLACE_MAX, 0], ids=["in-place", "staged"])


@WAYS
def test_scripted_edits_give_the_bytes_of_a_clean_full_build(project: Path, tmp_path: Path, monkeypatch,
                                                             in_place_max: int) -> None:
    monkeypatch.setattr(pipeline, "IN_PLACE_MAX", in_place_max)
    output = tmp_path / "incremental"
    config = load_config(project)
    report, state, _ = build(config, output)
    assert report.articles > 10
    # Pages that must disappear, found in the output (so more content elsewhere does not break the test).
    must_go = {page_of(RENAMED_FROM), page_of(DELETED)} | lone_terms_of(output, DELETED)
    tag_dropped = {rel for rel in lone_terms_of(output, TAGS_EDIT) if rel == "tags/زلزله/index.html"}
    must_go |= tag_dropped
    assert "tags/مسکن-مهر/index.html" in must_go, "the sample changed: «مسکن مهر» is no longer a lone tag"

    steps: list[tuple[str, Callable[[], None]]] = []

    def step(name: str):
        def register(fn: Callable[[], None]) -> Callable[[], None]:
            steps.append((name, fn))
            return fn
        return register

    @step("edit an article's body")
    def _() -> None:
        edit(project / BODY_EDIT, lambda t: t + "\nمدیرکل راه و شهرسازی در پایان گفت: کار بازسازی تا پایان تابستان تمام می‌شود.\n")

    @step("edit an article's title")
    def _() -> None:
        edit(project / TITLE_EDIT, sub_once(r'^title: ".*"$', 'title: "کاهش چشمگیر تلفات جاده‌ای در نوروز امسال"'))

    @step("change an article's tags (drop its only-article tag, add a new one)")
    def _() -> None:
        edit(project / TAGS_EDIT, sub_once(r"^tags: \[.*\]$", "tags: [مقاوم‌سازی, مسکن روستایی, بازسازی پس از حادثه]"))

    @step("change an article's date (it becomes the newest: every home page shifts)")
    def _() -> None:
        edit(project / DATE_EDIT, sub_once(r"^date: .*$", "date: 1403-06-01 08:00"))

    @step("add an article (with a new tag, section value and province)")
    def _() -> None:
        (project / "content/1403/new-passenger-terminal.md").write_text(NEW_ARTICLE, encoding="utf-8")

    @step("rename an article's file (its URL changes)")
    def _() -> None:
        (project / RENAMED_FROM).rename(project / RENAMED_TO)

    @step("delete an article (its only-article tag goes too)")
    def _() -> None:
        (project / DELETED).unlink()

    @step("edit a template, edit a theme static file and add another")
    def _() -> None:
        edit(project / "themes/default/templates/article.html",
             sub_once(r"<h1>\{\{ article.title \| isolate \}\}</h1>", '<h1 class="headline">{{ article.title | isolate }}</h1>'))
        edit(project / "themes/default/static/css/site.css", lambda t: t + "\n.headline { letter-spacing: 0; }\n")
        (project / "themes/default/static/css/print.css").write_text("@media print { .masthead { display: none } }\n")

    @step("close comments on one article (front matter comments: false)")
    def _() -> None:
        edit(project / BODY_EDIT, sub_once(r"^title: ", "comments: false\ntitle: "))

    @step("open comments on the imported archive ([comments] closed_folders in site_config.toml)")
    def _() -> None:
        edit(project / "site_config.toml", sub_once(r"^closed_folders = .*$", "closed_folders = []"))

    @step("change page_size in site_config.toml")
    def _() -> None:
        edit(project / "site_config.toml", sub_once(r"^page_size = 10$", "page_size = 4"))

    @step("after the config change: publish the draft, delete a theme file, edit a macro template")
    def _() -> None:
        edit(project / DRAFT, sub_once(r"^draft: true\n", ""))
        (project / "themes/default/static/css/print.css").unlink()
        edit(project / "themes/default/templates/_macros.html", sub_once(r'class="card\{\{', 'class="card card--news{{'))

    for i, (name, change) in enumerate(steps, 1):
        change()
        config = load_config(project)
        report, state, explained = build(config, output, state=state)
        full = tmp_path / f"full-{i}"
        build(config, full)
        assert_same_tree(output, full, name)
        shutil.rmtree(full)
        if "site_config" not in name:
            # The carried state was used: a full build re-reads every article.
            assert len(explained.read) <= 2, f"{name}: re-read {explained.read}"

    # The results the steps were meant to have, so the comparison above compared something meaningful.
    files = files_of(output)
    assert not must_go & set(files), f"pages that should be gone: {sorted(must_go & set(files))}"
    assert "tags/بازسازی-پس-از-حادثه/index.html" in files and "provinces/یزد/index.html" in files
    assert page_of(RENAMED_TO) in files and page_of(DRAFT) in files
    assert "news/new-passenger-terminal/index.html" in files and "static/css/print.css" not in files
    last = -(-report.articles // 4)  # page_size 4
    assert f"page/{last}/index.html" in files and f"page/{last + 1}/index.html" not in files
    assert 'class="headline"' in files[page_of(TITLE_EDIT)].decode()
    assert 'id="isso-thread"' not in files[page_of(BODY_EDIT)].decode()
    assert 'id="isso-thread"' in files["news/64048/index.html"].decode()  # content/imported/64048.md


def test_a_failed_rebuild_touches_nothing_and_the_next_one_recovers(project: Path, tmp_path: Path,
                                                                       tree_snapshot) -> None:
    output = tmp_path / "incremental"
    config = load_config(project)
    _, state, _ = build(config, output)
    before = tree_snapshot(output)

    good = (project / TITLE_EDIT).read_text(encoding="utf-8")
    (project / TITLE_EDIT).write_text(good.replace("title:", "title: [unclosed", 1), encoding="utf-8")
    with pytest.raises(AkhbarError) as failure:
        build(config, output, state=state)
    assert any(p.path == TITLE_EDIT and p.line == 2 for p in failure.value.problems), failure.value.problems
    assert tree_snapshot(output) == before, "a failed build changed the output"

    (project / TITLE_EDIT).write_text(good.replace("کاهش ۱۴ درصدی", "کاهش چهارده درصدی", 1), encoding="utf-8")
    _, state, explained = build(config, output, state=state)
    assert explained.read == (TITLE_EDIT,)
    build(config, tmp_path / "full")
    assert_same_tree(output, tmp_path / "full", "a failed build, then the fix")


# ----------------------------------------------------------------------------- what one edit costs


@pytest.fixture
def opened_articles(monkeypatch):
    """Every *.md file the code under test opens, by path, whichever way it opens it (filter by folder)."""
    seen: list[Path] = []
    real_open = io.open

    def spy(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if isinstance(file, (str, os.PathLike)) and str(file).endswith(".md"):
            seen.append(Path(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", spy)
    monkeypatch.setattr(builtins, "open", spy)
    return seen


@pytest.fixture
def built(project: Path, tmp_path: Path):
    output = tmp_path / "out"
    config = load_config(project)
    _, state, _ = build(config, output)
    return config, output, state


def test_an_edited_article_is_the_only_file_read_again(built, project: Path, tree_snapshot, opened_articles) -> None:
    config, output, state = built
    before = tree_snapshot(output)
    edit(project / BODY_EDIT, lambda t: t + "\nیک بند تازه در پایان خبر.\n")
    opened_articles.clear()

    report, _, explained = build(config, output, state=state)

    assert explained.read == (BODY_EDIT,)
    articles = {p.resolve() for p in opened_articles if p.resolve().is_relative_to(config.content_dir.resolve())}
    assert articles == {(project / BODY_EDIT).resolve()}, "unchanged articles were read again"
    after = tree_snapshot(output)
    changed = {rel for rel in after if after[rel][0] == "file" and after[rel] != before.get(rel)}
    gone = {rel for rel in before if before[rel][0] == "file" and rel not in after}
    index = {rel for rel in changed | gone if rel.startswith("pagefind/")}
    # The body shows only on the article's own page (cards use the front-matter lead) and in the search
    # index, whose files are named after their content.
    assert changed - index == {page_of(BODY_EDIT)} and gone <= index
    assert any(rel.startswith("pagefind/fragment/") for rel in changed), "the search index missed the edit"
    assert report.written == len(changed) and report.removed == len(gone)
    assert page_of(BODY_EDIT) in explained.rendered
    assert changed - index <= set(explained.rendered), "a page changed on disk without being rendered"
    # Articles that neither neighbour it nor list it as related are not touched.
    assert page_of(DELETED) not in explained.rendered


def test_an_edited_article_rerenders_only_the_pages_that_show_it(built, project: Path) -> None:
    config, output, state = built
    url = f"news/{Path(BODY_EDIT).stem}/"
    link = f'href="{config.base_path}{url}"'
    showing = {p.relative_to(output).as_posix() for p in output.rglob("*.html") if link in p.read_text(encoding="utf-8")}
    assert len(showing) > 3, "no page links to the article? the link format changed"
    # A term's later pages show its article count, so every page of a term that lists the article may change.
    terms = {"/".join(rel.split("/")[:2]) + "/" for rel in showing if rel.split("/")[0] in ("tags", "sections", "provinces")}
    allowed = showing | {page_of(BODY_EDIT)} | TAXONOMY_INDEXES | {
        p.relative_to(output).as_posix() for t in terms for p in (output / t).rglob("index.html")}
    edit(project / BODY_EDIT, lambda t: t + "\nیک بند تازه در پایان خبر.\n")

    _, _, explained = build(config, output, state=state)

    unexpected = sorted(set(explained.rendered) - allowed)
    assert not unexpected, f"{len(explained.rendered)} pages re-rendered, {len(unexpected)} of them do not show " \
                           f"the article: {unexpected[:8]}…"
    assert len(explained.rendered) <= 20


def test_a_rebuild_with_nothing_changed_renders_and_writes_nothing(built, tree_snapshot, opened_articles) -> None:
    config, output, state = built
    before = tree_snapshot(output)
    opened_articles.clear()

    report, state, explained = build(config, output, state=state)

    assert explained.read == () and explained.rendered == ()
    assert not [p for p in opened_articles if p.resolve().is_relative_to(config.content_dir.resolve())]
    assert (report.written, report.removed) == (0, 0)
    assert tree_snapshot(output) == before, "a no-op rebuild touched the output (bytes, mtimes or inodes)"


def test_saving_an_article_unchanged_renders_nothing(built, project: Path, tree_snapshot) -> None:
    config, output, state = built
    before = tree_snapshot(output)
    path = project / BODY_EDIT
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # a save with the same bytes

    report, _, explained = build(config, output, state=state)

    assert explained.rendered == () and (report.written, report.removed) == (0, 0)
    assert tree_snapshot(output) == before


def test_editing_the_project_word_list_gives_the_bytes_of_a_clean_full_build(project: Path, tmp_path: Path) -> None:
    """[normalize] words changes how every article is normalized: a carried state must not hide that."""
    config_file = project / "site_config.toml"
    text = config_file.read_text(encoding="utf-8")
    if re.search(r"(?m)^words\s*=", text):
        text, n = re.subn(r"(?m)^words\s*=.*$", 'words = "words.txt"', text, count=1)
    else:
        text, n = re.subn(r"(?m)^\[normalize\]$", '[normalize]\nwords = "words.txt"', text, count=1)
    assert n == 1
    config_file.write_text(text, encoding="utf-8")
    (project / "words.txt").write_text("# no entries yet\n", encoding="utf-8")
    output = tmp_path / "incremental"
    _, state, _ = build(load_config(project), output)

    (project / "words.txt").write_text("باز سازی\n", encoding="utf-8")  # keep «باز سازی» apart everywhere
    config = load_config(project)
    build(config, output, state=state)

    build(config, tmp_path / "full")
    assert "باز سازی" in (tmp_path / "full" / page_of(BODY_EDIT)).read_text(encoding="utf-8")
    assert_same_tree(output, tmp_path / "full", "an edit of the project word list")


# ----------------------------------------------------------------------------- serve's shortcuts


def test_a_cancelled_build_that_read_an_edit_does_not_hide_it_from_the_next(project: Path, tmp_path: Path) -> None:
    """`serve`'s index pass reads every file, then may be cancelled by a save: the edit it read is not in
    the output yet, so the save's rebuild (which finds no file to read again) must still render it."""
    from akhbar.search import IndexCancelledError

    output = tmp_path / "incremental"
    config = load_config(project)
    _, state, _ = build(config, output)
    edit(project / TITLE_EDIT, sub_once("کاهش ۱۴ درصدی", "کاهش چهارده درصدی"))
    with pytest.raises(IndexCancelledError):
        build(config, output, state=state, cancelled=lambda: True)
    _, state, explained = build(config, output, state=state, index_search=False, trust_output=True,
                                touched=[str(project / TITLE_EDIT)])
    assert explained.read == () and page_of(TITLE_EDIT) in explained.rendered
    build(config, tmp_path / "full", index_search=False)
    for rel in (page_of(TITLE_EDIT), "index.html"):
        assert (output / rel).read_bytes() == (tmp_path / "full" / rel).read_bytes(), rel


def test_a_rebuild_told_which_files_changed_reads_only_those(project: Path, tmp_path: Path, opened_articles) -> None:
    """`touched` (the watcher's list) replaces listing the content folder: an edit, an added file and a
    deleted one, all named there, give the bytes of a clean full build."""
    output = tmp_path / "incremental"
    config = load_config(project)
    _, state, _ = build(config, output)
    edit(project / BODY_EDIT, lambda t: t + "\nیک بند تازه در پایان خبر.\n")
    added = project / "content/1403/new-terminal.md"
    added.write_text(NEW_ARTICLE, encoding="utf-8")
    (project / DELETED).unlink()
    opened_articles.clear()

    _, state, explained = build(config, output, state=state, touched=[str(project / p) for p in
                                                                     (BODY_EDIT, "content/1403/new-terminal.md", DELETED)])

    assert set(explained.read) == {BODY_EDIT, "content/1403/new-terminal.md"} and explained.gone == (DELETED,)
    articles = {p.resolve() for p in opened_articles if p.resolve().is_relative_to(config.content_dir.resolve())}
    assert articles == {(project / BODY_EDIT).resolve(), added.resolve()}, "files not named were read"
    build(config, tmp_path / "full")
    assert_same_tree(output, tmp_path / "full", "an edit, an addition and a deletion named by the watcher")


@WAYS
def test_an_edit_re_indexes_only_its_part_of_a_search_index_in_parts(project: Path, tmp_path: Path,
                                                                     monkeypatch, tree_snapshot, in_place_max: int) -> None:
    """A large archive's search index comes in parts (blocks of the Jalali calendar): an edit to an old
    article re-indexes its part alone (the other parts' files stay the very files they were, staged tree or
    not), and the result is still the bytes of a clean full build."""
    from akhbar import search

    monkeypatch.setattr(pipeline, "IN_PLACE_MAX", in_place_max)
    monkeypatch.setattr(search, "SHARD_PAGES", 6)
    output = tmp_path / "incremental"
    config = load_config(project)
    _, state, _ = build(config, output)
    old_part = "pagefind/1397/"  # 1396–1397 has 8 articles, more than 6: each year is a part, 1397 of 4
    assert (output / old_part / "pagefind-entry.json").is_file(), sorted(p.name for p in (output / "pagefind").iterdir())
    before = tree_snapshot(output)

    edit(project / "content/1397/bandar-abbas-port-road.md", lambda t: t + "\nیک بند تازه در پایان خبر.\n")
    build(config, output, state=state)

    after = tree_snapshot(output)
    index = {rel for rel in set(before) | set(after) if rel.startswith("pagefind/") and before.get(rel) != after.get(rel)
             and (after.get(rel) or before.get(rel))[0] == "file"}
    assert index and all(rel.startswith(old_part) for rel in index), sorted(index)[:10]
    build(config, tmp_path / "full")
    assert_same_tree(output, tmp_path / "full", "an edit in an older part of the search index")
