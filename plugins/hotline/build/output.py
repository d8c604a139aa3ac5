"""The one way our outputs are written: guarded, into the staging directory;
and the one way our pages are rendered (`SiteWriter.render`).

Incremental by construction: a file whose bytes equal the published one is
hard-linked from the published site instead of written, so a rebuild
rewrites only what changed; and `write_cached` skips rendering a file
whose inputs (its key) are those of the previous build.

Parallel where it pays: `write_all` deals a list of outputs out to
forked processes, each rendering, guarding and writing its share.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment
from pelican import signals

from hotline.build.guard import Guard
from hotline.build.parallel import process_count, run_shares, shares
from hotline.fingerprint import fingerprint
from hotline.site.navigation import section_of


@dataclass(frozen=True, slots=True)
class Output:
    """One file to write: where, what it is (for messages), how to render it,
    `scope` (ids of the cases whose text it alone carries), `key`,
    everything it is made from besides templates, settings and code
    (None: render it every time), and `read`, how the guard reads a file
    whose bytes are not its text (a PDF: `pdf.pdf_text`)."""

    path: str
    what: str
    render: Callable[[], str | bytes]
    scope: frozenset[str] | None = None
    key: object = None
    read: Callable[[bytes], str] | None = None


class SiteWriter:
    """Writes files below `root` after the guard has read every byte.

    `env` renders the pages (site/templating.py); `previous` is the published
    site, if any; `old_keys` the keys its files were made from; `recheck` says
    whether the guard's private values changed since, so that reused files
    must be read by the guard again.
    """

    def __init__(
        self,
        root: Path,
        guard: Guard,
        context: dict[str, Any],
        env: Environment | None = None,
        previous: Path | None = None,
        old_keys: dict[str, str] | None = None,
        base_key: str = "",
        recheck: bool = True,
        processes: int = 1,
    ):
        self.root = root
        self.guard = guard
        self.context = context
        self.env = env
        self.previous = previous
        self.old_keys = old_keys or {}
        self.base_key = base_key
        self.recheck = recheck
        self.processes = processes
        self.signal = True  # tell Pelican's plugins about each file (not from a worker process)
        self.written: set[str] = set()
        self.checked: set[str] = set()  # files the guard has read: all written ones, and some others' (search index)
        self.keys: dict[str, str] = {}
        self._made: set[PurePosixPath] = set()  # directories made below root

    def render(self, path: str, template: str, /, **ctx: Any) -> str:
        """The page at `path` from `template`: with `root`, the relative URL of
        the site root, and `section`, its navigation section; the settings and
        the navigation are globals of `env`."""
        assert self.env is not None, "this writer was made without templates"
        return self.env.get_template(template).render(root=root_of(path), section=section_of(path), **ctx)

    def write(
        self, relpath: str, data: str | bytes, scope: frozenset[str] | None = None,
        read: Callable[[bytes], str] | None = None,
    ) -> None:
        """Write one file. `scope`: ids of the cases whose text it alone carries;
        `read`: the text the guard reads in its bytes (`Output.read`), if not they."""
        target = self._target(relpath)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        old = self._old(relpath)
        same = old is not None and old.stat().st_size == len(raw) and old.read_bytes() == raw
        # The published bytes passed the guard against the same private values
        # (an aggregate, scope None, always is read for strong values only).
        if not same or self.recheck or scope is not None:
            self.guard.check(relpath, read(raw) if read else raw, scope)
        if same:
            assert old is not None
            os.link(old, target)
        else:
            target.write_bytes(raw)
        self._done(relpath, target)

    def write_cached(
        self, relpath: str, key: Any, render: Callable[[], str | bytes], scope: frozenset[str] | None = None,
        read: Callable[[bytes], str] | None = None,
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
                data = old.read_bytes()
                self.guard.check(relpath, read(data) if read else data, scope)
            os.link(old, target)
            self._done(relpath, target)
        else:
            self.write(relpath, render(), scope, read)

    def write_output(self, output: Output) -> None:
        """Write one planned output, reusing the published file when its key allows."""
        if output.key is None:
            self.write(output.path, output.render(), output.scope, output.read)
        else:
            self.write_cached(output.path, output.key, output.render, output.scope, output.read)

    def write_all(self, outputs: Sequence[Output]) -> None:
        """Write every output, shared out over `processes` processes; each
        renders, guards and writes its share (see parallel.py)."""
        count = process_count(outputs, self.processes)
        if count < 2:
            for output in outputs:
                self.write_output(output)
            return
        parent = os.getpid()

        def work(share: Sequence[Output]) -> tuple[set[str], dict[str, str]] | None:
            if os.getpid() == parent:
                for output in share:
                    self.write_output(output)
                return None
            self.signal = False  # the parent tells Pelican's plugins
            already = set(self.written)
            for output in share:
                self.write_output(output)
            return self.written - already, self.keys

        for result in run_shares(work, shares(outputs, count))[1:]:
            assert result is not None  # only the parent's own share gives None
            written, keys = result
            for relpath in sorted(written - self.written):
                signals.content_written.send(str(self.root / relpath), context=self.context)
            self.written |= written
            self.checked |= written
            self.keys.update(keys)

    def _target(self, relpath: str) -> Path:
        path = PurePosixPath(relpath)
        if path.is_absolute() or ".." in path.parts or relpath in self.written:
            raise ValueError(f"output path {relpath!r} is outside the site or written twice")
        target = self.root / path
        if path.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        return target

    def _old(self, relpath: str) -> Path | None:
        """The published file at `relpath`, if it is a regular file."""
        if self.previous is None:
            return None
        old = self.previous / relpath
        try:
            return old if stat.S_ISREG(os.lstat(old).st_mode) else None
        except OSError:
            return None

    def _done(self, relpath: str, target: Path) -> None:
        self.written.add(relpath)
        self.checked.add(relpath)
        if self.signal:
            signals.content_written.send(str(target), context=self.context)


def root_of(relpath: str) -> str:
    """Relative URL from the page at `relpath` to the site root: '', '../', …"""
    return "../" * relpath.count("/")
