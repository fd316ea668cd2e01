"""hazm's `Normalizer.normalize` against akhbar's `FastNormalizer` (akhbar/hazm_fast.py), same options.

    python bench/hazm_speed.py [--runs 41] [--config defaults akhbar]

Texts: the 7 KB seed article (tests/fixtures/hazm_fast/001_7ca114fcd93eda71.txt), the first 300
lines of tests/fixtures/hazm_fast/mixed.txt as one text, and the same 300 lines normalized one by
one (akhbar normalizes short runs of prose, so per-call overhead counts). For each, the outputs are
checked to be identical, then the two normalizers run alternately (after a warm-up) and the median
of --runs runs is printed, as wall-clock time and as this process's CPU time. On a busy machine the
wall-clock figure includes time spent waiting for a core; the CPU figure does not. Standard library
and hazm only; run it with the project's virtualenv.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hazm import Normalizer  # noqa: E402

from akhbar.hazm_fast import FastNormalizer  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "hazm_fast"
CONFIGS = {
    "defaults": {},
    "akhbar": {"persian_numbers": False, "remove_specials_chars": False},  # what akhbar/normalize.py builds
}


def texts() -> dict[str, list[str]]:
    seed = (FIXTURES / "001_7ca114fcd93eda71.txt").read_text(encoding="utf-8")
    lines = (FIXTURES / "mixed.txt").read_text(encoding="utf-8").split("\n")[:300]
    return {
        f"seed article ({len(seed.encode()) / 1024:.1f} KB)": [seed],
        f"300 persian-dev lines as one text ({len(chr(10).join(lines).encode()) / 1024:.0f} KB)": ["\n".join(lines)],
        "300 persian-dev lines one by one": lines,
    }


def time_once(normalize: Callable[[str], str], inputs: list[str]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for text in inputs:
        normalize(text)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(slow: Normalizer, fast: FastNormalizer, inputs: list[str], runs: int) -> dict[str, list[float]]:
    for text in inputs:
        assert fast.normalize(text) == slow.normalize(text), "outputs differ: fix hazm_fast before timing it"
    for _ in range(3):  # warm-up
        time_once(slow.normalize, inputs)
        time_once(fast.normalize, inputs)
    samples: dict[str, list[float]] = {"hazm wall": [], "hazm cpu": [], "fast wall": [], "fast cpu": []}
    for _ in range(runs):  # alternate, so that load from other processes falls on both alike
        for name, normalize in (("hazm", slow.normalize), ("fast", fast.normalize)):
            wall, cpu = time_once(normalize, inputs)
            samples[f"{name} wall"].append(wall)
            samples[f"{name} cpu"].append(cpu)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=41, help="timed runs per normalizer and text (median)")
    parser.add_argument("--config", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    args = parser.parse_args(argv)

    inputs = texts()
    print(f"Python {sys.version.split()[0]}, median of {args.runs} runs, times in ms")
    for config in args.config:
        started = time.perf_counter()
        slow, fast = Normalizer(**CONFIGS[config]), FastNormalizer(**CONFIGS[config])
        print(f"\n[{config}: {CONFIGS[config] or 'hazm defaults'}]  (both built in {time.perf_counter() - started:.1f} s)")
        print(f"{'text':<48} {'':>5} {'hazm':>9} {'fast':>9} {'speed-up':>9}")
        for label, text_list in inputs.items():
            gc.collect()
            samples = measure(slow, fast, text_list, args.runs)
            for clock in ("wall", "cpu"):
                hazm_ms = statistics.median(samples[f"hazm {clock}"]) * 1000
                fast_ms = statistics.median(samples[f"fast {clock}"]) * 1000
                print(f"{label:<48} {clock:>5} {hazm_ms:9.3f} {fast_ms:9.3f} {hazm_ms / fast_ms:8.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
