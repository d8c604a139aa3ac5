"""Live rebuilds for `hotline watch` and `hotline serve`.

A `LiveSite` keeps what a full build worked out: the loaded records, the
anonymiser, the guard (its automaton), the compiled templates and the keys
of every published file. When only case files changed, and none of them
changed what is private (its callers, its `redact` terms, whether it is
published, the numbers and addresses its text says), it reads only those
files, anonymises only those records and runs the outputs again: every
file whose key did not change is a hard link to the published one, so only
the bytes that changed are written and guarded. The result is published
atomically like any build, and is byte for byte what a full build of the
same input makes (tests/test_watch.py).

Everything else takes a full build: an edit of a registry, a template, a
content page or the settings; a case file added, removed or with problems;
an edit that changes the private values, since any output may then hold a
value that has become private. So does every change after a failed build.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotline.build.generator import write_outputs
from hotline.build.guard import Guard
from hotline.build.pelican import Build, Summary, values_key
from hotline.load.casedata import Loaded
from hotline.load.records import REGISTRY_FILES


@dataclass
class _State:
    """What the last successful build left in memory."""

    final: Path  # the published site
    loaded: Loaded
    generator: Any  # the CaseGenerator: settings, context, templates, base key
    guard: Guard
    values: str  # fingerprint of the private values the guard looks for
    code: str
    foreign: set[str]  # published files our generator did not write (Pelican's pages, static files)
    known: dict[Path, Path] = field(init=False)  # the case files, resolved -> as read

    def __post_init__(self) -> None:
        self.known = {path.resolve(): path for path in self.loaded.records}


class LiveSite:
    """A site kept up to date, in memory, as its input changes.

    `full()` runs a whole build through Pelican (`build`, e.g.
    `commands.build.build_site`); `rebuild(changed)` applies the changed
    paths, by a live rebuild where it may and by a full build otherwise.
    """

    def __init__(self, build: Any):
        self._build = build  # () -> Build, a full build; BuildFailed on problems
        self._state: _State | None = None

    def rebuild(self, changed: Collection[Path] = ()) -> tuple[Build, bool]:
        """Publish the site for the current input; returns the build and
        whether it was a full one. On problems (BuildFailed) the published
        site stays as it was and the next rebuild is a full one."""
        try:
            edits = self._case_edits(changed) if self._state is not None else None
            build = self._live(edits) if edits is not None else None
            return (build, False) if build is not None else (self.full(), True)
        except BaseException:
            self._state = None
            raise

    def full(self) -> Build:
        """A full build; its state is kept for the next live rebuild."""
        self._state = None
        build = self._build()
        assert build.loaded is not None and build.guard is not None
        self._state = _State(build.final, build.loaded, build.generator, build.guard, build.values, build.code,
                             _files(build.final) - build.written - build.checked)
        return build

    def _case_edits(self, changed: Collection[Path]) -> list[Path] | None:
        """The case files that changed, if nothing else did that a build reads;
        None if the change needs a full build."""
        assert self._state is not None
        cases_dir = self._state.loaded.cases_dir.resolve()
        known = self._state.known
        edits = []
        for path in map(Path, changed):
            path = path.resolve() if path.exists() else Path(os.path.abspath(path))
            if not path.is_relative_to(cases_dir):
                return None  # settings, a content page, the theme
            parts = path.relative_to(cases_dir).parts
            if any(part.startswith((".", "_")) for part in parts):
                continue  # never read: hidden and `_` names (an editor's swap file)
            if path in known:
                if not path.is_file() or path.is_symlink():
                    return None  # removed, or no longer a file the build reads
                edits.append(known[path])
            elif parts in [(name,) for name in REGISTRY_FILES] or path.suffix in (".yaml", ".yml") or path.is_dir():
                return None  # a registry, a new case file, a folder that may hold some
            elif any(p.is_relative_to(path) for p in known):
                return None  # a folder of cases, moved away
        return edits

    def _live(self, edits: list[Path]) -> Build | None:
        """Apply `edits` in memory and publish; None if they need a full build."""
        state = self._state
        assert state is not None
        loaded = state.loaded.edited(edits)
        if loaded is None or values_key(loaded.cases.private_values) != state.values:
            return None
        build = Build(state.final)
        if build.old_values != state.values:
            return None  # the published site is not the one this state made (its manifest is gone)
        build.start()
        try:
            build.guard_with(state.guard, state.values)
            build.loaded, build.code, build.generator = loaded, state.code, state.generator
            build.summary = Summary.of(loaded.cases)
            build.carry_over(state.foreign)
            g = state.generator
            write_outputs(build, loaded.cases, build.staging, g.context, g.pages_env, g.hotline, g.base_key)
            build.finish()
        finally:
            build.abort()
        state.loaded = loaded
        return build


def _files(root: Path) -> set[str]:
    """Every file below `root`, as relative posix paths."""
    found: set[str] = set()
    for directory, _, names in os.walk(root):
        base = os.path.relpath(directory, root)
        found.update(name if base == "." else f"{base}/{name}" for name in names)
    return found
