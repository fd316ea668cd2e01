"""Site search: the article pages → a Pagefind index under `pagefind/`, written with the rest of the site.

Pagefind (its binary ships in the `pagefind_bin` wheel) indexes HTML files in a folder. The pages it
indexes are laid out in a scratch folder beside the output (hard links to pages already in the output,
the bytes of pages this build rendered), and the bundle it writes comes back as `OutputFile`s. The
pipeline writes those like any other file, so unchanged index files keep their mtimes, stale ones are
pruned, and a build that fails leaves the old index beside the old pages. With `pagefind_bundle`'s
fix for the order of its filters, the same pages give a byte-identical index.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .digest import stable_digest
from .errors import AkhbarError, Problem
from .model import OutputFile, PageSpec
from .pagefind_bundle import stable_bundle

SEARCH = "search/"  # the search page
BUNDLE = "pagefind/"
INDEXED_TEMPLATE = "article.html"  # only articles are results: list pages merely repeat their leads
# Pagefind's ready-made interfaces; the theme's search.js talks to its JS API (pagefind.js) instead.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
TIMEOUT = 900  # seconds; 10,000 articles take Pagefind about 20 s of CPU
POLL = 0.1  # seconds between two looks at whether the caller wants Pagefind stopped


# Pagefind holds every page it indexes in memory (~266 KB each: 1.33 GB for 5,000 article pages, 3.45 GB
# for 10,000; killed at 21 GB on 100,000), so a large archive is indexed in parts, one Pagefind run after
# another, which the search page merges (Pagefind's `mergeIndex`). A rebuild re-indexes only the parts
# whose pages changed. SHARD_PAGES is the most pages a part holds (unless one Jalali month alone has more).
# Pagefind's peak on the 10,000-article benchmark's pages (bench/README.md, "Search index parts"): 1,000
# pages 260 MB, 2,500 648 MB, 3,000 778 MB, 5,000 1,332 MB. 2,500 keeps it under ~650 MB beside akhbar's
# own process (issue #5: 2 GB in all); at 100,000 articles over 12 years it makes 48 parts of a season
# each (1,982–2,176 pages). A larger limit changes nothing there until a half-year (~4,150 pages) fits.
SHARD_PAGES = 2500

# A part is a block of the Jalali calendar: the archive is cut into aligned blocks of 64 years, a block
# holding more than SHARD_PAGES pages into its halves (32 years, …, 1 year), a year into its halves
# (Farvardin–Shahrivar, Mehr–Esfand), a half into its seasons, a season into its months. Whether a block is
# cut depends only on its own pages, so adding news to the newest month changes only the newest part (when
# it outgrows its block, that block is cut; when news opens a new block, the part before it becomes a
# folder: either way only what the newest part held is indexed again), and an article re-dated from one
# month to another changes the parts holding those two months, unless it makes a block holding one of them
# cross the limit, which re-cuts that block alone. Folder names say which months a part holds.
SPANS = (768, 384, 192, 96, 48, 24, 12, 6, 3, 1)  # in months, each dividing the one before
Month = tuple[int, int]  # Jalali (year, month), as `Article.month`


def indexed(specs: Iterable[PageSpec]) -> list[PageSpec]:
    return [s for s in specs if s.template == INDEXED_TEMPLATE]


def parts(months: Iterable[Month]) -> dict[Month, str]:
    """Each month → the part of the index that holds its pages, given each indexed page's Jalali month.

    The newest part is the main bundle, `pagefind/`; an older one is a folder in it named for the months
    it holds: `pagefind/1392-1395/` (whole years), `pagefind/1399-07-1399-12/`, `pagefind/1399-08/`.
    A site of at most SHARD_PAGES pages is one part."""
    counts = Counter(months)
    if sum(counts.values()) <= SHARD_PAGES:
        return dict.fromkeys(counts, BUNDLE)
    blocks = _cut(sorted(counts), counts, 0)
    names = {}
    for n, (span, block) in enumerate(reversed(blocks)):
        name = BUNDLE if n == 0 else f"{BUNDLE}{_span_name(span, block[0], block[-1])}/"
        names.update(dict.fromkeys(block, name))
    return names


def _cut(months: list[Month], counts: Counter, level: int) -> list[tuple[int, list[Month]]]:
    """`months` (in order) as (span, months) blocks of at most SHARD_PAGES pages, oldest first."""
    span = SPANS[level]
    blocks: list[tuple[int, list[Month]]] = []
    for _, group in itertools.groupby(months, key=lambda m: (m[0] * 12 + m[1] - 1) // span):
        block = list(group)
        if level + 1 == len(SPANS) or sum(counts[m] for m in block) <= SHARD_PAGES:
            blocks.append((span, block))
        else:
            blocks += _cut(block, counts, level + 1)
    return blocks


def _span_name(span: int, first: Month, last: Month) -> str:
    """Years for a block of whole years, months for a part of a year; only the months that have pages."""
    if span >= 12:
        return str(first[0]) if first[0] == last[0] else f"{first[0]}-{last[0]}"
    a, b = f"{first[0]}-{first[1]:02d}", f"{last[0]}-{last[1]:02d}"
    return a if a == b else f"{a}-{b}"


def shards(specs: Iterable[PageSpec]) -> dict[str, list[PageSpec]]:
    """The indexed pages by part of the index (`parts`)."""
    pages = indexed(specs)
    months = [spec.context["article"].month for spec in pages]
    named = parts(months)
    result: dict[str, list[PageSpec]] = {}
    for spec, month in zip(pages, months, strict=True):
        result.setdefault(named[month], []).append(spec)
    return result


_PART = re.compile(rf"{BUNDLE}\d+(-\d+)*/")


def shard_of(rel_path: str) -> str:
    """The part a bundle file belongs to (`shards`' key), whether or not that part still exists."""
    found = _PART.match(rel_path)
    return found.group(0) if found else BUNDLE


def index_keys(specs: Iterable[PageSpec], fingerprints: Mapping[str, str]) -> dict[str, str]:
    """What each part of the index is made of: its pages, everything they show, and the Pagefind that reads them."""
    return {name: stable_digest(_pagefind_version(), name, sorted((s.rel_path, fingerprints[s.rel_path]) for s in pages))
            for name, pages in shards(specs).items()}


@functools.cache
def _pagefind_version() -> str:
    try:
        return version("pagefind-bin")
    except PackageNotFoundError:
        return ""


def in_bundle(rel_path: str) -> bool:
    return rel_path.startswith(BUNDLE)


class IndexCancelledError(Exception):
    """The caller asked the build to stop while the index was being made (in `serve`: the editor saved again)."""


def build_index(specs: Iterable[PageSpec], rendered: Iterable[OutputFile], output: Path,
                cancelled: Callable[[], bool] | None = None, only: Iterable[str] | None = None) -> list[OutputFile]:
    """Index the article pages, part by part (`shards`; `only`: these parts): the pages this build rendered
    from `rendered`, the others from `output`."""
    parts = shards(specs)
    if only is not None:
        chosen = set(only)
        parts = {name: pages for name, pages in parts.items() if name in chosen}
    fresh = {f.rel_path: f.data for f in rendered}
    cancelled = cancelled or (lambda: False)
    files: list[OutputFile] = []
    for name, pages in parts.items():  # (Pagefind refuses an empty site: no pages, no part)
        files += _index_part(name, pages, fresh, output, cancelled)
    return files


def _index_part(name: str, pages: list[PageSpec], fresh: Mapping[str, bytes], output: Path,
                cancelled: Callable[[], bool]) -> list[OutputFile]:
    scratch = output.resolve().with_name(f".{output.name}.search")
    shutil.rmtree(scratch, ignore_errors=True)
    site, bundle = scratch / "site", scratch / "bundle"
    try:
        for n, spec in enumerate(pages):
            if n % 500 == 0 and cancelled():
                raise IndexCancelledError()
            target = site / spec.rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = fresh.get(spec.rel_path)
            if data is None:
                try:
                    os.link(output / spec.rel_path, target)
                    continue
                except OSError:  # another file system, or a file system without hard links
                    data = (output / spec.rel_path).read_bytes()
            target.write_bytes(data)
        _run_pagefind(site, bundle, cancelled)
        files = {p.relative_to(bundle).as_posix(): p.read_bytes()
                 for p in bundle.rglob("*") if p.is_file() and p.name not in UNUSED}
        return [OutputFile(name + rel, data) for rel, data in sorted(stable_bundle(files).items())]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_pagefind(site: Path, bundle: Path, cancelled: Callable[[], bool]) -> None:
    try:
        from pagefind_bin import get_executable

        executable = get_executable()
    except (ImportError, FileNotFoundError):
        raise AkhbarError(_problem("the Pagefind binary is missing; install it with pip install pagefind-bin")) from None
    argv = [str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"]
    try:
        # In a session of its own, so that stopping it stops whatever it started too.
        process = subprocess.Popen(argv, cwd=site.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, errors="replace", start_new_session=os.name == "posix")
    except OSError as e:
        raise AkhbarError(_problem(f"Pagefind could not run: {e}")) from None
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            out, err = process.communicate(timeout=POLL)
            break
        except subprocess.TimeoutExpired:
            if cancelled() or time.monotonic() > deadline:
                _stop(process)
                if cancelled():
                    raise IndexCancelledError() from None
                raise AkhbarError(_problem(f"Pagefind did not finish within {TIMEOUT} s")) from None
    if process.returncode != 0:
        said = [line.strip() for line in (err + out).splitlines() if line.strip()]
        raise AkhbarError(_problem(f"Pagefind failed (exit status {process.returncode})"
                                   + (f": {' '.join(said[-3:])}" if said else "")))


def _stop(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass  # it had just finished
    process.communicate()


def _problem(message: str) -> Problem:
    return Problem(BUNDLE, None, f"search index: {message}",
                   fa="نمایهٔ جستجوی سایت ساخته نشد؛ توضیح انگلیسی بالا را ببینید.")
