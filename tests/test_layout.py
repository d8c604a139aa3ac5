"""The package's one-way flow, read from the imports: an output stage never
sees the raw records or the private values."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "hotline"
OUTPUT_STAGES = ("site", "stats", "feeds")
# What each stage may not import, by module prefix.
FORBIDDEN = {
    **{stage: ("hotline.load", "hotline.privacy", "hotline.commands", "hotline.build.generator") for stage in OUTPUT_STAGES},
    "load": ("hotline.site", "hotline.stats", "hotline.feeds", "hotline.commands", "hotline.build.generator"),
    "privacy": ("hotline.load", "hotline.site", "hotline.stats", "hotline.feeds", "hotline.build", "hotline.commands"),
    "model": ("hotline.load", "hotline.site", "hotline.stats", "hotline.feeds", "hotline.build", "hotline.commands"),
}


def imports(path: Path, package: tuple[str, ...] | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in a module, relative ones resolved
    from its package (by default, where the file lies in the package)."""
    package = package or ("hotline", *path.relative_to(PACKAGE).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [(node.lineno, module if node.module else f"{module}.{a.name}") for a in node.names]
    return found


def crossings(path: Path, stage_name: str, package: tuple[str, ...] | None = None) -> list[str]:
    forbidden = FORBIDDEN.get(stage_name, ())
    return [f"{line}: {module}" for line, module in imports(path, package) if module.startswith(forbidden)]


def stage(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def test_no_stage_imports_against_the_flow():
    found = [f"{path.relative_to(PACKAGE)}:{c}" for path in sorted(PACKAGE.rglob("*.py")) for c in crossings(path, stage(path))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("line", ["from ..load.validate import Record", "from hotline.privacy import private",
                                  "import hotline.load.casedata", "from .. import load"])
def test_a_crossing_is_seen_in_any_spelling(tmp_path, line):
    probe = tmp_path / "render.py"
    probe.write_text(f"{line}\n", "utf-8")
    assert crossings(probe, "site", ("hotline", "site"))


def test_every_stage_says_what_it_may_import():
    for package in ("load", "privacy", "site", "stats", "feeds", "build"):
        doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8")))
        assert doc and "import" in doc, package
