"""The load cache: reused only when nothing a result depends on changed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import yaml
from conftest import make_case, write_cases

from hotline.load.cache import LoadCache
from hotline.load.casedata import load_cases

TZ = ZoneInfo("Asia/Shanghai")


def load(cases_dir, cache_path):
    cache = LoadCache(cache_path)
    result, problems = load_cases(cases_dir, TZ, cache=cache)
    assert problems == []
    return result, cache.hits


def test_unchanged_files_are_not_read_again_and_give_the_same_result(tmp_path):
    cases = write_cases(tmp_path / "cases", {f"{i}.yaml": make_case(id=f"XY-{i}") for i in range(3)})
    first, hits = load(cases, tmp_path / "cache.pickle")
    assert hits == 0
    second, hits = load(cases, tmp_path / "cache.pickle")
    assert hits == 7  # three files read, the anonymiser, three cases anonymised
    assert second.cases == first.cases and second.private_values == first.private_values


def test_an_edited_file_is_read_again(tmp_path):
    cases = write_cases(tmp_path / "cases", {f"{i}.yaml": make_case(id=f"XY-{i}") for i in range(3)})
    load(cases, tmp_path / "cache.pickle")
    write_cases(cases, {"1.yaml": make_case(id="XY-1", complaint="新的反映内容。")})
    result, hits = load(cases, tmp_path / "cache.pickle")
    assert hits == 5  # two files, the anonymiser (no private value changed), two cases
    assert {c.id: c.complaint for c in result.cases}["XY-1"] == "新的反映内容。"


def test_a_new_private_value_anonymises_every_case_again(tmp_path):
    cases = write_cases(tmp_path / "cases", {f"{i}.yaml": make_case(id=f"XY-{i}", complaint="王建国来电反映。") for i in range(2)})
    first, _ = load(cases, tmp_path / "cache.pickle")
    assert "王建国" in first.cases[0].complaint
    write_cases(cases, {"new.yaml": {"id": "XY-N", "status": "received", "received_at": "2013-01-01", "caller": {"name": "王建国"}}})
    result, hits = load(cases, tmp_path / "cache.pickle")
    assert hits == 2  # the two files, not the anonymiser or their anonymised forms
    assert all("王建国" not in c.complaint for c in result.cases)


def test_a_registry_change_validates_every_file_again(tmp_path):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    load(cases, tmp_path / "cache.pickle")
    departments = yaml.safe_load((cases / "departments.yaml").read_text("utf-8"))
    departments[0]["phone"] = "6389999"
    (cases / "departments.yaml").write_text(yaml.safe_dump(departments, allow_unicode=True), "utf-8")
    result, hits = load(cases, tmp_path / "cache.pickle")
    assert hits == 0 and result.cases[0].handling[0].department.phone == "6389999"


def test_a_district_renamed_in_the_registry_is_published_under_its_new_name(tmp_path):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(place={"district": "浉河"})})
    first, _ = load(cases, tmp_path / "cache.pickle")
    assert first.cases[0].district.name == "浉河区"
    write_cases(cases, {}, districts=[{"name": "信阳市浉河区", "aliases": ["浉河", "浉河区"]}])
    result, hits = load(cases, tmp_path / "cache.pickle")
    assert hits == 1 and result.cases[0].district.name == "信阳市浉河区"  # the anonymiser only
    assert [d.name for d in result.districts] == ["信阳市浉河区"]


def test_a_department_number_or_a_redact_term_builds_the_anonymiser_again(tmp_path):
    text = "请拨打6389999或联系张三丰。"
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(id="XY-A", complaint=text), "b.yaml": make_case(id="XY-B")})
    assert "6389999" not in load(cases, tmp_path / "cache.pickle")[0].cases[0].complaint
    departments = yaml.safe_load((cases / "departments.yaml").read_text("utf-8"))
    departments[0]["phone"] = "6389999"
    write_cases(cases, {}, departments=departments)
    result, _ = load(cases, tmp_path / "cache.pickle")
    assert "6389999" in {c.id: c.complaint for c in result.cases}["XY-A"]  # a department's number is public
    write_cases(cases, {"b.yaml": make_case(id="XY-B", redact=["张三丰"])}, departments=departments)
    result, _ = load(cases, tmp_path / "cache.pickle")
    assert "张三丰" not in {c.id: c.complaint for c in result.cases}["XY-A"]


def test_a_broken_cache_file_is_ignored(tmp_path):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    (tmp_path / "cache.pickle").write_bytes(b"not a pickle")
    assert load(cases, tmp_path / "cache.pickle")[1] == 0
