"""Work spread over forked processes: the cold build's reading and its page rendering.

Workers are forked, so they start with the parent's memory (hazm's lexicons, the assembled site)
instead of receiving it pickled; only each chunk's result travels back.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_shared: Any = None  # what `fork_map`'s caller shares with its workers, set in each forked worker


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _init(shared: Any) -> None:
    global _shared
    _shared = shared


def _call(fn: Callable[[Any, Any], Any], chunk: Any) -> Any:
    return fn(_shared, chunk)


def fork_map(fn: Callable[[Any, Any], Any], chunks: Sequence[Any], shared: Any, jobs: int) -> Iterator[Any]:
    """`fn(shared, chunk)` for each chunk in `jobs` forked processes; results in the chunks' order.

    `fn` must be a module-level function (it is sent to the workers by name)."""
    ctx = multiprocessing.get_context("fork")
    _threads_gone()
    with ProcessPoolExecutor(max(1, min(jobs, len(chunks))), mp_context=ctx, initializer=_init, initargs=(shared,)) as pool:
        yield from pool.map(_call, [fn] * len(chunks), chunks)


def _threads_gone(limit: float = 0.05) -> None:
    """Wait, briefly, until threads already joined (a previous pool's) have left the system's thread list
    too: they linger there for a moment after `join`, and a fork while the system counts more threads
    than Python has makes Python warn that the child may inherit a lock one of them held."""
    deadline = time.monotonic() + limit
    while _os_threads() > threading.active_count() and time.monotonic() < deadline:
        time.sleep(0.001)


def _os_threads() -> int:
    try:
        with open("/proc/self/status", "rb") as f:  # (bytes: the process's name may be in any encoding)
            return next((int(line.split()[1]) for line in f if line.startswith(b"Threads:")), 1)
    except OSError:  # not Linux
        return 1
