"""One build: lock, staging directory, final guard pass and atomic publish.

Pelican writes into the staging directory (its OUTPUT_PATH is redirected
when the build starts); only when everything, the guard included,
succeeded is the staging directory swapped in for the real output.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pelican import Pelican

from hotline.build.guard import Guard
from hotline.build.manifest import commit_manifest, write_manifest
from hotline.build.outputdir import check_output
from hotline.build.publish import PublishError, build_lock, discard, os_error_text, prepare_staging, staging_path, swap_in
from hotline.fingerprint import fingerprint
from hotline.problems import BuildFailed, HotlineError
from hotline.settings import HotlineSettings, read_file

if TYPE_CHECKING:
    from hotline.load.casedata import Loaded
    from hotline.model import CaseSet

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a build read, for the line staff see at the end."""

    cases: int  # valid case files
    published: int
    withheld: int  # resolved but `publish: false`

    @classmethod
    def of(cls, cases: CaseSet) -> Summary:
        return cls(len(cases.facts), len(cases.cases), cases.withheld)




class Build:
    """The state of one build of one output directory.

    The published site (`final`) is also the previous build: files that come
    out the same are hard links to it, and its manifest says from which keys
    its files were made and against which private values they were guarded.
    """

    def __init__(self, final: Path):
        self.final = final
        self.staging = staging_path(final)
        self.guard: Guard | None = None
        self.written: set[str] = set()
        self.checked: set[str] = set()  # read by the guard already (our files, the search index)
        self.previous = final if final.is_dir() else None
        # Private, beside the output and never in it: the load cache, and the
        # manifest (the key of each published file, and a fingerprint of the
        # private values they were guarded against) of the site it describes.
        self.cache = final.parent / f".{final.name}.cache" / "cases.sqlite"
        self.manifest = self.cache.parent / "manifest.json"
        old = _read_manifest(self.manifest)
        if self.previous is None or old.get("output") != _identity(final):
            old = {}  # the output is not the site the manifest describes: reuse nothing
        self.old_keys: dict[str, str] = old.get("keys", {})
        self.old_values: str = old.get("values", "")
        self.keys: dict[str, str] = {}
        self.values = ""  # fingerprint of the private values this build guards against
        self.summary: Summary | None = None
        self.progress: Progress | None = None  # set by `hotline build` to show progress
        # What the case generator worked out, for `hotline watch` (build/live.py) to keep.
        self.loaded: Loaded | None = None
        self.generator: Any = None
        self.code = ""  # fingerprint of the code, for what is kept beside the output
        self.carried: set[str] = set()  # files linked from the published site unchanged and unread (`carry_over`)
        self.live = False  # a live rebuild (build/live.py), which carries files over
        self._held = ExitStack()

    def report(self, stage: str, done: int, total: int) -> None:
        """Tell `progress`, if any, how far `stage` has come."""
        if self.progress:
            self.progress(stage, done, total)

    def start(self) -> Path:
        """Take the lock and an empty staging directory; returns the latter."""
        try:
            self._held.enter_context(build_lock(self.final))
            return prepare_staging(self.final)
        except PublishError as e:
            self._held.close()
            raise BuildFailed(str(e)) from None

    def finish(self) -> None:
        """Guard what others wrote (Pelican's pages, static files), then publish."""
        try:
            if self.guard is None:
                raise BuildFailed("构建没有读取案件（插件 hotline 的生成器没有运行），已发布的网站保持不变。")
            self.report("检查输出", 0, 1)
            # Files read already, and the published site's files reused unread: a
            # build guarded their names and contents against the same private values.
            same_values = self.live or self.values == self.old_values
            self.guard.check_tree(self.staging, self.checked | self.carried, skip_names=same_values)
            self.report("检查输出", 1, 1)
            self._link_unchanged()
            manifest = write_manifest(self.staging, self.final)  # last: it vouches for all the rest
            swap_in(self.staging, self.final)
            commit_manifest(manifest, self.final)
            self._write_manifest()
        except HotlineError as e:
            raise BuildFailed(str(e)) from None
        finally:
            self.abort()

    def _write_manifest(self) -> None:
        """Record what the published site was made from; without it the next
        build is only slower, so a failure to write it is not an error."""
        data = {"output": _identity(self.final), "values": self.values, "keys": self.keys}
        try:
            self.manifest.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.manifest.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, sort_keys=True), "utf-8")
            os.replace(tmp, self.manifest)
        except OSError:
            pass

    def carry_over(self, files: set[str]) -> None:
        """Link `files` (relative paths) from the published site into staging
        as they are: what a live rebuild does not make again (Pelican's pages
        and static files). The guard read them when they were made, against
        the same private values, so they are not read again."""
        assert self.previous is not None, "a live rebuild has a published site"
        for rel in sorted(files):
            target = self.staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(self.previous / rel, target)
        self.carried |= files
        self.live = True

    def guard_with(self, guard: Guard, values_key: str) -> None:
        """Use `guard`; `values_key` fingerprints its private values."""
        self.guard = guard
        self.values = values_key

    def _link_unchanged(self) -> None:
        """Files others wrote (Pelican's pages, static files, the search index)
        that equal the published ones become hard links to them: not rewritten."""
        if self.previous is None:
            return
        for directory, _, names in os.walk(self.staging):
            base = os.path.relpath(directory, self.staging)
            for name in names:
                rel = name if base == "." else f"{base}/{name}"
                if rel not in self.written:
                    self._link_if_same(os.path.join(directory, name), os.path.join(self.previous, rel))

    @staticmethod
    def _link_if_same(path: str, old: str) -> None:
        try:
            new_info, old_info = os.lstat(path), os.lstat(old)
        except OSError:
            return  # a new file
        if not (stat.S_ISREG(new_info.st_mode) and stat.S_ISREG(old_info.st_mode)):
            return
        if (new_info.st_dev, new_info.st_ino) == (old_info.st_dev, old_info.st_ino):
            return  # already linked (a reused search index)
        if new_info.st_size == old_info.st_size and Path(old).read_bytes() == Path(path).read_bytes():
            tmp = path + ".hotline-link"
            os.link(old, tmp)
            os.replace(tmp, path)

    def abort(self) -> None:
        """Drop the staging directory and the lock; the output stays as it was."""
        discard(self.staging)
        self._held.close()


