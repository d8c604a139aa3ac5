"""Checking a parsed case file against the contract and the registries.

The JSON Schema (`schema/case.schema.json`) carries the shape of a case;
this module maps its findings to Chinese messages with lines, and adds the
rules a schema cannot express: real dates, their order, registry names.
The result is a typed but still private `Record`; it never leaves
`casedata`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import fastjsonschema
from jsonschema import Draft202012Validator

from hotline.load.privacy_checks import privacy_problems
from hotline.load.records import Source, field_name, shown
from hotline.model import Category, Compact, Department, District, Registries
from hotline.privacy.names import name_problem
from hotline.problems import Problem

SCHEMA = json.loads(resources.files("hotline").joinpath("case.schema.json").read_text("utf-8"))
_validator = Draft202012Validator(SCHEMA)
# The same schema compiled to Python code answers "valid?" ~50x faster; only
# an invalid file pays for jsonschema's detailed errors. fastjsonschema knows
# draft 7, which means the same for this schema ($ref siblings are comments).
_is_valid = fastjsonschema.compile({**SCHEMA, "$schema": "http://json-schema.org/draft-07/schema#"})

MIN_YEAR, MAX_YEAR = 1980, 2100
# The schema's id pattern, whole: in Python's `re` (jsonschema, fastjsonschema)
# `$` also matches before a final newline, so "XY-1\n" would pass the schema.
ID_PATTERN = re.compile(SCHEMA["properties"]["id"]["pattern"].removesuffix("$") + r"\Z")
ROOM_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十]+\s*(号楼|栋|幢|单元|室)|\d+-\d+-\d+")
_TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "boolean": "true 或 false",
    "object": "键值对",
    "array": "列表",
    "null": "空",
}


@dataclass(frozen=True, slots=True)
class RecordHandling(Compact):
    department: Department
    assigned_at: dt.date | None
    finding: str | None
    action: str | None
    finished_at: dt.date | None


@dataclass(frozen=True, slots=True)
class Record(Compact):
    """A valid case file, typed. PRIVATE: holds the caller's details."""

    source: Source
    id: str
    status: str
    publish: bool
    channel: str
    received_at: dt.datetime
    callers: tuple[dict[str, Any], ...]
    caller_key: str  # how the file names them: caller (one) or callers (a list)
    caller_role: str | None
    district: District | None
    area: str | None
    category: Category | None
    headline: tuple[str, ...]
    complaint: str | None
    handling: tuple[RecordHandling, ...]
    resolved_at: dt.datetime | None
    followup: dict[str, Any] | None
    rehandled: int
    supervision_level: int | None
    redact: tuple[str, ...]
    reporter: str | None

    @property
    def published(self) -> bool:
        return self.status == "resolved" and self.publish

    def caller_field(self, index: int) -> str:
        """The contract path of a caller: caller, or callers[1]."""
        return "caller" if self.caller_key == "caller" else f"callers[{index}]"

    def caller_by_field(self, field: str) -> dict[str, Any]:
        """The caller a field such as `callers[1].name` belongs to."""
        m = re.match(r"callers\[(\d+)\]", field)
        return self.callers[int(m.group(1)) if m else 0]


def validate(
    source: Source, registries: Registries | None, tz: ZoneInfo, site_words: tuple[str, ...] = ()
) -> tuple[Record | None, list[Problem]]:
    """A typed record, or None and every problem found in the file.

    Without registries (they have problems of their own) the names of
    departments, categories and districts cannot be checked and no record
    comes back.
    """
    data = source.data
    if not isinstance(data, dict):
        return None, [source.problem((), "文件顶层应是一个案件的键值对（id: …、status: …），而不是列表或单个值")]
    problems = schema_problems(source)
    if isinstance(data.get("id"), str) and not ID_PATTERN.match(data["id"]) and not any(p.field == "id" for p in problems):
        problems.append(source.problem(("id",), f"格式不对：“{shown(data['id'])}”（应为：{SCHEMA['properties']['id']['description']}）"))
    for path, text in _texts(data):
        if not text.strip() and not any(p.field == field_name(path) for p in problems):
            problems.append(source.problem(path, "只有空白，没有内容（不需要时请整行删去）"))
    dates: dict[tuple, dt.datetime | None] = {}
    for path in _date_paths(data):
        dates[path] = _to_datetime(_get(data, path), tz)
        if dates[path] is None and not any(p.field == field_name(path) for p in problems):
            problems.append(source.problem(
                path, f"日期不存在或超出范围“{shown(_get(data, path))}”（应为 {MIN_YEAR}–{MAX_YEAR} 年间的真实日期，如 2013-01-10）"))
    received, resolved = dates.get(("received_at",)), dates.get(("resolved_at",))
    if received and resolved and resolved.date() < received.date():
        problems.append(source.problem(("resolved_at",), f"办结日期早于受理日期 {received:%Y-%m-%d}（办结不能早于受理）"))
    if registries is not None:
        district = _lookup(source, ("place", "district"), _get(data, ("place", "district")),
                           registries.district_by_name, "区县", "districts.yaml", problems)
        category = _lookup(source, ("category",), data.get("category"), registries.category_by_name, "类别", "categories.yaml", problems)
        departments = [
            _lookup(source, ("handling", i, "department"), h.get("department"), registries.department_by_name, "部门", "departments.yaml", problems)
            for i, h in enumerate(_list(data.get("handling")))
            if isinstance(h, dict)
        ]
    area = _get(data, ("place", "area"))
    if isinstance(area, str) and ROOM_NUMBER.search(area):
        problems.append(source.problem(("place", "area"), "地点只能写到乡镇、村或社区，不能含楼号、单元或门牌号"))
    problems += _caller_problems(source, data)
    if problems or registries is None:
        return None, problems
    record = _record(source, data, dates, district, category, departments)
    problems = privacy_problems(record, registries, site_words)
    return (None, problems) if problems else (record, [])


