"""The only orchestrator: discover → read → render bodies → assemble → render pages → write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .assemble import assemble
from .body import BodyRenderer
from .config import SiteConfig
from .errors import AkhbarError, Problem
from .model import BuildReport, OutputFile, RawArticle, RenderedBody, Site
from .pages import PageRenderer
from .read import discover, load_source, parse_article
from .write import write_tree

Progress = Callable[[int, int], None]


def read_articles(config: SiteConfig, drafts: bool = False,
                  progress: Progress | None = None) -> tuple[list[RawArticle], list[Problem]]:
    """Every article under content/ with validated front matter (drafts only when asked)."""
    paths = discover(config.content_dir)
    raws: list[RawArticle] = []
    problems: list[Problem] = []
    for i, path in enumerate(paths, 1):
        src = load_source(path, config.root)
        if isinstance(src, Problem):
            problems.append(src)
            continue
        raw = parse_article(src, config.tz)
        if isinstance(raw, list):
            problems.extend(raw)
        elif drafts or not raw.meta.draft:
            raws.append(raw)
        if progress:
            progress(i, 2 * len(paths))
    return raws, problems


def load_site(config: SiteConfig, drafts: bool = False, progress: Progress | None = None) -> Site:
    """Read, normalize, render and assemble every article; raise with every problem found."""
    raws, problems = read_articles(config, drafts, progress)
    renderer = BodyRenderer(config.normalize)
    keys = tuple(t.key for t in config.taxonomies)
    pairs: list[tuple[RawArticle, RenderedBody]] = []
    for i, raw in enumerate(raws, 1):
        pairs.append((raw, renderer.render(raw, keys)))
        if progress:
            progress(len(raws) + i, 2 * len(raws))
    site, more = assemble(config, pairs)
    problems += more
    if any(not p.warning for p in problems):
        raise AkhbarError(problems)
    return site


def static_files(config: SiteConfig) -> Iterator[OutputFile]:
    static = config.theme_dir / "static"
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        yield OutputFile("static/" + path.relative_to(static).as_posix(), path.read_bytes())


def build(config: SiteConfig, output: Path, drafts: bool = False, progress: Progress | None = None) -> BuildReport:
    """A full build into `output`; on any problem `output` is left exactly as it was."""
    start = time.perf_counter()
    site = load_site(config, drafts, progress)
    files = list(PageRenderer(config).render_site(site))
    files += static_files(config)
    result = write_tree(files, output)
    return BuildReport(
        articles=len(site.articles), pages=sum(f.rel_path.endswith(".html") for f in files),
        written=result.written, removed=result.removed, seconds=time.perf_counter() - start,
    )
