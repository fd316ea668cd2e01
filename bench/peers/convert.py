"""A corpus.py archive in each generator's input format.

Articles are read from akhbar's Markdown + YAML front matter into a plain dict and written back out
as akhbar, Pelican or Hugo input. What the peers get differs from what akhbar reads in two ways, both
so that the three sites have the same pages:

- dates are Gregorian (Pelican and Hugo know no Jalali calendar): the Jalali date and time in the
  front matter, converted with jdatetime, in Asia/Tehran like akhbar reads them;
- tags come folded to one spelling. corpus.py writes some tags the way careless copy does («راه سازی»
  for «راه‌سازی», Arabic ي/ك) and akhbar's normalizer folds them into one tag; a peer would make a
  page for each spelling. The folding here uses corpus.py's own tag list, not akhbar's normalizer, so
  the peers do none of the Persian work akhbar does; the check after each cold build compares the
  number of tag pages of every generator with the number computed here.

The body goes through untouched: the same Markdown, with its spaced non-joiners, Arabic letters and
Latin digits (akhbar fixes them in its output, the peers print them as written).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jdatetime
import yaml

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (bench/corpus.py, a sibling script)

TEHRAN = ZoneInfo("Asia/Tehran")
MARKER = ".bench-peers.json"
# CBaseLoader: libyaml, and every value stays text (the Jalali date must not become a Gregorian one)
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_DIGEST = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()


def _tag_folding() -> dict[str, str]:
    fold: dict[str, str] = {}
    for tag in corpus.ALL_TAGS:
        spaced = tag.replace(corpus.ZWNJ, " ")
        for variant in (tag, spaced, tag.translate(corpus.ARABIC_YK), spaced.translate(corpus.ARABIC_YK)):
            if fold.setdefault(variant, tag) != tag:
                raise ValueError(f"two corpus tags are spelt {variant!r} once folded: the peers would merge them")
    return fold


FOLD = _tag_folding()


def parse(text: str, stem: str) -> dict:
    """An akhbar article (as corpus.py writes it) → {"stem", "title", "date", "tags", …, "body"}."""
    _, fm, body = text.split("---\n", 2)
    data = yaml.load(fm, Loader=_LOADER)
    tags = data.get("tags") or []
    return {"stem": stem, "title": data["title"], "date": data["date"], "tags": tags,
            "section": data.get("section"), "province": data.get("province"), "news_id": data.get("news_id"),
            "lead": data.get("lead"), "body": body.lstrip("\n")}


def gregorian(jalali: str) -> datetime:
    day, _, clock = jalali.partition(" ")
    y, m, d = (int(x) for x in day.split("-"))
    hh, mm = (int(x) for x in (clock or "00:00").split(":"))
    g = jdatetime.date(y, m, d).togregorian()
    return datetime(g.year, g.month, g.day, hh, mm, tzinfo=TEHRAN)


def folded_tags(article: dict) -> list[str]:
    return list(dict.fromkeys(FOLD.get(t, t) for t in article["tags"]))  # variants may meet in one article


def to_akhbar(a: dict) -> str:
    """The article as corpus.py lays it out (for articles the benchmark adds)."""
    lines = ["---", f"title: {json.dumps(a['title'], ensure_ascii=False)}", f"date: {a['date']}",
             f"tags: [{', '.join(a['tags'])}]"]
    lines += [f"{key}: {a[key]}" for key in ("section", "province", "news_id") if a.get(key)]
    if a.get("lead"):
        lines.append(f"lead: {json.dumps(a['lead'], ensure_ascii=False)}")
    return "\n".join(lines) + "\n---\n\n" + a["body"]


def to_pelican(a: dict) -> str:
    """Pelican's Markdown metadata header (the `meta` extension): one `Key: value` line each."""
    lines = [f"Title: {a['title']}", f"Date: {gregorian(a['date']):%Y-%m-%d %H:%M}",
             f"Tags: {', '.join(folded_tags(a))}", f"Slug: {a['stem']}"]
    if a.get("section"):
        lines.append(f"Category: {a['section']}")
    if a.get("province"):
        lines.append(f"Province: {a['province']}")
    if a.get("news_id"):
        lines.append(f"News_id: {a['news_id']}")
    if a.get("lead"):
        lines.append(f"Summary: {a['lead']}")
    return "\n".join(lines) + "\n\n" + a["body"]


def to_hugo(a: dict) -> str:
    """YAML front matter; strings as JSON (valid YAML, whatever the Persian text holds)."""
    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["---", f"title: {q(a['title'])}", f"date: {gregorian(a['date']).isoformat()}", f"slug: {q(a['stem'])}",
             f"tags: [{', '.join(q(t) for t in folded_tags(a))}]"]
    # "service", not "section": Hugo has sections of its own (content folders)
    lines += [f"{name}: {q(a[key])}" for key, name in (("section", "service"), ("province", "province"), ("lead", "lead"))
              if a.get(key)]
    if a.get("news_id"):
        lines.append(f"news_id: {int(a['news_id'])}")
    return "\n".join(lines) + "\n---\n\n" + a["body"]


WRITERS = {"akhbar": to_akhbar, "pelican": to_pelican, "hugo": to_hugo}


def _convert_chunk(job: tuple[str, str, str, list[str]]) -> list[tuple[str, ...]]:
    fmt, src, dst, rels = job
    write = WRITERS.get(fmt)  # "survey": read only
    made: set[Path] = set()
    tags = []
    for rel in rels:
        path = Path(src, rel)
        article = parse(path.read_text(encoding="utf-8"), path.stem)
        tags.append(tuple(folded_tags(article)))
        if write is None:
            continue
        out = Path(dst, rel) if fmt == "pelican" else Path(dst, "posts", path.name)
        if out.parent not in made:
            out.parent.mkdir(parents=True, exist_ok=True)
            made.add(out.parent)
        with open(out, "wb") as f:
            f.write(write(article).encode("utf-8"))
    return tags


def articles(content: Path) -> list[str]:
    """Relative paths of an akhbar content folder's articles, in path order."""
    return sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))


def convert(fmt: str, corpus_dir: Path, dst: Path, jobs: int = 2) -> dict:
    """Write every article of `corpus_dir/content` into `dst` in format `fmt` ("pelican": the same
    folders; "hugo": all in posts/; "survey": nothing), unless `dst` already holds this conversion of
    this corpus. Returns {"articles", "tags": the folded tags of every article, …}, what `expected()`
    needs (also kept in dst/.bench-peers.json)."""
    marker = {"format": fmt, "corpus": corpus.read_marker(corpus_dir), "converter": _DIGEST}
    try:
        done = json.loads((dst / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        done = None
    if done and {k: done.get(k) for k in marker} == marker:
        return done
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    rels = articles(corpus_dir / "content")
    print(f"converting {len(rels):,} articles for {fmt} into {dst} …", flush=True)
    size = max(1, -(-len(rels) // (jobs * 8)))
    chunks = [(fmt, str(corpus_dir / "content"), str(dst), rels[i : i + size]) for i in range(0, len(rels), size)]
    if jobs > 1 and len(rels) >= 2000:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_convert_chunk, chunks)
    else:
        parts = list(map(_convert_chunk, chunks))
    info = {**marker, "articles": len(rels), "tags": [list(t) for part in parts for t in part]}
    (dst / MARKER).write_text(json.dumps(info, ensure_ascii=False) + "\n", encoding="utf-8")
    return info


def expected(tag_lists: list[list[str]], page_size: int = 20) -> dict:
    """The pages an equivalent site has: one per article, the paginated index, paginated tag pages."""
    counts: dict[str, int] = {}
    for tags in tag_lists:
        for t in tags:
            counts[t] = counts.get(t, 0) + 1
    n = len(tag_lists)
    return {"articles": n, "index_pages": -(-n // page_size), "tags": len(counts),
            "tag_pages": sum(-(-c // page_size) for c in counts.values())}


def link_tree(src: Path, dst: Path) -> int:
    """`dst` becomes a copy of `src` made of hard links (seconds for 100,000 files, no extra disk).
    The benchmark changes files only by writing a new file and renaming it over the old one, so the
    cached originals are never modified through a link."""
    count = 0
    for folder, dirs, files in os.walk(src):
        dirs.sort()
        rel = Path(folder).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            if name != MARKER:
                os.link(Path(folder, name), dst / rel / name)
                count += 1
    return count
