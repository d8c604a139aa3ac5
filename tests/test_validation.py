"""Loading and validation: every rule of the contract, every problem at once."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml
from conftest import ROOT, make_case, write_cases

from hotline.load.casedata import load_cases

TZ = ZoneInfo("Asia/Shanghai")


def problems_of(tmp_path: Path, cases: dict, **registries) -> list[str]:
    cases_dir = write_cases(tmp_path / "cases", cases, **registries)
    result, problems = load_cases(cases_dir, TZ)
    assert (result is None) == bool(problems)
    return [str(p) for p in problems]


def one(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_valid_case_loads(tmp_path):
    cases_dir = write_cases(tmp_path / "cases", {"2013/01/a.yaml": make_case()})
    result, problems = load_cases(cases_dir, TZ)
    assert problems == []
    (case,) = result.cases
    assert case.id == "XY-2013-000042" and case.caller == "何女士"
    assert case.received_at.isoformat() == "2013-01-10T09:12:00+08:00"


def test_yaml_syntax_error_names_line_and_column(tmp_path):
    text = "id: XY-1\nstatus: [resolved\nreceived_at: 2013-01-10\n"
    msg = one(problems_of(tmp_path, {"a.yaml": text}))
    assert msg.startswith(str(tmp_path / "cases" / "a.yaml") + ":") or "a.yaml:" in msg
    assert "YAML 语法错误" in msg and "列" in msg


def test_tab_indentation_is_a_syntax_error(tmp_path):
    msg = one(problems_of(tmp_path, {"a.yaml": "id: XY-001\ncaller:\n\tname: 何\n"}))
    assert "a.yaml:3:" in msg and "YAML 语法错误" in msg


def test_duplicate_key_is_reported_with_both_lines(tmp_path):
    text = yaml.safe_dump(make_case(), allow_unicode=True, sort_keys=False) + "status: invalid\n"
    msg = one(problems_of(tmp_path, {"a.yaml": text}))
    assert ": status: 重复的键“status”（第 2 行已经写过" in msg


def test_unknown_key_suggests_the_closest(tmp_path):
    case = make_case()
    case["complaints"] = case.pop("complaint")
    problems = problems_of(tmp_path, {"a.yaml": case})
    assert any("complaints: 未知的键“complaints”，是不是“complaint”？" in p for p in problems)
    assert any("缺少必填字段“complaint”" in p for p in problems)


def test_unknown_key_in_handling(tmp_path):
    case = make_case()
    case["handling"][0]["departmant"] = case["handling"][0].pop("department")
    problems = problems_of(tmp_path, {"a.yaml": case})
    assert any("handling[0].departmant: 未知的键“departmant”，是不是“department”？" in p for p in problems)


def test_wrong_types(tmp_path):
    problems = problems_of(tmp_path, {"a.yaml": make_case(publish="yes please", rehandled="twice", headline={"a": 1})})
    joined = "\n".join(problems)
    assert "publish: 类型不对：应为true 或 false" in joined
    assert "rehandled: 类型不对：应为整数" in joined
    assert "headline: 类型不对：应为列表或文字" in joined


@pytest.mark.parametrize("value", ["2013-01-10", "2013-01-10 09:12", "2013-01-10 09:12:00", "2013-1-9"])
def test_accepted_date_forms(tmp_path, value):
    text = yaml.safe_dump(make_case(), allow_unicode=True, sort_keys=False)
    text = text.replace("received_at: 2013-01-10 09:12", f"received_at: {value}")
    assert problems_of(tmp_path, {"a.yaml": text}) == []


def test_quoted_and_yaml_dates_agree(tmp_path):
    quoted = yaml.safe_dump(make_case(id="XY-Q", received_at="2013-01-10"), allow_unicode=True)
    plain = quoted.replace("'2013-01-10'", "2013-01-10").replace("id: XY-Q", "id: XY-P")
    assert "'2013-01-10'" in quoted
    cases_dir = write_cases(tmp_path / "cases", {"q.yaml": quoted, "p.yaml": plain})
    result, problems = load_cases(cases_dir, TZ)
    assert problems == []
    assert len({c.received_at for c in result.cases}) == 1


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2013-02-30", "received_at"),
        ("2013-13-01", "received_at"),
        ("10/01/2013", "received_at: 格式不对"),
        ("1850-01-01", "received_at: 日期不存在或超出范围"),
        ("2013-01-10 25:00", "received_at"),
    ],
)
def test_bad_dates(tmp_path, value, expected):
    msg = one(problems_of(tmp_path, {"a.yaml": make_case(received_at=value)}))
    assert expected in msg and "a.yaml:3:" in msg


def test_unquoted_impossible_yaml_date(tmp_path):
    text = yaml.safe_dump(make_case(), allow_unicode=True, sort_keys=False).replace("resolved_at: '2013-01-14'", "resolved_at: 2013-02-30")
    assert "resolved_at: 2013-02-30" in text
    msg = one(problems_of(tmp_path, {"a.yaml": text}))
    assert "resolved_at: 无法识别的值“2013-02-30”" in msg


def test_resolved_before_received(tmp_path):
    msg = one(problems_of(tmp_path, {"a.yaml": make_case(resolved_at="2013-01-09")}))
    assert "resolved_at: 办结日期早于受理日期 2013-01-10" in msg


def test_duplicate_ids_across_files(tmp_path):
    problems = problems_of(tmp_path, {"a.yaml": make_case(), "sub/b.yaml": make_case()})
    msg = one(problems)
    assert "sub/b.yaml:1: id:" in msg and "a.yaml 的编号相同" in msg


def test_ids_differing_only_in_case_collide(tmp_path):
    msg = one(problems_of(tmp_path, {"a.yaml": make_case(), "b.yaml": make_case(id="xy-2013-000042")}))
    assert "只有大小写不同" in msg


def test_department_and_category_not_in_registry_suggest_closest(tmp_path):
    case = make_case(category="城市管里")
    case["handling"][0]["department"] = "市城管执法"
    problems = problems_of(tmp_path, {"a.yaml": case})
    assert any("category: “城市管里”不在categories.yaml中，是不是“城市管理”？" in p for p in problems)
    assert any("handling[0].department: “市城管执法”不在departments.yaml中，是不是“市城管执法局”？" in p for p in problems)


def test_department_alias_is_accepted(tmp_path):
    case = make_case()
    case["handling"][0]["department"] = "市城管局"
    cases_dir = write_cases(tmp_path / "cases", {"a.yaml": case})
    result, problems = load_cases(cases_dir, TZ)
    assert problems == [] and result.cases[0].handling[0].department.name == "市城管执法局"


def test_not_utf8(tmp_path):
    cases_dir = write_cases(tmp_path / "cases", {})
    (cases_dir / "a.yaml").write_bytes("id: XY-1\ncomplaint: 大拱桥居民小区近期经常停水\n".encode("gbk"))
    _, problems = load_cases(cases_dir, TZ)
    assert "a.yaml:2: 文件不是 UTF-8 编码" in one([str(p) for p in problems])


def test_utf8_bom_is_fine(tmp_path):
    cases_dir = write_cases(tmp_path / "cases", {})
    text = yaml.safe_dump(make_case(), allow_unicode=True, sort_keys=False)
    (cases_dir / "a.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_cases(cases_dir, TZ)[1] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "文件是空的"),
        ("# only a comment\n", "只有注释"),
        ("- id: XY-1\n- id: XY-2\n", "文件顶层应是一个案件的键值对"),
        ("id: XY-1\n---\nid: XY-2\n", "a.yaml:3: 一个文件只能写一个案件"),
        ("just words\n", "文件顶层应是一个案件的键值对"),
    ],
)
def test_file_shapes(tmp_path, text, expected):
    assert expected in one(problems_of(tmp_path, {"a.yaml": text}))


def test_required_fields_of_a_resolved_case(tmp_path):
    case = make_case(complaint=None, headline=None)
    del case["caller"]["name"]
    problems = problems_of(tmp_path, {"a.yaml": case})
    joined = "\n".join(problems)
    for field in ("complaint: 缺少必填字段“complaint”", "headline: 缺少必填字段“headline”", "caller.name: 缺少必填字段“name”"):
        assert field in joined


def test_unresolved_records_need_little(tmp_path):
    cases = {"a.yaml": {"id": "XY-9", "status": "received", "received_at": "2013-01-10"},
             "b.yaml": {"id": "XY-8", "status": "invalid", "received_at": "2013-01-11", "caller": {"name": "何丽华"}}}
    cases_dir = write_cases(tmp_path / "cases", cases)
    result, problems = load_cases(cases_dir, TZ)
    assert problems == [] and result.cases == () and len(result.facts) == 2


def test_area_with_room_number_is_refused(tmp_path):
    msg = one(problems_of(tmp_path, {"a.yaml": make_case(place={"district": "浉河区", "area": "大拱桥小区3号楼"})}))
    assert "place.area: 地点只能写到乡镇、村或社区" in msg


def test_all_problems_of_all_files_are_reported_together(tmp_path):
    problems = problems_of(tmp_path, {
        "a.yaml": make_case(id="XY-A", status="done"),
        "b.yaml": make_case(id="XY-B", category="不存在的类别"),
        "c.yaml": "id: [broken\n",
    })
    assert len(problems) == 3
    assert [Path(p.split(":")[0]).name for p in problems] == ["a.yaml", "b.yaml", "c.yaml"]


def test_registry_problems(tmp_path):
    problems = problems_of(tmp_path, {"a.yaml": make_case()},
                           departments=[{"name": "市公安局"}, {"name": "市公安局", "fax": "1"}],
                           categories=[{"name": "城市管理", "slug": "Not A Slug"}])
    joined = "\n".join(problems)
    assert "departments.yaml:3: [1].name: “市公安局”重复：第 1 行的部门已经用了它" in joined
    assert "fax: 未知的键“fax”" in joined
    assert "categories.yaml:2: [0].slug: 网址名 slug 只能用小写字母" in joined


def test_missing_registry(tmp_path):
    cases_dir = write_cases(tmp_path / "cases", {"a.yaml": make_case()})
    (cases_dir / "categories.yaml").unlink()
    _, problems = load_cases(cases_dir, TZ)
    assert "缺少类别登记表 categories.yaml" in one([str(p) for p in problems])


def test_hidden_and_underscore_files_are_ignored(tmp_path):
    cases = {"a.yaml": make_case(), ".draft.yaml": "broken: [", "_templates/x.yaml": "broken: [", "notes.txt": "x"}
    assert problems_of(tmp_path, cases) == []


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]
    problems = problems_of(tmp_path, {"a.yaml": "\n".join(lines) + "\n"})
    assert any("不支持 YAML 别名" in p for p in problems)


def test_json_schema_is_draft_2020_12_and_accepts_the_sample_cases():
    schema = json.loads((ROOT / "schema" / "case.schema.json").read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = [p for p in (ROOT / "cases_data").rglob("*.yaml") if p.parent != ROOT / "cases_data"]
    assert files, "the sample cases are missing"
    for path in files:
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)  # every scalar a string, as editors see it
        for key in ("publish",):
            if key in data:
                data[key] = data[key] == "true"
        for key in ("rehandled", "supervision_level"):
            if key in data:
                data[key] = int(data[key])
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], (path, errors)


@pytest.mark.parametrize("change", [
    {"statuss": "x"}, {"status": "done"}, {"publish": "yes"}, {"headline": []}, {"headline": ["a", "b", "c"]},
    {"handling": []}, {"handling": [{"action": "x"}]}, {"rehandled": -1}, {"supervision_level": 4},
    {"received_at": "10/01/2013"}, {"id": "../etc"}, {"redact": [1]}, {"followup": {"at": "2013-01-16"}},
    {"place": {"district": "浉河区", "room": "501"}}, {"caller": "何丽华"}, {"complaint": ""},
])
def test_fast_gate_and_detailed_validator_agree(change):
    """The compiled schema (fast path) must reject whatever jsonschema rejects."""
    import fastjsonschema

    from hotline.load.validate import _is_valid, _json_view, _validator

    view = _json_view({**make_case(), **change})
    assert list(_validator.iter_errors(view))
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        _is_valid(view)
