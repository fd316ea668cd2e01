"""Write stage: the rendered files → the output folder, swapped in whole, unchanged files kept as they were.

The new tree is built beside the old one: files whose bytes did not change are hard-linked from the
old tree (their mtimes survive, so deploys stay incremental), the rest are written. Then the folders
are swapped by rename, so a failed or interrupted build never leaves half a site.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import AkhbarError, Problem
from .files import shown
from .model import OutputFile


@dataclass(frozen=True)
class WriteResult:
    files: int
    written: int  # new or changed
    removed: int  # in the old output, gone from the new


def safe_rel_path(rel: str) -> PurePosixPath:
    """Refuse any output path that could land outside the output folder."""
    p = PurePosixPath(rel)
    if p.is_absolute() or not p.parts or any(part in ("..", ".", "") for part in p.parts) or "\\" in rel or "\x00" in rel:
        raise AkhbarError(Problem(rel, None, "refusing to write outside the output folder"))
    return p


def _same(old: Path, data: bytes) -> bool:
    try:
        return old.stat().st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


def _stage(files: Iterable[OutputFile], output: Path, staging: Path, seen: set[PurePosixPath] | None = None,
           ) -> tuple[int, int, set[PurePosixPath]]:
    """Write every file into `staging`, hard-linking those whose bytes equal the file in `output`."""
    count = written = 0
    seen = set() if seen is None else seen
    for f in files:
        rel = safe_rel_path(f.rel_path)
        if rel in seen:
            raise AkhbarError(Problem(f.rel_path, None, "two pages would be written to the same file"))
        seen.add(rel)
        target = staging.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        old = output.joinpath(*rel.parts)
        count += 1
        if _same(old, f.data):
            try:
                os.link(old, target)
                continue
            except OSError:
                pass
        else:
            written += 1
        target.write_bytes(f.data)
    return count, written, seen


def _link_kept(keep: Iterable[str], output: Path, staging: Path) -> set[PurePosixPath]:
    seen: set[PurePosixPath] = set()
    for rel_path in keep:
        rel = safe_rel_path(rel_path)
        target = staging.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output.joinpath(*rel.parts), target)
        except OSError:  # another file system, or a file system without hard links
            try:
                shutil.copy2(output.joinpath(*rel.parts), target)
            except OSError as e:
                raise AkhbarError(Problem(rel_path, None, f"changed while the site was being built ({e.strerror}); "
                                          "build again")) from None
        seen.add(rel)
    return seen


def check_output(output: Path, root: Path, keep: Iterable[Path]) -> None:
    """Refuse an output folder whose swap would replace the project or a folder the build reads."""
    out, root = output.resolve(), root.resolve()
    if out.exists() and not out.is_dir():
        raise AkhbarError(Problem(str(output), None, "cannot be the output folder: it is a file, which the build "
                                  "would replace; use a folder such as output/"))
    if out == root or out in root.parents:
        raise AkhbarError(Problem(str(output), None, "cannot be the output folder: it holds the project, which "
                                  "the build would replace; use a folder such as output/"))
    for folder in (k.resolve() for k in keep):
        if out == folder or out in folder.parents or folder in out.parents:
            where = shown(folder, root)
            raise AkhbarError(Problem(str(output), None, f"cannot be the output folder: it is, holds or lies "
                                      f"inside {where}/; use a folder such as output/"))


def write_tree(files: Iterable[OutputFile], output: Path,
               finish: Callable[[Path], Iterable[OutputFile]] | None = None, keep: Iterable[str] = ()) -> WriteResult:
    """Build the whole output beside the old one and swap it in. `finish(new_tree)` may add files made
    from the written ones (the search index) before the swap. `keep`: files of the old output that are
    known to be right as they are, taken over without being rendered or read."""
    output = output.resolve()
    staging = output.with_name(f".{output.name}.new")
    retired = output.with_name(f".{output.name}.old")
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    try:
        seen = _link_kept(keep, output, staging)
        _, written, seen = _stage(files, output, staging, seen)
        count = len(seen)  # the kept files too
        if finish is not None:
            more, more_written, more_seen = _stage(finish(staging), output, staging, seen)
            count, written, seen = count + more, written + more_written, more_seen
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # a refused or failed build leaves no half-built folder
        raise
    removed = 0
    if output.exists():
        removed = sum(1 for p in output.rglob("*") if p.is_file() and PurePosixPath(p.relative_to(output).as_posix()) not in seen)
        output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)
    return WriteResult(count, written, removed)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_changes(files: Iterable[OutputFile], output: Path, removed: Iterable[str] = ()) -> WriteResult:
    """Incremental write into an existing output: each changed file replaced atomically, stale ones deleted.

    Called only once every page has rendered, so a failed build still leaves the output untouched.
    """
    output = output.resolve()
    count = written = 0
    for f in files:
        rel = safe_rel_path(f.rel_path)
        target = output.joinpath(*rel.parts)
        count += 1
        if not _same(target, f.data):
            _atomic_write(target, f.data)
            written += 1
    gone = 0
    for rel_path in sorted(removed):
        target = output.joinpath(*safe_rel_path(rel_path).parts)
        if target.is_file():
            target.unlink()
            gone += 1
            _prune_empty(target.parent, output)
    return WriteResult(count, written, gone)


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


Stamp = tuple[int, int]  # (mtime_ns, size)


def scan_output(output: Path) -> dict[str, Stamp]:
    """Every file under `output` with its stamp, so a build can spot files changed or added by hand."""
    found: dict[str, Stamp] = {}
    stack = [(str(output), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, rel + "/"))
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[rel] = (st.st_mtime_ns, st.st_size)
    return found
