"""pyproject.toml: what the package ships and what it needs to run."""

from __future__ import annotations

import ast
import importlib.metadata
import sys
import tomllib

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
PACKAGE = ROOT / "plugins" / "hotline"


def test_package_data_names_files_that_exist():
    for package, patterns in PROJECT["tool"]["setuptools"]["package-data"].items():
        folder = ROOT / "plugins" / package.replace(".", "/")
        for pattern in patterns:
            assert any(p.is_file() for p in folder.glob(pattern)), f"{package}: {pattern}"


def imported_modules() -> set[str]:
    """Top-level names of the modules the plugin imports, but the standard library's and its own."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "hotline"}


def test_every_package_the_plugin_imports_is_a_dependency():
    """Not a test dependency, nor one that another package happens to bring along (feedgen brings lxml)."""
    required = [Requirement(r) for r in PROJECT["project"]["dependencies"]]
    declared = {canonicalize_name(r.name) for r in required}
    for r in required:  # what a declared extra brings, as pagefind[extended] brings pagefind_bin_extended
        for line in importlib.metadata.requires(r.name) or ():
            needed = Requirement(line)
            if needed.marker and any(needed.marker.evaluate({"extra": extra}) for extra in r.extras):
                declared.add(canonicalize_name(needed.name))
    distributions = importlib.metadata.packages_distributions()
    missing = {m for m in imported_modules() if not {canonicalize_name(d) for d in distributions.get(m, [m])} & declared}
    assert missing == set()
