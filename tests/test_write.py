"""Write stage: the new tree is built beside the old one and swapped in; unchanged files keep their
inode and mtime; stale files go; nothing is ever written outside the output folder."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from akhbar.errors import AkhbarError
from akhbar.model import OutputFile
from akhbar.write import safe_rel_path, write_tree


def files(pages: dict[str, str]) -> list[OutputFile]:
    return [OutputFile(rel, text.encode("utf-8")) for rel, text in pages.items()]


def everything_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# ----------------------------------------------------------------------------- write_tree


def test_first_write_creates_every_file(tmp_path):
    out = tmp_path / "output"
    result = write_tree(files({"index.html": "خانه", "news/a/index.html": "الف"}), out)
    assert (out / "index.html").read_text(encoding="utf-8") == "خانه"
    assert (out / "news/a/index.html").read_text(encoding="utf-8") == "الف"
    assert (result.files, result.written, result.removed) == (2, 2, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]  # no staging or retired folder left


def test_unchanged_files_keep_inode_and_mtime_changed_ones_are_replaced(tmp_path):
    out = tmp_path / "output"
    write_tree(files({"a.html": "1", "b.html": "2", "c.html": "3"}), out)
    old_a = (out / "a.html").stat()
    old_b = (out / "b.html").stat()
    time.sleep(0.02)
    result = write_tree(files({"a.html": "1", "b.html": "22", "c.html": "3"}), out)
    new_a, new_b = (out / "a.html").stat(), (out / "b.html").stat()
    assert (new_a.st_ino, new_a.st_mtime_ns) == (old_a.st_ino, old_a.st_mtime_ns)
    assert new_b.st_ino != old_b.st_ino
    assert (out / "b.html").read_text() == "22"
    assert (result.files, result.written, result.removed) == (3, 1, 0)
    assert new_a.st_nlink == 1  # the retired tree is gone, only the new output holds the file


def test_stale_files_are_removed(tmp_path):
    out = tmp_path / "output"
    write_tree(files({"a.html": "1", "old/index.html": "x", "old/deep/index.html": "y"}), out)
    (out / "stray.txt").write_text("left by hand")
    result = write_tree(files({"a.html": "1"}), out)
    assert everything_under(out) == {"a.html"}
    assert result.removed == 3


def test_write_into_a_new_nested_folder(tmp_path):
    out = tmp_path / "deep" / "er" / "output"
    write_tree(files({"index.html": "x"}), out)
    assert (out / "index.html").is_file()


def test_leftovers_of_an_interrupted_build_are_cleared(tmp_path):
    out = tmp_path / "output"
    for leftover in (tmp_path / ".output.new", tmp_path / ".output.old"):
        (leftover / "junk").mkdir(parents=True)
        (leftover / "junk" / "x.html").write_text("junk")
    write_tree(files({"index.html": "x"}), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    assert everything_under(out) == {"index.html"}


def test_two_pages_for_one_file_is_an_error_and_the_old_output_stays(tmp_path, tree_snapshot):
    out = tmp_path / "output"
    write_tree(files({"index.html": "old"}), out)
    before = tree_snapshot(out)
    with pytest.raises(AkhbarError) as info:
        write_tree([OutputFile("news/a/index.html", b"1"), OutputFile("news/a/index.html", b"2")], out)
    assert "same file" in str(info.value)
    assert tree_snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_a_failing_page_source_leaves_the_old_output_and_no_staging_folder(tmp_path, tree_snapshot):
    out = tmp_path / "output"
    write_tree(files({"index.html": "old", "a.html": "a"}), out)
    before = tree_snapshot(out)

    def pages():
        yield OutputFile("index.html", b"new")
        raise RuntimeError("a template blew up")

    with pytest.raises(RuntimeError):
        write_tree(pages(), out)
    assert tree_snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]  # the half-built staging folder is gone


# ----------------------------------------------------------------------------- path safety


@pytest.mark.parametrize("rel", [
    "../x.html", "../../etc/passwd", "/etc/passwd", "/abs/index.html", "news/../../x.html", "//server/x.html",
    "", ".", "..", "news\\..\\..\\x.html", "x\x00.html", "news/..",
])
def test_unsafe_output_paths_are_refused(rel):
    with pytest.raises(AkhbarError) as info:
        safe_rel_path(rel)
    assert "outside the output folder" in str(info.value)


@pytest.mark.parametrize("rel", ["index.html", "news/خبر/index.html", "tags/a-b/page/2/index.html", "static/..css"])
def test_safe_output_paths_are_accepted(rel):
    assert safe_rel_path(rel).as_posix() == rel


@pytest.mark.parametrize("rel", ["../escaped.html", "/tmp/escaped.html", "sub/../../escaped.html"])
def test_write_tree_never_writes_outside_and_keeps_the_old_output(tmp_path, tree_snapshot, rel):
    out = tmp_path / "site" / "output"
    write_tree(files({"index.html": "old"}), out)
    before = tree_snapshot(out)
    with pytest.raises(AkhbarError):
        write_tree([OutputFile("index.html", b"new"), OutputFile(rel, b"evil")], out)
    assert tree_snapshot(out) == before
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")} == {
        "site", "site/output", "site/output/index.html"}
    assert not Path("/tmp/escaped.html").exists()


# ----------------------------------------------------------------------------- through the command line


SUMMARY = re.compile(r"^(\d+) articles, (\d+) pages \((\d+) written, (\d+) removed(?:, \d+ image variants encoded)?\) in \d+\.\d+ s$")


def summary(run) -> tuple[int, int, int, int]:
    lines = run.out.splitlines()
    assert len(lines) == 1, run.out
    m = SUMMARY.match(lines[0])
    assert m, lines[0]
    return tuple(int(g) for g in m.groups())  # type: ignore[return-value]


def inodes(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_rebuild_without_changes_writes_nothing_and_keeps_every_inode_and_mtime(project, cli):
    out = project / "output"
    first = cli("--root", project, "build")
    assert first.code == 0, first.err
    articles, pages, written, removed = summary(first)
    files_count = sum(1 for p in out.rglob("*") if p.is_file())
    assert written == files_count and removed == 0
    assert pages == sum(1 for _ in out.rglob("*.html"))
    before = inodes(out)
    time.sleep(0.02)
    again = cli("--root", project, "build")
    assert again.code == 0, again.err
    assert summary(again) == (articles, pages, 0, 0)
    assert inodes(out) == before
    assert not (project / ".output.new").exists() and not (project / ".output.old").exists()
    # the retired tree is deleted after the swap, so no output file still shares its inode with another
    assert all(os.stat(p).st_nlink == 1 for p in out.rglob("*") if p.is_file())


def test_changing_one_paragraph_rewrites_only_that_article(project, cli):
    out = project / "output"
    assert cli("--root", project, "build").code == 0
    before = inodes(out)
    # The last paragraph of an article with a `lead` shows on its own page only.
    path = next(p for p in sorted((project / "content").rglob("*.md"))
                if re.search(r"(?m)^lead:", p.read_text(encoding="utf-8"))
                and not re.search(r"(?m)^draft:\s*true", p.read_text(encoding="utf-8")))
    path.write_text(path.read_text(encoding="utf-8") + "\nپاراگراف تازه‌ای که فقط در همین خبر دیده می‌شود.\n",
                    encoding="utf-8")
    run = cli("--root", project, "build")
    assert run.code == 0, run.err
    _, _, written, removed = summary(run)
    after = inodes(out)
    # Besides the page, only the search index changes: its files are named after their content.
    index = "pagefind/"
    changed = sorted(rel for rel in after if after[rel] != before.get(rel) and not rel.startswith(index))
    index_written = [rel for rel in after if rel.startswith(index) and after[rel] != before.get(rel)]
    index_gone = [rel for rel in before if rel.startswith(index) and rel not in after]
    assert len(changed) == 1 and index_written and written == 1 + len(index_written), changed
    assert changed[0].startswith("news/") and changed[0].endswith("/index.html")
    assert "پاراگراف تازه‌ای" in (out / changed[0]).read_text(encoding="utf-8")
    assert removed == len(index_gone)
    assert {r for r in after if not r.startswith(index)} == {r for r in before if not r.startswith(index)}


def test_deleting_an_article_removes_its_page(project, cli):
    out = project / "output"
    assert cli("--root", project, "build").code == 0
    victim = sorted((project / "content").rglob("*.md"))[0]
    slug_match = re.search(r"(?m)^slug:\s*(\S+)", victim.read_text(encoding="utf-8"))
    slug = slug_match.group(1) if slug_match else victim.stem
    assert (out / "news" / slug / "index.html").is_file()
    victim.unlink()
    run = cli("--root", project, "build")
    assert run.code == 0, run.err
    assert not (out / "news" / slug).exists()
    assert summary(run)[3] >= 1


def test_output_option_and_stale_files_in_it(project, cli, tmp_path):
    out = tmp_path / "elsewhere" / "public"
    out.mkdir(parents=True)
    (out / "stale.html").write_text("old")
    run = cli("--root", project, "build", "--output", out)
    assert run.code == 0, run.err
    assert (out / "index.html").is_file() and not (out / "stale.html").exists()
    assert not (project / "output").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["public"]


def test_a_rebuild_repairs_output_files_changed_by_hand(project, cli):
    out = project / "output"
    assert cli("--root", project, "build").code == 0
    clean = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "index.html").write_text("edited by hand", encoding="utf-8")
    (out / "stray.html").write_text("copied in by hand", encoding="utf-8")
    assert cli("--root", project, "build").code == 0
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == clean
