"""Read stage over the whole content folder: every article file → a `SourceEntry`, in parallel when cold.

An entry keeps what the later stages need (validated front matter, the rendered body) and what lets
the next build skip the file (its size and mtime, its text digest), never the file's text itself.
Cold builds spread files over a process pool forked after hazm is loaded, so workers share it.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from .body import BodyRenderer
from .config import SiteConfig
from .digest import stable_digest
from .errors import Problem
from .files import shown
from .images import stamp_of
from .model import RawArticle, RenderedBody
from .read import Stamp, discover_stamped, load_source, parse_article
from .workers import can_fork, fork_map

Progress = Callable[[int, int], None]
PARALLEL_FROM = 200  # below this many files to read, forking costs more than it saves
CHUNK = 64


@dataclass
class SourceEntry:
    stamp: Stamp
    text_digest: str
    raw: RawArticle | None  # front matter; its text and body are dropped once rendered
    problems: list[Problem]
    body: RenderedBody | None
    photos: tuple[tuple[str, Stamp | None], ...] = ()  # every photo file the article names, with its stamp then

    def photos_changed(self) -> bool:
        return any(stamp_of(Path(path)) != stamp for path, stamp in self.photos)


def load_entry(path: Path, stamp: Stamp, old: SourceEntry | None, config: SiteConfig,
               renderer: BodyRenderer, keys: tuple[str, ...]) -> tuple[SourceEntry, bool]:
    """One file → its entry; the flag says whether it had to be parsed and rendered again."""
    src = load_source(path, config.root)
    if isinstance(src, Problem):
        return SourceEntry(stamp, "", None, [src], None), True
    digest = stable_digest(src.text)
    if old and old.text_digest == digest and not old.photos_changed():
        return dataclasses.replace(old, stamp=stamp), False
    raw = parse_article(src, config.tz)
    if isinstance(raw, list):
        return SourceEntry(stamp, digest, None, raw, None), True
    body, problems, photos = renderer.render_article(raw, keys)
    # What only rendering the body reads goes: the state keeps every entry (~100 bytes a field at 100,000).
    meta = dataclasses.replace(raw.meta, title="", lead=None, tags=(), section=None, province=None,
                               image_alt=None, image_caption=None)
    slim = dataclasses.replace(raw, source=dataclasses.replace(raw.source, text=""), meta=meta, body="")
    return SourceEntry(stamp, digest, slim, problems, body, tuple(sorted(photos.items()))), True


def _load_chunk(shared: tuple[SiteConfig, BodyRenderer, tuple[str, ...], dict[str, SourceEntry]],
                items: list[tuple[str, Stamp]]) -> list[tuple[str, Stamp, SourceEntry | None]]:
    """Each file's entry, or None where the file's text is what `previous` has (a checkout, a copy or a
    `touch` gave it a new mtime): the parent then keeps its own entry, and the objects in it, whose
    identity the later stages compare by."""
    config, renderer, keys, previous = shared
    results: list[tuple[str, Stamp, SourceEntry | None]] = []
    for path, stamp in items:
        entry, was_read = load_entry(Path(path), stamp, previous.get(path), config, renderer, keys)
        results.append((path, stamp, entry if was_read else None))
    return results


def read_sources(config: SiteConfig, previous: dict[str, SourceEntry], renderer: BodyRenderer,
                 jobs: int = 0, progress: Progress | None = None, touched: Collection[str] | None = None,
                 ) -> tuple[dict[str, SourceEntry], list[str]]:
    """Entries for every article file (by path), reusing `previous` where a file is unchanged; also the
    files re-read. `touched`: the article files that may have changed since `previous` was made, when
    the caller knows (`serve`'s watcher); only those are looked at instead of every file."""
    keys = tuple(t.key for t in config.taxonomies)
    entries: dict[str, SourceEntry] = {}
    todo: list[tuple[str, Stamp]] = []
    found = discover_stamped(config.content_dir) if touched is None else _restamped(previous, touched)
    for path, stamp in found:
        old = previous.get(path)
        if old and old.stamp == stamp and not old.photos_changed():
            entries[path] = old
        else:
            todo.append((path, stamp))
    reread: list[str] = []
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(todo) >= PARALLEL_FROM and can_fork():
        results = _parallel(todo, config, renderer, keys, previous, jobs, progress)
    else:
        results = []
        for i, (path, stamp) in enumerate(todo, 1):
            results.append((path, *load_entry(Path(path), stamp, previous.get(path), config, renderer, keys)))
            if progress:
                progress(i, len(todo))
    for path, entry, was_read in results:
        entries[path] = entry
        if was_read:
            reread.append(entry.raw.source.rel if entry.raw else shown(Path(path), config.root))
    return dict(sorted(entries.items())), reread



def _restamped(previous: dict[str, SourceEntry], touched: Collection[str]) -> list[tuple[str, Stamp]]:
    """`discover_stamped`'s answer when only `touched` can differ from `previous`: one `stat` per touched
    file, not one per file of the archive."""
    stamps = {path: entry.stamp for path, entry in previous.items()}
    for path in touched:
        try:
            st = os.stat(path)
        except OSError:  # deleted, or renamed away
            stamps.pop(path, None)
            continue
        if stat.S_ISREG(st.st_mode):
            stamps[path] = (st.st_mtime_ns, st.st_size)
    return sorted(stamps.items())


def _parallel(todo: list[tuple[str, Stamp]], config: SiteConfig, renderer: BodyRenderer, keys: tuple[str, ...],
              previous: dict[str, SourceEntry], jobs: int, progress: Progress | None,
              ) -> list[tuple[str, SourceEntry, bool]]:
    # hazm and the word lists load once, before the workers fork, so they share them; but only when some
    # file is new to the cache. Files that all have cached entries (a fresh clone's new mtimes) mostly
    # turn out unchanged: the few that changed load the normalizer in their worker, and none loads it
    # when none changed.
    if any(path not in previous for path, _ in todo):
        renderer.normalizer.warm()
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    results: list[tuple[str, SourceEntry, bool]] = []
    for chunk in fork_map(_load_chunk, chunks, (config, renderer, keys, previous), jobs):
        results.extend((path, dataclasses.replace(previous[path], stamp=stamp), False) if entry is None
                       else (path, entry, True) for path, stamp, entry in chunk)
        if progress:
            progress(len(results), len(todo))
    return results
