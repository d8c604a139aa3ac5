"""`hotline import`: the office's 热线电话登记表 (.xlsx or .csv) to case files, one per row.

Each row becomes a case file only if it passes the build's own checks;
every bad row is reported with its row and column and skipped.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotline.commands.casefile import (
    CHANNELS,
    GENDERS,
    RESULTS,
    STATUSES,
    YES_NO,
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
from hotline.load.records import display_name, read_yaml
from hotline.load.registries import load_registries
from hotline.model import Registries
from hotline.problems import BuildFailed, Problem, need_file, need_folder, unreadable

# The usual headers of a 登记表 and the case field each fills.
DEFAULT_COLUMNS = {
    "编号": "id", "案件编号": "id", "工单编号": "id", "工单号": "id",
    "状态": "status", "办理状态": "status",
    "是否公开": "publish",
    "来源": "channel", "渠道": "channel",
    "来电时间": "received_at", "受理时间": "received_at", "来电日期": "received_at", "登记时间": "received_at",
    "姓名": "caller.name", "来电人": "caller.name", "来电人姓名": "caller.name", "反映人": "caller.name",
    "性别": "caller.gender",
    "联系电话": "caller.phone", "电话": "caller.phone", "手机": "caller.phone", "电话号码": "caller.phone",
    "住址": "caller.address", "地址": "caller.address", "家庭住址": "caller.address", "联系地址": "caller.address",
    "工作单位": "caller.employer", "单位": "caller.employer",
    "身份证号": "caller.id_number", "身份证号码": "caller.id_number",
    "身份": "caller_role", "称呼": "caller_role",
    "所在区县": "place.district", "区县": "place.district", "所属区县": "place.district",
    "地点": "place.area", "所在地": "place.area", "乡镇社区": "place.area", "所在乡镇": "place.area",
    "问题类别": "category", "类别": "category", "问题分类": "category",
    "标题": "headline",
    "反映问题": "complaint", "反映内容": "complaint", "来电内容": "complaint", "诉求内容": "complaint",
    "承办单位": "handling.department", "承办部门": "handling.department", "责任单位": "handling.department",
    "交办时间": "handling.assigned_at", "交办日期": "handling.assigned_at",
    "核查结论": "handling.finding", "核实情况": "handling.finding",
    "办理结果": "handling.action", "办理情况": "handling.action", "处理结果": "handling.action", "答复内容": "handling.action",
    "办完时间": "handling.finished_at",
    "办结时间": "resolved_at", "办结日期": "resolved_at",
    "回访时间": "followup.at", "回访日期": "followup.at",
    "回访结果": "followup.result", "满意度": "followup.result",
    "回访情况": "followup.comment", "回访意见": "followup.comment",
    "重办次数": "rehandled", "督查级别": "supervision_level", "督查令": "supervision_level",
    "隐去词": "redact", "需隐去": "redact",
    "值班记者": "reporter", "记者": "reporter", "编辑": "reporter",
}
FIELDS = (
    "id", "status", "publish", "channel", "received_at", "caller.name", "caller.gender", "caller.phone",
    "caller.address", "caller.employer", "caller.id_number", "caller_role", "place.district", "place.area",
    "category", "headline", "complaint", "handling.department", "handling.assigned_at", "handling.finding",
    "handling.action", "handling.finished_at", "resolved_at", "followup.at", "followup.result",
    "followup.comment", "rehandled", "supervision_level", "redact", "reporter",
)
REQUIRED = ("id", "received_at")
# A part of a case that is missing as a whole is reported at the column that starts it.
WHOLE = {"caller": "caller.name", "place": "place.district", "handling": "handling.department", "followup": "followup.result"}
HEADER_ROWS = 10  # the header is looked for in the first rows (a title may stand above it)
_SPLIT = re.compile(r"[、,，;；\s]+")


def label(field: str) -> str:
    """The usual header of a field: `handling.action` -> 办理结果."""
    return next((h for h, f in DEFAULT_COLUMNS.items() if f == field), field)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "import",
        help="从热线电话登记表（.xlsx 或 .csv）导入案件",
        description="把登记表的每一行写成一个案件文件（案件目录/年/月/编号.yaml）。\n"
        "认得常用的列名（编号、来电时间、姓名、性别、联系电话、住址、工作单位、反映问题、问题类别、所在区县、"
        "地点、标题、承办单位、交办时间、办理结果、办结时间、回访时间、回访结果、回访情况、值班记者……），"
        "别的列名用 --mapping 指定。表头可以不在第一行（上面可以有标题行）。\n"
        "“男/女”“满意/基本满意/不满意/无法联系”“已办结/已交办/已受理/无效”“是/否”会换成案件格式里的写法；"
        "没有“状态”列时，有办结时间的算已办结，有承办单位的算已交办，其余算已受理。"
        "编号只有数字时（如 42）按已有编号的格式补全（XY-2013-000042）。\n"
        "每一行都按构建的全部规则检查：有问题的行列出行号、列和原因，不写入；已有的案件文件不会被覆盖，"
        "除非加 --force。每个文件要么完整写入，要么不写。\n"
        "CSV 可以是 UTF-8（带不带 BOM 都行）或 GBK/GB18030（中文 Excel“另存为 CSV”的默认编码）。\n"
        "退出码：0 全部成功（包括已存在而跳过的行）；1 有行有问题、或文件读不了；2 命令行写错了。",
    )
    p.add_argument("file", metavar="登记表", help="要导入的 .xlsx 或 .csv 文件")
    add_site_arguments(p)
    p.add_argument("--mapping", metavar="文件",
                   help="列名对应的字段（YAML，每行“列名: 字段”，如 “来电人: caller.name”；字段写 ~ 表示不导入这一列）")
    p.add_argument("--sheet", metavar="工作表", help="要导入的工作表名称（默认第一个）")
    p.add_argument("--prefix", metavar="前缀", help="只有数字的编号补全时用的前缀（默认沿用已有编号的前缀）")
    p.add_argument("--force", action="store_true", help="覆盖已有的同编号案件文件")
    p.add_argument("--dry-run", action="store_true", help="试运行：只显示会写哪些文件，什么都不写")
    p.add_argument("--show", action="store_true", help="同时显示每个文件的内容")
    p.set_defaults(run=run)


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    letter: str
    field: str | None  # None: not a known header; "": not imported on purpose (`~` in the mapping)

    @property
    def where(self) -> str:
        return f"{self.header}（{self.letter} 列）"


def run(args: argparse.Namespace) -> int:
    settings, hotline = load(args)
    source = Path(args.file)
    mapping = {**DEFAULT_COLUMNS, **(read_mapping(Path(args.mapping)) if args.mapping else {})}
    columns, rows = read_table(source, args.sheet, mapping)
    need_folder(hotline.cases_path, "案件目录", "（请检查设置中的 CASES_PATH 或 --cases）")
    registries, problems = load_registries(hotline.cases_path)
    if problems:
        raise BuildFailed("案件目录的登记表（部门、类别、区县）有问题，无法导入：\n" + "\n".join(map(str, problems)))
    assert registries is not None  # load_registries gives none only with problems
    unused = [c.header for c in columns if c.field is None and c.header]
    if unused:
        _say(f"这些列没有导入：{'、'.join(unused)}（需要的话用 --mapping 指定字段）")
    importer = Importer(args, hotline.cases_path, columns, display_name(source))
    schema = schema_path(Path(settings.get("SITE_ROOT") or Path.cwd()))
    with Checker(registries, hotline.timezone, hotline.site_words) as checker:
        for number, values in rows:
            importer.row(number, values, checker, schema)
    print(importer.summary())
    return 1 if importer.bad else 0


class Importer:
    """Turns rows into case files and keeps count."""

    def __init__(self, args: argparse.Namespace, cases_dir: Path, columns: list[Column], name: str):
        self.args = args
        self.cases_dir = cases_dir
        self.columns = columns
        self.name = name
        self.index = CaseIndex(cases_dir)
        self.seen: dict[str, int] = {}  # id -> first row
        self.rows = self.created = self.replaced = self.existing = self.bad = 0

    def row(self, number: int, values: list[Any], checker: Checker, schema: Path) -> None:
        cells = {c.field: values[c.index] for c in self.columns if c.field and c.index < len(values)}
        cells = {f: v for f, v in cells.items() if _text(v)}
        if not cells:
            return
        self.rows += 1
        case_id, problems = self._id(number, cells)
        # A case already on file keeps its file, even if its month would now be another.
        path = (self.index.path_of(case_id) if case_id else None) or case_path(
            self.cases_dir, case_id or "_", cells.get("received_at")
        )
        exists = os.path.exists(path)  # False, not OSError, for an id too long for a file name (validation names it)
        text = case_yaml(_case(case_id or "", cells, checker.registries), path, schema)
        # Without an id the case file has none: its problem is said once, above.
        problems += [self._where(number, p) for p in checker.problems(text) if case_id or p.field != "id"]
        if problems:
            self.bad += 1
            for p in sorted(set(problems), key=_column_order):
                _say(p, error=True)
            return
        # _id gives no id only with a problem: its own, or the date's the checker reports.
        assert case_id is not None
        self.seen[case_id.lower()] = number
        shown = display_name(path)
        if exists and not self.args.force:
            self.existing += 1
            _say(f"第 {number} 行：{shown} 已存在，跳过（用 --force 覆盖）")
            return
        if not self.args.dry_run:
            try:
                write_atomic(path, text, replace=self.args.force)
            except FileExistsError:
                self.existing += 1
                _say(f"第 {number} 行：{shown} 已存在，跳过（用 --force 覆盖）")
                return
            except OSError as e:
                self.bad += 1
                _say(f"{self.name}:{number}: 无法写入 {shown}：{e.strerror}", error=True)
                return
            self.index.add(case_id, path)
        self.replaced += exists
        self.created += not exists
        verb = "将" if self.args.dry_run else "已"
        _say(f"第 {number} 行：{verb}{'覆盖' if exists else '新建'} {shown}")
        if self.args.show:
            _say(text)

    def _id(self, number: int, cells: dict[str, Any]) -> tuple[str | None, list[Problem]]:
        """The row's case id, completed from a plain number; or the problems with it."""
        column = self._column("id")
        raw = _text(cells.get("id"))
        if not raw:
            return None, [Problem(self.name, number, column, "编号是空的（每一行都要有编号）")]
        case_id = raw
        plain = ascii_number(raw)
        if plain is not None:
            received = parse_date(cells.get("received_at", ""))
            if received is None:
                return None, []  # the date's own problem is reported with its column
            case_id = self.index.number_id(plain, received.year, self.args.prefix)
        first = self.seen.get(case_id.lower())
        if first:
            return None, [Problem(self.name, number, column, f"编号 {case_id} 与第 {first} 行相同（每个案件的编号必须唯一）")]
        return case_id, []

    def _column(self, field: str) -> str:
        found = next((c for c in self.columns if c.field == field), None)
        return found.where if found else f"{label(field)}（表中没有这一列）"

    def _where(self, number: int, problem: Problem) -> Problem:
        """A problem of the case file as a problem of the row, at its column."""
        field = re.sub(r"\[\d+\]", "", problem.field)  # handling[0].action -> handling.action
        field = WHOLE.get(field, field)
        return Problem(self.name, number, self._column(field) if field else "", problem.message)

    def summary(self) -> str:
        written = self.created + self.replaced
        verb = "将写入" if self.args.dry_run else "写入"
        text = f"{self.name}：共 {self.rows} 行；{verb} {written} 个文件（新建 {self.created}，覆盖 {self.replaced}）"
        if self.existing:
            text += f"；已存在而跳过 {self.existing} 行（用 --force 覆盖）"
        if self.bad:
            text += f"；有问题而没有写入 {self.bad} 行（见上面的说明，改好后再导入一次即可）"
        text += "。"
        if self.args.dry_run:
            return text + "\n试运行：没有写入任何文件。"
        return text + ("\n下一步：hotline check 检查全部案件，hotline build 生成网站。" if written else "")


