"""Writing case files for staff: the words they use, the next free id, the
YAML with the schema comment editors use, checked by the build's own rules,
and written atomically (never half a file, never over another one by accident).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from hotline.load.records import case_files, read_yaml
from hotline.load.validate import validate
from hotline.model import Registries
from hotline.problems import Problem

DEFAULT_PREFIX, DEFAULT_DIGITS = "RX", 6  # ids when the cases directory has none yet: RX-2024-000001
ID_STYLE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)-([0-9]{4})-([0-9]{1,36})$")  # at most 41 characters
_ID_LINE = re.compile(r"""^id:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9-]*)""", re.M)

# The words staff write, and the contract's values. Keys are lower case.
GENDERS = {"男": "male", "男性": "male", "女": "female", "女性": "female", "不详": "unknown", "未知": "unknown"}
STATUSES = {
    "已办结": "resolved", "办结": "resolved", "已完成": "resolved",
    "已交办": "assigned", "交办": "assigned", "办理中": "assigned", "处理中": "assigned",
    "已受理": "received", "受理": "received", "待处理": "received", "待办": "received",
    "无效": "invalid", "无效来电": "invalid",
}
RESULTS = {
    "满意": "satisfied", "非常满意": "satisfied",
    "基本满意": "basically_satisfied", "比较满意": "basically_satisfied",
    "不满意": "unsatisfied", "很不满意": "unsatisfied",
    "无法联系": "unreachable", "联系不上": "unreachable", "未联系上": "unreachable", "未接通": "unreachable",
}
CHANNELS = {"市长热线": "hotline", "热线": "hotline", "12345": "hotline", "电话": "hotline",
            "市长信箱": "mailbox", "信箱": "mailbox", "网络": "mailbox", "网上": "mailbox", "其他": "other"}
YES_NO = {"是": True, "公开": True, "y": True, "yes": True, "true": True, "1": True,
          "否": False, "不公开": False, "n": False, "no": False, "false": False, "0": False}


def ascii_number(text: str) -> int | None:
    """`text` as a whole number if it is written in ASCII digits, else None.

    Not `str.isdigit()`: it is also true for ①, ² and ٣, which int() refuses
    or reads as another number.
    """
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def choose(table: dict[str, Any], value: Any) -> Any:
    """The contract value for a word staff wrote; unknown words are kept (validation names them)."""
    text = str(value).strip()
    return table.get(text.lower(), text)


_DATE = re.compile(  # ASCII digits only: \d would take any script's digits
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?"
    r"(?:\s*[T ]?\s*([0-9]{1,2})\s*[:：时]\s*([0-9]{1,2})\s*分?(?:\s*[:：]\s*[0-9]{1,2}\s*秒?)?)?"
)


def parse_date(value: Any) -> dt.date | dt.datetime | None:
    """A date or date-time from a spreadsheet cell or a typed answer; None if not one.

    2013-01-10, 2013/1/10 9:12, 2013年1月10日, 2013.1.10, 20130110 and Excel's own
    date cells. A time of exactly 00:00 is taken as "no time".
    """
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    m = _DATE.fullmatch(text)
    if not m:
        return None
    try:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])  # always there
        h, mi = (int(m[4]), int(m[5])) if m[4] else (None, None)  # the time: both or neither
        return dt.datetime(y, mo, d, h, mi) if h is not None and mi is not None and (h, mi) != (0, 0) else dt.date(y, mo, d)
    except ValueError:
        return None


def yaml_date(value: Any, with_time: bool = True) -> Any:
    """How a date goes into the YAML: a date, `2013-01-10 09:12`, or the text as it was."""
    parsed = parse_date(value)
    if isinstance(parsed, dt.datetime):
        return parsed.strftime("%Y-%m-%d %H:%M") if with_time else parsed.date()
    return parsed if parsed is not None else str(value).strip()


class Flow(list):
    """A list written on one line: headline: [管道损坏致停水, 及时维修促供水]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # lists indented under their key, as people write them


