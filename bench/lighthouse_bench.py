"""Lighthouse (mobile) on pages of the sample site, served as a static host would serve them.

    python bench/lighthouse_bench.py [--page news/nowruz-road-safety/ ...] [--runs 1]

Installs npm's `lighthouse` (pinned; version 13 needs Node 22) into bench/.work/lighthouse/ when it is
missing, builds the repository's sample site into bench/.work/lighthouse-site/, serves it on 127.0.0.1
and runs Lighthouse against Debian's chromium (`CHROME_PATH=/usr/bin/chromium`; no browser is
downloaded). The default pages are the theme issue's four: the home page, the article with a lead photo
and four body photos, a tag page and the archive. Prints, per run, the four category scores, LCP, CLS
and the image and layout-shift audits that failed, then a table of every page against the targets
(each score ≥ 95, LCP ≤ 2.5 s, CLS ≤ 0.1); merges the runs into bench/results/lighthouse.json. Exits 1
when a page misses a target or an image or layout-shift audit fails.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work"
RESULTS = REPO / "bench" / "results"
LIGHTHOUSE = "lighthouse@12.8.2"
CHROME = "/usr/bin/chromium"
FLAGS = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-sync"
# Audits whose failure the photos issue rules out, and the layout-shift ones.
WATCHED = ("uses-responsive-images", "modern-image-formats", "unsized-images", "offscreen-images",
           "uses-optimized-images", "layout-shifts", "cumulative-layout-shift")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MIN_SCORE, MAX_LCP_S, MAX_CLS = 95, 2.5, 0.1
PAGES = {"home": "", "article with photos": "news/nowruz-road-safety/",
         "tag page": "tags/%D8%A2%D8%B2%D8%A7%D8%AF%D8%B1%D8%A7%D9%87/",  # tags/آزادراه/
         "archive": "archive/"}


def lighthouse_cli() -> Path:
    prefix = WORK / "lighthouse"
    cli = prefix / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        if shutil.which("npm") is None:
            sys.exit("npm is needed to install Lighthouse (Debian: apt-get install npm)")
        print(f"installing {LIGHTHOUSE} into {prefix} …", flush=True)
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund",
                        "--silent", LIGHTHOUSE], check=True)
    return cli


def build_site() -> Path:
    output = WORK / "lighthouse-site"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(REPO), "build", "--output", str(output)],
                   check=True, stdout=subprocess.DEVNULL)
    return output


def serve(folder: Path) -> ThreadingHTTPServer:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(cli: Path, url: str, report: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROME}
    subprocess.run(["node", str(cli), url, "--output=json", f"--output-path={report}", "--quiet",
                    f"--chrome-flags={FLAGS}"], check=True, env=env)
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {
        "scores": {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES},
        "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "failed": sorted(a for a in WATCHED if a in audits and audits[a]["score"] is not None and audits[a]["score"] < 0.9),
        "missed": sorted(a["id"] for c in CATEGORIES for ref in data["categories"][c]["auditRefs"] if ref["weight"]
                         for a in [audits[ref["id"]]] if a["score"] is not None and a["score"] < 1),
    }


def meets(r: dict) -> bool:
    return (all(s >= MIN_SCORE for s in r["scores"].values()) and r["lcp_s"] <= MAX_LCP_S and r["cls"] <= MAX_CLS
            and not r["failed"])


def table(results: dict[str, list[dict]], names: dict[str, str]) -> str:
    """A Markdown table of the worst run of each page, with the targets in the header."""
    head = (f"| page | performance ≥ {MIN_SCORE} | accessibility ≥ {MIN_SCORE} | best practices ≥ {MIN_SCORE} "
            f"| SEO ≥ {MIN_SCORE} | LCP ≤ {MAX_LCP_S} s | CLS ≤ {MAX_CLS} | meets |")
    rows = [head, "|" + "---|" * 8]
    for page, runs in results.items():
        worst = {c: min(r["scores"][c] for r in runs) for c in CATEGORIES}
        lcp, cls = max(r["lcp_s"] for r in runs), max(r["cls"] for r in runs)
        ok = "yes" if all(meets(r) for r in runs) else "no"
        rows.append(f"| {names.get(page, page)} (`/{page}`) | " + " | ".join(str(worst[c]) for c in CATEGORIES)
                    + f" | {lcp} | {cls} | {ok} |")
    return "\n".join(rows)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--page", action="append", help="site-relative page (default: home, an article with photos, "
                                                   "a tag page and the archive)")
    p.add_argument("--runs", type=int, default=1)
    args = p.parse_args()
    pages = args.page or list(PAGES.values())
    if not Path(CHROME).exists():
        sys.exit(f"{CHROME} is missing (Debian: apt-get install chromium)")
    cli = lighthouse_cli()
    server = serve(build_site())
    RESULTS.mkdir(parents=True, exist_ok=True)
    results, ok = {}, True
    try:
        for page in pages:
            url = f"http://127.0.0.1:{server.server_port}/{page}"
            for n in range(1, args.runs + 1):
                r = run(cli, url, WORK / "lighthouse-report.json")
                results.setdefault(page, []).append(r)
                print(f"{page} run {n}: " + ", ".join(f"{c} {s}" for c, s in r["scores"].items())
                      + f", LCP {r['lcp_s']} s, CLS {r['cls']}, failed audits: {', '.join(r['failed']) or 'none'}"
                      + f"; audits below 1: {', '.join(r['missed']) or 'none'}", flush=True)
                ok &= meets(r)
    finally:
        server.shutdown()
    path = RESULTS / "lighthouse.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    saved.update(results)
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(results, {v: k for k, v in PAGES.items()}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
