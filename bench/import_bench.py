"""Benchmark `import`: N synthetic exports of the old site in both shapes → articles, against normalization alone.

    .venv/bin/python bench/import_bench.py [--files 10000] [--seed 8] [--jobs 0] [--keep DIR]

Writes N plain-text exports into a temporary folder, deterministically (same N and seed, same bytes),
made from the sentences of the two seed exports (tests/fixtures/seeds/), shuffled and varied:
shape 1 (header «شناسهٔ خبر: N - سرویس X» in its spelling variants, «نسخه قابل چاپ», title, blank-line
paragraphs, «نظر شما») and shape 2 (attribution «به گزارش … (استان)؛», one paragraph per line, no
title); Arabic ي/ك, dropped ZWNJs, some CRLF, UTF-8 BOM, UTF-16 and Windows-1256 files.

Then it imports them into a throw-away project with `--jobs` workers (0: all cores) and prints files/s;
and, as the baseline, the cost of normalization alone on the same text: `TextNormalizer.normalize`
over the same paragraphs and titles, in one process, as files/s, and the ratio of the two. Last, it
checks a sample of the written files: `fmt` must leave them unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from akhbar.config import load_config  # noqa: E402
from akhbar.fmt import Formatter  # noqa: E402
from akhbar.importer import run_import  # noqa: E402
from akhbar.normalize import TextNormalizer  # noqa: E402

SEEDS = REPO / "tests" / "fixtures" / "seeds"
PLACES = ("قزوین", "اصفهان", "تبریز", "آذربایجان شرقی", "خراسان رضوی", "مشهد", "فارس", "شیراز", "گیلان", "رشت",
          "کهگیلویه و بویراحمد", "سیستان و بلوچستان", "کرمانشاه", "هرمزگان", "یزد", "همدان", "البرز")
SECTIONS = ("استانها", "مسکن", "حمل و نقل", "راه و ساختمان", "شهرسازی", "اخبار")
HEADERS = ("شناسهٔ خبر: {n} - سرویس {s}", "شناسه خبر: {n} – سرویس {s}", "شناسه‌ی خبر : {n} — سرویس {s}")


def seed_sentences() -> list[str]:
    """Every sentence of both seeds' paragraphs (no header, furniture or title)."""
    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        body = [line for line in lines if len(line.split()) > 12]  # paragraphs, not header/title/furniture
        for para in body:
            para = re.sub(r"^به گزارش[^؛،]*[؛،]\s*", "", para)
            sentences += [s.strip() + "." for s in re.split(r"[.!؟](?:\s+|$)", para) if len(s.split()) > 4]
    return sentences


def vary(text: str, rng: random.Random) -> str:
    """The old site's flaws: Arabic ي/ك in some files, ZWNJs dropped or spaced in others."""
    if rng.random() < 0.4:
        text = text.replace("ی", "ي").replace("ک", "ك")
    if rng.random() < 0.5:
        text = text.replace("\u200c", "" if rng.random() < 0.5 else " ")
    return text


def make_export(i: int, sentences: list[str], rng: random.Random) -> tuple[str, list[str]]:
    """One export's text and its paragraphs (the baseline normalizes exactly these, and the title)."""
    place = rng.choice(PLACES)
    paragraphs = []
    for _ in range(rng.randint(4, 12)):
        paragraphs.append(" ".join(rng.sample(sentences, rng.randint(1, 4))))
    if i % 2 == 0:  # shape 1: header, print link, title, blank-line paragraphs, comment label
        words = rng.choice(sentences).split()
        title = " ".join(words[: rng.randint(6, 12)]).rstrip(".،") + f" استان {place}"
        header = rng.choice(HEADERS).format(n=60000 + i, s=rng.choice(SECTIONS))
        if rng.random() < 0.3:
            header = header.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        text = f"{header}\nنسخه قابل چاپ\n\n{title}\n\n" + "\n\n".join(paragraphs) + "\n\nنظر شما"
        texts = [title, *paragraphs]
    else:  # shape 2: attribution naming the province, one paragraph per line, no title
        paragraphs[0] = f"به گزارش پایگاه خبری وزارت راه و شهرسازی ({place})؛ {paragraphs[0]}"
        text = "\n".join(paragraphs)
        texts = paragraphs
    return vary(text, rng), texts


