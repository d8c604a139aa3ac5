"""`hotline new`: one new case file, asked for in Chinese or given as options."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotline.commands.casefile import (
    GENDERS,
    RESULTS,
    STATUSES,
    CaseIndex,
    Checker,
    Flow,
    ascii_number,
    case_path,
    case_yaml,
    choose,
    parse_date,
    schema_path,
    write_atomic,
    yaml_date,
)
from hotline.commands.site import add_site_arguments, load
from hotline.load.records import display_name
from hotline.load.registries import load_registries
from hotline.model import Registries
from hotline.problems import BuildFailed, need_folder
from hotline.settings import HotlineSettings

ALL = frozenset({"received", "assigned", "resolved", "invalid"})
RESOLVED = frozenset({"resolved"})
HANDLED = frozenset({"assigned", "resolved"})


@dataclass(frozen=True)
class Context:
    """What answers are checked against."""

    settings: HotlineSettings
    registries: Registries
    answers: dict[str, Any]

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.settings.timezone)


Check = Callable[[str, Context], Any]  # the value, or raises ValueError(message)


def _date(text: str, ctx: Context) -> Any:
    if parse_date(text) is None:
        raise ValueError(f"“{text}”不是日期（应为 2013-01-10 或 2013-01-10 09:12）")
    return text


def _table(table: dict[str, str], words: str) -> Check:
    def check(text: str, ctx: Context) -> str:
        value = choose(table, text)
        if value not in table.values():
            raise ValueError(f"“{text}”不是可选的值（可选：{words}）")
        return value
    return check


_REGISTRY_FILES = {"category": "categories.yaml", "district": "districts.yaml", "department": "departments.yaml"}


def _choices(kind: str, registries: Registries) -> tuple[tuple, dict]:
    """The entries offered by number for `kind` (none for departments), and its lookup by name and alias."""
    if kind == "category":
        return registries.categories, registries.category_by_name
    if kind == "district":
        return registries.districts, registries.district_by_name
    return (), registries.department_by_name


def _registry(kind: str) -> Check:
    def check(text: str, ctx: Context) -> str:
        listed, table = _choices(kind, ctx.registries)
        number = ascii_number(text)
        if number is not None and 1 <= number <= len(listed):
            return listed[number - 1].name
        if text in table:
            # A district's alias is written as its name, the one the site shows.
            return table[text].name if kind == "district" else text
        close = difflib.get_close_matches(text, list(table), n=1, cutoff=0.3)
        raise ValueError(f"“{text}”不在 {_REGISTRY_FILES[kind]} 中" + (f"，是不是“{close[0]}”？" if close else ""))
    return check


def _headline(text: str, ctx: Context) -> list[str]:
    lines = [part.strip() for part in text.replace("／", "/").replace("｜", "/").replace("|", "/").split("/") if part.strip()]
    if not 1 <= len(lines) <= 2:
        raise ValueError("标题应为一行或两行，两行之间用 / 分开，如 管道损坏致停水/及时维修促供水")
    return lines


def _text(text: str, ctx: Context) -> str:
    return text


@dataclass(frozen=True)
class Question:
    dest: str
    label: str
    asked: frozenset[str]  # statuses for which it is asked
    required: frozenset[str] = frozenset()
    default: Callable[[Context], str] | None = None
    check: Check = _text
    multiline: bool = False
    only_if: str | None = None  # asked only when this answer was given


QUESTIONS = (
    Question("status", "状态（已办结/已交办/已受理/无效）", ALL, default=lambda c: "已办结",
             check=_table(STATUSES, "已办结、已交办、已受理、无效")),
    Question("received", "受理时间", ALL, default=lambda c: c.now().strftime("%Y-%m-%d %H:%M"), check=_date),
    Question("name", "来电人姓名（保密；公开时写作“何女士”）", ALL, RESOLVED),
    Question("gender", "性别（男/女/不详）", ALL, default=lambda c: "不详", check=_table(GENDERS, "男、女、不详")),
    Question("phone", "联系电话（保密，可空）", ALL),
    Question("address", "住址（保密，可空）", ALL),
    Question("role", "公开的称呼（市民、居民、村民、职工、家长……）", RESOLVED, default=lambda c: "市民"),
    Question("district", "所在区县（公开；填名称或序号）", RESOLVED, RESOLVED, check=_registry("district")),
    Question("area", "地点：乡镇、村或社区（公开，不写楼号门牌，可空）", RESOLVED),
    Question("category", "类别（填名称或序号）", RESOLVED, RESOLVED, check=_registry("category")),
    Question("headline", "标题（一行或两行，两行之间用 / 分开）", RESOLVED, RESOLVED, check=_headline),
    Question("complaint", "反映的问题", ALL, RESOLVED, multiline=True),
    Question("department", "承办部门", HANDLED, RESOLVED, check=_registry("department")),
    Question("finding", "核查结论", RESOLVED, default=lambda c: "情况属实"),
    Question("action", "办理结果（查明了什么、怎么处理的）", RESOLVED, RESOLVED, multiline=True),
    Question("resolved", "办结日期", RESOLVED, default=lambda c: c.now().strftime("%Y-%m-%d"), check=_date),
    Question("followup", "回访结果（满意/基本满意/不满意/无法联系；没有回访直接回车）", RESOLVED,
             check=_table(RESULTS, "满意、基本满意、不满意、无法联系")),
    Question("followup_at", "回访日期", RESOLVED, default=lambda c: c.now().strftime("%Y-%m-%d"), check=_date,
             only_if="followup"),
    Question("comment", "回访情况（可空）", RESOLVED, only_if="followup"),
    Question("reporter", "值班记者或编辑署名（可空）", RESOLVED),
)
OPTIONS = {q.dest: "--" + q.dest.replace("_", "-") for q in QUESTIONS}
FIELDS = {  # contract field -> question, to say which answer a problem is about
    "status": "status", "received_at": "received", "caller.name": "name", "caller.gender": "gender",
    "caller.phone": "phone", "caller.address": "address", "caller_role": "role", "place.district": "district",
    "place.area": "area", "category": "category", "headline": "headline", "complaint": "complaint",
    "handling[0].department": "department", "handling[0].finding": "finding", "handling[0].action": "action",
    "resolved_at": "resolved", "followup.result": "followup", "followup.at": "followup_at",
    "followup.comment": "comment", "reporter": "reporter", "id": "id",
}


def add_parser(sub) -> None:
    p = sub.add_parser(
        "new",
        help="新建一个案件文件",
        description="新建一个案件文件：在终端里逐项用中文提问（方括号里是默认值，直接回车即采用；"
        "多行的内容空一行结束）；也可以全部用选项给出，不在终端里运行时（脚本、管道）不提问。\n"
        "编号自动取下一个空号（沿用已有编号的格式，如 XY-2013-000043；还没有案件时为 RX-年份-000001），"
        "文件写在案件目录的 年/月/ 下（按受理时间），第一行是编辑器自动补全用的格式说明。\n"
        "写入前按构建的全部规则检查；有问题时列出问题，不写文件。",
    )
    add_site_arguments(p)
    p.add_argument("--id", metavar="编号", help="指定编号（默认自动取下一个空号）")
    for q in QUESTIONS:
        p.add_argument(OPTIONS[q.dest], dest=q.dest, metavar="值", help=q.label)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings, hotline = load(args)
    need_folder(hotline.cases_path, "案件目录", "（请检查设置中的 CASES_PATH 或 --cases）")
    registries, problems = load_registries(hotline.cases_path)
    if problems:
        raise BuildFailed("案件目录的登记表（部门、类别、区县）有问题，无法新建案件：\n" + "\n".join(map(str, problems)))
    assert registries is not None  # load_registries gives none only with problems
    ctx = Context(hotline, registries, {})
    interactive = sys.stdin.isatty()
    try:
        errors = _answer(args, ctx, interactive)
    except (EOFError, KeyboardInterrupt):
        print("\n已取消，没有写入任何文件。", file=sys.stderr)
        return 1
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        missing = any("缺少" in e for e in errors)
        return 2 if missing else 1
    a = ctx.answers
    index = CaseIndex(hotline.cases_path)
    received = parse_date(a["received"])
    assert received is not None  # _date accepted the answer
    case_id = args.id or index.next_id(received.year)
    if existing := index.path_of(case_id):
        raise BuildFailed(f"编号 {case_id} 已被 {display_name(existing)} 使用；请换一个编号")
    path = case_path(hotline.cases_path, case_id, received)
    text = case_yaml(_case(case_id, a), path, schema_path(Path(settings.get("SITE_ROOT") or Path.cwd())))
    with Checker(registries, hotline.timezone, hotline.site_words) as checker:
        problems = checker.problems(text)
    if problems:
        for p in problems:
            option = OPTIONS.get(FIELDS.get(p.field, ""), "--id" if p.field == "id" else p.field)
            print(f"{option}: {p.message}", file=sys.stderr)
        print("案件有问题，没有写入文件。", file=sys.stderr)
        return 1
    try:
        write_atomic(path, text)
    except FileExistsError:
        raise BuildFailed(f"{display_name(path)} 已经存在，没有覆盖；请换一个编号") from None
    print(f"已写入 {display_name(path)}（编号 {case_id}）。可以用编辑器补充内容，然后运行 hotline check 检查。")
    return 0


def _answer(args: argparse.Namespace, ctx: Context, interactive: bool) -> list[str]:
    """Fill `ctx.answers` from the options, asking for the rest on a terminal; errors if not."""
    errors = []
    for q in QUESTIONS:
        status = ctx.answers.get("status", "resolved")
        if status not in q.asked or (q.only_if and not ctx.answers.get(q.only_if)):
            continue
        given = getattr(args, q.dest)
        while True:
            if given is None and interactive:
                text = _ask(q, ctx)
            else:
                text = given if given is not None else (q.default(ctx) if q.default else "")
            text = text.strip()
            if not text:
                if status in q.required:
                    error = f"缺少 {OPTIONS[q.dest]}（{q.label}）"
                    if interactive and given is None:
                        print(f"  {q.label.split('（')[0]}必须填写", file=sys.stderr)
                        continue
                    errors.append(error)
                break
            try:
                ctx.answers[q.dest] = q.check(text, ctx)
                break
            except ValueError as e:
                if interactive and given is None:
                    print(f"  {e}", file=sys.stderr)
                    continue
                errors.append(f"{OPTIONS[q.dest]}: {e}")
                break
    return errors


def _ask(q: Question, ctx: Context) -> str:
    default = q.default(ctx) if q.default else ""
    if q.dest in ("category", "district"):
        listed, _ = _choices(q.dest, ctx.registries)
        print("  " + "  ".join(f"{i} {entry.name}" for i, entry in enumerate(listed, 1)))
    if q.multiline:
        print(f"{q.label}（可以多行，空一行结束）：")
        lines = []
        while line := input():
            lines.append(line)
        return "\n".join(lines)
    return input(f"{q.label}" + (f" [{default}]" if default else "") + "：") or default


def _case(case_id: str, a: dict[str, Any]) -> dict[str, Any]:
    """The case file's content, in the order of the contract."""
    status = a.get("status", "resolved")
    handling = None
    if a.get("department"):
        handling = [{
            "department": a["department"],
            "assigned_at": yaml_date(a["received"], with_time=False),
            "finding": a.get("finding"),
            "action": a.get("action"),
        }]
    followup = None
    if a.get("followup"):
        followup = {"at": yaml_date(a.get("followup_at", ""), with_time=False), "result": a["followup"], "comment": a.get("comment")}
    return {
        "id": case_id,
        "status": status,
        "received_at": yaml_date(a["received"]),
        "caller": {"name": a.get("name"), "gender": a.get("gender"), "phone": a.get("phone"), "address": a.get("address")},
        "caller_role": a.get("role"),
        "place": {"district": a.get("district"), "area": a.get("area")},
        "category": a.get("category"),
        "headline": Flow(a["headline"]) if a.get("headline") else None,
        "complaint": a.get("complaint"),
        "handling": handling,
        "resolved_at": yaml_date(a["resolved"], with_time=False) if status == "resolved" and a.get("resolved") else None,
        "followup": followup,
        "reporter": a.get("reporter"),
    }

