"""The only orchestrator: discover → read → render bodies → assemble → render pages → write.

A `BuildState` carries what one build learned into the next (parsed and rendered articles by source
file, the fingerprint of every page written): with it, a rebuild re-reads only files whose size or
mtime changed, re-renders only pages whose inputs changed, and writes only files whose bytes changed.
The same code runs for `build` and for every rebuild of `serve`.
"""

from __future__ import annotations

import collections
import dataclasses
import gc
import itertools
import os
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import images, search
from .assemble import AssembleMemo, assemble
from .bodies import FOLDER, BodyStore, StaleBodyError, stored_digests
from .body import BodyRenderer
from .cache import cache_dir
from .config import SiteConfig
from .digest import code_digest, stable_digest, tree_digest
from .errors import AkhbarError, Problem
from .files import is_temporary, shown
from .model import Article, BuildReport, OutputFile, PageSpec
from .pages import PageRenderer, SpecMemo, related_slugs, same_relations
from .read import discover_stamped
from .redirects import redirect_specs
from .sitemap import sitemap_specs
from .sources import SourceEntry, read_sources
from .write import Stamp, check_output, scan_output, write_changes, write_tree

Progress = Callable[[int, int], None]


@dataclass
class BuildState:
    """What a build leaves for the next one (in memory for `serve`, in `.cache/` for `build`).

    `body_key` covers what rendered bodies depend on; `page_key` also covers what pages depend on.
    """

    body_key: str = ""
    page_key: str = ""
    sources: dict[str, SourceEntry] = field(default_factory=dict)  # by path
    # `sources` as the last build that finished left them: a build that failed or was cancelled after
    # reading leaves `sources` ahead of the output, and the next one must not take that for "no change".
    built: dict[str, SourceEntry] = field(default_factory=dict)
    assembled: AssembleMemo = field(default_factory=AssembleMemo)  # what assemble made, to reuse
    # The articles (in order) and `related_slugs` of them, with the count it was asked for.
    related: tuple[tuple[Article, ...], int, dict[str, tuple[str, ...]]] = ((), 0, {})
    pages: dict[str, str] = field(default_factory=dict)  # output path → fingerprint of what it shows
    statics: dict[str, str] = field(default_factory=dict)  # output path → digest of its bytes
    stamps: dict[str, Stamp] = field(default_factory=dict)  # output path → stamp when this build left it
    inputs: str = ""  # digest of the theme, its static files and every source's text, when last built
    counts: tuple[int, int] = (0, 0)  # articles and HTML pages, when last built
    search_keys: dict[str, str] = field(default_factory=dict)  # each part of the search index in the output:
    # what it was built from (search.index_keys)
    index_behind: bool = False  # the last build left the index as it was, though articles had changed
    unpruned: int = 0  # bodies rendered since `.cache/bodies/` was last cleared of the ones no article has
    renderer: BodyRenderer | None = None  # per process; never pickled
    # The Jinja2 environment, with its compiled templates (it reloads a template whose file changed);
    # per process, for this `page_key` only.
    pages_renderer: PageRenderer | None = None
    # The last build's page specs, with what each was made from, for this `page_key` (pages.SpecMemo),
    # and output path → (theme, template, context, fingerprint): a page whose inputs are the very objects
    # it had (pickled with the articles, so identity survives the cache) keeps its spec, its fingerprint
    # and its sitemap entry without hashing its context again.
    specs: SpecMemo = field(default_factory=SpecMemo)
    contexts: dict[str, tuple[str, str, dict, str]] = field(default_factory=dict)
    sitemap: dict = field(default_factory=dict)  # `sitemap_specs`'s memo

    def __getstate__(self) -> dict:
        return {**self.__dict__, "renderer": None, "pages_renderer": None}

    def __setstate__(self, saved: dict) -> None:
        # A cache written by an older akhbar may lack newer fields: they start empty (a colder build).
        self.__dict__.update(BuildState().__dict__)
        self.__dict__.update({k: v for k, v in saved.items() if k in self.__dict__})


