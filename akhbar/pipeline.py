"""The only orchestrator: discover → read → render bodies → assemble → render pages → write.

A `BuildState` carries what one build learned into the next (parsed and rendered articles by source
file, the fingerprint of every page written): with it, a rebuild re-reads only files whose size or
mtime changed, re-renders only pages whose inputs changed, and writes only files whose bytes changed.
The same code runs for `build` and for every rebuild of `serve`.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, search
from .assemble import assemble
from .body import BodyRenderer
from .config import SiteConfig
from .digest import stable_digest, tree_digest
from .errors import AkhbarError
from .files import is_temporary
from .model import BuildReport, OutputFile
from .pages import PageRenderer
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
    sources: dict[Path, SourceEntry] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # output path → fingerprint of what it shows
    statics: dict[str, str] = field(default_factory=dict)  # output path → digest of its bytes
    stamps: dict[str, Stamp] = field(default_factory=dict)  # output path → stamp when this build left it
    search_key: str = ""  # what the search index in the output was built from (search.index_key)
    renderer: BodyRenderer | None = None  # per process; never pickled

    def __getstate__(self) -> dict:
        return {**self.__dict__, "renderer": None}

    def __setstate__(self, saved: dict) -> None:
        # A cache written by an older akhbar may lack newer fields: they start empty (a colder build).
        self.__dict__.update(BuildState().__dict__)
        self.__dict__.update({k: v for k, v in saved.items() if k in self.__dict__})


@dataclass(frozen=True)
class Explanation:
    reason: str  # why the build was as large as it was
    read: tuple[str, ...]  # source files read and rendered again
    rendered: tuple[str, ...]  # pages rendered again


@functools.cache
def _generator_digest() -> str:
    """akhbar's version and its own code: a cache written by any other generator is not reused."""
    package = Path(__file__).parent
    return stable_digest(__version__, *(p.read_bytes() for p in sorted(package.rglob("*.py"))))


def _keys(config: SiteConfig, output: Path, drafts: bool) -> tuple[str, str]:
    # The word list changes every article's normalized text: its bytes count, not only its path.
    words = config.normalize.words.read_bytes() if config.normalize.words and config.normalize.words.is_file() else None
    body = stable_digest(_generator_digest(), config.normalize, words, [t.key for t in config.taxonomies],
                         config.timezone)
    return body, stable_digest(body, config, str(output.resolve()), drafts)


def build(config: SiteConfig, output: Path, drafts: bool = False, progress: Progress | None = None,
          state: BuildState | None = None, jobs: int = 0, index_search: bool = True,
          cancelled: Callable[[], bool] | None = None) -> tuple[BuildReport, BuildState, Explanation]:
    """Build into `output`. On any problem, raise with every problem found and touch nothing.

    With `index_search` false, a search index already in the output stays as it is even if articles
    changed (`serve` reloads first and brings the index up to date once the edits pause). `cancelled`
    is asked while the index is made: when it says yes, `search.IndexCancelledError` is raised and
    nothing is written.
    """
    start = time.perf_counter()
    check_output(output, config.root, (config.content_dir, config.theme_dir))
    body_key, page_key = _keys(config, output, drafts)
    reason = "incremental"
    if state is None:
        state, reason = BuildState(body_key, page_key), "no cache: everything is built"
    elif state.body_key != body_key:
        state, reason = BuildState(body_key, page_key), "generator or normalization settings changed: everything is built"
    elif state.page_key != page_key:
        state = dataclasses.replace(state, page_key=page_key, pages={}, statics={}, stamps={})
        reason = "site settings changed: every page is rendered"
    incremental = bool(state.pages) and output.is_dir()
    if state.renderer is None:
        state.renderer = BodyRenderer(config.normalize)
    state.sources, reread = read_sources(config, state.sources, state.renderer, jobs, progress)

    problems = [p for e in state.sources.values() for p in e.problems]
    pairs = [(e.raw, e.body) for e in state.sources.values()
             if e.raw is not None and e.body is not None and (drafts or not e.raw.meta.draft)]
    site, more = assemble(config, pairs)
    problems += more
    if any(not p.warning for p in problems):
        raise AkhbarError(problems)

    renderer = PageRenderer(config)
    theme = tree_digest(renderer.templates_dir)
    statics = _static_files(config)
    specs = list(renderer.page_specs(site))
    specs += sitemap_specs(specs, config)
    # Redirects come last: an alias may not take the place of any other file the site writes.
    redirects, problems = redirect_specs(site.articles, [s.rel_path for s in specs] + [f.rel_path for f in statics])
    if problems:
        raise AkhbarError(problems)
    specs += redirects
    fingerprints = {s.rel_path: stable_digest(theme, s.fingerprint) for s in specs}
    static_digests = {f.rel_path: stable_digest(f.data) for f in statics}
    # Trust the output only where it still is exactly what the last build left there.
    on_disk = scan_output(output) if incremental else {}
    intact = {rel for rel, stamp in state.stamps.items() if on_disk.get(rel) == stamp}
    changed = [s for s in specs if s.rel_path not in intact or state.pages.get(s.rel_path) != fingerprints[s.rel_path]]
    pages = [renderer.render_page(s) for s in changed]
    # The search index is built again only when an article page changed; its files are written as statics.
    search_key = search.index_key(specs, fingerprints)
    kept = {rel: digest for rel, digest in state.statics.items() if search.in_bundle(rel)}
    if kept.keys() <= intact and (kept and search_key == state.search_key or not index_search):
        static_digests.update(kept)  # the index in the output is still right, or is left for later
        search_key = state.search_key  # what that index was built from
    else:
        index = search.build_index(specs, pages, output, cancelled)
        statics += index
        static_digests.update((f.rel_path, stable_digest(f.data)) for f in index)

    if incremental:
        wanted = set(fingerprints) | set(static_digests)
        new_statics = [f for f in statics
                       if f.rel_path not in intact or state.statics.get(f.rel_path) != static_digests[f.rel_path]]
        result = write_changes(pages + new_statics, output, removed=set(on_disk) - wanted)
        stamps = {rel: on_disk[rel] for rel in wanted if rel in on_disk}
        for f in pages + new_statics:
            st = (output / f.rel_path).stat()
            stamps[f.rel_path] = (st.st_mtime_ns, st.st_size)
    else:
        result = write_tree(pages + statics, output)
        stamps = scan_output(output)
    state.pages, state.statics, state.stamps, state.search_key = fingerprints, static_digests, stamps, search_key

    report = BuildReport(
        articles=len(site.articles), pages=sum(s.rel_path.endswith(".html") for s in specs), written=result.written, removed=result.removed,
        seconds=time.perf_counter() - start, warnings=tuple(p for p in problems if p.warning),
    )
    return report, state, Explanation(reason, tuple(reread), tuple(s.rel_path for s in changed))


def _static_files(config: SiteConfig) -> list[OutputFile]:
    static = config.theme_dir / "static"
    return [OutputFile("static/" + p.relative_to(static).as_posix(), p.read_bytes())
            for p in sorted(static.rglob("*")) if p.is_file() and not is_temporary(p.relative_to(static))]
