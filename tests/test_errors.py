"""Deep code raises HotlineError (ConfigError for settings); only the command
line and the places where Pelican calls us turn it into an exit."""

from __future__ import annotations

import pytest
from conftest import ROOT

from hotline.build.guard import LeakError
from hotline.build.publish import PublishError
from hotline.problems import ConfigError, HotlineError
from hotline.settings import HotlineSettings

PACKAGE = ROOT / "plugins" / "hotline"
EDGES = ("cli.py", "commands/", "build/generator.py", "build/pelican.py")


def test_only_the_edges_raise_build_failed():
    deep = [
        path.relative_to(PACKAGE).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
        if "raise BuildFailed" in path.read_text("utf-8") and not path.relative_to(PACKAGE).as_posix().startswith(EDGES)
    ]
    assert deep == []


def test_our_errors_are_ordinary_exceptions():
    for error in (ConfigError, LeakError, PublishError):
        assert issubclass(error, HotlineError)
    assert not issubclass(HotlineError, SystemExit)
    with pytest.raises(ConfigError, match=r"^设置错误：HOTLINE\['PER_PAGE'\] 应为不小于 1 的整数（现为 0）$"):
        HotlineSettings.from_pelican({"HOTLINE": {"PER_PAGE": 0}})