NOTHING_CHANGED = "nothing changed"  # the reason of a build that stopped after reading
# Pages an incremental build renders in memory before writing them in place; past this many (a template
# changed) it stages a new tree instead, as a cold build does.
IN_PLACE_MAX = 2000


@dataclass(frozen=True)
class Explanation:
    reason: str  # why the build was as large as it was
    read: tuple[str, ...]  # source files read and rendered again
    gone: tuple[str, ...]  # source files there last time and not now
    rendered: tuple[str, ...]  # pages rendered again


def _keys(config: SiteConfig, output: Path, drafts: bool) -> tuple[str, str]:
    # The word list changes every article's normalized text: its bytes count, not only its path.
    words = config.normalize.words.read_bytes() if config.normalize.words and config.normalize.words.is_file() else None
    # Bodies hold photo markup: its URLs (under the base path) and variant widths are theirs too.
    body = stable_digest(code_digest(), config.normalize, words, [t.key for t in config.taxonomies],
                         config.timezone, config.images, images.formats(config.images), config.base_path)
    return body, stable_digest(body, config, str(output.resolve()), drafts)


def build(config: SiteConfig, output: Path, drafts: bool = False, progress: Progress | None = None,
          state: BuildState | None = None, jobs: int = 0, strict: bool = False, index_search: bool = True,
          cancelled: Callable[[], bool] | None = None, trust_output: bool = False,
          touched: Collection[str] | None = None, write: bool = True, once: bool = False,
          ) -> tuple[BuildReport, BuildState, Explanation]:
    """Build into `output`. On any problem, raise with every problem found and touch nothing.

    `strict`: warnings (a photo without alt text) are problems too. With `index_search` false, a search
    index already in the output stays as it is even if articles changed (`serve` reloads first and
    brings the index up to date once the edits pause). `cancelled` is asked while the index is made:
    when it says yes, `search.IndexCancelledError` is raised and nothing is written. `trust_output`:
    take the output to be as the last build (in this process) left it, instead of listing it.
    `touched`: the only article files that may have changed since that build, when the caller knows
    (`serve`'s watcher saw every event); None: every file is looked at.

    `write` false is `check`: everything a build reads and validates, every page it would render anew
    rendered in memory, photos not yet encoded decoded, and nothing written (neither the output nor the
    photo cache). The state that comes back still describes the output as the last build left it.

    `once`: this process builds no more (the command line): what only a next build in it would reuse
    (hazm's lexicons) is let go as soon as the articles are read.
    """
    # The state carried in holds millions of long-lived objects; without this, the collector's full
    # passes, set off by the build's own allocations, would walk all of them again and again. (What a
    # caller froze stays frozen: the command line keeps its loaded state frozen until it is saved.)
    thaw = not gc.get_freeze_count()
    gc.freeze()
    try:
        try:
            return _build(config, output, drafts, progress, state, jobs, strict, index_search, cancelled,
                          trust_output or not write, touched, write, once)
        except StaleBodyError:
            # A body the state names is missing or damaged in `.cache/bodies/`: nothing was written yet,
            # and the sources say what it should be.
            return _build(config, output, drafts, progress, None, jobs, strict, index_search, cancelled,
                          trust_output or not write, None, write, once,
                          reason="a cached body was damaged: everything is built")
    finally:
        if thaw:
            gc.unfreeze()


