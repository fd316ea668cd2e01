"""What one part of the search index costs Pagefind, by its size: peak memory and time (akhbar.search.SHARD_PAGES).

    python bench/search_parts.py OUTPUT [--pages 1000 2500 5000] [--runs 1]

OUTPUT is a built site (e.g. the 10,000-article corpus's `output/`). For each size N, the first N article
pages (`news/*/index.html`, in path order) are hard-linked into a scratch site under bench/.work/, and
Pagefind (the `pagefind_bin` wheel's binary, as akhbar runs it) indexes them: wall time, CPU time and
the peak resident memory of its process (`ru_maxrss` from `wait4`, the figure `/usr/bin/time -v`
prints). Prints a table and merges the runs into bench/results/search-parts.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from peers import measure  # noqa: E402


def lay_out(pages: list[Path], output: Path, site: Path) -> None:
    shutil.rmtree(site, ignore_errors=True)
    for page in pages:
        target = site / page.relative_to(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, target)
        except OSError:  # another file system
            shutil.copyfile(page, target)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("output", type=Path, help="a built site's output folder")
    p.add_argument("--pages", type=int, nargs="+", default=[1000, 2500, 5000], metavar="N")
    p.add_argument("--runs", type=int, default=1, help="Pagefind runs per size; the median is reported")
    p.add_argument("--work", type=Path, default=BENCH / ".work" / "search-parts")
    p.add_argument("--results", type=Path, default=BENCH / "results" / "search-parts.json")
    args = p.parse_args(argv)
    from pagefind_bin import get_executable

    pagefind = str(get_executable())
    output = args.output.resolve()
    articles = sorted(output.glob("news/*/index.html"))
    if max(args.pages) > len(articles):
        p.error(f"{output} has {len(articles)} article pages, fewer than {max(args.pages)}")
    rows = []
    for n in args.pages:
        site, bundle = args.work / "site", args.work / "bundle"
        lay_out(articles[:n], output, site)
        runs = []
        for i in range(args.runs):
            shutil.rmtree(bundle, ignore_errors=True)
            m = measure.run([pagefind, "--site", str(site), "--output-path", str(bundle), "--silent"],
                            cwd=args.work, log=args.work / "logs" / f"{n}-{i}.log", timeout=1800)
            if m.returncode != 0:
                print(f"Pagefind failed on {n} pages (exit {m.returncode}):\n{m.log[-2000:]}", file=sys.stderr)
                return 1
            runs.append({"seconds": round(m.seconds, 2), "cpu_seconds": round(m.cpu_seconds, 2),
                         "maxrss_mb": round(m.maxrss_mb, 1)})
            print(f"{n:>6} pages: {m.seconds:6.2f} s, {m.cpu_seconds:6.2f} s CPU, {m.maxrss_mb:6.0f} MB", flush=True)
        mb = statistics.median(r["maxrss_mb"] for r in runs)
        rows.append({"pages": n, "runs": runs, "seconds": statistics.median(r["seconds"] for r in runs),
                     "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs), "maxrss_mb": mb,
                     "kb_per_page": round(mb * 1024 / n, 1)})
    shutil.rmtree(args.work, ignore_errors=True)

    print("\n| pages | Pagefind s | CPU s | peak MB | KB per page |\n|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['pages']:,} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['maxrss_mb']:.0f} | {r['kb_per_page']:.0f} |")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    try:
        saved = json.loads(args.results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = {}
    saved.setdefault("runs", []).append({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "output": str(output),
                                         "pagefind": pagefind, "loadavg": [round(x, 2) for x in os.getloadavg()],
                                         "sizes": rows})
    args.results.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
