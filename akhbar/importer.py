"""`import`: the old site's plain-text news exports → reviewable, normalized articles in content/imported/.

The parent lists the sources (files, folders, .zip and .tar.gz members, read in memory, never
extracted) and reads --dates; a pool of workers makes each article's text (`import_article`); the
parent places and writes them in source order (`import_place`) and prints the report.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from itertools import islice
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from .config import SiteConfig
from .dates import DateError, parse_date
from .digits import to_latin_digits
from .errors import AkhbarError, Problem
from .import_article import REVIEWABLE, Job, Made, front_date, init_worker, make_in_worker
from .import_place import Placer
from .progress import ProgressBar

MAX_BYTES = 16 * 1024 * 1024  # no news text is this long; a bigger archive member is not read


# ----------------------------------------------------------------------------- sources


_ARCHIVES = (".zip", ".tar.gz", ".tgz")


def _is_archive(path: Path) -> bool:
    return path.name.lower().endswith(_ARCHIVES)


def _clean_name(name: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", "?", name)


def _list_sources(sources: list[Path], tz: ZoneInfo, archives: list) -> list[Job | Problem | tuple]:
    """Everything to import, in order: folders sorted, archive members in archive order.

    Archive members are listed, not read: their entries are `("zip"|"tar", archive, member, Job)`;
    the open archives are appended to `archives` for the caller to close.
    """
    missing = [Problem(str(s), None, "no such file or folder") for s in sources if not s.exists()]
    if missing:
        raise AkhbarError(missing)
    items: list[Job | Problem | tuple] = []
    for source in sources:
        full = source if source.is_absolute() else Path.cwd() / source
        if full.is_dir():
            files = sorted(p for p in full.rglob("*") if p.suffix.lower() == ".txt" and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(full).parts))
            for p in files:
                rel = p.relative_to(full).as_posix()
                items.append(Job(str(source / rel), p.name, rel, p.stat().st_mtime, path=p))
        elif _is_archive(full):
            items += _list_archive(source, full, tz, archives)
        else:
            items.append(Job(str(source), full.name, full.name, full.stat().st_mtime, path=full))
    return items


def _zip_mtime(info: zipfile.ZipInfo, tz: ZoneInfo) -> float:
    """The member's mtime: the extended-timestamp field (UTC) when present, else its DOS time read in `tz`."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = int.from_bytes(extra[:2], "little"), int.from_bytes(extra[2:4], "little")
        body, extra = extra[4 : 4 + size], extra[4 + size :]
        if kind == 0x5455 and len(body) >= 5 and body[0] & 1:
            return float(int.from_bytes(body[1:5], "little", signed=True))
    return datetime(*info.date_time, tzinfo=tz).timestamp()


def _list_archive(shown: Path, path: Path, tz: ZoneInfo, archives: list) -> list[Job | Problem | tuple]:
    items: list[Job | Problem | tuple] = []
    try:
        if path.name.lower().endswith(".zip"):
            archive = zipfile.ZipFile(path)
            archives.append(archive)
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".txt"):
                    continue
                member = _clean_name(info.filename.lstrip("/"))
                when = _zip_mtime(info, tz)
                items.append(("zip", archive, info, Job(f"{shown}/{member}", PurePosixPath(member).name, member, when)))
        else:
            archive = tarfile.open(path, "r:gz")
            archives.append(archive)
            for info in archive.getmembers():
                if not info.isfile() or not info.name.lower().endswith(".txt"):
                    continue
                member = _clean_name(info.name.removeprefix("./").lstrip("/"))
                items.append(("tar", archive, info, Job(f"{shown}/{member}", PurePosixPath(member).name, member,
                                                        float(info.mtime))))
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as e:
        kind = "zip" if path.name.lower().endswith(".zip") else "tar.gz"
        items.append(Problem(str(shown), None, f"is not a readable {kind} archive ({e}); nothing in it was imported"))
    return items


def _materialize(item: Job | Problem | tuple) -> Job | Problem:
    """Read an archive member into memory (never onto disk); plain files are read by the worker."""
    if not isinstance(item, tuple):
        return item
    kind, archive, info, job = item
    size = info.file_size if kind == "zip" else info.size
    if size > MAX_BYTES:
        return Problem(job.shown, None, f"is too large for a news text ({size} bytes); skipped")
    try:
        with (archive.open(info) if kind == "zip" else archive.extractfile(info)) as f:
            data = f.read(MAX_BYTES + 1)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as e:
        return Problem(job.shown, None, f"cannot be read from its archive ({e}); skipped")
    if len(data) > MAX_BYTES:
        return Problem(job.shown, None, "is too large for a news text; skipped")
    return Job(job.shown, job.name, job.rel, job.mtime, data=data)


# ----------------------------------------------------------------------------- --dates


