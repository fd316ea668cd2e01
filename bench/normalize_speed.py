"""Per-article normalization CPU of akhbar's `TextNormalizer`: this checkout against a baseline revision.

    python bench/normalize_speed.py [--articles 1000] [--root PROJECT] [--baseline main] [--runs 3]

1. Takes `bench/corpus.py`'s archive of --articles articles (cached in `bench/.work/corpus-N-s1/`,
   generated if missing) or the project at --root, and collects, for every article, the texts a build
   hands to `TextNormalizer.normalize`: every text run of the rendered Markdown body (through the real
   Markdown configuration of `body.py`), the title, the lead, the tags, section and province.
2. Extracts the baseline's `akhbar/` (`git archive REV akhbar`) into `bench/.work/normalize-REV/`.
3. Runs, alternately (baseline, this checkout, baseline, …) `--runs` times each, a fresh process that
   loads that tree's normalizer from a warm cache (as a command-line rebuild does), then normalizes
   every article's texts once, in order, timing each article with this process's CPU clock. A fresh
   process per run, because the normalizer memoizes words: a second pass in one process would be
   faster than any build.
4. Checks that both trees give the same output for every text (a digest over all of them), then prints
   the median over runs of the total and per-article CPU time, the ratio, and the warm start: loading
   the normalizer from `.cache/` and normalizing one article, as `build` does after one edit (wall and
   CPU, median over runs).

Standard library plus akhbar's own dependencies; run it with the project's virtualenv.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import pickle
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"


def collect(root: Path) -> list[list[str]]:
    """Every article's texts, in the order a build normalizes them (with this checkout's Markdown)."""
    sys.path.insert(0, str(REPO))
    from akhbar.body import BodyRenderer
    from akhbar.config import load_config
    from akhbar.read import discover, load_source, parse_article

    config = load_config(root)
    renderer = BodyRenderer(config.normalize, site=config)
    seen: list[str] = []

    def record(text: str) -> str:
        seen.append(text)
        return text  # the inputs do not depend on earlier outputs: Markdown's tree is built before

    renderer.normalizer.normalize = record  # type: ignore[method-assign]
    keys = tuple(t.key for t in config.taxonomies)
    articles = []
    for path in discover(config.content_dir):
        src = load_source(path, root)
        raw = parse_article(src, config.tz)  # type: ignore[arg-type]
        if isinstance(raw, list) or not raw.meta.normalize:
            continue
        seen.clear()
        renderer.render_article(raw, keys)
        articles.append(list(seen))
    return articles


def worker(tree: Path, root: Path, texts_file: Path, cache: Path) -> None:
    """Run in a fresh process with `tree` first on sys.path: time warm start and every article."""
    sys.path.insert(0, str(tree))
    import akhbar.normalize
    from akhbar.config import load_config

    assert Path(akhbar.normalize.__file__).resolve().is_relative_to(tree.resolve()), akhbar.normalize.__file__
    articles = pickle.loads(texts_file.read_bytes())
    config = load_config(root).normalize
    wall, cpu = time.perf_counter(), time.process_time()
    normalizer = akhbar.normalize.TextNormalizer(config, cache)
    normalizer.warm()
    for text in articles[0]:
        normalizer.normalize(text)
    start_wall, start_cpu = time.perf_counter() - wall, time.process_time() - cpu
    normalizer = akhbar.normalize.TextNormalizer(config, cache)  # memos empty again, lexicon loaded
    normalizer.warm()
    digest = hashlib.blake2b(digest_size=16)
    per_article = []
    for texts in articles:
        cpu = time.process_time()
        out = [normalizer.normalize(text) for text in texts]
        per_article.append(time.process_time() - cpu)
        for text in out:
            digest.update(text.encode() + b"\0")
    print(json.dumps({"start_wall": start_wall, "start_cpu": start_cpu, "articles": per_article,
                      "digest": digest.hexdigest()}))


def baseline_tree(rev: str) -> Path:
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", rev], check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = WORK / f"normalize-{sha[:12]}"
    if not (tree / "akhbar" / "normalize.py").is_file():
        data = subprocess.run(["git", "-C", str(REPO), "archive", sha, "akhbar"], check=True,
                              capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tree, filter="data")
    return tree


def run_worker(tree: Path, root: Path, texts_file: Path, cache: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", str(tree), str(root), str(texts_file), str(cache)],
                         check=True, capture_output=True, text=True, cwd=str(tree)).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--worker"]:
        worker(*(Path(a) for a in sys.argv[2:6]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--root", type=Path, help="an akhbar project instead of the generated corpus")
    parser.add_argument("--baseline", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--runs", type=int, default=3, help="processes per tree (median)")
    args = parser.parse_args(argv)

    root = args.root
    if root is None:
        sys.path.insert(0, str(REPO / "bench"))
        import corpus

        root = WORK / f"corpus-{args.articles}-s1"
        if not (root / "content").is_dir():
            corpus.generate(args.articles, root, seed=1)
    root = root.resolve()
    texts_file = WORK / f"normalize-texts-{hashlib.blake2b(str(root).encode(), digest_size=6).hexdigest()}.pickle"
    articles = collect(root)
    texts_file.parent.mkdir(parents=True, exist_ok=True)
    texts_file.write_bytes(pickle.dumps(articles))
    n_texts = sum(map(len, articles))
    n_chars = sum(len(t) for a in articles for t in a)

    trees = {"baseline": baseline_tree(args.baseline), "this": REPO}
    caches = {name: WORK / f"normalize-cache-{name}" for name in trees}
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for name, tree in trees.items():
        run_worker(tree, root, texts_file, caches[name])  # primes the cache (a cold start), not timed
    for _ in range(args.runs):
        for name, tree in trees.items():
            results[name].append(run_worker(tree, root, texts_file, caches[name]))

    digests = {name: {r["digest"] for r in runs} for name, runs in results.items()}
    same = digests["baseline"] == digests["this"] and len(digests["this"]) == 1
    print(f"{root}: {len(articles)} articles, {n_texts} texts, {n_chars / 1e6:.2f} M characters; "
          f"baseline {args.baseline} vs this checkout, median of {args.runs} runs each")
    print(f"outputs identical: {'yes' if same else 'NO'}")
    summary = {}
    for name, runs in results.items():
        totals = [sum(r["articles"]) for r in runs]
        per = [statistics.median(r["articles"]) for r in runs]
        summary[name] = (statistics.median(totals), statistics.median(per),
                         statistics.median(r["start_wall"] for r in runs),
                         statistics.median(r["start_cpu"] for r in runs))
    print(f"{'':<10} {'total CPU s':>12} {'ms/article':>11} {'median ms':>10} {'warm start s (wall/CPU)':>24}")
    for name, (total, median, sw, sc) in summary.items():
        print(f"{name:<10} {total:12.2f} {total / len(articles) * 1000:11.2f} {median * 1000:10.2f} "
              f"{sw:13.3f} / {sc:.3f}")
    b, t = summary["baseline"], summary["this"]
    print(f"speed-up: normalization {b[0] / t[0]:.2f}x, warm start {b[2] / t[2]:.2f}x (wall)")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