def _say(line: Any, error: bool = False) -> None:
    """One line of the report, in row order even when stdout and stderr go to one file."""
    print(line, file=sys.stderr if error else sys.stdout, flush=True)


def _column_order(problem: Problem) -> tuple[int, str]:
    """Problems of a row from left to right: by column letter (A … Z, AA …)."""
    m = re.search(r"（([A-Z]+) 列）", problem.field)
    return (len(m[1]), m[1]) if m else (0, problem.field)


def _case(case_id: str, cells: dict[str, Any], registries: Registries) -> dict[str, Any]:
    """A case file's content from the row's cells (by field); a district's alias becomes its registry name."""
    t = {f: _text(v) for f, v in cells.items()}
    district = registries.district_by_name.get(t.get("place.district", ""))
    status = choose(STATUSES, t["status"]) if "status" in t else (
        "resolved" if "resolved_at" in t else "assigned" if "handling.department" in t else "received"
    )
    handling = {k.split(".", 1)[1]: v for k, v in t.items() if k.startswith("handling.")}
    for key in ("assigned_at", "finished_at"):
        if key in handling:
            handling[key] = yaml_date(cells[f"handling.{key}"], with_time=False)
    followup = {k.split(".", 1)[1]: v for k, v in t.items() if k.startswith("followup.")}
    if "result" in followup:
        followup["result"] = choose(RESULTS, followup["result"])
    if "at" in followup:
        followup["at"] = yaml_date(cells["followup.at"], with_time=False)
    caller = {k.split(".", 1)[1]: v for k, v in t.items() if k.startswith("caller.")}
    if "gender" in caller:
        caller["gender"] = choose(GENDERS, caller["gender"])
    headline = re.split(r"\s*[\n/／|｜]\s*|\s+", t["headline"]) if "headline" in t else None
    return {
        "id": case_id,
        "status": status,
        "publish": choose(YES_NO, t["publish"]) if "publish" in t else None,
        "channel": choose(CHANNELS, t["channel"]) if "channel" in t else None,
        "received_at": yaml_date(cells["received_at"]) if "received_at" in t else None,
        "caller": caller,
        "caller_role": t.get("caller_role"),
        "place": {"district": district.name if district else t.get("place.district"), "area": t.get("place.area")},
        "category": t.get("category"),
        "headline": Flow(headline) if headline else None,
        "complaint": t.get("complaint"),
        "handling": [handling] if handling else None,
        "resolved_at": yaml_date(cells["resolved_at"]) if "resolved_at" in t else None,
        "followup": followup,
        "rehandled": _number(t.get("rehandled")),
        "supervision_level": _number(t.get("supervision_level")),
        "redact": [w for w in _SPLIT.split(t["redact"]) if w] if "redact" in t else None,
        "reporter": t.get("reporter"),
    }


