"""The only orchestrator: discover → read → render bodies → assemble → render pages → write.

A `BuildState` carries what one build learned into the next (parsed and rendered articles by source
file, the fingerprint of every page written): with it, a rebuild re-reads only files whose size or
mtime changed, re-renders only pages whose inputs changed, and writes only files whose bytes changed.
The same code runs for `build` and for every rebuild of `serve`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .assemble import assemble
from .body import BodyRenderer
from .config import SiteConfig
from .digest import stable_digest, tree_digest
from .errors import AkhbarError, Problem
from .model import BuildReport, OutputFile, RawArticle, RenderedBody
from .pages import PageRenderer
from .read import discover, load_source, parse_article
from .write import write_changes, write_tree

Progress = Callable[[int, int], None]


@dataclass
class SourceEntry:
    stamp: tuple[int, int]  # (mtime_ns, size): unchanged means not re-read
    text_digest: str
    raw: RawArticle | None
    problems: list[Problem]
    body: RenderedBody | None


@dataclass
class BuildState:
    """What a build leaves for the next one. Valid only for the same generator, config and output."""

    key: str = ""
    sources: dict[Path, SourceEntry] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # output path → fingerprint of what it shows
    statics: dict[str, str] = field(default_factory=dict)  # output path → digest of its bytes
    renderer: BodyRenderer | None = None


@dataclass(frozen=True)
class Explanation:
    read: tuple[str, ...]  # source files read and rendered again
    rendered: tuple[str, ...]  # pages rendered again


def _state_key(config: SiteConfig, output: Path, drafts: bool) -> str:
    return stable_digest(__version__, config, str(output.resolve()), drafts)


def _read_sources(config: SiteConfig, state: BuildState, progress: Progress | None) -> list[str]:
    """Refresh `state.sources` from disk; return the files that were read again."""
    paths = discover(config.content_dir)
    fresh: dict[Path, SourceEntry] = {}
    reread: list[str] = []
    renderer = state.renderer
    keys = tuple(t.key for t in config.taxonomies)
    for i, path in enumerate(paths, 1):
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        old = state.sources.get(path)
        if old and old.stamp == stamp:
            fresh[path] = old
            continue
        src = load_source(path, config.root)
        if isinstance(src, Problem):
            fresh[path] = SourceEntry(stamp, "", None, [src], None)
            reread.append(src.path)
            continue
        digest = stable_digest(src.text)
        if old and old.text_digest == digest:
            fresh[path] = SourceEntry(stamp, digest, old.raw, old.problems, old.body)
            continue
        reread.append(src.rel)
        raw = parse_article(src, config.tz)
        if isinstance(raw, list):
            fresh[path] = SourceEntry(stamp, digest, None, raw, None)
            continue
        if renderer is None:
            renderer = state.renderer = BodyRenderer(config.normalize)
        fresh[path] = SourceEntry(stamp, digest, raw, [], renderer.render(raw, keys))
        if progress:
            progress(i, len(paths))
    state.sources = fresh
    return reread


def build(config: SiteConfig, output: Path, drafts: bool = False, progress: Progress | None = None,
          state: BuildState | None = None) -> tuple[BuildReport, BuildState, Explanation]:
    """Build into `output`. On any problem, raise with every problem found and touch nothing."""
    start = time.perf_counter()
    key = _state_key(config, output, drafts)
    incremental = state is not None and state.key == key and output.is_dir()
    if state is None or state.key != key:
        state = BuildState(key=key)
    reread = _read_sources(config, state, progress)

    problems = [p for e in state.sources.values() for p in e.problems]
    pairs = [(e.raw, e.body) for e in state.sources.values()
             if e.raw is not None and e.body is not None and (drafts or not e.raw.meta.draft)]
    site, more = assemble(config, pairs)
    problems += more
    if any(not p.warning for p in problems):
        raise AkhbarError(problems)

    renderer = PageRenderer(config)
    theme = tree_digest(renderer.templates_dir)
    specs = list(renderer.page_specs(site))
    fingerprints = {s.rel_path: stable_digest(theme, s.fingerprint) for s in specs}
    changed = [s for s in specs if not incremental or state.pages.get(s.rel_path) != fingerprints[s.rel_path]]
    pages = [renderer.render_page(s) for s in changed]
    statics = _static_files(config)
    static_digests = {f.rel_path: stable_digest(f.data) for f in statics}

    if incremental:
        wanted = set(fingerprints) | set(static_digests)
        previous = set(state.pages) | set(state.statics)
        new_statics = [f for f in statics if state.statics.get(f.rel_path) != static_digests[f.rel_path]]
        result = write_changes(pages + new_statics, output, removed=previous - wanted)
    else:
        result = write_tree(pages + statics, output)
    state.pages, state.statics = fingerprints, static_digests

    report = BuildReport(
        articles=len(site.articles), pages=len(specs), written=result.written, removed=result.removed,
        seconds=time.perf_counter() - start, warnings=tuple(p for p in problems if p.warning),
    )
    return report, state, Explanation(tuple(reread), tuple(s.rel_path for s in changed))


def _static_files(config: SiteConfig) -> list[OutputFile]:
    static = config.theme_dir / "static"
    return [OutputFile("static/" + p.relative_to(static).as_posix(), p.read_bytes())
            for p in sorted(static.rglob("*")) if p.is_file()]
