"""The one way our outputs are written: guarded, into the staging directory.

Incremental by construction: a file whose bytes equal the published one is
hard-linked from the published site instead of written, so a rebuild
rewrites only what changed; and `write_cached` skips rendering a file
whose inputs (its key) are those of the previous build.

Parallel where it pays: `write_all` shares a list of outputs out over
forked processes, each rendering, guarding and writing its share.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pelican import signals

from .guard import Guard, LeakError
from .problems import BuildFailed

PARALLEL_MIN = 200  # fewer outputs than this are not worth a process


def fingerprint(*parts: Any) -> str:
    """A stable hash of values with a deterministic repr (dataclasses, tuples, str)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Output:
    """One file to write: where, what it is (for messages), how to render it,
    `scope` (ids of the cases whose text it alone carries) and `key`,
    everything it is made from besides templates, settings and code
    (None: render it every time)."""

    path: str
    what: str
    render: Callable[[], str | bytes]
    scope: frozenset[str] | None = None
    key: object = None


class SiteWriter:
    """Writes files below `root` after the guard has read every byte.

    `previous` is the published site, if any; `old_keys` the keys its files
    were made from; `recheck` says whether the guard's private values changed
    since, so that reused files must be read by the guard again.
    """

    def __init__(
        self,
        root: Path,
        guard: Guard,
        context: dict[str, Any],
        previous: Path | None = None,
        old_keys: dict[str, str] | None = None,
        base_key: str = "",
        recheck: bool = True,
        processes: int = 1,
    ):
        self.root = root
        self.guard = guard
        self.context = context
        self.previous = previous
        self.old_keys = old_keys or {}
        self.base_key = base_key
        self.recheck = recheck
        self.processes = processes
        self.signal = True  # tell Pelican's plugins about each file (not from a worker process)
        self.written: set[str] = set()
        self.checked: set[str] = set()  # files the guard has read: all written ones, and some others' (search index)
        self.keys: dict[str, str] = {}
        self.reused = 0

    def write(self, relpath: str, data: str | bytes, scope: frozenset[str] | None = None) -> None:
        """Write one file. `scope`: ids of the cases whose text it alone carries."""
        target = self._target(relpath)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.guard.check(relpath, raw, scope)
        old = self._old(relpath)
        if old is not None and old.stat().st_size == len(raw) and old.read_bytes() == raw:
            self._link(old, target)
        else:
            target.write_bytes(raw)
        self._done(relpath, target)

    def write_cached(
        self, relpath: str, key: Any, render: Callable[[], str | bytes], scope: frozenset[str] | None = None
    ) -> None:
        """Write `render()` at `relpath`, unless the previous build made that
        file from the same `key` (every input of the file: its data, and,
        through `base_key`, templates, settings and code); then reuse it."""
        digest = fingerprint(self.base_key, key)
        self.keys[relpath] = digest
        old = self._old(relpath)
        if old is not None and self.old_keys.get(relpath) == digest:
            target = self._target(relpath)
            if self.recheck:
                self.guard.check(relpath, old.read_bytes(), scope)
            self._link(old, target)
            self._done(relpath, target)
        else:
            self.write(relpath, render(), scope)

    def write_output(self, output: Output) -> None:
        """Write one planned output, reusing the published file when its key allows."""
        if output.key is None:
            self.write(output.path, output.render(), output.scope)
        else:
            self.write_cached(output.path, output.key, output.render, output.scope)

    def write_all(self, outputs: Sequence[Output]) -> None:
        """Write every output, shared out over `processes` processes.

        Workers are forked after everything they need exists (cases, guard,
        templates); each renders, guards and writes every n-th output and
        sends back what it wrote. Any error in any of them stops the build.
        """
        if self.processes < 2 or len(outputs) < PARALLEL_MIN:
            for output in outputs:
                self.write_output(output)
            return
        context = multiprocessing.get_context("fork")
        workers = []
        for k in range(1, self.processes):
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(target=self._work, args=(outputs[k::self.processes], send), daemon=True)
            worker.start()
            send.close()
            workers.append((worker, receive))
        try:
            for output in outputs[::self.processes]:
                self.write_output(output)
            results = [_result(worker, receive) for worker, receive in workers]
        finally:
            for worker, _ in workers:
                if worker.is_alive():
                    worker.terminate()
                worker.join()
        for written, keys, reused, error in results:
            if error is not None:
                raise error
            for relpath in sorted(written - self.written):
                signals.content_written.send(str(self.root / relpath), context=self.context)
            self.written |= written
            self.checked |= written
            self.keys.update(keys)
            self.reused += reused

    def _work(self, outputs: Sequence[Output], send) -> None:
        """A worker process: write `outputs`, send (written, keys, reused, error)."""
        self.signal = False
        already, self.reused = set(self.written), 0
        try:
            for output in outputs:
                self.write_output(output)
            send.send((self.written - already, self.keys, self.reused, None))
        except BaseException as e:  # sent to the parent, which stops the build with it
            send.send((set(), {}, 0, _portable(e)))

    def _target(self, relpath: str) -> Path:
        path = PurePosixPath(relpath)
        if path.is_absolute() or ".." in path.parts or relpath in self.written:
            raise ValueError(f"output path {relpath!r} is outside the site or written twice")
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _old(self, relpath: str) -> Path | None:
        if self.previous is None:
            return None
        old = self.previous / relpath
        return old if old.is_file() and not old.is_symlink() else None

    def _link(self, old: Path, target: Path) -> None:
        os.link(old, target)
        self.reused += 1

    def _done(self, relpath: str, target: Path) -> None:
        self.written.add(relpath)
        self.checked.add(relpath)
        if self.signal:
            signals.content_written.send(str(target), context=self.context)


def _result(worker, receive) -> tuple:
    """What a worker sent; a worker that died without a word stops the build."""
    try:
        return receive.recv()
    except (EOFError, OSError):
        worker.join()
        raise BuildFailed(f"生成网页的子进程意外退出（退出码 {worker.exitcode}），构建已中止，已发布的网站保持不变。") from None


def _portable(error: BaseException) -> BaseException:
    """`error` as the parent can receive it: our own stops keep their message,
    anything unexpected keeps its traceback."""
    if isinstance(error, LeakError | BuildFailed):
        return BuildFailed(str(error))
    if isinstance(error, OSError):  # a full disk: reported as in one process
        return OSError(error.errno, error.strerror, error.filename)
    return RuntimeError("".join(traceback.format_exception(error)))


def root_of(relpath: str) -> str:
    """Relative URL from the page at `relpath` to the site root: '', '../', …"""
    return "../" * relpath.count("/")
