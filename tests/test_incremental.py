"""Rebuilds write only what changed, and never leave stale output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SETTINGS, make_case, write_cases

from hotline.build.pelican import run_pelican


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: changes when it is rewritten."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def rewritten(before: dict, after: dict) -> set[str]:
    return {k for k, v in after.items() if before.get(k) != v}


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    cases = {f"2013/0{i}/XY-{i}.yaml": make_case(id=f"XY-{i}", received_at=f"2013-0{i}-10", resolved_at=f"2013-0{i}-20")
             for i in range(1, 6)}
    cases_dir = write_cases(tmp_path / "cases", cases)
    out = tmp_path / "out"

    def build(**overrides):
        run_pelican(SETTINGS, {"CASES_PATH": str(cases_dir), "OUTPUT_PATH": str(out), **overrides})
        return snapshot(out)

    build.cases, build.out = cases_dir, out
    return build


def test_rebuild_with_nothing_changed_rewrites_no_file(site):
    first = site()
    assert any(p.startswith("pagefind/") for p in first)
    assert rewritten(first, site()) == set()


def test_search_index_follows_an_edit(site):
    site()
    path = site.cases / "2013/03/XY-3.yaml"
    path.write_text(path.read_text("utf-8").replace("影响居民正常生活", "影响居民正常生活和洗衣做饭"), "utf-8")
    before = (site.out / "pagefind/2013/hotline-pages.txt").read_text("utf-8")
    site()
    assert (site.out / "pagefind/2013/hotline-pages.txt").read_text("utf-8") != before


def test_edit_rewrites_the_case_and_what_lists_it_only(site):
    first = site()
    path = site.cases / "2013/03/XY-3.yaml"
    path.write_text(path.read_text("utf-8").replace("影响居民正常生活", "严重影响居民正常生活"), "utf-8")
    changed = rewritten(first, site())
    assert "cases/XY-3.html" in changed
    assert "严重影响居民正常生活" in (site.out / "cases/XY-3.html").read_text("utf-8")
    for untouched in ("cases/XY-1.html", "cases/XY-5.html", "pages/about.html"):
        assert untouched not in changed
    assert len(changed) < len(first) / 3


def test_edit_reaches_every_output_that_carries_the_case(site):
    """Cached outputs are keyed by the case's content: an edit reaches each of them."""
    site()
    path = site.cases / "2013/03/XY-3.yaml"
    path.write_text(path.read_text("utf-8").replace("影响居民正常生活", "严重影响居民正常生活"), "utf-8")
    site()
    carriers = ("cases/XY-3.html", "cases/index.html", "archive/2013/03/index.html", "feeds/all.atom.xml",
                "open311/v2/requests.json", "open311/v2/requests/XY-3.json", "open311/bulk/requests-2013.csv")
    for relpath in carriers:
        assert "严重影响居民正常生活" in (site.out / relpath).read_text("utf-8-sig"), relpath


def test_template_change_reaches_every_page(site, tmp_path):
    site()
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    case_template = theme / "templates" / "case.html"
    case_template.write_text(case_template.read_text("utf-8").replace("</article>", "<p>模板已更新</p></article>", 1), "utf-8")
    site(THEME=str(theme))
    for i in range(1, 6):
        assert "模板已更新" in (site.out / f"cases/XY-{i}.html").read_text("utf-8")


def test_registry_change_reaches_the_department_pages(site):
    site()
    departments = site.cases / "departments.yaml"
    entries = yaml.safe_load(departments.read_text("utf-8"))
    entries[0]["phone"] = "6389999"
    departments.write_text(yaml.safe_dump(entries, allow_unicode=True), "utf-8")
    site()
    assert "6389999" in (site.out / "cases/XY-1.html").read_text("utf-8")
    assert "6381234" not in (site.out / "cases/XY-1.html").read_text("utf-8")


def test_new_private_value_rechecks_reused_pages(site):
    """A page reused from the previous build is guarded again when the private values change."""
    site()
    assert "6381234" in (site.out / "cases/XY-2.html").read_text("utf-8")
    # A new record whose caller's name is a word of the menu on every page (no case text says it).
    write_cases(site.cases, {"2013/07/new.yaml": {"id": "XY-NEW", "status": "received", "received_at": "2013-07-01",
                                                  "caller": {"name": "开放数据"}}})
    before = {p: p.read_bytes() for p in site.out.rglob("*") if p.is_file()}
    with pytest.raises(SystemExit, match="隐私保护"):
        site()
    assert {p: p.read_bytes() for p in site.out.rglob("*") if p.is_file()} == before


def test_manifest_is_kept_beside_the_output_and_a_replaced_output_is_not_trusted(site):
    site()
    assert not (site.out / ".hotline").exists()
    assert (site.out.parent / ".out.cache" / "manifest.json").is_file()
    # Someone restores the site from elsewhere, with a page that differs from what the build made.
    copy = site.out.parent / "copy"
    shutil.copytree(site.out, copy)
    (copy / "cases/XY-1.html").write_text("旧页面", "utf-8")
    shutil.rmtree(site.out)
    copy.rename(site.out)
    site()
    assert "管道损坏致停水" in (site.out / "cases/XY-1.html").read_text("utf-8")
