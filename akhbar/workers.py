"""Work spread over forked processes: the cold build's reading and its page rendering.

Workers are forked, so they start with the parent's memory (hazm's lexicons, the assembled site)
instead of receiving it pickled; only each chunk's result travels back.
"""

from __future__ import annotations

import multiprocessing
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
    with ProcessPoolExecutor(max(1, min(jobs, len(chunks))), mp_context=ctx, initializer=_init, initargs=(shared,)) as pool:
        yield from pool.map(_call, [fn] * len(chunks), chunks)