def _caller_problems(source: Source, data: dict) -> list[Problem]:
    """One of `caller` and `callers` (a resolved case needs one), each name one person's."""
    if "caller" in data and "callers" in data:
        return [source.problem(("callers",), "caller 和 callers 只能写一个：一位来电人写 caller，几位写 callers 列表")]
    if data.get("status") == "resolved" and not data.get("caller") and not data.get("callers"):
        return [source.problem((), "缺少必填字段“caller”（来电人：至少写 name，如 name: 何丽华）", "caller")]
    problems = []
    key = "callers" if "callers" in data else "caller"
    callers = _list(data.get(key)) if key == "callers" else [data.get(key)]
    for i, caller in enumerate(callers):
        path = (key, i, "name") if key == "callers" else (key, "name")
        name = caller.get("name") if isinstance(caller, dict) else None
        wrong = name_problem(name) if isinstance(name, str) and name.strip() else None
        if wrong:
            problems.append(source.problem(path, f"来电人姓名{wrong}"))
    return problems


def schema_problems(source: Source) -> list[Problem]:
    """Problems the JSON Schema finds, in Chinese, at the offending line."""
    view = _json_view(source.data)
    try:
        _is_valid(view)
        return []
    except fastjsonschema.JsonSchemaValueException:
        pass
    problems = []
    for error in _validator.iter_errors(view):
        path = tuple(error.absolute_path)
        problems.append(_schema_problem(source, path, error))
    return problems


def _schema_problem(source: Source, path: tuple, error: Any) -> Problem:
    """One schema error in Chinese. A private value (under caller, callers or
    redact) is never echoed: only how long it is."""
    if path[:1] in (("caller",), ("callers",), ("redact",)) and path[-1:] != ("gender",):
        error.instance = _withheld(error.instance)
    expected = error.schema.get("description") if isinstance(error.schema, dict) else None
    hint = f"（应为：{expected}）" if expected else ""
    kind = error.validator
    if kind == "required":
        missing = re.search(r"'(.+?)' is a required property", error.message)
        key = missing.group(1) if missing else "?"
        sub = (error.schema.get("properties") or {}).get(key, {})
        sub = SCHEMA["properties"].get(key, sub) if not path else sub
        desc = sub.get("description") if isinstance(sub, dict) else None
        return source.problem(path, f"缺少必填字段“{key}”" + (f"（{desc}）" if desc else ""), field_name(path + (key,)))
    if kind == "additionalProperties":
        known = list((error.schema.get("properties") or {}).keys())
        extra = [k for k in error.instance if k not in known]
        key = extra[0] if extra else "?"
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        suggestion = f"，是不是“{close[0]}”？" if close else f"（可用的键：{'、'.join(known)}）"
        return source.problem(path + (key,), f"未知的键“{shown(key)}”{suggestion}")
    if kind == "type":
        want: list[str] = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = "或".join(_TYPE_NAMES.get(w, w) for w in want)
        quote = "（日期当作文字时请加引号，如 \"2013-01-10\"）" if isinstance(error.instance, dt.date) else ""
        return source.problem(path, f"类型不对：应为{names}，这里是“{shown(error.instance)}”{quote}{hint}")
    if kind in ("enum", "const"):
        return source.problem(path, f"值“{shown(error.instance)}”不在允许的范围内{hint}")
    if kind == "pattern":
        return source.problem(path, f"格式不对：“{shown(error.instance)}”{hint}")
    if kind in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum"):
        return source.problem(path, f"“{shown(error.instance)}”的长度或大小超出范围{hint}")
    return source.problem(path, f"不符合格式要求{hint}")


