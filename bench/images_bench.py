"""Photo encoding: cold and warm builds of a site whose articles carry camera-sized photos.

    python bench/images_bench.py [--photos 200] [--megapixels 12] [--jobs 1 0]

Draws `--photos` deterministic 4:3 JPEGs of `--megapixels` (smooth shapes plus sensor-like noise, so
encoders work as hard as on a real photo) under bench/.work/images-N-MP/, one article per photo with
the photo as its lead and in its body, then for each `--jobs` value (0: every core) times:

- cold: no output, no `.cache/` (every variant encoded);
- warm: the same build again (nothing encoded, nothing written);
- cache only: output and build state deleted, `.cache/images/` kept (pages rebuilt, no encoding).

Prints one line per build and merges the run into bench/results/images.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work"
RESULTS = REPO / "bench" / "results"


def draw(path: Path, seed: int, megapixels: float) -> None:
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    h = int((megapixels * 1_000_000 * 3 / 4) ** 0.5)
    w = h * 4 // 3
    small = Image.new("RGB", (w // 8, h // 8), (rnd.randint(60, 200), rnd.randint(60, 200), rnd.randint(60, 200)))
    d = ImageDraw.Draw(small)
    for _ in range(40):
        x, y, r = rnd.randint(0, w // 8), rnd.randint(0, h // 8), rnd.randint(5, w // 30)
        d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randint(0, 255) for _ in range(3)))
    big = small.resize((w, h), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((w, h), 18).convert("RGB")
    Image.blend(big, noise, 0.12).save(path, quality=90)


def make_project(photos: int, megapixels: float) -> Path:
    root = WORK / f"images-{photos}-{megapixels:g}"
    marker = root / ".bench-images.json"
    if marker.is_file() and json.loads(marker.read_text()) == {"photos": photos, "megapixels": megapixels}:
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / "content/photos").mkdir(parents=True)
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "site_config.toml").write_text('title = "محک عکس"\nbase_url = "/"\n', encoding="utf-8")
    for i in range(photos):
        draw(root / f"content/photos/p{i:04d}.jpg", i, megapixels)
        (root / f"content/a{i:04d}.md").write_text(
            f"---\ntitle: خبر شمارهٔ {i}\ndate: 1402-01-{i % 28 + 1:02d} 10:{i % 60:02d}\n"
            f"image: photos/p{i:04d}.jpg\nimage_alt: عکس خبر {i}\n---\n\nمتن خبر.\n\n"
            f"![عکس خبر {i}](photos/p{i:04d}.jpg \"زیرنویس\")\n", encoding="utf-8")
    marker.write_text(json.dumps({"photos": photos, "megapixels": megapixels}))
    return root


def run_build(root: Path, jobs: int) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--jobs", str(jobs)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return seconds, done.stdout.strip()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--photos", type=int, default=200)
    p.add_argument("--megapixels", type=float, default=12)
    p.add_argument("--jobs", type=int, nargs="+", default=[1, 0])
    args = p.parse_args()
    t = time.perf_counter()
    root = make_project(args.photos, args.megapixels)
    print(f"project: {root} ({time.perf_counter() - t:.1f} s to prepare)")
    results = {}
    for jobs in args.jobs:
        shutil.rmtree(root / "output", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        runs = {}
        for name in ("cold", "warm", "cache only"):
            if name == "cache only":
                shutil.rmtree(root / "output")
                (root / ".cache/state.pickle").unlink()
            seconds, summary = run_build(root, jobs)
            runs[name] = {"seconds": round(seconds, 2), "summary": summary}
            print(f"jobs={jobs or os.cpu_count()} {name:10s} {seconds:7.2f} s   {summary}")
        results[str(jobs or os.cpu_count())] = runs
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "images.json"
    merged = json.loads(out.read_text()) if out.is_file() else {}
    merged[f"{args.photos}x{args.megapixels:g}MP"] = {"machine": platform.machine(), "cpus": os.cpu_count(), "runs": results}
    out.write_text(json.dumps(merged, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
