"""Stable content digests: what the build compares to know which pages must be rendered again.

A page's fingerprint is the digest of its template and of everything passed to it, so a page is
re-rendered exactly when something it shows may have changed, and the incremental result is the
same as a full build's. Objects carrying a precomputed `digest` (articles) are hashed by it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from .files import is_temporary


def stable_digest(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def _feed(h: Any, v: Any) -> None:
    if isinstance(v, str):
        h.update(b"s%d:" % len(v))
        h.update(v.encode("utf-8", "surrogatepass"))
    elif v is None or isinstance(v, (bool, int, float)):
        h.update(f"{type(v).__name__}:{v!r};".encode())
    elif isinstance(v, bytes):
        h.update(b"b%d:" % len(v))
        h.update(v)
    elif isinstance(getattr(v, "digest", None), str) and v.digest:
        h.update(b"d" + v.digest.encode())
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        h.update(type(v).__name__.encode() + b"(")
        for f in dataclasses.fields(v):
            _feed(h, getattr(v, f.name))
        h.update(b")")
    elif isinstance(v, Mapping):
        h.update(b"{%d" % len(v))
        for key in sorted(v, key=repr):
            _feed(h, key)
            _feed(h, v[key])
        h.update(b"}")
    elif isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=repr) if isinstance(v, (set, frozenset)) else v
        h.update(b"[%d" % len(items))
        for item in items:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(v, (datetime, date)):
        h.update(v.isoformat().encode())
    elif isinstance(v, PurePath):
        h.update(str(v).encode())
    else:
        h.update(repr(v).encode())


def tree_digest(folder: Path) -> str:
    """Digest of every file's name and bytes under `folder` (a theme's templates)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not is_temporary(p.relative_to(folder))):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()
