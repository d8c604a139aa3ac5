"""The public registries: departments.yaml, categories.yaml and districts.yaml.

Every registry is a list of `{name, …}` entries read by the same rules:
names (and aliases, where the registry has them) are unique together,
slugs set by hand are valid and unique, and an unknown key is refused. A
category may carry its national code (GB/T 39666-2020 政府热线服务分类与代码):
2, 4 or 6 digits, two per level (大类, 中类, 小类), written as text. Several
categories may share a code (the national classes are coarser than a city's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hotline.load.records import Source, read_yaml, shown
from hotline.model import Category, Department, District, Registries
from hotline.problems import Problem
from hotline.slugs import SLUG_PATTERN, unique_slugs

CATEGORY_CODE = re.compile(r"[0-9]{2}(?:[0-9]{2}){0,2}")


@dataclass(frozen=True)
class _Kind:
    """One registry file: its name, the noun for its entries, and the keys an entry may have."""

    file: str
    noun: str
    keys: frozenset[str]
    aliases_example: str = ""
    missing: str = "应为一个列表，每项至少有 name"  # said when the file is not there


_DEPARTMENTS = _Kind("departments.yaml", "部门", frozenset({"name", "phone", "aliases"}), "[城管执法局, 市城管局]")
_CATEGORIES = _Kind("categories.yaml", "类别", frozenset({"name", "slug", "code"}))
_DISTRICTS = _Kind(
    "districts.yaml", "区县", frozenset({"name", "aliases", "slug"}), "[浉河]",
    "案件的 place.district 必须是其中的名称或别名。请在案件目录的顶层新建 districts.yaml，每个区县写一项，"
    "如“- {name: 浉河区, aliases: [浉河]}”；或者运行 hotline check --write-districts，由案件里已写的区县生成这个文件",
)


@dataclass(frozen=True)
class _Entry:
    """A checked registry entry."""

    name: str
    slug: str
    aliases: tuple[str, ...]
    phone: str | None
    code: str | None


def load_registries(cases_dir: Path) -> tuple[Registries | None, list[Problem]]:
    """The three registries, or None with the problems that prevent using them."""
    departments, problems = _load(cases_dir, _DEPARTMENTS)
    categories, more = _load(cases_dir, _CATEGORIES)
    problems += more
    districts, more = _load(cases_dir, _DISTRICTS)
    problems += more
    if problems:
        return None, problems
    dept_objects = tuple(Department(e.name, e.slug, e.phone, e.aliases) for e in departments)
    cat_objects = tuple(Category(e.name, e.slug, e.code) for e in categories)
    district_objects = tuple(District(e.name, e.slug, e.aliases) for e in districts)
    return Registries(
        departments=dept_objects,
        categories=cat_objects,
        districts=district_objects,
        department_by_name=_by_name(dept_objects),
        category_by_name=_by_name(cat_objects),
        district_by_name=_by_name(district_objects),
    ), []


def _by_name(items: tuple) -> dict:
    """Each registry object by its name and by each of its aliases."""
    table = {}
    for item in items:
        table[item.name] = item
        table.update({a: item for a in getattr(item, "aliases", ())})
    return table


def _load(cases_dir: Path, kind: _Kind) -> tuple[list[_Entry], list[Problem]]:
    """The checked entries of one registry file, or the problems in it."""
    path = cases_dir / kind.file
    if not path.is_file():
        return [], [Problem(str(path), 0, "", f"缺少{kind.noun}登记表 {path.name}（{kind.missing}）")]
    source, problems = read_yaml(path, f"{kind.noun}列表，每项以“- name: …”开头")
    if problems:
        return [], problems
    if not isinstance(source.data, list) or not source.data:
        return [], [source.problem((), f"{kind.noun}登记表应为非空的列表（每行以“- name: …”开头）")]
    entries, problems = _named(source, kind)
    found, more = _checked(source, kind, entries)
    problems += more
    return ([] if problems else found), problems


def _named(source: Source, kind: _Kind) -> tuple[dict[int, dict], list[Problem]]:
    """The entries that are mappings with a name, by position; problems for the rest and for unknown keys."""
    entries, problems = {}, []
    for i, entry in enumerate(source.data):
        if not isinstance(entry, dict):
            problems.append(source.problem((i,), f"每个{kind.noun}应为键值对（name: …）"))
            continue
        for key in sorted(set(entry) - kind.keys):
            problems.append(source.problem((i, key), f"未知的键“{shown(key)}”（可用的键：{'、'.join(sorted(kind.keys))}）"))
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            problems.append(source.problem((i, "name"), f"{kind.noun}缺少名称 name（应为文字）"))
            continue
        entries[i] = entry
    return entries, problems


def _checked(source: Source, kind: _Kind, entries: dict[int, dict]) -> tuple[list[_Entry], list[Problem]]:
    """Entries with their aliases, phone and slug checked; names and aliases unique together, slugs too."""
    problems: list[Problem] = []
    words: list[tuple[int, str, str]] = []  # (position, key, word) of names and aliases
    slugs: list[tuple[int, str, str]] = []
    fixed: dict[str, str] = {}
    for i, e in entries.items():
        name = e["name"].strip()
        words.append((i, "name", name))
        if "aliases" in kind.keys:
            aliases = e.get("aliases", [])
            if isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases):
                words += [(i, "aliases", a.strip()) for a in aliases]
            else:
                problems.append(source.problem((i, "aliases"), f"别名应为文字列表，如 {kind.aliases_example}"))
        phone = e.get("phone")
        if "phone" in kind.keys and phone is not None and (not isinstance(phone, (str, int)) or isinstance(phone, bool)):
            problems.append(source.problem((i, "phone"), "电话应为文字，如 \"6381234\""))
        code = e.get("code")
        if "code" in kind.keys and code is not None and not (isinstance(code, str) and CATEGORY_CODE.fullmatch(code)):
            problems.append(source.problem((i, "code"), _code_problem(code)))
        slug = e.get("slug")
        if "slug" in kind.keys and slug is not None:
            if isinstance(slug, str) and SLUG_PATTERN.match(slug):
                fixed[name] = slug
                slugs.append((i, "slug", slug))
            else:
                problems.append(source.problem((i, "slug"), "网址名 slug 只能用小写字母、数字和连字符，如 urban-management"))
    problems += _unique(source, words, kind.noun) + _unique(source, slugs, kind.noun)
    if problems:
        return [], problems
    derived = unique_slugs([e["name"].strip() for e in entries.values()], fixed)
    return [
        _Entry(
            name=e["name"].strip(),
            slug=derived[e["name"].strip()],
            aliases=tuple(a.strip() for a in e.get("aliases", [])),
            phone=str(e["phone"]).strip() if e.get("phone") is not None else None,
            code=e.get("code"),
        )
        for e in entries.values()
    ], []


def _code_problem(code: object) -> str:
    """What is wrong with a category's national code."""
    expected = "GB/T 39666-2020 的分类代码应为 2、4 或 6 位数字（大类、中类、小类各两位）"
    if isinstance(code, int) and not isinstance(code, bool):
        return f"{expected}，并加引号写成文字，如 code: \"050101\"（不加引号时开头的 0 会丢失）"
    return f"{expected}，如 code: \"050101\"（写的是“{code}”）"


def _unique(source: Source, words: list[tuple[int, str, str]], noun: str) -> list[Problem]:
    """Problems for any word (name, alias or slug) used twice."""
    seen: dict[str, int] = {}
    problems = []
    for i, key, word in words:
        if word in seen:
            problems.append(source.problem((i, key), f"“{word}”重复：第 {source.line((seen[word],))} 行的{noun}已经用了它"))
        else:
            seen[word] = i
    return problems