_Dumper.add_representer(
    str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)
)
_Dumper.add_representer(Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def prune(value: Any) -> Any:
    """`value` without empty strings, lists and mappings (None if nothing is left)."""
    if isinstance(value, dict):
        value = {k: v for k, v in ((k, prune(v)) for k, v in value.items()) if v is not None}
    elif isinstance(value, list):
        value = type(value)(v for v in map(prune, value) if v is not None)
    elif isinstance(value, str):
        value = value.strip() or None
    return value if value not in ({}, [], None) else None


def schema_path(site_root: Path) -> Path:
    """The JSON Schema file editors should use: the site's copy, or the package's."""
    local = site_root / "schema" / "case.schema.json"
    return local if local.is_file() else Path(str(resources.files("hotline").joinpath("case.schema.json")))


def case_yaml(case: dict[str, Any], path: Path, schema: Path) -> str:
    """The text of a case file at `path`, with the schema comment editors use for completion."""
    relative = Path(os.path.relpath(os.path.abspath(schema), os.path.abspath(path.parent))).as_posix()
    body = yaml.dump(prune(case), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"# yaml-language-server: $schema={relative}\n{body}"


def case_path(cases_dir: Path, case_id: str, received: Any) -> Path:
    """Where a new case goes: `YYYY/MM/<id>.yaml` by the month it was received."""
    day = parse_date(received)
    folder = f"{day:%Y}/{day:%m}" if day else "未定日期"
    return cases_dir / folder / f"{case_id}.yaml"


class CaseIndex:
    """The ids already used in a cases directory (read quickly, not validated)."""

    def __init__(self, cases_dir: Path):
        self.paths: dict[str, tuple[str, Path]] = {}  # lower-case id -> (id, file)
        for path in case_files(cases_dir) if cases_dir.is_dir() else ():
            try:
                text = path.read_text("utf-8", errors="replace")
            except OSError:
                continue
            m = _ID_LINE.search(text)
            self.add(m.group(1) if m else path.stem, path)

    def add(self, case_id: str, path: Path) -> None:
        self.paths.setdefault(case_id.lower(), (case_id, path))

    def path_of(self, case_id: str) -> Path | None:
        found = self.paths.get(case_id.lower())
        return found[1] if found else None

    def style(self) -> tuple[str, int]:
        """The prefix and number of digits most ids use (XY-2013-000042: XY, 6)."""
        styles = Counter((m[1], len(m[3])) for i, _ in self.paths.values() if (m := ID_STYLE.match(i)))
        return styles.most_common(1)[0][0] if styles else (DEFAULT_PREFIX, DEFAULT_DIGITS)

    def next_id(self, year: int, prefix: str | None = None) -> str:
        """The next free id of `year`: one more than the highest used."""
        style_prefix, digits = self.style()
        prefix = prefix or style_prefix
        used = [
            int(m[3]) for i, _ in self.paths.values()
            if (m := ID_STYLE.match(i)) and m[1].lower() == prefix.lower() and int(m[2]) == year
        ]
        return self.number_id(max(used, default=0) + 1, year, prefix)

    def number_id(self, number: int, year: int, prefix: str | None = None) -> str:
        """An id in this directory's style for a plain office number: 42 -> XY-2013-000042."""
        style_prefix, digits = self.style()
        return f"{prefix or style_prefix}-{year}-{number:0{digits}d}"


class Checker:
    """Checks case texts by the build's own rules, through a file as the build reads it."""

    def __init__(self, registries: Registries, tz: ZoneInfo, site_words: tuple[str, ...] = ()):
        self.registries = registries
        self.tz = tz
        self.site_words = site_words
        self._dir = tempfile.TemporaryDirectory(prefix="hotline-")

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc) -> None:
        self._dir.cleanup()

    def problems(self, text: str) -> list[Problem]:
        """Every problem the build would find in a case file with this text."""
        path = Path(self._dir.name) / "case.yaml"
        path.write_text(text, "utf-8")
        try:
            source, problems = read_yaml(path)
            if source.data is not None:
                _, more = validate(source, self.registries, self.tz, self.site_words)
                reported = {p.field for p in problems}
                problems += [p for p in more if p.field not in reported]
            return problems
        finally:
            path.unlink()


def write_atomic(path: Path, text: str, replace: bool = False) -> None:
    """Write the whole file or nothing. FileExistsError if it exists and not `replace`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if replace:
            os.replace(tmp, path)
        else:
            _link(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def _link(tmp: str, path: Path) -> None:
    """Put `tmp` at `path` unless something is there: a hard link fails if it is."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
