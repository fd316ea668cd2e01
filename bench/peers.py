"""akhbar side by side with Pelican and Hugo on the same corpus (issue #5).

    python bench/peers.py [--articles 1000 10000] [--runs 3] [--peers akhbar,pelican,hugo] [--seed 1]
                          [--timeout 900] [--akhbar-timeout 7200] [--akhbar-search] [--results bench/results/peers.json]

For each N: the corpus.py archive (cached under bench/.work/corpus-N-sSEED/) is converted for each
peer, then every generator builds it in six scenarios, each `--runs` times: cold (empty output, no
cache), no-op rebuild, one article edited, one article added, the article template changed, and a fresh
checkout (every article file rewritten with a new mtime, the output gone, the caches kept: CI). akhbar
builds without its search index (`[search] enabled = false`), as the peers make none, unless
--akhbar-search. Prints one table (akhbar's seconds and MB, each peer's figures and its ratio to
akhbar's) and merges the run into bench/results/peers.json. Installs what it needs: Pelican into bench/.work/pelican-venv/ (from
PyPI), Hugo from Debian's package when it is missing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (sibling scripts, not a package)
import reload_bench  # noqa: E402
from peers import convert, generators, measure  # noqa: E402

SCENARIOS = ("cold", "noop", "edit", "add", "template", "checkout")
TITLES = {"cold": "cold build", "noop": "no-op rebuild", "edit": "1 article edited", "add": "1 article added",
          "template": "template changed", "checkout": "fresh checkout"}
NOTES = """\
Notes: each figure is the median of the runs: wall time ("s"), CPU time (user + system, workers
included: steadier than wall time on a shared machine) and the peak memory of the build's whole
process tree ("MB": the sum of PSS over akhbar's forked workers, sampled every 50 ms, or the largest
single process's ru_maxrss if higher). A ratio is peer / akhbar: below 1 the peer is faster or
smaller. Every generator makes the same article pages (news/<slug>/), home pages and tag pages
paginated by 20 (checked by counting them) and one 20-entry feed. akhbar also builds section, province and Jalali
archive pages, term feeds, a sitemap, related and neighbouring articles, head metadata and JSON-LD,
and normalizes the Persian text; its pages link the first, the last and two pages on each side of
their own. Pelican and Hugo get Gregorian dates and tags already folded to one spelling, print the
text as written, and link first/previous/next/last pages only. Pelican builds cold without its content cache and rebuilds with
it (filled by one unmeasured build); Hugo has no content cache and rebuilds everything every time.
A fresh checkout is what CI starts from: every article file new (a new mtime, the same text but for
the edits before it), no output, the caches kept. akhbar and Hugo use every core, Pelican one."""
SEARCH_NOTES = {
    False: "akhbar builds without its search index and search page ([search] enabled = false), as neither peer\n"
           "makes one.",
    True: "akhbar also builds its search index (Pagefind, run by akhbar; --akhbar-search) and search page,\n"
          "which neither peer makes.",
}


def notes(akhbar_search: bool) -> str:
    return NOTES + "\n" + SEARCH_NOTES[akhbar_search]


def letters(i: int) -> str:
    """0 → "a", 25 → "z", 26 → "ba": markers that survive akhbar's digit and letter normalization."""
    out = ""
    while True:
        out = "abcdefghijklmnopqrstuvwxyz"[i % 26] + out
        i //= 26
        if not i:
            return out


def replace_file(path: Path, data: bytes) -> None:
    """Write a new file and rename it over `path`: never through a hard link into the cached corpus."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


class Bench:
    """One generator at one N: its project, the scenarios in order, the checks."""

    def __init__(self, gen: generators.Generator, n: int, seed: int, corpus_dir: Path, runs: int,
                 timeout: float, store: Path) -> None:
        self.gen, self.n, self.runs, self.timeout = gen, n, runs, timeout
        self.corpus_dir = corpus_dir
        self.project = store / gen.name
        self.logs = store / "logs" / gen.name
        self.pristine = gen.pristine(corpus_dir, store)
        self.rels = convert.articles(corpus_dir / "content")
        self.target = self.rels[len(self.rels) // 2]  # mid-archive: on its own page, its tags' pages, not the home
        self.survey = convert.convert("survey", corpus_dir, store / "survey")
        self.tag_lists = [list(t) for t in self.survey["tags"]]

    def lay_out(self) -> None:
        shutil.rmtree(self.project, ignore_errors=True)
        self.project.mkdir(parents=True)
        convert.link_tree(self.pristine, self.project / "content")
        self.gen.setup(self.project)
        self.template_text = (self.project / self.gen.template).read_text(encoding="utf-8")
        if self.gen.anchor not in self.template_text:
            raise generators.SetupError(f"{self.gen.template} has no {self.gen.anchor!r} to put the change after")

    def build(self, label: str, cmd: list[str]) -> dict:
        m = measure.run(cmd, cwd=self.project, log=self.logs / f"{label}.log", timeout=self.timeout)
        row = {"label": label, **m.as_dict()}
        if m.timed_out:
            print(f"  {label}: timeout after {self.timeout:.0f} s", flush=True)
            return row
        if m.returncode != 0:
            tail = "\n".join(m.log.splitlines()[-30:])
            raise RuntimeError(f"{self.gen.name} {label} failed (exit {m.returncode}): {' '.join(cmd)}\n{tail}")
        if self.gen.built(m.log) is None:
            tail = "\n".join(m.log.splitlines()[-30:])
            raise RuntimeError(f"{self.gen.name} {label}: no build summary in its output\n{tail}")
        row["summary_count"] = self.gen.built(m.log)
        print(f"  {label}: {m.seconds:.2f} s ({m.cpu_seconds:.2f} s CPU), {m.peak_mb:.0f} MB (PSS sum {m.peak_pss_mb:.0f}, RSS sum "
              f"{m.peak_rss_mb:.0f}, largest process {m.maxrss_mb:.0f}, {m.peak_processes} process(es))", flush=True)
        return row

    def page_of(self, stem: str) -> str:
        return (self.project / "output" / "news" / stem / "index.html").read_text(encoding="utf-8")

    def run(self) -> dict:
        gen, out = self.gen, self.project / "output"
        print(f"{gen.name}, {self.n:,} articles: laying out {self.project}", flush=True)
        self.lay_out()
        result: dict = {"scenarios": {}}
        scen = result["scenarios"]

        def record(name: str, rows: list[dict]) -> bool:
            done = [r for r in rows if not r["timed_out"]]
            scen[name] = {"runs": rows, "timeout": len(done) < len(rows)}
            if done:
                scen[name]["seconds"] = round(statistics.median(r["seconds"] for r in done), 3)
                scen[name]["peak_mb"] = round(statistics.median(r["peak_mb"] for r in done), 1)
                scen[name]["cpu_seconds"] = round(statistics.median(r["cpu_seconds"] for r in done), 3)
            return not scen[name]["timeout"]

        rows = []
        for i in range(self.runs):
            gen.clean(self.project)
            rows.append(self.build(f"cold-{i + 1}", gen.cold(self.project)))
            if rows[-1]["timed_out"]:
                break
        if not record("cold", rows):
            return result  # rebuilds of a build that never finished mean nothing
        expected = convert.expected(self.tag_lists)
        result["pages"] = generators.check_output(gen.name, out, expected)
        print(f"  output checked: {result['pages']}", flush=True)

        if gen.needs_prime:  # fill the content cache the cold builds did not use
            result["prime"] = self.build("prime", gen.rebuild(self.project))
            if result["prime"]["timed_out"]:
                return result

        def scenario(name: str, change) -> bool:  # noqa: ANN001
            rows = []
            for i in range(self.runs):
                check = change(i)
                rows.append(self.build(f"{name}-{i + 1}", gen.rebuild(self.project)))
                if rows[-1]["timed_out"]:
                    break
                check()
            return record(name, rows)

        def noop(i: int):  # noqa: ANN202
            return lambda: None

        target_file = gen.article_file(self.project, self.target)
        target_stem = Path(self.target).stem

        def edit(i: int):  # noqa: ANN202
            marker = f"benchedit{letters(i)}"
            text = target_file.read_text(encoding="utf-8").rstrip("\n")
            replace_file(target_file, f"{text}\n\n{corpus.sentence(2000 + i)} {marker}\n".encode())

            def check() -> None:
                if marker not in self.page_of(target_stem):
                    raise AssertionError(f"{gen.name}: the edit ({marker}) is not on news/{target_stem}/")
            return check

        original = convert.parse((self.corpus_dir / "content" / self.target).read_text(encoding="utf-8"),
                                 target_stem)
        added: list[list[str]] = []

        def add(i: int):  # noqa: ANN202
            stem = f"bench-added-{letters(i)}"
            article = {**original, "stem": stem, "title": f"{original['title']} ({letters(i)})",
                       "date": f"1404-01-01 08:{i % 60:02}", "news_id": str(40000 + self.n + 1000 + i),
                       "body": f"{original['body'].rstrip()}\n\n{corpus.sentence(3000 + i)}\n"}
            replace_file(gen.article_file(self.project, f"1404/{stem}.md"), gen.render(article).encode())
            added.append(convert.folded_tags(article))

            def check() -> None:
                if f"({letters(i)})" not in self.page_of(stem):
                    raise AssertionError(f"{gen.name}: the added article is not at news/{stem}/")
            return check

        probe = Path(self.rels[0]).stem  # an article nobody edits: the template change must reach it too

        def template(i: int):  # noqa: ANN202
            marker = f"benchtemplate{letters(i)}"
            text = self.template_text.replace(gen.anchor, f'{gen.anchor}\n<p hidden>{marker}</p>', 1)
            replace_file(self.project / gen.template, text.encode())

            def check() -> None:
                if marker not in self.page_of(probe):
                    raise AssertionError(f"{gen.name}: the template change ({marker}) is not on news/{probe}/")
            return check

        def checkout(i: int):  # noqa: ANN202
            # What CI starts from: a new clone (every article a new file, so a new mtime), no output, and the
            # caches the pipeline keeps between runs.
            for f in sorted((self.project / "content").rglob("*")):
                if f.is_file():
                    replace_file(f, f.read_bytes())
            shutil.rmtree(out, ignore_errors=True)

            def check() -> None:
                if f"({letters(0)})" not in self.page_of("bench-added-a"):
                    raise AssertionError(f"{gen.name}: the fresh checkout lost the added article's page")
            return check

        for name, change in (("noop", noop), ("edit", edit), ("add", add), ("template", template),
                             ("checkout", checkout)):
            if not scenario(name, change):
                return result
        result["pages_after"] = generators.check_output(gen.name, out,
                                                        convert.expected(self.tag_lists + added))
        return result


def ratio(peer: dict, ours: dict, key: str) -> float | None:
    if not peer or not ours or peer.get(key) is None or not ours.get(key) or "error" in peer or "error" in ours:
        return None
    return round(peer[key] / ours[key], 3)


COLUMNS = (("seconds", "s", "{:.2f}"), ("cpu_seconds", "CPU s", "{:.2f}"), ("peak_mb", "MB", "{:.0f}"))


def table(results: dict[int, dict], peers: list[str]) -> str:
    others = [p for p in peers if p != "akhbar"]
    ours_shown = "akhbar" in peers
    head = ["N", "scenario"] + ([f"akhbar {label}" for _, label, _ in COLUMNS] if ours_shown else [])
    for p in others:
        head += [f"{p} {label} (×)" for _, label, _ in COLUMNS]
    rows = [head]
    for n, by_gen in results.items():
        for s in SCENARIOS:
            ours = _scenario(by_gen, "akhbar", s)
            row = [f"{n:,}", TITLES[s]]
            if ours_shown:
                row += [_cell(ours, key, fmt) for key, _, fmt in COLUMNS]
            for p in others:
                theirs = _scenario(by_gen, p, s)
                for key, _, fmt in COLUMNS:
                    cell = _cell(theirs, key, fmt)
                    r = ratio(theirs, ours, key)
                    row.append(f"{cell} (×{r:.2f})" if r is not None else cell)
            rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 1) + (":" if i >= 2 else "-") for i, w in enumerate(widths)) + "|")
    return "\n".join(lines)


def _scenario(by_gen: dict, name: str, scenario: str) -> dict:
    got = by_gen.get(name, {})
    return got if "error" in got else got.get("scenarios", {}).get(scenario, {})


def _cell(s: dict, key: str, fmt: str) -> str:
    if s.get("error"):
        return "failed"
    if not s:
        return "—"
    if s.get(key) is None:
        return "timeout" if s.get("timeout") else "—"
    return fmt.format(s[key]) + ("*" if s.get("timeout") else "")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, nargs="+", default=[1000], metavar="N")
    p.add_argument("--runs", type=int, default=3, help="builds per scenario; the median is reported")
    p.add_argument("--peers", default="akhbar,pelican,hugo", help="comma-separated generators to run")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=900.0, help="longest Pelican or Hugo build, seconds")
    p.add_argument("--akhbar-timeout", type=float, default=7200.0, help="longest akhbar build, seconds")
    p.add_argument("--python", default=sys.executable, help="interpreter that runs build.py (default: this one)")
    p.add_argument("--work", type=Path, default=BENCH / ".work")
    p.add_argument("--results", type=Path, default=BENCH / "results" / "peers.json")
    p.add_argument("--keep", action="store_true", help="keep each generator's project and output (for a look)")
    p.add_argument("--akhbar-search", action="store_true",
                   help="build akhbar with its search index (Pagefind) and search page; by default without, as the peers")
    args = p.parse_args(argv)
    names = [x.strip() for x in args.peers.split(",") if x.strip()]
    unknown = [x for x in names if x not in generators.GENERATORS]
    if unknown or not names:
        p.error(f"unknown generator(s) {', '.join(unknown)}; choose from {', '.join(generators.GENERATORS)}")
    if args.runs < 1 or any(n < 20 for n in args.articles):
        p.error("--runs must be at least 1 and every N at least 20")

    gens = {}
    versions = {}
    for name in names:
        gen = (generators.Akhbar(args.work, args.python, search=args.akhbar_search) if name == "akhbar"
               else generators.GENERATORS[name](args.work))
        try:
            versions[name] = gen.install()
        except generators.SetupError as e:
            print(e, file=sys.stderr)
            return 2
        gens[name] = gen
    print("versions: " + json.dumps(versions, ensure_ascii=False), flush=True)

    results: dict[int, dict] = {}
    records = {}
    failed = False
    for n in args.articles:
        before = machine()
        started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        project, gen_seconds = reload_bench.prepare_corpus(n, args.seed, args.work)
        store = args.work / "peers" / f"{n}-s{args.seed}"
        results[n] = {}
        for name, gen in gens.items():
            bench = Bench(gen, n, args.seed, project, args.runs,
                          args.akhbar_timeout if name == "akhbar" else args.timeout, store)
            try:
                results[n][name] = bench.run()
            except (RuntimeError, AssertionError, OSError) as e:  # the other generators' figures still count
                print(f"{name} at {n:,} articles failed: {e}", file=sys.stderr, flush=True)
                results[n][name] = {"error": str(e)}
                failed = True
            if not args.keep:
                shutil.rmtree(bench.project, ignore_errors=True)  # 100,000 articles' output is gigabytes
        records[str(n)] = {"articles": n, "seed": args.seed, "runs": args.runs, "when": started,
                           "generators": results[n], "versions": versions, "machine_before": before,
                           "machine_after": machine(), "corpus_generated_seconds": gen_seconds,
                           "timeouts": {"akhbar": args.akhbar_timeout, "peers": args.timeout},
                           "akhbar_search": args.akhbar_search}

    text = table(results, names)
    print("\n" + text + "\n\n" + notes(args.akhbar_search))
    load = "; ".join(f"N={n}: load {r['machine_before']['loadavg']} → {r['machine_after']['loadavg']}"
                     for n, r in records.items())
    print(f"\n{load}")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    try:
        saved = json.loads(args.results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = {}
    saved.setdefault("runs", {}).update(records)
    saved["table"] = text
    saved["notes"] = notes(args.akhbar_search)
    args.results.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.results}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
