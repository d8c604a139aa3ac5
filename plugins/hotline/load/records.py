"""Reading YAML input files into plain values, keeping each value's line.

Uses libyaml (`CSafeLoader`) to compose nodes, then builds the Python values
itself so that it can keep line numbers, refuse duplicate keys (PyYAML keeps
the last one silently), refuse aliases (billion-laughs) and bound nesting.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hotline.privacy.spelling import INVISIBLE, INVISIBLE_RE
from hotline.problems import Problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
REGISTRY_FILES = ("departments.yaml", "categories.yaml", "districts.yaml")

_constructor = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
# Invisible characters (zero-width, direction overrides such as U+202E that
# show "abc" as "cba", blank fillers such as U+3164) are dropped from every
# text: no one can see them, and they could disguise a headline or split a
# name the scrubber looks for.
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
# Control characters but tab and line breaks (YAML escapes can write them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Tags libyaml gives plain YAML values; any other (!!python/object, !!binary,
# !!set, a custom !tag) is refused rather than silently reinterpreted.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
# A collection opens with `[`, `{`, `-`, `?` or `:`; a file with fewer of
# them than this cannot nest deeply enough to hurt libyaml's recursive
# composer (100,000 levels crash the process), so only other files are
# first checked event by event.
_NESTING_SCAN_FROM = 1000
_MAX_SHOWN = 30


def printable(text: str) -> str:
    """`text` with control, format and line-separator characters as `\\u001b`:
    a value echoed to a terminal cannot move the cursor or fake a line."""
    if text.isprintable():  # the common case, fast: nothing to escape
        return text
    return "".join(
        c if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp") else f"\\u{ord(c):04x}" for c in text
    )


def shown(value: Any) -> str:
    """`value` as an error message may print it: short and printable."""
    text = "" if value is None else str(value)
    return printable(text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…")


@dataclass
class Source:
    """One parsed YAML file: its value and the line of every value in it."""

    path: Path
    name: str  # as shown to people
    data: Any = None
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, path: tuple) -> int:
        """Line of the value at `path`, or of its nearest enclosing value."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def problem(self, path: tuple, message: str, field_: str | None = None) -> Problem:
        return Problem(self.name, self.line(path), field_ if field_ is not None else field_name(path), message)


