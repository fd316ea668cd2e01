"""Stable content digests: what the build compares to know which pages must be rendered again.

A page's fingerprint is the digest of its template and of everything passed to it, so a page is
re-rendered exactly when something it shows may have changed, and the incremental result is the
same as a full build's. Objects carrying a precomputed `digest` (articles) are hashed by it.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import Any

from .files import is_temporary


def stable_digest(*parts: Any) -> str:
    """Digest of values by their content. Pickle serializes them (in C, fast); its memo is off, so equal
    values give equal bytes whether or not they share objects, and an object that already carries a
    `digest` (an article inside a term, say) is replaced by that digest instead of being serialized."""
    buffer = io.BytesIO()
    pickler = _ContentPickler(buffer, protocol=5)
    pickler.fast = True  # no memo: identity must not change the bytes (our values have no cycles)
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


def _by_digest(digest: str) -> str:
    return digest


class _ContentPickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        digest = getattr(obj, "digest", None)
        if isinstance(digest, str) and digest and not isinstance(obj, type):
            return _by_digest, (digest,)
        return NotImplemented  # (keep sets out of page contexts: their order changes between runs)


def tree_digest(folder: Path) -> str:
    """Digest of every file's name and bytes under `folder` (a theme's templates)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not is_temporary(p.relative_to(folder))):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()
