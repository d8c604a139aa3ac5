"""What the previous build learnt about each case file, to skip it next time.

Keyed by the bytes of each file and by everything else its result depends
on (registries, time zone, the code itself; for anonymisation also every
record's private values), so a cached result is never stale. The cache holds
private data: it lives next to the output directory, never inside it, and a
build that cannot read or write it just works without it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .output import fingerprint
from .records import MAX_FILE_BYTES

T = TypeVar("T")
_CODE = Path(__file__).parent


def code_digest() -> str:
    """Fingerprint of this package's source: new code, new cache."""
    files = sorted(p for p in _CODE.rglob("*") if p.suffix in (".py", ".json") and "__pycache__" not in p.parts)
    return fingerprint([(p.relative_to(_CODE).as_posix(), p.read_bytes()) for p in files])


class LoadCache:
    """Results by key, read from `path` at start and written back by `save`."""

    def __init__(self, path: Path | None):
        self.path = path
        self.code = code_digest()
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        if path is not None:
            try:
                with open(path, "rb") as f:
                    data = pickle.load(f)
                if isinstance(data, dict) and data.get("code") == self.code:
                    self._old = data["entries"]
            except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, ValueError, TypeError):
                pass
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
            value = self._old[digest]
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
        if self.path is None or self._new.keys() == self._old.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            with open(tmp, "wb") as f:
                pickle.dump({"code": self.code, "entries": self._new}, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass
