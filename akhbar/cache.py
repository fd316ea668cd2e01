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
from typing import Any

MAGIC = b"akhbar-cache-1\n"
CACHE_DIR = ".cache"


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def cache_file(root: Path, name: str = "state.pickle") -> Path:
    return cache_dir(root) / name


def load(path: Path) -> Any | None:
    """The cached object, or None when missing, torn, corrupt or from another format."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    if not data.startswith(MAGIC) or len(data) < head:
        return None
    checksum, payload = data[len(MAGIC) : head], data[head:]
    if hashlib.blake2b(payload, digest_size=32).digest() != checksum:
        return None
    gc.disable()  # millions of objects, none of them garbage: the collector would only walk them, often
    try:
        return pickle.loads(payload)
    except Exception:  # written by another version of a class: start cold
        return None
    finally:
        gc.enable()


def save(path: Path, obj: Any) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # No fsync: after a crash a torn file fails its checksum and the next build starts cold, which is
    # all a cache owes; waiting for the disk would cost a command-line rebuild most of its time.
    with open(tmp, "wb") as f:
        f.write(MAGIC + hashlib.blake2b(payload, digest_size=32).digest() + payload)
    os.replace(tmp, path)
