"""One build: lock, staging directory, final guard pass and atomic publish.

Pelican writes into the staging directory (its OUTPUT_PATH is redirected
when the build starts); only when everything, the guard included,
succeeded is the staging directory swapped in for the real output.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from .guard import Guard, LeakError
from .problems import BuildFailed
from .publish import PublishError, build_lock, discard, prepare_staging, staging_path, swap_in


class Build:
    """The state of one build of one output directory."""

    def __init__(self, final: Path):
        self.final = final
        self.staging = staging_path(final)
        self.guard: Guard | None = None
        self.written: set[str] = set()
        self._held = ExitStack()

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
            self.guard.check_tree(self.staging, self.written)
            swap_in(self.staging, self.final)
        except LeakError as e:
            raise BuildFailed(str(e)) from None
        except PublishError as e:
            raise BuildFailed(str(e)) from None
        finally:
            self.abort()

    def abort(self) -> None:
        """Drop the staging directory and the lock; the output stays as it was."""
        discard(self.staging)
        self._held.close()


def run_pelican(settings_file: str | Path, overrides: dict[str, Any] | None = None) -> Pelican:
    """Build the site in this process, releasing lock and staging whatever happens."""
    settings = read_settings(str(settings_file), override=overrides or {})
    pelican = Pelican(settings)
    try:
        pelican.run()
    finally:
        build = getattr(pelican, "hotline_build", None)
        if build is not None:
            build.abort()
    return pelican
