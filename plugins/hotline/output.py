"""The one way our outputs are written: guarded, into the staging directory."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from pelican import signals

from .guard import Guard


class SiteWriter:
    """Writes files below `root` after the guard has read every byte."""

    def __init__(self, root: Path, guard: Guard, context: dict[str, Any]):
        self.root = root
        self.guard = guard
        self.context = context
        self.written: set[str] = set()

    def write(self, relpath: str, data: str | bytes, scope: frozenset[str] | None = None) -> None:
        """Write one file. `scope`: ids of the cases whose text it alone carries."""
        path = PurePosixPath(relpath)
        if path.is_absolute() or ".." in path.parts or relpath in self.written:
            raise ValueError(f"output path {relpath!r} is outside the site or written twice")
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.guard.check(relpath, raw, scope)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        self.written.add(relpath)
        signals.content_written.send(str(target), context=self.context)


def root_of(relpath: str) -> str:
    """Relative URL from the page at `relpath` to the site root: '', '../', …"""
    return "../" * relpath.count("/")
