"""What a deploy does, decided without touching the network: the manifest diff, the order of the work,
and each file's Content-Type and Cache-Control.

The target keeps a manifest (`MANIFEST_NAME`: path → SHA-256 of the bytes akhbar put there). A deploy
compares it with `output/` and uploads only what differs, in an order that never lets a reader see a
page whose assets are missing or a feed that names a page not yet there:

1. assets (CSS, JS, fonts, photos, the search index), files named by their content first, so that
   Pagefind's entry file arrives after the index pieces it names;
2. HTML pages;
3. feeds, sitemaps and robots.txt;
4. deletions (only with `delete = true`), once nothing links to the files any more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

MANIFEST_NAME = ".akhbar-manifest.json"
MANIFEST_FORMAT = 1

ASSETS, PAGES, FEEDS, DELETIONS = "assets", "pages", "feeds and sitemaps", "deletions"
UPLOAD_PHASES = (ASSETS, PAGES, FEEDS)

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"  # a new article shows within five minutes; a CSS change too, with its pages

# Photo copies are named by their source's digest (`images/<20 hex>-640.webp`); Pagefind names its index
# pieces by their content (`fragment/fa_1c8ff45.pf_fragment`, `pagefind.fa_d2ba9e3eec.pf_meta`). Theme CSS,
# JS and fonts keep fixed names (`static/css/site.css`), so they must not be cached as immutable.
_FINGERPRINTED = re.compile(r"(?:^|/)(?:[0-9a-f]{16,}-[^/]+|[^/]*_[0-9a-f]{7,}\.pf_[a-z]+)$")

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".ico": "image/vnd.microsoft.icon",
    ".wasm": "application/wasm",
}
_FEED_TYPES = {"feed.xml": "application/atom+xml", "atom.xml": "application/atom+xml", "rss.xml": "application/rss+xml"}
OCTETS = "application/octet-stream"  # Pagefind's .pf_* pieces and its wasm: its own script reads them


def is_fingerprinted(rel: str) -> bool:
    """True for files whose name carries a digest of their bytes: new bytes always get a new name."""
    return _FINGERPRINTED.search(rel) is not None


def content_type(rel: str) -> str:
    path = PurePosixPath(rel)
    return _FEED_TYPES.get(path.name) or _TYPES.get(path.suffix.lower(), OCTETS)


def cache_control(rel: str) -> str:
    return IMMUTABLE if is_fingerprinted(rel) else SHORT


def phase_of(rel: str) -> str:
    path = PurePosixPath(rel)
    if path.suffix.lower() in (".html", ".htm"):
        return PAGES
    if path.name in _FEED_TYPES or (path.suffix == ".xml" and path.name.startswith("sitemap")) or rel == "robots.txt":
        return FEEDS
    return ASSETS


def _order(rel: str) -> tuple:
    # robots.txt names the sitemap, the sitemap index names its parts ("sitemap-1.xml" sorts before "sitemap.xml")
    return (not is_fingerprinted(rel), rel == "robots.txt", rel)


@dataclass(frozen=True)
class Phase:
    name: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    phases: tuple[Phase, ...]  # the non-empty upload phases in order, then deletions
    new: frozenset[str]  # uploads the target has never had
    unchanged: int
    kept: tuple[str, ...]  # gone from output/ but left on the target (delete = false)

    @property
    def uploads(self) -> tuple[str, ...]:
        return tuple(f for p in self.phases if p.name != DELETIONS for f in p.files)

    @property
    def deletions(self) -> tuple[str, ...]:
        return tuple(f for p in self.phases if p.name == DELETIONS for f in p.files)


def plan_deploy(local: Mapping[str, str], remote: Mapping[str, str], delete: bool) -> Plan:
    """Compare `output/`'s digests with the target's manifest (both path → SHA-256)."""
    changed = [rel for rel, digest in local.items() if remote.get(rel) != digest]
    by_phase: dict[str, list[str]] = {name: [] for name in UPLOAD_PHASES}
    for rel in changed:
        by_phase[phase_of(rel)].append(rel)
    phases = [Phase(name, tuple(sorted(files, key=_order))) for name, files in by_phase.items() if files]
    gone = tuple(sorted(rel for rel in remote if rel not in local))
    if delete and gone:
        phases.append(Phase(DELETIONS, gone))
    return Plan(tuple(phases), frozenset(rel for rel in changed if rel not in remote), len(local) - len(changed),
                () if delete else gone)


def apply(manifest: Mapping[str, str], local: Mapping[str, str], uploaded: list[str] | tuple[str, ...],
          deleted: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """The target's manifest once `uploaded` (at their local digests) and `deleted` are done."""
    result = dict(manifest)
    result.update((rel, local[rel]) for rel in uploaded)
    for rel in deleted:
        result.pop(rel, None)
    return result


def manifest_bytes(files: Mapping[str, str]) -> bytes:
    return json.dumps({"format": MANIFEST_FORMAT, "generator": "akhbar", "files": dict(sorted(files.items()))},
                      ensure_ascii=False, indent=0).encode("utf-8")


def parse_manifest(data: bytes) -> dict[str, str] | None:
    """The manifest's files, or None when these bytes are not a manifest akhbar wrote."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    files = doc.get("files") if isinstance(doc, dict) and doc.get("format") == MANIFEST_FORMAT else None
    if not isinstance(files, dict) or not all(isinstance(v, str) and is_safe_path(k) for k, v in files.items()):
        return None
    return files


def is_safe_path(rel: object) -> bool:
    """A relative POSIX path below the target's root: a manifest on the target must not name `../x` to delete."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))
