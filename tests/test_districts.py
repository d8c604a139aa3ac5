"""districts.yaml: the public registry of districts a case's place.district must name."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import yaml
from conftest import make_case, write_cases

from hotline.load.casedata import load_cases

TZ = ZoneInfo("Asia/Shanghai")


def problems_of(cases_dir) -> list[str]:
    result, problems = load_cases(cases_dir, TZ)
    assert (result is None) == bool(problems)
    return [str(p) for p in problems]


def test_unknown_district_is_refused_at_its_line_with_the_closest_name(tmp_path):
    text = yaml.safe_dump(make_case(place={"district": "浉合区", "area": "大拱桥居民小区"}), allow_unicode=True, sort_keys=False)
    line = text.splitlines().index("  district: 浉合区") + 1
    cases_dir = write_cases(tmp_path / "cases", {"a.yaml": text})
    assert problems_of(cases_dir) == [
        f"{cases_dir / 'a.yaml'}:{line}: place.district: “浉合区”不在districts.yaml中，是不是“浉河区”？（应为已登记的区县名称）"
    ]


def test_unknown_district_of_an_unresolved_record_is_refused_too(tmp_path):
    record = {"id": "XY-9", "status": "received", "received_at": "2013-01-10", "place": {"district": "火星区"}}
    (problem,) = problems_of(write_cases(tmp_path / "cases", {"a.yaml": record}))
    assert "place.district: “火星区”不在districts.yaml中" in problem


def test_alias_is_published_under_the_registry_name(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(place={"district": "浉河", "area": "大拱桥居民小区"})})
    out = tmp_path / "out"
    code, _, stderr = run("build", "--cases", cases, "--output", out)
    assert code == 0, stderr
    page = (out / "cases" / "XY-2013-000042.html").read_text("utf-8")
    assert '<dt>地区</dt><dd><a href="../district/shi-he-qu/index.html">浉河区</a> 大拱桥居民小区</dd>' in page
    listing = (out / "district" / "shi-he-qu" / "index.html").read_text("utf-8")
    assert "浉河区" in listing and "cases/XY-2013-000042.html" in listing
    assert sorted(p.name for p in (out / "district").iterdir()) == ["index.html", "shi-he-qu"]
    assert "浉河区" in (out / "district" / "index.html").read_text("utf-8")


def test_case_set_lists_the_named_districts_in_registry_order(tmp_path):
    files = {"a.yaml": make_case(id="XY-1", place={"district": "淮滨县"}), "b.yaml": make_case(id="XY-2", place={"district": "平桥"}),
             "c.yaml": make_case(id="XY-3", place={"district": "平桥区"}),
             "d.yaml": make_case(id="XY-4", place={"district": "罗山县"}, publish=False)}
    result, problems = load_cases(write_cases(tmp_path / "cases", files), TZ)
    assert problems == []
    assert [d.name for d in result.districts] == ["平桥区", "淮滨县"]  # 罗山县 names no published case
    assert sorted(f.district or "" for f in result.facts) == ["", "平桥区", "平桥区", "淮滨县"]


def test_missing_districts_registry_says_how_to_make_one(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    (cases / "districts.yaml").unlink()
    (problem,) = problems_of(cases)
    assert problem.startswith(f"{cases / 'districts.yaml'}: 缺少区县登记表 districts.yaml（案件的 place.district 必须是其中的名称或别名")
    assert "新建 districts.yaml，每个区县写一项，如“- {name: 浉河区, aliases: [浉河]}”" in problem
    assert "hotline check --write-districts" in problem
    code, _, stderr = run("build", "--cases", cases, "--output", tmp_path / "out")
    assert code == 1 and problem in stderr and "Traceback" not in stderr


def test_check_writes_districts_from_the_cases_and_the_site_then_builds(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {
        "a.yaml": make_case(id="XY-1"),
        "b.yaml": make_case(id="XY-2", place={"district": "平桥区"}),
        "c.yaml": make_case(id="XY-3", place={"district": " 平桥区 "}),
        "d.yaml": {"id": "XY-4", "status": "received", "received_at": "2013-01-10", "place": {"district": "罗山县"}},
        "e.yaml": {"id": "XY-5", "status": "received", "received_at": "2013-01-10"},
    })
    registry = cases / "districts.yaml"
    registry.unlink()
    code, stdout, stderr = run("check", "--cases", cases, "--write-districts")
    assert code == 0, stderr
    assert f"已写入 {registry}：3 个区县（平桥区、浉河区、罗山县），案件多的在前。" in stdout
    assert "检查通过：共 5 个案件" in stdout
    assert yaml.safe_load(registry.read_text("utf-8")) == [{"name": "平桥区"}, {"name": "浉河区"}, {"name": "罗山县"}]
    code, _, stderr = run("build", "--cases", cases, "--output", tmp_path / "out")
    assert code == 0, stderr
    assert (tmp_path / "out" / "district" / "ping-qiao-qu" / "index.html").is_file()


def test_check_never_overwrites_districts_yaml(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(place={"district": "西城区"})})
    before = (cases / "districts.yaml").read_bytes()
    code, stdout, stderr = run("check", "--cases", cases, "--write-districts")
    assert code == 1 and stdout == ""
    assert f"{cases / 'districts.yaml'} 已经存在，没有改写（要重新生成，请先把它删去或改名）。" in stderr
    assert (cases / "districts.yaml").read_bytes() == before


def test_check_writes_nothing_when_no_case_names_a_district(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"a.yaml": {"id": "XY-5", "status": "received", "received_at": "2013-01-10"}})
    (cases / "districts.yaml").unlink()
    code, _, stderr = run("check", "--cases", cases, "--write-districts")
    assert code == 1 and "案件里没有写 place.district" in stderr
    assert not (cases / "districts.yaml").exists()


def test_duplicate_names_and_aliases_are_refused(tmp_path):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    registry = cases / "districts.yaml"
    registry.write_text("- name: 浉河区\n  aliases: [浉河]\n- name: 平桥区\n  aliases: [浉河, 平桥]\n- name: 平桥\n", "utf-8")
    assert problems_of(cases) == [
        f"{registry}:4: [1].aliases: “浉河”重复：第 1 行的区县已经用了它",
        f"{registry}:5: [2].name: “平桥”重复：第 3 行的区县已经用了它",
    ]


def test_unknown_key_lists_only_the_keys_a_district_may_have(tmp_path):
    districts = [{"name": "浉河区", "phone": "6381234", "code": "411502"}, {"name": "平桥区", "slug": "Ping Qiao"}]
    problems = problems_of(write_cases(tmp_path / "cases", {"a.yaml": make_case()}, districts=districts))
    assert [p.split(": ", 1)[1] for p in problems] == [
        "[0].code: 未知的键“code”（可用的键：aliases、name、slug）",
        "[0].phone: 未知的键“phone”（可用的键：aliases、name、slug）",
        "[1].slug: 网址名 slug 只能用小写字母、数字和连字符，如 urban-management",
    ]


def test_district_slug_set_by_hand_is_its_url(tmp_path, run):
    districts = [{"name": "浉河区", "aliases": ["浉河"], "slug": "shihe"}]
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case(place={"district": "浉河"})}, districts=districts)
    code, _, stderr = run("build", "--cases", cases, "--output", tmp_path / "out")
    assert code == 0, stderr
    assert (tmp_path / "out" / "district" / "shihe" / "index.html").is_file()


def test_check_says_when_districts_yaml_cannot_be_written(tmp_path, run, monkeypatch):
    cases = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    (cases / "districts.yaml").unlink()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("hotline.commands.check.write_atomic", refuse)
    code, _, stderr = run("check", "--cases", cases, "--write-districts")
    assert code == 1 and f"无法写入 {cases / 'districts.yaml'}：Permission denied" in stderr
