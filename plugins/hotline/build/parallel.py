"""Work shared out over forked processes, for the build's two parallel
stages: reading the cases and writing the pages.

Workers are forked, so they start with everything the parent had built
(the registries, the anonymiser, the guard, compiled templates) and need
nothing pickled but their results. An error in any of them stops the
whole build with the same message it would have given in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

from hotline.problems import HotlineError

S = TypeVar("S")
R = TypeVar("R")
MIN_ITEMS = 200  # fewer items than this are not worth a process


def process_count(items: Sequence, processes: int) -> int:
    """How many processes to share `items` out to: one for a few items."""
    return max(1, processes) if len(items) >= MIN_ITEMS else 1


def map_forked(
    function: Callable[[S], R], items: Sequence[S], processes: int, progress: Callable[[int], None] | None = None
) -> list[R]:
    """`[function(item) for item in items]`, computed by `processes` processes.
    `progress(done)` is called in this process, `done` estimated from its own share."""
    count = process_count(items, processes)
    parent = os.getpid()

    def work(part: Sequence[S]) -> list[R]:
        results = []
        for item in part:
            results.append(function(item))
            if progress and os.getpid() == parent:
                progress(min(len(items), len(results) * count))
        return results

    out: list = [None] * len(items)
    for k, results in enumerate(run_shares(work, shares(items, count))):
        out[k::count] = results
    return out


def shares(items: Sequence[S], count: int) -> list[Sequence[S]]:
    """`items` dealt out into `count` shares of nearly equal size (every n-th item)."""
    return [items[k::count] for k in range(count)]


def run_shares(work: Callable[[S], R], parts: Sequence[S]) -> list[R]:
    """`work(part)` for every part, in order: the first in this process
    while each of the others runs in a forked worker."""
    context = multiprocessing.get_context("fork")
    workers = []
    # The collector of a worker would visit, and so copy, every object it
    # inherited; frozen, they stay shared with this process.
    gc.freeze()
    try:
        for part in parts[1:]:
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(target=_work, args=(work, part, send), daemon=True)
            worker.start()
            send.close()
            workers.append((worker, receive))
    finally:
        gc.unfreeze()
    try:
        results = [work(parts[0])] if parts else []
        results += [_receive(worker, receive) for worker, receive in workers]
    finally:
        for worker, _ in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    return results


def _work(work: Callable, part, send) -> None:
    """In a worker: send (result, None) or (None, the error)."""
    try:
        result = work(part)
    except BaseException as e:  # sent to the parent, which stops the build with it
        send.send((None, _portable(e)))
    else:
        send.send((result, None))


def _receive(worker, receive):
    """A worker's result; its error, or its death, stops the build here."""
    try:
        result, error = receive.recv()
    except (EOFError, OSError):
        worker.join()
        raise HotlineError(f"构建的子进程意外退出（退出码 {worker.exitcode}），构建已中止，已发布的网站保持不变。") from None
    if error is not None:
        raise error
    return result


def _portable(error: BaseException) -> BaseException:
    """`error` as the parent can receive it: our own stops keep their message,
    a full disk stays an OSError, anything unexpected keeps its traceback."""
    if isinstance(error, HotlineError):
        return HotlineError(str(error))
    if isinstance(error, OSError):
        return OSError(error.errno, error.strerror, error.filename)
    return RuntimeError("".join(traceback.format_exception(error)))