def _text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as 2013-01-10, lines joined by newlines."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "").strip()


def _number(text: str | None) -> Any:
    """A count as a number; anything else as it was written (validation names it)."""
    number = ascii_number(text or "")
    return text if number is None else number


def read_mapping(path: Path) -> dict[str, str]:
    """The headers and fields of a `--mapping` file; BuildFailed with every mistake in it."""
    need_file(path, "映射文件")
    source, problems = read_yaml(path)
    if not problems and not isinstance(source.data, dict):
        problems.append(source.problem((), "映射文件应为“列名: 字段”的键值对，如 来电人: caller.name"))
    if problems:
        raise BuildFailed("映射文件有问题：\n" + "\n".join(map(str, problems)))
    mapping: dict[str, str] = {}
    for header, field in source.data.items():
        field = re.sub(r"\[\d+\]", "", str(field).strip()) if field is not None else ""
        if field and field not in FIELDS and not re.fullmatch(r"caller\.\w+", field):
            problems.append(source.problem((header,), f"未知的字段“{field}”（可用：{'、'.join(FIELDS)}，或 caller.任意名称）"))
        mapping[_header(header)] = field
    if problems:
        raise BuildFailed("映射文件有问题：\n" + "\n".join(map(str, problems)))
    return mapping


def _header(value: Any) -> str:
    """A header cell as a key: no spaces, no required-marks, no trailing colon."""
    return re.sub(r"\s+", "", _text(value)).strip("*＊:：")