def _build(config: SiteConfig, output: Path, drafts: bool, progress: Progress | None,
           state: BuildState | None, jobs: int, strict: bool, index_search: bool,
           cancelled: Callable[[], bool] | None, trust_output: bool, touched: Collection[str] | None, write: bool,
           once: bool = False, reason: str = "no cache: everything is built") -> tuple[BuildReport, BuildState, Explanation]:
    start = time.perf_counter()
    check_output(output, config.root, (config.content_dir, config.theme_dir))
    body_key, page_key = _keys(config, output, drafts)
    if state is None:
        state = BuildState(body_key, page_key)
    elif state.body_key != body_key:
        state, reason = BuildState(body_key, page_key), "generator or normalization settings changed: everything is built"
    elif state.page_key != page_key:
        state = dataclasses.replace(state, page_key=page_key, pages={}, statics={}, stamps={}, pages_renderer=None,
                                    specs=SpecMemo(), contexts={}, sitemap={})
        reason = "site settings changed: every page is rendered"
    else:
        reason = "incremental"
    incremental = bool(state.pages) and output.is_dir()
    if state.renderer is None:
        state.renderer = BodyRenderer(config.normalize, cache_dir(config.root), config,
                                      BodyStore(cache_dir(config.root) / FOLDER))
    before = state.sources
    if reason != "incremental":
        touched = None  # a state that was just replaced knows no files to compare with
    state.sources, reread = read_sources(config, before, state.renderer, jobs, progress, touched)
    if once:
        state.renderer.normalizer.release()
    gone = tuple(sorted(shown(Path(p), config.root) for p in before.keys() - state.sources.keys()))
    _stop_if(cancelled)
    # Listing the output folder is mostly system calls, which run in a thread while this one works on.
    # A process should not fork while it has other threads: the thread starts after reading (which may
    # fork) and is gone once its answer is taken, before photos are encoded or pages rendered (which may).
    pool = ThreadPoolExecutor(1)
    if not incremental:
        on_disk: Callable[[], dict[str, Stamp]] = dict
    elif trust_output:
        on_disk = state.stamps.copy
    else:
        listing = pool.submit(scan_output, output)

        def on_disk() -> dict[str, Stamp]:
            try:
                return listing.result()
            finally:
                pool.shutdown()
    try:
        return _build_with(config, output, drafts, state, reread, gone, jobs, start, reason, incremental, on_disk,
                           strict, index_search, cancelled, write)
    finally:
        pool.shutdown()


