"""The search index in shards, one per year a case was received: an edit
re-indexes its year only, a rebuild with nothing changed neither rewrites
nor re-reads any index file, and a published shard that is reused is read
again by the guard when the private values changed. And search turned off."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pagefind_bin_extended
import pytest
from conftest import ROOT, SETTINGS, make_case, write_cases
from lxml import html

from hotline.build.guard import Guard
from hotline.build.pelican import run_pelican
from hotline.feeds.search import SCRATCH, library_files
from hotline.problems import BuildFailed

YEARS = (2012, 2013)


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: changes when it is rewritten."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def rewritten(before: dict, after: dict) -> set[str]:
    return {k for k, v in after.items() if before.get(k) != v}


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Three cases received in each of two years; `site(**overrides)` builds
    and returns a snapshot; `site.guarded` lists the paths the guard read."""
    monkeypatch.chdir(ROOT)
    cases = {}
    for year in YEARS:
        for i in range(1, 4):
            case_id = f"XY-{year}-00000{i}"
            cases[f"{year}/{case_id}.yaml"] = make_case(
                id=case_id, received_at=f"{year}-0{i}-10 09:00", resolved_at=f"{year}-0{i}-20",
                handling=[{**make_case()["handling"][0], "assigned_at": f"{year}-0{i}-10"}],
                followup={"at": f"{year}-0{i}-25", "result": "satisfied"},
                caller={**make_case()["caller"], "phone": f"139 0376 {year}", "name": f"何丽{'华芳梅'[i - 1]}"})
    cases_dir = write_cases(tmp_path / "cases", cases)
    out = tmp_path / "out"
    guarded: list[str] = []
    check, check_content = Guard.check, Guard._check_content

    def spy_check(self, path, data, scope=None):
        guarded.append(path)
        return check(self, path, data, scope)

    def spy_content(self, path, data, scope):
        guarded.append(path)
        return check_content(self, path, data, scope)

    monkeypatch.setattr(Guard, "check", spy_check)
    monkeypatch.setattr(Guard, "_check_content", spy_content)

    def build(**overrides):
        guarded.clear()
        run_pelican(SETTINGS, {"CASES_PATH": str(cases_dir), "OUTPUT_PATH": str(out), **overrides})
        return snapshot(out)

    build.cases, build.out, build.guarded = cases_dir, out, guarded
    return build


def edit(cases: Path, case_id: str, old: str, new: str) -> None:
    path = next(cases.rglob(f"{case_id}.yaml"))
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def index_files(snap: dict) -> set[str]:
    return {p for p in snap if p.startswith("pagefind/")}


def searched_index_files(snap: dict) -> set[str]:
    """`index_files` but Pagefind's program files, which hold no case (`library_files`)."""
    return {p for p in index_files(snap) if p.rsplit("/", 1)[1] not in library_files()}


def test_one_shard_per_year_and_no_scratch_left(site):
    first = site()
    assert {p.split("/")[1] for p in index_files(first)} == {str(y) for y in YEARS}
    assert not any(SCRATCH in p for p in first)
    assert not (site.out.parent / SCRATCH).exists()


def test_an_edit_reindexes_its_year_only(site):
    first = site()
    edit(site.cases, "XY-2013-000002", "影响居民正常生活", "严重影响居民正常生活")
    changed = rewritten(first, site())
    assert "cases/XY-2013-000002.html" in changed
    assert index_files(changed) and all(p.startswith("pagefind/2013/") for p in index_files(changed)), changed
    assert "pagefind/2013/hotline-pages.txt" in changed
    reread = {p for p in site.guarded if p.startswith("pagefind/")}
    assert reread and reread <= changed  # the shard's files that came out as published were read when they were made
    assert len(reread) < len(index_files(first)) / 2
    fragments = [gzip.decompress(p.read_bytes()).decode().replace("\u200b", "")
                 for p in (site.out / "pagefind/2013/fragment").iterdir()]
    assert any("严重影响居民正常生活" in f for f in fragments)


def test_a_rebuild_with_nothing_changed_rewrites_and_rereads_no_index_file(site):
    first = site()
    assert searched_index_files(first) <= set(site.guarded)  # each was read once, when it was made
    programs = index_files(first) - searched_index_files(first)
    assert programs and not programs & set(site.guarded)
    again = site()
    assert rewritten(first, again) == set()
    assert not {p for p in site.guarded if p.startswith("pagefind/")}


def test_a_reused_shard_is_read_again_when_the_private_values_change(site):
    """A caller's new phone number changes no page, so both shards are reused,
    but against new private values: the guard reads them again."""
    first = site()
    edit(site.cases, "XY-2013-000001", "139 0376 2013", "139 0376 2999")
    changed = rewritten(first, site())
    assert index_files(changed) == set()
    assert searched_index_files(first) <= set(site.guarded)


def test_a_reused_shard_holding_a_new_private_value_stops_the_build(site):
    """Would pass if a reused shard were not read again by the guard: the
    published 2012 shard is given a name that only a new 2013 case makes private."""
    site()
    fragment = next((site.out / "pagefind/2012/fragment").iterdir())
    body = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
    body["content"] += "欧阳振华"
    fragment.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(body, ensure_ascii=False).encode()))
    edit(site.cases, "XY-2013-000003", "何丽梅", "欧阳振华")
    with pytest.raises(BuildFailed, match="隐私保护") as failed:
        site()
    assert "pagefind/2012/fragment/" in str(failed.value)


def test_search_turned_off(site, monkeypatch):
    def no_pagefind():
        raise AssertionError("Pagefind must not run")

    monkeypatch.setattr(pagefind_bin_extended, "get_executable", no_pagefind)
    site(HOTLINE={"SEARCH": False})
    assert not (site.out / "pagefind").exists()
    page = site.out / "search.html"
    doc = html.fromstring(page.read_text("utf-8"))
    assert "没有开通站内搜索" in doc.text_content()
    assert not doc.xpath("//form | //script[@src]")  # the inline one is the reading settings' (base.html)
    for href in doc.xpath("//main//a/@href"):
        assert (page.parent / href).is_file(), href


def test_search_turned_off_then_on(site):
    site(HOTLINE={"SEARCH": False})
    site()
    assert {p.name for p in (site.out / "pagefind").iterdir()} == {str(y) for y in YEARS}
    assert "data-bundles" in (site.out / "search.html").read_text("utf-8")


@pytest.mark.parametrize("value", ["no", 0, None])
def test_the_search_setting_is_a_boolean(site, value):
    with pytest.raises(BuildFailed, match="SEARCH"):
        site(HOTLINE={"SEARCH": value})