def read_table(path: Path, sheet: str | None, mapping: dict[str, str]) -> tuple[list[Column], Iterator]:
    """The columns, and the rows below the header as (row number, values)."""
    rows = iter(_rows(path, sheet))
    found: list[tuple[int, list[Any]]] = []
    for number, values in rows:
        found.append((number, values))
        headers = [_header(v) for v in values]
        if sum(1 for h in headers if h in mapping and mapping[h]) >= 2:
            return _columns(headers, mapping, path), rows
        if len(found) >= HEADER_ROWS:
            break
    known = "、".join(list(DEFAULT_COLUMNS)[:8])
    raise BuildFailed(f"{display_name(path)}：前 {HEADER_ROWS} 行里找不到表头（应有 {known} 等列名；别的列名请用 --mapping 指定）")


def _columns(headers: list[str], mapping: dict[str, str], path: Path) -> list[Column]:
    columns: list[Column] = []
    taken: dict[str, str] = {}
    for i, header in enumerate(headers):
        field = mapping.get(header)
        if field in taken:
            if not field.startswith("caller."):
                raise BuildFailed(f"{display_name(path)}：列“{taken[field]}”和列“{header}”都对应 {field}；请用 --mapping 把其中一列设为 ~（不导入）")
            field = f"caller.{header}"  # a second phone or address: kept, and private, under its own name
        if field:
            taken[field] = header
        columns.append(Column(i, header, _letter(i), field))
    missing = [f for f in REQUIRED if f not in taken]
    if missing:
        names = "、".join(f"“{label(f)}”" for f in missing)
        raise BuildFailed(f"{display_name(path)}：表中缺少 {names} 列（每个案件都要有；列名不同时请用 --mapping 指定）")
    return columns


