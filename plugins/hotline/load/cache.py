"""What the previous build learnt about each case file, to skip it next time.

Keyed by the bytes of each file and by everything else its result depends
on (registries, time zone, the code itself; for anonymisation also every
record's private values), so a cached result is never stale. The cache holds
private data: it lives next to the output directory, never inside it, and a
build that cannot read or write it just works without it.

An SQLite file of pickled entries: a rebuild after one edit writes the few
entries that changed, not the whole cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hotline.fingerprint import fingerprint
from hotline.load.records import MAX_FILE_BYTES

T = TypeVar("T")
_CODE = Path(__file__).parents[1]  # the whole package


def code_digest() -> str:
    """Fingerprint of this package's source: new code, new cache."""
    files = sorted(p for p in _CODE.rglob("*") if p.suffix in (".py", ".json") and "__pycache__" not in p.parts)
    return fingerprint([(p.relative_to(_CODE).as_posix(), p.read_bytes()) for p in files])


class LoadCache:
    """Results by key, read from `path` at start and written back by `save`."""

    def __init__(self, path: Path | None):
        self.path = path
        self.code = code_digest()
        self._old: dict[str, bytes] = {}  # digest -> pickled result, from the previous build
        self._new: dict[str, Any] = {}
        self._reset = False  # the file holds entries of other code, or is no database
        if path is not None and path.is_file():
            try:
                db = sqlite3.connect(path)
                try:
                    code = db.execute("SELECT value FROM meta WHERE name = 'code'").fetchone()
                    if code == (self.code,):
                        self._old = dict(db.execute("SELECT digest, value FROM entries"))
                    else:
                        self._reset = True
                finally:
                    db.close()
            except sqlite3.Error:
                self._reset = True
        self.hits = 0
        self.keys: dict[str, Any] = {}  # case id -> key of the file it came from

    @staticmethod
    def file_digest(path: Path) -> str | None:
        """Fingerprint of a regular file's bytes; None for anything else (a
        link, a device, a pipe, a file too large to be a case), which is then
        left to the reader to refuse, uncached."""
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            return None

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        """The cached result for `key`, or `compute()`'s (then cached).
        A key holding None is not cacheable: `compute()` every time."""
        if key is None or None in key:
            return compute()
        digest = fingerprint(key)
        if digest in self._old:
            value = pickle.loads(self._old[digest])
            self.hits += 1
        else:
            value = compute()
        self._new[digest] = value
        return value

    def has(self, key: Any) -> bool:
        """Whether `get(key, …)` would answer from the cache."""
        return not (key is None or None in key) and fingerprint(key) in self._old

    def save(self) -> None:
        """Keep this build's entries only (so removed files leave the cache).
        Entries are named by their keys: the same names, the same cache."""
        if self.path is None or (self._new.keys() == self._old.keys() and not self._reset):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._reset:
                self.path.unlink(missing_ok=True)
            db = sqlite3.connect(self.path)
            try:
                with db:  # one transaction: all of it or nothing
                    db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
                    db.execute("CREATE TABLE IF NOT EXISTS entries (digest TEXT PRIMARY KEY, value BLOB)")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (self.code,))
                    db.executemany("DELETE FROM entries WHERE digest = ?", ((d,) for d in self._old.keys() - self._new.keys()))
                    db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", (
                        (d, pickle.dumps(v, pickle.HIGHEST_PROTOCOL)) for d, v in self._new.items() if d not in self._old))
            finally:
                db.close()
        except (OSError, sqlite3.Error):
            pass