def field_name(path: tuple) -> str:
    """`("handling", 0, "department")` -> `handling[0].department`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{printable(part)}" if out else printable(part))
    return out


def display_name(path: Path) -> str:
    """A file name as staff should see it: relative to the working directory."""
    name, cwd = os.path.abspath(path), os.getcwd() + os.sep
    return printable(name[len(cwd):] if name.startswith(cwd) else name)


def case_files(cases_dir: Path) -> list[Path]:
    """Every case file below `cases_dir`, sorted; hidden and `_` names skipped.

    A symbolic link to a directory is listed too (it is never followed), so
    that `read_yaml` refuses it as it refuses a linked file: nothing is read
    from outside the cases directory, nothing is read twice.
    """
    found = []
    for root, dirs, files in os.walk(cases_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        found += [Path(root) / d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in files:
            if name.startswith((".", "_")) or not name.endswith((".yaml", ".yml")):
                continue
            path = Path(root) / name
            if root == str(cases_dir) and name in REGISTRY_FILES:
                continue
            found.append(path)
    return sorted(found)


def read_yaml(path: Path, expected: str = "一个案件的键值对") -> tuple[Source, list[Problem]]:
    """Parse one file. Problems come back instead of exceptions.

    `expected`: what the file should hold, for the messages about an empty one.
    Symbolic links and anything but a regular file (a pipe would block the
    build forever) are refused.
    """
    source = Source(path, display_name(path))
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = shown(os.readlink(path))
            return source, [Problem(source.name, 0, "", f"是符号链接（指向 {target}），不予读取；请把文件本身放进案件目录")]
        if not stat.S_ISREG(info.st_mode):
            return source, [Problem(source.name, 0, "", "不是普通文件（可能是管道或设备），不予读取")]
        raw = path.read_bytes() if info.st_size <= MAX_FILE_BYTES else None
    except OSError as e:
        return source, [Problem(source.name, 0, "", f"无法读取文件：{e.strerror}")]
    if raw is None:
        return source, [Problem(source.name, 0, "", f"文件过大（超过 {MAX_FILE_BYTES // 1000} KB），不像是一个案件文件")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return source, [Problem(source.name, line, "", "文件不是 UTF-8 编码（请用 UTF-8 保存，例如记事本“另存为”时选 UTF-8）")]
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        return source, [Problem(source.name, line, "", "文件含有 NUL 字符，不是文本文件")]
    if not text.strip():
        return source, [Problem(source.name, 1, "", f"文件是空的（应为{expected}）")]
    try:
        if sum(map(text.count, "[{-?:")) >= _NESTING_SCAN_FROM:
            line = _too_deep(text)
            if line:
                return source, [Problem(source.name, line, "", f"嵌套过深（超过 {MAX_DEPTH} 层）")]
        documents = list(yaml.compose_all(text, Loader=Loader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return source, [Problem(source.name, line, "", f"YAML 语法错误：{e.problem or e.context}（第 {line} 行第 {col} 列）")]
    except yaml.reader.ReaderError as e:
        # libyaml counts bytes of UTF-8, the pure-Python reader characters.
        before = text[: e.position] if Loader is yaml.SafeLoader else text.encode("utf-8")[: e.position].decode("utf-8", "ignore")
        line = before.count("\n") + 1
        return source, [Problem(source.name, line, "", f"文件含有不允许的控制字符 U+{e.character:04X}（第 {line} 行），不是普通文本")]
    except (yaml.YAMLError, RecursionError) as e:
        return source, [Problem(source.name, 0, "", f"YAML 无法解析：{shown(e)}")]
    documents = [d for d in documents if d is not None]
    if not documents:
        return source, [Problem(source.name, 1, "", f"文件只有注释，没有内容（应为{expected}）")]
    if len(documents) > 1:
        line = documents[1].start_mark.line + 1
        return source, [Problem(source.name, line, "", f"一个文件只能写一个案件（这里有 {len(documents)} 个 YAML 文档，用 --- 分开了）")]
    problems: list[Problem] = []
    source.data = _build(documents[0], (), source, problems, set())
    if source.data is None and not problems:  # `---`, `~` or `null` alone: nothing, said otherwise
        problems.append(Problem(source.name, documents[0].start_mark.line + 1, "", f"文件没有内容（应为{expected}）"))
    return source, problems


def _too_deep(text: str) -> int:
    """The line where `text` nests deeper than MAX_DEPTH, or 0.

    Reads events only as far as needed, so a file nested 100,000 levels
    deep costs no more than one nested 21 levels.
    """
    depth = 0
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return 0


def _build(node: yaml.Node, path: tuple, source: Source, problems: list[Problem], seen: set[int]) -> Any:
    """The Python value of `node`, recording lines and problems on the way."""
    source.lines[path] = node.start_mark.line + 1
    if len(path) > MAX_DEPTH:
        problems.append(source.problem(path, f"嵌套过深（超过 {MAX_DEPTH} 层）"))
        return None
    if id(node) in seen:
        problems.append(source.problem(path, "不支持 YAML 别名（*名称）；请把内容直接写出来"))
        return None
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(source.problem(path, f"不支持 YAML 标签“{shown(tag)}”；请直接写出文字、数字或日期"))
        return None
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            if node.value.isprintable() and not INVISIBLE_RE.search(node.value):
                return node.value
            control = _CONTROL.search(node.value)
            if control:  # "\e[2J" or "\x01" written as an escape: not text, and no XML can hold it
                problems.append(source.problem(path, f"含有控制字符 U+{ord(control.group()):04X}，不是普通文字（请删去）"))
                return None
            return node.value.translate(_INVISIBLE)
        try:
            return _constructor.construct_object(node)
        except Exception:  # PyYAML raises what it happens to (AttributeError for !!timestamp x)
            problems.append(source.problem(path, f"无法识别的值“{shown(node.value)}”（如果是日期，应为 2013-01-10 这样的真实日期）"))
            return None
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), source, problems, seen) for i, item in enumerate(node.value)]
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            line = key_node.start_mark.line + 1
            problems.append(Problem(source.name, line, field_name(path), f"第 {line} 行的键不是简单的名称（应为 id、status 这样的名称）"))
            continue
        key = str(key_node.value)
        if key in mapping:
            first = source.lines.get(path + (key,), 0)
            problems.append(Problem(
                source.name, key_node.start_mark.line + 1, field_name(path + (key,)),
                f"重复的键“{key}”（第 {first} 行已经写过；YAML 只会保留最后一个，请删去一个）",
            ))
            continue
        mapping[key] = _build(value_node, path + (key,), source, problems, seen)
        source.lines[path + (key,)] = key_node.start_mark.line + 1
    return mapping
