"""Stable content digests: what the build compares to know which pages must be rendered again.

A page's fingerprint is the digest of its template and of everything passed to it, so a page is
re-rendered exactly when something it shows may have changed, and the incremental result is the
same as a full build's. Objects carrying a precomputed `digest` (articles) are hashed by it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import operator
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .files import is_temporary


def stable_digest(*parts: Any) -> str:
    """Digest of values by their content.

    The values are first reduced to plain tuples: an object that already carries a `digest` (an
    article inside a term, say) stands for itself by that digest, and a dataclass by its type's name
    and its fields; pickle then serializes the result in C. Its memo is off, so equal values give equal
    bytes whether or not they share objects.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: identity must not change the bytes (our values have no cycles)
    pickler.dump(_plain(parts))
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


_ATOMS = frozenset({str, int, float, bool, bytes, type(None)})


@functools.cache
def _fields(kind: type) -> Callable[[Any], tuple]:
    """A dataclass type's field values getter (its fields only: a cached property is not content)."""
    getter = operator.attrgetter(*(f.name for f in dataclasses.fields(kind)))
    return (lambda v: (getter(v),)) if len(dataclasses.fields(kind)) == 1 else getter


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is tuple or kind is list:
        if _ATOMS.issuperset(map(type, value)):  # a pager's URLs, say: nothing to reduce, one C-level check
            return tuple(value)
        return tuple(map(_plain, value))
    if kind is dict:
        return ("{}", *((k, _plain(v)) for k, v in value.items()))
    digest = getattr(value, "digest", None)
    if type(digest) is str and digest:
        return ("#", digest)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = _fields(kind)(value)
        if _ATOMS.issuperset(map(type, fields)):  # a term's reference, say
            return (kind.__qualname__, *fields)
        return (kind.__qualname__, *map(_plain, fields))
    if isinstance(value, Mapping):
        return ("{}", *((k, _plain(v)) for k, v in value.items()))
    return value  # datetimes, zones, paths: pickled as they are (keep sets out: their order varies)


@functools.cache
def code_digest() -> str:
    """akhbar's version and its own code: what a cache written by any other generator would differ in."""
    from . import __version__

    package = Path(__file__).parent
    return stable_digest(__version__, *(p.read_bytes() for p in sorted(package.rglob("*.py"))))


def tree_digest(folder: Path) -> str:
    """Digest of every file's name and bytes under `folder` (a theme's templates)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not is_temporary(p.relative_to(folder))):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()
