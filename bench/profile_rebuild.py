"""Where an incremental rebuild spends its time: `pipeline.build` with a carried `BuildState`, as in `serve`.

    python bench/profile_rebuild.py [--articles 10000] [--root PROJECT] [--top 25] [--repeat 3]

Builds the project twice with one state (cold, then warm with nothing changed), appends a sentence to
one article and builds again under cProfile (prints the top entries by cumulative and by own time and
saves the profile and the printout to bench/results/), then edits --repeat more times and builds
without the profiler, timing each stage by wrapping the functions `pipeline.build` calls (nothing in
akhbar/ is modified; names this akhbar lacks are skipped) and printing each stage's median. The edited
article is restored at the end. The corpus is the one reload_bench.py caches (generated if missing); the
output goes to PROJECT/output-profile/, so a running `serve` on the same project is not disturbed.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import functools
import io
import pstats
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import corpus  # noqa: E402
from reload_bench import code_version, pick_article  # noqa: E402

from akhbar import pages, pipeline  # noqa: E402
from akhbar.config import load_config  # noqa: E402


class StageClock:
    """Wraps the stage functions `pipeline.build` calls and adds up their wall time."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[object, str, object]] = []
        self.order: list[str] = []  # labels in pipeline order

    def _wrap(self, owner: object, attr: str, label: str, eager: bool = False) -> None:
        """Time `owner.attr` (a function, method or property); skipped when this akhbar has no such name."""
        original = (owner.__dict__.get(attr) if isinstance(owner, type) else getattr(owner, attr, None))
        if original is None:
            return
        clock = self
        if label not in self.order:
            self.order.append(label)

        if isinstance(original, property):
            getter = original.fget

            def timed_get(obj):  # noqa: ANN001, ANN202
                t = time.perf_counter()
                try:
                    return getter(obj)
                finally:
                    clock.seconds[label] += time.perf_counter() - t
                    clock.calls[label] += 1

            setattr(owner, attr, property(timed_get))
        else:
            @functools.wraps(original)
            def timed(*a, **k):  # noqa: ANN002, ANN003, ANN202
                t = time.perf_counter()
                try:
                    result = original(*a, **k)
                    return list(result) if eager else result  # a generator's work happens while it is consumed
                finally:
                    clock.seconds[label] += time.perf_counter() - t
                    clock.calls[label] += 1

            setattr(owner, attr, timed)
        self._undo.append((owner, attr, original))

    def install(self) -> None:
        # The stages `pipeline.build` calls, under the names of the akhbar being measured (missing ones are skipped).
        self._wrap(pipeline, "check_output", "check output folder")
        self._wrap(pipeline, "_read_sources", "read sources (stat every file; parse + render changed ones)")
        self._wrap(pipeline, "read_sources", "read sources (stat every file; parse + render changed ones)")
        self._wrap(pipeline, "assemble", "assemble (Site, article digests, terms)")
        self._wrap(pipeline, "tree_digest", "theme templates digest")
        self._wrap(pages.PageRenderer, "page_specs", "page specs (every page's context)", eager=True)
        self._wrap(pages, "_related_index", "  of which: related-articles index")
        self._wrap(pipeline, "related_slugs", "related-articles index (only when tags or order changed)")
        self._wrap(pipeline, "sitemap_specs", "sitemap specs")
        self._wrap(pipeline, "redirect_specs", "redirect specs")
        self._wrap(pages.PageSpec, "fingerprint", "page fingerprints (stable_digest of every context)")
        self._wrap(pipeline, "_fingerprints", "page fingerprints (equal contexts reuse the last ones)")
        self._wrap(pipeline, "_static_files", "read theme static files")
        self._wrap(pipeline, "scan_output", "scan output folder (stamps)")
        self._wrap(pages.PageRenderer, "render_page", "render changed pages (Jinja2)")
        self._wrap(pipeline, "write_changes", "write changed files")
        self._wrap(pipeline, "write_tree", "write whole tree")

    def uninstall(self) -> None:
        for owner, attr, original in reversed(self._undo):
            setattr(owner, attr, original)
        self._undo.clear()


def edit(article: Path, original: bytes, n: int) -> None:
    text = original.decode("utf-8").rstrip("\n")
    article.write_bytes(f"{text}\n\n{corpus.sentence(5000 + n)}\n".encode())


_said: list[str] = []
REST = "the rest: build's own bookkeeping (problem and pair lists, fingerprint dict, intact/changed sets, stamps)"


def say(text: str = "") -> None:
    """Print, and keep for bench/results/profile-<project>.txt."""
    print(text, flush=True)
    _said.append(text)