def _date_key(source: str) -> str:
    source = to_latin_digits(source.strip())
    return f"id:{int(source)}" if source.isdigit() else f"name:{source}"


def load_dates(path: Path, config: SiteConfig) -> dict[str, str]:
    """`source,date` rows → {"id:64048" | "name:000_x.txt": front-matter date}; every bad row is a problem."""
    shown = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise AkhbarError(Problem(shown, None, f"cannot be read ({e.strerror or e})")) from None
    except UnicodeDecodeError:
        raise AkhbarError(Problem(shown, None, "is not UTF-8 text; save the CSV as UTF-8")) from None
    dates: dict[str, str] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.lower() for c in cells[:2]] == ["source", "date"]:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            problems.append(Problem(shown, number, "needs two columns: source (a news number or a file name), date"))
            continue
        try:
            value = front_date(parse_date(cells[1], config.tz), config.tz)
        except DateError as e:
            problems.append(Problem(shown, number, str(e)))
            continue
        key = _date_key(cells[0])
        if key in dates and dates[key] != value:
            problems.append(Problem(shown, number, f"{cells[0]} already has the date {dates[key]} on line {lines[key]}"))
            continue
        dates[key], lines[key] = value, number
    if problems:
        raise AkhbarError(problems)
    return dates


# ----------------------------------------------------------------------------- the command


def _pool(jobs: int, config: SiteConfig, dates: dict[str, str]) -> ProcessPoolExecutor:
    # fork: workers inherit the parent's warm normalizer; elsewhere each worker builds its own
    method = "fork" if sys.platform == "linux" else "spawn"
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                               initializer=init_worker, initargs=(config, dates))


def run_import(config: SiteConfig, sources: list[Path], into: Path | None = None, dates: Path | None = None,
               jobs: int = 0, dry_run: bool = False, force: bool = False) -> int:
    """Import every source; print the report; 1 when a source was skipped or failed, else 0."""
    into = config.content_dir / "imported" if into is None else into if into.is_absolute() else Path.cwd() / into
    if into.exists() and not into.is_dir():
        raise AkhbarError(Problem(str(into), None, "--into must be a folder"))
    table = load_dates(dates if dates.is_absolute() else Path.cwd() / dates, config) if dates else {}
    archives: list = []
    try:
        items = _list_sources(sources, config.tz, archives)
        placer = Placer(config, into.resolve(), dry_run, force)
        _import_all(items, placer, config, table, max(1, min(jobs or os.cpu_count() or 1, len(items))))
    finally:
        for archive in archives:
            archive.close()
    return _print_report(placer, dry_run)


def _import_all(items: list, placer: Placer, config: SiteConfig, table: dict[str, str], jobs: int) -> None:
    init_worker(config, table)  # in this process, before any fork: workers start with a warm normalizer
    pool = _pool(jobs, config, table) if jobs > 1 else None
    bar = ProgressBar("importing")
    pending: Iterator[Job | Problem] = (_materialize(item) for item in items)

    def submit() -> tuple[list[Job | Problem], Iterator[Made]]:
        """The next batch, already handed to the pool (memory stays bounded, workers stay busy)."""
        batch = list(islice(pending, 128 * jobs))
        work = [item for item in batch if isinstance(item, Job)]
        return batch, iter(pool.map(make_in_worker, work, chunksize=8) if pool else map(make_in_worker, work))

    try:
        done = 0
        batch, made = submit()
        while batch:
            following = submit()  # before placing this batch, so the pool never waits for the parent
            for item in batch:
                if isinstance(item, Problem):
                    placer.report.skipped.append(item)
                else:
                    placer.place(next(made))
                done += 1
                bar(done, len(items))
            batch, made = following
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _print_report(placer: Placer, dry_run: bool) -> int:
    r = placer.report
    for line in r.present[:20]:
        print(line, file=sys.stderr)
    if len(r.present) > 20:
        print(f"… and {len(r.present) - 20} more already imported", file=sys.stderr)
    for problem in r.warnings + r.skipped + r.failed:
        print(problem, file=sys.stderr)
    where = placer.shown(placer.into).rstrip("/") + "/"
    verb = "would import" if dry_run else "imported"
    rewritten = f" ({r.rewritten} rewritten)" if r.rewritten else ""
    print(f"{'dry run, nothing written: ' if dry_run else ''}{verb} {r.imported} article"
          f"{'s' if r.imported != 1 else ''}{rewritten} into {where}; "
          f"{len(r.present)} already there, {len(r.skipped)} skipped, {len(r.failed)} failed")
    needing = ", ".join(f"{key} {r.review[key]}" for key in REVIEWABLE if r.review[key])
    print(f"need review, of the {r.imported} imported: {needing or 'none'} (each file's `review:` lists its guesses)")
    return 1 if r.skipped or r.failed else 0

