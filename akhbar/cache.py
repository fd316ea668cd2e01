"""The persistent build cache under `.cache/`: the last `BuildState`, so a command-line rebuild is incremental.

One file, written to a temporary name and renamed, with a checksum of its payload: a torn or
corrupt cache is never unpickled into a build, it is ignored and the build starts cold.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"akhbar-cache-1\n"
CACHE_DIR = ".cache"


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def cache_file(root: Path, name: str = "state.pickle") -> Path:
    return cache_dir(root) / name


def load(path: Path) -> Any | None:
    """The cached object, or None when missing, torn, corrupt or from another format."""
    head = len(MAGIC) + 32
    try:
        with open(path, "rb") as f:
            # Checked before anything is unpickled, then unpickled from the file: at 100,000 articles the
            # state is ~280 MB, which a bytes copy beside the objects it holds would add to the peak.
            if f.read(len(MAGIC)) != MAGIC:
                return None
            checksum = f.read(32)
            h = hashlib.blake2b(digest_size=32)
            while chunk := f.read(1 << 20):
                h.update(chunk)
            if h.digest() != checksum:
                return None
            f.seek(head)
            gc.disable()  # millions of objects, none of them garbage: the collector would only walk them, often
            try:
                return pickle.load(f)
            except Exception:  # written by another version of a class: start cold
                return None
            finally:
                gc.enable()
    except OSError:
        return None


class _Hashing:
    """A file that hashes what is written to it (so the pickle streams to disk, never whole in memory)."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.h = f, hashlib.blake2b(digest_size=32)

    def write(self, data: bytes) -> int:
        self.h.update(data)
        return self.f.write(data)


def save(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # No fsync: after a crash a torn file fails its checksum and the next build starts cold, which is
    # all a cache owes; waiting for the disk would cost a command-line rebuild most of its time.
    with open(tmp, "wb") as f:
        f.write(MAGIC + bytes(32))
        out = _Hashing(f)
        pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
        f.seek(len(MAGIC))
        f.write(out.h.digest())
    os.replace(tmp, path)