def line(label: str, report, explained, seconds: float) -> str:  # noqa: ANN001
    why = getattr(explained, "reason", "")
    return (f"{label}: {seconds:.2f} s wall ({len(explained.read)} read, {len(explained.rendered)} of "
            f"{report.pages} pages rendered, {report.written} written{'; ' + why if why else ''})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=10_000, help="corpus size when --root is not given")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--root", type=Path, help="project to build (default: the cached bench/.work corpus)")
    p.add_argument("--article", help="article to edit, relative to the project")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--repeat", type=int, default=3, help="stage-timed builds after the profiled one (median shown)")
    p.add_argument("--keep-output", action="store_true")
    p.add_argument("--cli", action="store_true", help="rebuild as `build` does (search index included, output listed) "
                   "instead of as `serve` does on a save")
    args = p.parse_args(argv)

    root = args.root
    if root is None:
        root = BENCH / ".work" / f"corpus-{args.articles}-s{args.seed}"
        want = {"articles": args.articles, "seed": args.seed, "generator": corpus.generator_digest()}
        if corpus.read_marker(root) != want:
            say(f"generating {args.articles} articles into {root} …")
            corpus.generate(args.articles, root, args.seed)
        else:
            corpus.install_site(root)
    version = code_version()
    say(f"akhbar at {version['head']} ({len(version['uncommitted'])} uncommitted file(s) in akhbar/, themes/), "
          f"code digest {version['code_digest']}")
    root = root.resolve()
    config = load_config(root)
    # serve previews at its own address; do the same so the pages are the ones serve renders
    config = dataclasses.replace(config, base_url="http://127.0.0.1:8000/")
    output = root / "output-profile"
    shutil.rmtree(output, ignore_errors=True)
    article = pick_article(root, args.article)
    original = article.read_bytes()
    say(f"project {root}, editing {article.relative_to(root)}")

    # What `serve` does on a save (the search index waits for a pause; the output is as this process left
    # it); --cli measures a rebuild as the command line does it, index included.
    saving = {} if args.cli else {"index_search": False, "trust_output": True}
    try:
        t = time.perf_counter()
        report, state, explained = pipeline.build(config, output)
        say(line("build 1 (cold, no state)", report, explained, time.perf_counter() - t))
        t = time.perf_counter()
        report, state, explained = pipeline.build(config, output, state=state)
        say(line("build 2 (with state, nothing changed)", report, explained, time.perf_counter() - t))

        edit(article, original, 1)
        profiler = cProfile.Profile()
        t = time.perf_counter()
        profiler.enable()
        report, state, explained = pipeline.build(config, output, state=state, **saving)
        profiler.disable()
        say(line("build 3 (with state, one article edited) under cProfile", report, explained,
                   time.perf_counter() - t))

        runs: list[tuple[float, dict[str, float], dict[str, int]]] = []
        order: list[str] = []
        for r in range(args.repeat):  # stage shares move with the machine's load: take the median of a few
            edit(article, original, 2 + r)
            clock = StageClock()
            clock.install()
            try:
                t = time.perf_counter()
                report, state, explained = pipeline.build(config, output, state=state, **saving)
                total = time.perf_counter() - t
            finally:
                clock.uninstall()
            seconds = dict(clock.seconds)
            seconds[REST] = total - sum(v for k, v in seconds.items() if not k.startswith(" "))
            runs.append((total, seconds, dict(clock.calls)))
            order = [*clock.order, REST]
            say(line(f"build {4 + r} (with state, one article edited), stages timed", report, explained, total))
        total = statistics.median(t for t, _, _ in runs)
        say(f"\nstage times, median of builds 4-{3 + args.repeat} (wall; indented entries are part of the line "
            f"above them; median total {total:.2f} s):")
        for label in order:
            values = [sec[label] for _, sec, _ in runs if label in sec]
            if not values:
                continue
            mid = statistics.median(values)
            calls = runs[-1][2].get(label)
            say(f"  {mid:7.3f} s {100 * mid / total:5.1f}%  ({min(values):.3f}-{max(values):.3f})  {label}"
                + (f"  [{calls} call(s)]" if calls else ""))

        results = BENCH / "results"
        results.mkdir(exist_ok=True)
        prof_path = results / f"rebuild-{root.name}.prof"
        profiler.dump_stats(prof_path)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        say(f"\ncProfile of build 3, top {args.top} by cumulative time (saved to {prof_path.relative_to(REPO)}):")
        say(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        say("top 15 by own time:")
        say(out.getvalue())
        text_path = results / f"profile-{root.name}.txt"
        text_path.write_text("\n".join(_said) + "\n", encoding="utf-8")
        print(f"wrote {text_path.relative_to(REPO)}")
    finally:
        article.write_bytes(original)
        if not args.keep_output:
            shutil.rmtree(output, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