def _letter(index: int) -> str:
    """Spreadsheet column letter: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _rows(path: Path, sheet: str | None) -> list[tuple[int, list[Any]]]:
    """Every row of the file with its number as the spreadsheet shows it.

    All of them are read before any case is written: a file that breaks off
    half-way (truncated, damaged) writes nothing and is one clear error.
    """
    need_file(path, "登记表文件")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    if suffix in (".csv", ".txt"):
        return _csv_rows(path)
    if suffix in (".xls", ".et", ".wps"):
        raise BuildFailed(f"{path.name}：不支持旧的 {suffix} 格式；请在 Excel 或 WPS 里“另存为” .xlsx 或 CSV 后再导入")
    raise BuildFailed(f"{path.name}：只能导入 .xlsx 或 .csv 文件")


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    damaged = f"{path.name}：无法读取，不是有效的 .xlsx 文件，或文件已损坏、不完整（请在 Excel 或 WPS 里打开并重新保存）"
    # openpyxl reads the parts of the zip as it goes: a damaged file can fail
    # in the zip, zlib, the XML parser or openpyxl itself, with any exception.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's English notes on features it does not read
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise BuildFailed(damaged) from None
    try:
        ws = _worksheet(book, sheet, path.name)
        rows = []
        for row in ws.iter_rows():
            cells = [c for c in row if getattr(c, "row", None)]
            if cells:
                values = [None] * (max(c.column for c in cells))
                for c in cells:
                    values[c.column - 1] = c.value
                rows.append((cells[0].row, values))
        return rows
    except BuildFailed:
        raise
    except Exception:
        raise BuildFailed(damaged) from None
    finally:
        book.close()


def _worksheet(book, sheet: str | None, name: str):
    """The sheet to import: the one named, or the first; a chart sheet has no rows."""
    titles = [ws.title for ws in book.worksheets]  # worksheets only, not chart sheets
    if sheet is None:
        if not titles:
            raise BuildFailed(f"{name}：没有工作表，只有图表（应有一个登记案件的工作表）")
        return book.worksheets[0]
    if sheet not in book.sheetnames:
        raise BuildFailed(f"{name}：没有名为“{sheet}”的工作表（有：{'、'.join(titles)}）")
    if sheet not in titles:
        raise BuildFailed(f"{name}：“{sheet}”是图表，不是工作表，没有可以导入的行（工作表有：{'、'.join(titles) or '无'}）")
    return book[sheet]


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BuildFailed(unreadable("登记表文件", path, e)) from None
    text = _decode(raw, path.name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            rows.append((number, row))
    except csv.Error:  # Python's limit is 128 KB a cell; no cell of a register is that long
        raise BuildFailed(
            f"{path.name}:{len(rows) + 1}: 这一行有一个格子超过 128 KB，读不下去（常见原因是少了一个结束的英文引号 \"，"
            "后面各行都并进了这个格子；应为每个格子各自用引号括起来）"
        ) from None
    return rows


def _decode(raw: bytes, name: str) -> str:
    """CSV text: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (GBK's superset)."""
    encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise BuildFailed(f"{name}：无法识别文件编码（应为 UTF-8 或 GBK）；请在 Excel 里另存为“CSV UTF-8”")
