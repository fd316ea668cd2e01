"""Zero-width non-joiner benchmark: hazm's bare normalizer vs akhbar's normalize, scored and timed.

    .venv/bin/python bench/zwnj_bench.py [DEV_DIR] [--text FILE] [--runs N]

DEV_DIR (default ../shared/persian-dev beside the repo) holds gold.txt, the four damaged copies and
the scorer zwnj_eval.py. Each copy is normalized line by line, as `build.py normalize` does, with the
site's own settings, and scored against gold. The speed line times both tools on one ~7 KB article
(default: the seed copied into tests/fixtures) and reports akhbar ÷ hazm from the medians of
interleaved runs, timed as this process's CPU time so other programs on the machine do not skew it.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from akhbar.config import load_config  # noqa: E402
from akhbar.normalize import TextNormalizer  # noqa: E402

COPIES = ("glued", "spaced", "mixed", "arabic")
DEFAULT_TEXT = REPO / "tests" / "fixtures" / "seeds" / "001_7ca114fcd93eda71.txt"


def load_scorer(dev: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("zwnj_eval", dev / "zwnj_eval.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {dev / 'zwnj_eval.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tools() -> dict[str, Callable[[str], str]]:
    from hazm import Normalizer

    config = load_config(REPO).normalize
    akhbar = TextNormalizer(config)
    return {
        "hazm 0.12": Normalizer().normalize,
        "akhbar": akhbar.normalize if config.enabled else (lambda line: line),
    }


def score_table(dev: Path) -> list[tuple[str, ...]]:
    scorer = load_scorer(dev)
    gold = scorer.read_lines(str(dev / "gold.txt"))
    rows = []
    normalizers = tools()
    for copy in COPIES:
        given = scorer.read_lines(str(dev / f"{copy}.txt"))
        for name, normalize in normalizers.items():
            out = [normalize(line) for line in given]
            r = scorer.evaluate(gold, given, out)
            z = r["zwnj"]
            rows.append((copy, name, f"{z['precision']:.4f}", f"{z['recall']:.4f}", f"{z['f1']:.4f}",
                         str(r["damage"]), str(r["letters_changed_lines"]),
                         str(r["arabic_letters_left_output_total"])))
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    head = ("copy", "tool", "precision", "recall", "F1", "damage", "changed-letter lines", "Arabic left")
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def speed(text_path: Path, runs: int) -> None:
    from hazm import Normalizer

    text = text_path.read_text(encoding="utf-8")
    hazm = Normalizer()
    akhbar = TextNormalizer(load_config(REPO).normalize)
    hazm.normalize(text)
    akhbar.normalize(text)  # loads the word lists: a one-off per process, not part of the comparison

    def timed(fn: Callable[[], object]) -> float:
        start = time.process_time()
        fn()
        return time.process_time() - start

    def forget() -> None:  # the restorer memoizes words across articles; start it empty
        if "_joints" in vars(akhbar):
            akhbar._joints._words.clear()
            akhbar._joints._pairs.clear()

    t_hazm, t_akhbar, t_cold = [], [], []
    for _ in range(runs):
        t_hazm.append(timed(lambda: hazm.normalize(text)))
        t_akhbar.append(timed(lambda: akhbar.normalize(text)))
        forget()
        t_cold.append(timed(lambda: akhbar.normalize(text)))
    h, a, c = (statistics.median(t) * 1000 for t in (t_hazm, t_akhbar, t_cold))
    size = len(text.encode("utf-8")) / 1024
    print(f"\nspeed on {text_path.name} ({size:.1f} KB), CPU time, median of {runs} interleaved runs:")
    print(f"  hazm Normalizer().normalize   {h:7.2f} ms")
    print(f"  akhbar normalize              {a:7.2f} ms   ratio {a / h:.2f}× (word memo warm, as in a build)")
    print(f"  akhbar normalize, empty memo  {c:7.2f} ms   ratio {c / h:.2f}× (first article of a process)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dev", nargs="?", type=Path, default=REPO.parent / "shared" / "persian-dev")
    p.add_argument("--text", type=Path, default=DEFAULT_TEXT, help="the ~7 KB article to time")
    p.add_argument("--runs", type=int, default=21)
    args = p.parse_args()
    print_table(score_table(args.dev))
    speed(args.text, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
