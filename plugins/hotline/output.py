"""The one way our outputs are written: guarded, into the staging directory.

Incremental by construction: a file whose bytes equal the published one is
hard-linked from the published site instead of written, so a rebuild
rewrites only what changed; and `write_cached` skips rendering a file
whose inputs (its key) are those of the previous build.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from pelican import signals

from .guard import Guard


def fingerprint(*parts: Any) -> str:
    """A stable hash of values with a deterministic repr (dataclasses, tuples, str)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


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
    ):
        self.root = root
        self.guard = guard
        self.context = context
        self.previous = previous
        self.old_keys = old_keys or {}
        self.base_key = base_key
        self.recheck = recheck
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
        signals.content_written.send(str(target), context=self.context)


def root_of(relpath: str) -> str:
    """Relative URL from the page at `relpath` to the site root: '', '../', …"""
    return "../" * relpath.count("/")