def _build_with(config: SiteConfig, output: Path, drafts: bool, state: BuildState, reread: list[str],
                gone: tuple[str, ...], jobs: int, start: float, reason: str, incremental: bool, scan: Callable[[], dict[str, Stamp]],
                strict: bool,
                index_search: bool, cancelled: Callable[[], bool] | None, write: bool = True,
                ) -> tuple[BuildReport, BuildState, Explanation]:
    problems = [p for e in state.sources.values() for p in e.problems]
    if strict and any(p.warning for p in problems):
        raise AkhbarError([dataclasses.replace(p, warning=False) for p in problems])
    if state.pages_renderer is None:
        state.pages_renderer = PageRenderer(config, state.specs)
    renderer = state.pages_renderer
    theme, statics, static_digests, inputs = _theme_inputs(config)
    up_to_date = not (index_search and state.index_behind)
    if incremental and up_to_date and inputs == state.inputs and state.sources == state.built and scan() == state.stamps:
        # Nothing changed, and the output is exactly as the last build left it.
        report = BuildReport(state.counts[0], state.counts[1], 0, 0, time.perf_counter() - start,
                             tuple(p for p in problems if p.warning))
        return report, state, Explanation(NOTHING_CHANGED, (), (), ())
    pairs = [(e.raw, e.body) for e in state.sources.values()
             if e.raw is not None and e.body is not None and (drafts or not e.raw.meta.draft)]
    site, more, state.assembled = assemble(config, pairs, state.assembled)
    _stop_if(cancelled)
    problems += more
    if any(not p.warning for p in problems):
        raise AkhbarError(problems)

    before, count, related = state.related
    if count != config.related_count or not same_relations(before, site.articles):
        related = related_slugs(site.articles, config.related_count)
    state.related = site.articles, config.related_count, related
    specs = list(renderer.page_specs(site, related))
    specs += sitemap_specs(specs, config, state.sitemap)
    # Redirects come last: an alias may not take the place of any other file the site writes.
    redirects, clashes = redirect_specs(site.articles, [s.rel_path for s in specs] + [f.rel_path for f in statics])
    if clashes:
        raise AkhbarError(clashes)
    specs += redirects
    photo_jobs = _photo_jobs(config, site.articles)
    photo_cache = cache_dir(config.root) / "images"
    workers = jobs or os.cpu_count() or 1
    on_disk = scan()
    if write:
        encoded, failed = images.encode_missing(photo_jobs, photo_cache, config.images, workers)
    else:
        encoded, failed = 0, images.decode_missing(photo_jobs, photo_cache, workers)
    if failed:
        raise AkhbarError(failed)
    photo_files = {rel for job in photo_jobs for rel in images.job_outputs(job)}
    fingerprints, state.contexts = _fingerprints(specs, theme, state.contexts)
    _stop_if(cancelled)
    if not write:
        return _checked(renderer, specs, fingerprints, state, workers,
                        (len(site.articles), start, problems, reason, reread))
    # Trust the output only where it still is exactly what the last build left there.
    intact = {rel for rel, stamp in state.stamps.items() if on_disk.get(rel) == stamp}
    changed = [s for s in specs if s.rel_path not in intact or state.pages.get(s.rel_path) != fingerprints[s.rel_path]]
    # A part of the search index is built again only when one of its article pages changed, or its files
    # are not as the last build left them; its files are written as statics. With [search] off nothing is
    # indexed, and an index a build with it on left is removed like any file without a source.
    searched = specs if config.search.enabled else []
    search_keys = search.index_keys(searched, fingerprints)
    kept = {rel: digest for rel, digest in state.statics.items() if search.in_bundle(rel) and rel in intact}
    damaged = {search.shard_of(rel) for rel in state.statics.keys() - kept.keys() if search.in_bundle(rel)}
    stale = {name for name, key in search_keys.items()
             if not incremental or state.search_keys.get(name) != key or name in damaged}
    if incremental and not index_search and not damaged:
        static_digests.update(kept)  # the index in the output is left for later, as it is
        state.index_behind = search_keys != state.search_keys
        search_keys, stale = state.search_keys, set()  # what that index was built from
    else:
        static_digests.update((rel, digest) for rel, digest in kept.items()
                              if search.shard_of(rel) in search_keys.keys() - stale)
        state.index_behind = False
    wanted = set(fingerprints) | set(static_digests) | photo_files
    if incremental and len(changed) <= IN_PLACE_MAX:
        pages = [renderer.render_page(s) for s in changed]
        if stale:
            index = search.build_index(searched, pages, output, cancelled, only=stale)
            statics += index
            static_digests.update((f.rel_path, stable_digest(f.data)) for f in index)
            wanted |= {f.rel_path for f in index}
        new_statics = [f for f in statics
                       if f.rel_path not in intact or state.statics.get(f.rel_path) != static_digests[f.rel_path]]
        # A photo variant's name is the digest of what it is made of: one still in place is the right one.
        new_statics += images.output_files(photo_jobs, photo_cache, skip=intact)
        result = write_changes(pages + new_statics, output, removed=set(on_disk) - wanted)
        stamps = {rel: on_disk[rel] for rel in wanted if rel in on_disk}
        for f in pages + new_statics:
            st = (output / f.rel_path).stat()
            stamps[f.rel_path] = (st.st_mtime_ns, st.st_size)
    else:
        # A cold build, or so many pages changed (a template) that holding them all in memory until the
        # last one renders would not fit (100,000 pages): a new tree is staged beside the output, the pages
        # rendered over every core and streamed there, the files still right in the output linked over.
        def index_staged(staging: Path) -> list[OutputFile]:
            index = search.build_index(searched, (), staging, cancelled, only=stale)
            static_digests.update((f.rel_path, stable_digest(f.data)) for f in index)
            return index

        keep = ({s.rel_path for s in specs} - {s.rel_path for s in changed}
                | {rel for rel in kept if rel in static_digests} | (photo_files & intact))
        pages = renderer.render_pages(changed, workers)
        photos = images.output_files(photo_jobs, photo_cache, skip=keep)
        result = write_tree(itertools.chain(pages, statics, photos), output, finish=index_staged if stale else None,
                            keep=sorted(keep))
        stamps = scan_output(output)
    state.pages, state.statics, state.stamps, state.inputs = fingerprints, static_digests, stamps, inputs
    state.built = state.sources
    state.counts = len(site.articles), sum(s.rel_path.endswith(".html") for s in specs)
    state.search_keys = search_keys
    _prune_bodies(state, incremental, len(reread))

    report = BuildReport(
        articles=state.counts[0], pages=state.counts[1], written=result.written, removed=result.removed,
        seconds=time.perf_counter() - start, warnings=tuple(p for p in problems if p.warning), encoded=encoded,
    )
    return report, state, Explanation(reason, tuple(reread), gone, tuple(s.rel_path for s in changed))