def _withheld(value: Any) -> str:
    """How an error message shows a private value: its kind and size only."""
    if isinstance(value, (dict, list)):
        return f"{_TYPE_NAMES['object' if isinstance(value, dict) else 'array']}，{len(value)} 项"
    return f"保密内容，{len(str(value))} 个字符"


# Fields whose YAML dates the schema sees as the strings they were written as.
_DATE_FIELDS = {("received_at",), ("resolved_at",), ("handling", "assigned_at"), ("handling", "finished_at"), ("followup", "at")}


def _json_view(value: Any, path: tuple = ()) -> Any:
    """The value as JSON Schema sees it: a YAML date in a date field becomes
    the string it was; anywhere else it stays a date, which is not text
    (`department: 2013-01-10` used to pass as a string and crash the build)."""
    if isinstance(value, dt.date):
        if tuple(p for p in path if not isinstance(p, int)) not in _DATE_FIELDS:
            return value
        return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, dict):
        return {k: _json_view(v, path + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_view(v, path + (i,)) for i, v in enumerate(value)]
    return value


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _texts(value: Any, path: tuple = ()):
    """(path, text) of every string in a record but the caller's private extras.

    A text of spaces alone passes the schema's minLength but is no content:
    a complaint of "\r" became None and crashed the build."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if (path == ("caller",) or path[:1] == ("callers",) and len(path) == 2) and k != "name":
                continue
            yield from _texts(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, path + (i,))


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _date_paths(data: dict) -> list[tuple]:
    """Paths of the date fields present in a record."""
    paths: list[tuple] = [(k,) for k in ("received_at", "resolved_at") if data.get(k) is not None]
    for i, h in enumerate(_list(data.get("handling"))):
        if isinstance(h, dict):
            paths += [("handling", i, k) for k in ("assigned_at", "finished_at") if h.get(k) is not None]
    if isinstance(data.get("followup"), dict) and data["followup"].get("at") is not None:
        paths.append(("followup", "at"))
    return paths


_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


def _to_datetime(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """A local, timezone-aware datetime from a YAML date, datetime or string."""
    if isinstance(value, dt.datetime):
        result = value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    elif isinstance(value, str):
        for fmt in _DATE_FORMATS:
            try:
                result = dt.datetime.strptime(value.strip(), fmt).replace(tzinfo=tz)
                break
            except ValueError:
                continue
        else:
            return None
    else:
        return None
    return result if MIN_YEAR <= result.year <= MAX_YEAR else None


def _lookup(source: Source, path: tuple, name: Any, table: dict, noun: str, registry: str, problems: list[Problem]):
    """The registry entry called `name`, or a problem suggesting the closest."""
    if not isinstance(name, str):
        return None
    found = table.get(name.strip())
    if found is None:
        close = difflib.get_close_matches(name.strip(), list(table), n=1, cutoff=0.3)
        suggestion = f"，是不是“{close[0]}”？" if close else ""
        problems.append(source.problem(path, f"“{shown(name)}”不在{registry}中{suggestion}（应为已登记的{noun}名称）"))
    return found


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _record(source: Source, data: dict, dates: dict, district: District | None, category: Category | None, departments: list) -> Record:
    place = data.get("place") or {}
    headline = data.get("headline") or ()
    handling = []
    for i, (h, dept) in enumerate(zip(_list(data.get("handling")), departments, strict=False)):
        assigned, finished = dates.get(("handling", i, "assigned_at")), dates.get(("handling", i, "finished_at"))
        handling.append(RecordHandling(
            department=dept,
            assigned_at=assigned.date() if assigned else None,
            finding=_text(h.get("finding")),
            action=_text(h.get("action")),
            finished_at=finished.date() if finished else None,
        ))
    followup = data.get("followup")
    if followup:
        at = dates.get(("followup", "at"))
        followup = {**followup, "at": at.date() if at else None}
    return Record(
        source=source,
        id=data["id"],
        status=data["status"],
        publish=data.get("publish", True),
        channel=data.get("channel", "hotline"),
        received_at=dates[("received_at",)],
        callers=tuple(data["callers"]) if "callers" in data else (data.get("caller") or {},),
        caller_key="callers" if "callers" in data else "caller",
        caller_role=_text(data.get("caller_role")),
        district=district,
        area=_text(place.get("area")),
        category=category,
        headline=tuple(h.strip() for h in ([headline] if isinstance(headline, str) else headline)),
        complaint=_text(data.get("complaint")),
        handling=tuple(handling),
        resolved_at=dates.get(("resolved_at",)),
        followup=followup,
        rehandled=data.get("rehandled", 0),
        supervision_level=data.get("supervision_level"),
        redact=tuple(t.strip() for t in data.get("redact", []) if t.strip()),
        reporter=_text(data.get("reporter")),
    )