def encode(text: str, i: int, rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.05:
        return text.replace("\n", "\r\n").encode("utf-8")
    if roll < 0.08:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if roll < 0.11:
        return text.encode("utf-16")
    if roll < 0.14:  # what Windows-1256 can hold: Arabic ي, Latin digits
        cp = text.replace("ی", "ي").replace("ٔ", "").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
        return cp.encode("cp1256", errors="replace")
    return text.encode("utf-8")


def generate(folder: Path, files: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    sentences = seed_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    base = 1_549_700_000  # early 2019
    for i in range(files):
        text, parts = make_export(i, sentences, rng)
        path = folder / f"{i:05}_{rng.getrandbits(64):016x}.txt"
        path.write_bytes(encode(text, i, rng))
        os.utime(path, (base + i * 3600, base + i * 3600))
        texts.append(parts)
    return texts


def cpu_seconds() -> float:
    """User + system time of this process and of its finished children (the import's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def project(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "themes", root / "themes")
    shutil.copy(REPO / "site_config.toml", root / "site_config.toml")
    shutil.copy(REPO / "normalize-words.txt", root / "normalize-words.txt")  # named by the config
    return root


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--jobs", type=int, default=0, help="import workers (0: all cores)")
    p.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = p.parse_args()
    jobs = args.jobs or os.cpu_count() or 1

    work = args.keep or Path(tempfile.mkdtemp(prefix="akhbar-import-bench-"))
    try:
        t = time.perf_counter()
        texts = generate(work / "exports", args.files, args.seed)
        print(f"generated {args.files} exports in {time.perf_counter() - t:.1f} s "
              f"({sum(len(x) for x in texts)} paragraphs and titles)")

        root = project(work / "site")
        config = load_config(root)
        out = io.StringIO()
        t, cpu = time.perf_counter(), cpu_seconds()
        with contextlib.redirect_stdout(out):
            code = run_import(config, [work / "exports"], jobs=jobs)
        seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
        written = sorted((root / "content" / "imported").glob("*.md"))
        print(out.getvalue().rstrip())
        print(f"import: {len(written)} files in {seconds:.1f} s with {jobs} worker(s) = "
              f"{args.files / seconds:.0f} files/s (exit status {code}); CPU {cpu:.1f} s = "
              f"{args.files / cpu:.0f} files per CPU-second")

        normalizer = TextNormalizer(config.normalize)
        normalizer.normalize("خبر")  # load hazm outside the timing, as the import's workers do
        t, cpu0 = time.perf_counter(), cpu_seconds()
        for parts in texts:
            for part in parts:
                normalizer.normalize(part)
        base, base_cpu = time.perf_counter() - t, cpu_seconds() - cpu0
        print(f"baseline, normalization alone (1 process): {base:.1f} s = {args.files / base:.0f} files/s; "
              f"CPU {base_cpu:.1f} s = {args.files / base_cpu:.0f} files per CPU-second")
        print(f"ratio import/normalization, wall clock: {base / seconds:.2f}; "
              f"per CPU-second: {base_cpu / cpu:.2f} (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")

        formatter = Formatter(config)
        sample = random.Random(args.seed).sample(written, min(200, len(written)))
        unstable = [p.name for p in sample if formatter.format_text(p.read_text(encoding="utf-8"), p.name, p).text
                    != p.read_text(encoding="utf-8")]
        print(f"fmt check on {len(sample)} sampled files: {len(sample) - len(unstable)} unchanged"
              + (f"; changed: {', '.join(unstable[:5])}" if unstable else ""))
        return 0 if code == 0 and not unstable and len(written) == args.files else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