def _theme_inputs(config: SiteConfig) -> tuple[str, list[OutputFile], dict[str, str], str]:
    """The templates' digest, the theme's static files with the digest of each, and the digest of all of
    that: what the site is made of besides its articles (the generator, the settings and the output path
    are in the build's keys)."""
    theme = tree_digest(config.theme_dir / "templates")
    statics = _static_files(config)
    static_digests = {f.rel_path: stable_digest(f.data) for f in statics}
    return theme, statics, static_digests, stable_digest(theme, static_digests)


@dataclass(frozen=True)
class Summary:
    """What tells, from a look at the files alone, that nothing changed since a build: the command line
    keeps it beside the state (`cache`), a few hundred kilobytes where the state is tens of megabytes, so
    a build with nothing to do does not load the state at all (`unchanged`)."""

    keys: tuple[str, str]  # body_key, page_key
    inputs: str
    sources: dict[str, tuple[Stamp, tuple[tuple[str, Stamp | None], ...]]]  # path → stamp, photos' stamps
    stamps: dict[str, Stamp]  # the output's files
    counts: tuple[int, int]
    warnings: tuple[Problem, ...]


def summary(state: BuildState) -> Summary | None:
    """The summary of the output `state` describes; None when the state is ahead of its output (a build
    that failed after reading) or the search index was left behind."""
    if state.sources != state.built or state.index_behind or not state.pages:
        return None
    return Summary((state.body_key, state.page_key), state.inputs,
                   {path: (e.stamp, e.photos) for path, e in state.built.items()}, state.stamps, state.counts,
                   tuple(p for e in state.built.values() for p in e.problems if p.warning))


@dataclass(frozen=True)
class Glance:
    """What the files show, compared with the build a `Summary` describes (`glance`)."""

    report: BuildReport | None  # nothing changed: that build's report, and nothing to do
    sources: list[tuple[str, Stamp]] | None = None  # every article file with its stamp, if listed
    output: dict[str, Stamp] | None = None  # the output's files with their stamps, if listed

    def touched(self, state: BuildState) -> set[str] | None:
        """The article files that may differ from what `state` read: `build`'s `touched`, so the build
        need not list the archive again."""
        if self.sources is None:
            return None
        found = dict(self.sources)
        return {path for path, stamp in found.items()
                if (e := state.sources.get(path)) is None or e.stamp != stamp} | (state.sources.keys() - found.keys())

    def output_is(self, state: BuildState) -> bool:
        """Whether the output is as `state` says the last build left it: `build`'s `trust_output`."""
        return self.output is not None and self.output == state.stamps


def glance(config: SiteConfig, output: Path, drafts: bool, last: Summary | None) -> Glance:
    """A look at the files alone: when they show that nothing changed since the build `last` summarizes
    (the same generator, settings, theme, article files, their photos and output files), that build's
    report; else what was listed on the way, for the build that must look closer."""
    start = time.perf_counter()
    if last is None or not output.is_dir() or _keys(config, output, drafts) != last.keys:
        return Glance(None)
    if _theme_inputs(config)[3] != last.inputs:
        return Glance(None)
    found = discover_stamped(config.content_dir)
    on_disk = scan_output(output)
    same = (len(found) == len(last.sources) and all(last.sources.get(path, (None,))[0] == stamp for path, stamp in found)
            and not any(images.stamp_of(Path(photo)) != stamp for _, photos in last.sources.values() for photo, stamp in photos))
    if not same or on_disk != last.stamps:
        return Glance(None, found, on_disk)
    return Glance(BuildReport(last.counts[0], last.counts[1], 0, 0, time.perf_counter() - start, last.warnings))