def _identity(path: Path) -> list[int] | None:
    """Device and inode of a directory: a published site swapped in by a build is a new one."""
    try:
        info = path.stat()
        return [info.st_dev, info.st_ino]
    except OSError:
        return None


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


@contextmanager
def stopping(build: Build | None = None) -> Iterator[None]:
    """Where Pelican calls us: a HotlineError becomes BuildFailed, with the
    same message (a SystemExit, which Pelican's catch-all lets through without
    a traceback); `build`, if given, is dropped first."""
    try:
        yield
    except HotlineError as e:
        if build is not None:
            build.abort()
        raise BuildFailed(str(e)) from None


def values_key(values) -> str:
    """Fingerprint of a build's private values (order does not matter)."""
    return fingerprint(sorted((v.value, v.case_id, v.field, v.kind, v.strong) for v in values))


def run_pelican(
    settings_file: str | Path, overrides: dict[str, Any] | None = None, progress: Progress | None = None
) -> Pelican:
    """Build the site in this process, releasing lock and staging whatever happens."""
    with stopping():
        settings = read_file(Path(settings_file), overrides)
        # As the plugin does when the build starts, and with the settings file's folder, which only we know.
        check_output(settings["OUTPUT_PATH"], settings, HotlineSettings.from_pelican(settings).cases_path, Path(settings_file))
    pelican = Pelican(settings)
    if hasattr(pelican, "hotline_build"):
        pelican.hotline_build.progress = progress
    try:
        pelican.run()
    except OSError as e:  # a full disk or an unwritable directory while writing: no traceback
        build = getattr(pelican, "hotline_build", None)
        where = e.filename or (build.final if build else pelican.output_path)
        raise BuildFailed(os_error_text("写入", where, e) + "构建已中止，已发布的网站保持不变。") from None
    finally:
        build = getattr(pelican, "hotline_build", None)
        if build is not None:
            build.abort()
    return pelican
