"""Shared fixtures: a tiny cases directory written from dicts, and builds of it."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from hotline import cli

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "pelicanconf.py"

DEPARTMENTS = [
    {"name": "市城管执法局", "phone": "6381234", "aliases": ["城管执法局", "市城管局"]},
    {"name": "市公安局", "phone": "6520119"},
]
CATEGORIES = [{"name": "城市管理", "slug": "urban-management"}, {"name": "户籍管理"}]
DISTRICTS = [
    {"name": "浉河区", "aliases": ["浉河"]},
    {"name": "平桥区", "aliases": ["平桥"]},
    {"name": "罗山县"},
    {"name": "商城县"},
    {"name": "淮滨县"},
    {"name": "息县"},
]

SEED_CASE = {
    "id": "XY-2013-000042",
    "status": "resolved",
    "received_at": "2013-01-10 09:12",
    "caller": {
        "name": "何丽华",
        "gender": "female",
        "phone": "138 3761 2045",
        "address": "浉河区大拱桥小区3号楼2单元501室",
        "employer": "信阳市某某商贸有限公司",
    },
    "place": {"district": "浉河区", "area": "大拱桥居民小区"},
    "category": "城市管理",
    "headline": ["管道损坏致停水", "及时维修促供水"],
    "complaint": "大拱桥居民小区近期经常停水，影响居民正常生活，多次反映无人维修，请求相关部门帮助解决。",
    "handling": [
        {
            "department": "市城管执法局",
            "assigned_at": "2013-01-10",
            "finding": "情况属实",
            "action": "该处由于内河治理，于1月4日和1月9日两次施工挖坏供水管道。供水公司现已对管道进行了维修，恢复了正常供水。",
        }
    ],
    "resolved_at": "2013-01-14",
    "followup": {"at": "2013-01-16", "result": "satisfied", "comment": "反映人对此结果表示满意"},
    "reporter": "曾宪科",
}


def make_case(**changes) -> dict:
    """The seed case with top-level keys changed (None removes a key)."""
    case = copy.deepcopy(SEED_CASE)
    for key, value in changes.items():
        if value is None:
            case.pop(key, None)
        else:
            case[key] = value
    return case


def write_cases(cases_dir: Path, cases: dict[str, dict | str], departments=None, categories=None, districts=None) -> Path:
    """A cases directory: the registries and one file per entry (dict -> YAML, str -> as is)."""
    cases_dir.mkdir(parents=True, exist_ok=True)
    registries = {"departments.yaml": departments or DEPARTMENTS, "categories.yaml": categories or CATEGORIES,
                  "districts.yaml": districts or DISTRICTS}
    for name, entries in registries.items():
        (cases_dir / name).write_text(yaml.safe_dump(entries, allow_unicode=True), "utf-8")
    for name, content in cases.items():
        path = cases_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
        path.write_text(text, "utf-8")
    return cases_dir


# Modules whose tests build many sites, kill builds or generate hundreds of
# examples: `make test-fast` leaves them out (marker `slow`); tests that drive
# Chromium are marked `browser`.
SLOW_MODULES = frozenset({
    "test_faults", "test_properties", "test_privacy_attacks", "test_bench", "test_parallel", "test_incremental",
    "test_search_shards", "test_led_build", "test_injection", "test_cli_serve", "test_disclosure", "test_hostile_input",
    "test_privacy_spellings", "test_output_dir", "test_stats_build", "test_search", "test_import", "test_site",
    "test_build", "test_new", "test_open311", "test_display_modes", "test_deploy", "test_embed",
    "test_bulletin_pdf", "test_watch",
})


def pytest_collection_modifyitems(items):
    for item in items:
        if {"page", "chromium"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the `hotline` command in-process; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(ROOT)

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def one_chinese_line(stderr: str) -> str:
    """The one line a mistake of the user's gives: in Chinese, no traceback, nothing else."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert re.search(r"[\u4e00-\u9fff]", lines[0]), stderr
    return lines[0]


def output_text(output: Path) -> str:
    """Every file below `output`, concatenated, for searching."""
    return "\n".join(p.read_text("utf-8", errors="replace") for p in sorted(output.rglob("*")) if p.is_file())


def tree(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample site (cases_data/ with pelicanconf.py), built once per test session."""
    from hotline.build.pelican import run_pelican

    out = tmp_path_factory.mktemp("sample") / "output"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run_pelican(SETTINGS, {"OUTPUT_PATH": str(out)})
    return out


from browser import LocalServer, chromium, page  # noqa: E402,F401  (fixtures for browser tests)