def _checked(renderer: PageRenderer, specs: list[PageSpec], fingerprints: dict[str, str], state: BuildState,
             workers: int, so_far: tuple[int, float, list[Problem], str, list[str]],
             ) -> tuple[BuildReport, BuildState, Explanation]:
    """`check`'s end: render in memory every page whose fingerprint differs from what the last build
    rendered (a page with the same template and context renders the same, so it cannot fail now), for
    the template errors only rendering finds. `state.pages` and the rest that describes the output stay
    as they were: a build after this still writes every page the output lacks."""
    articles, start, problems, reason, reread = so_far
    changed = [s for s in specs if state.pages.get(s.rel_path) != fingerprints[s.rel_path]]
    collections.deque(renderer.render_pages(changed, workers), maxlen=0)
    report = BuildReport(articles, sum(s.rel_path.endswith(".html") for s in specs), 0, 0,
                         time.perf_counter() - start, tuple(p for p in problems if p.warning))
    return report, state, Explanation(reason, tuple(reread), (), tuple(s.rel_path for s in changed))


def _stop_if(cancelled: Callable[[], bool] | None) -> None:
    """A build that may be cancelled (`serve`'s search-index pass) stops between stages as soon as asked,
    not only inside Pagefind: an editor's next save must not wait for it. Nothing is written yet."""
    if cancelled is not None and cancelled():
        raise search.IndexCancelledError()


def _fingerprints(specs: list[PageSpec], theme: str, memo: dict[str, tuple[str, str, dict, str]],
                  ) -> tuple[dict[str, str], dict[str, tuple[str, str, dict, str]]]:
    """Each page's fingerprint: the digest of the theme, its template and its context."""
    fingerprints, kept = {}, {}
    for spec in specs:
        old = memo.get(spec.rel_path)
        if old is not None and old[0] == theme and old[1] == spec.template and (old[2] is spec.context or old[2] == spec.context):
            fingerprint = old[3]
        else:
            fingerprint = stable_digest(theme, spec.template, spec.context)
        fingerprints[spec.rel_path] = fingerprint
        kept[spec.rel_path] = (theme, spec.template, spec.context, fingerprint)
    return fingerprints, kept


def _prune_bodies(state: BuildState, incremental: bool, rendered: int) -> None:
    """Clear the body store of bodies no article has now: after a cold build, and once edits have left
    about as many stale bodies as a fifth of the archive (listing the store costs what reading it does)."""
    state.unpruned += rendered
    store = state.renderer.store if state.renderer else None
    if store is None or (incremental and state.unpruned < max(500, len(state.sources) // 5)):
        return
    store.prune(stored_digests(e.body.html for e in state.sources.values() if e.body is not None))
    state.unpruned = 0


def _photo_jobs(config: SiteConfig, articles: tuple[Article, ...]) -> list[images.EncodeJob]:
    """What the site's photos need encoded: every variant of every photo an article in the site shows."""
    leads = [a.picture for a in articles if a.picture]
    pictures = leads + [p for a in articles for p in a.pictures]
    where: dict[str, tuple[str, int]] = {}
    for article in reversed(articles):  # the oldest article naming a photo is where its errors point
        for p in (*((article.picture,) if article.picture else ()), *article.pictures):
            where.setdefault(p.image.digest, (article.source, p.line))
    return images.plan(pictures, leads, config.images, where)


def _static_files(config: SiteConfig) -> list[OutputFile]:
    static = config.theme_dir / "static"
    return [OutputFile("static/" + p.relative_to(static).as_posix(), p.read_bytes())
            for p in sorted(static.rglob("*")) if p.is_file() and not is_temporary(p.relative_to(static))]
