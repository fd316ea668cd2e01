"""Rendered article bodies kept on disk by content, not in the build's state.

A build needs an article's HTML only to render that article's page (and full-content feeds), which an
incremental build does for a handful of articles. Keeping every body in the state made the command
line load and save the whole archive's text on each edit (85 MB at 10,000 articles) and held ~1.2 GB
of text in memory at 100,000. So each body is written once to `.cache/bodies/`, named by the digest
of its bytes, and the state holds a `StoredHtml`: that digest, read back when a template prints it.

A file is written under a temporary name and renamed, and its bytes are checked against its name when
read: a file that is missing or damaged (a crash, a hand-edited cache) raises `StaleBodyError`, and the
pipeline builds again from the sources rather than publish it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "bodies"


class StaleBodyError(Exception):
    """A body the state names is not in the store as it was written."""


@dataclass(frozen=True)
class BodyStore:
    folder: Path

    def put(self, html: str) -> StoredHtml:
        data = html.encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        path = self._path(digest)
        # Written even when the file exists: a damaged copy is replaced by the build that renders it anew.
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{digest}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return StoredHtml(digest, self)

    def get(self, digest: str) -> str:
        try:
            data = self._path(digest).read_bytes()
        except OSError as e:
            raise StaleBodyError(f"{digest}: {e.strerror}") from None
        if hashlib.blake2b(data, digest_size=16).hexdigest() != digest:
            raise StaleBodyError(f"{digest}: damaged")
        return data.decode("utf-8")

    def prune(self, live: Iterable[str]) -> int:
        """Delete every body not in `live` (the digests the state still names); how many were deleted."""
        keep = set(live)
        removed = 0
        try:
            shards = list(os.scandir(self.folder))
        except OSError:
            return 0
        for shard in shards:
            if not shard.is_dir():
                continue
            for entry in os.scandir(shard.path):
                if entry.name.removesuffix(".html") not in keep:
                    try:
                        os.unlink(entry.path)
                        removed += 1
                    except OSError:
                        pass
        return removed

    def _path(self, digest: str) -> Path:
        return self.folder / digest[:2] / f"{digest}.html"


@dataclass(frozen=True)
class StoredHtml:
    """An article body's HTML in a `BodyStore`. Templates print it (`|safe` in a page, escaped in a feed)
    through `str()`; `digest` is what page fingerprints hash instead of the text (digest.stable_digest)."""

    digest: str
    store: BodyStore = field(compare=False, repr=False)

    def __str__(self) -> str:
        return self.store.get(self.digest)


def stored_digests(bodies: Iterable[object]) -> set[str]:
    """The digests of every `StoredHtml` among `bodies` (other values, plain strings, are not in the store)."""
    return {b.digest for b in bodies if isinstance(b, StoredHtml)}
