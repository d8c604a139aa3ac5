"""The public registries: departments.yaml and categories.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .problems import Problem
from .public import Category, Department, Registries
from .records import Source, read_yaml
from .slugs import SLUG_PATTERN, unique_slugs

_DEPARTMENT_KEYS = {"name", "phone", "aliases"}
_CATEGORY_KEYS = {"name", "slug"}


def load_registries(cases_dir: Path) -> tuple[Registries | None, list[Problem]]:
    """Both registries, or None with the problems that prevent using them."""
    departments, problems = _entries(cases_dir / "departments.yaml", _DEPARTMENT_KEYS, "部门")
    categories, more = _entries(cases_dir / "categories.yaml", _CATEGORY_KEYS, "类别")
    problems += more
    dept_objects, more = _departments(*departments) if departments else ((), [])
    problems += more
    cat_objects, more = _categories(*categories) if categories else ((), [])
    problems += more
    if problems:
        return None, problems
    by_name = {}
    for d in dept_objects:
        by_name[d.name] = d
        by_name.update({a: d for a in d.aliases})
    return Registries(
        departments=dept_objects,
        categories=cat_objects,
        department_by_name=by_name,
        category_by_name={c.name: c for c in cat_objects},
    ), []


def _entries(path: Path, keys: set[str], noun: str) -> tuple[tuple[Source, list[dict]] | None, list[Problem]]:
    """The list of mappings in a registry file, with shape problems."""
    if not path.is_file():
        return None, [Problem(str(path), 0, "", f"缺少{noun}登记表 {path.name}（应为一个列表，每项至少有 name）")]
    source, problems = read_yaml(path, f"{noun}列表，每项以“- name: …”开头")
    if problems:
        return None, problems
    if not isinstance(source.data, list) or not source.data:
        return None, [source.problem((), f"{noun}登记表应为非空的列表（每行以“- name: …”开头）")]
    entries = []
    for i, entry in enumerate(source.data):
        if not isinstance(entry, dict):
            problems.append(source.problem((i,), f"每个{noun}应为键值对（name: …）"))
            continue
        for key in sorted(set(entry) - keys):
            problems.append(source.problem((i, key), f"未知的键“{key}”（可用的键：{'、'.join(sorted(keys))}）"))
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            problems.append(source.problem((i, "name"), f"{noun}缺少名称 name（应为文字）"))
            continue
        entries.append(entry)
    return (source, entries), problems


def _unique(source: Source, entries: list[dict], words: list[tuple[int, str, str]], noun: str) -> list[Problem]:
    """Problems for any word (name, alias or slug) used twice."""
    seen: dict[str, int] = {}
    problems = []
    for i, key, word in words:
        if word in seen:
            problems.append(source.problem((i, key), f"“{word}”重复：第 {source.line((seen[word],))} 行的{noun}已经用了它"))
        else:
            seen[word] = i
    return problems


def _departments(source: Source, entries: list[dict]) -> tuple[tuple[Department, ...], list[Problem]]:
    problems: list[Problem] = []
    words = []
    for i, e in enumerate(entries):
        words.append((i, "name", e["name"].strip()))
        phone = e.get("phone")
        if phone is not None and (not isinstance(phone, (str, int)) or isinstance(phone, bool)):
            problems.append(source.problem((i, "phone"), "电话应为文字，如 \"6381234\""))
        aliases = e.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(source.problem((i, "aliases"), "别名应为文字列表，如 [城管执法局, 市城管局]"))
            continue
        words += [(i, "aliases", a.strip()) for a in aliases]
    problems += _unique(source, entries, words, "部门")
    if problems:
        return (), problems
    slugs = unique_slugs([e["name"].strip() for e in entries])
    return tuple(
        Department(
            name=e["name"].strip(),
            slug=slugs[e["name"].strip()],
            phone=str(e["phone"]).strip() if e.get("phone") is not None else None,
            aliases=tuple(a.strip() for a in e.get("aliases", [])),
        )
        for e in entries
    ), []


def _categories(source: Source, entries: list[dict]) -> tuple[tuple[Category, ...], list[Problem]]:
    problems: list[Problem] = []
    fixed: dict[str, str] = {}
    for i, e in enumerate(entries):
        slug: Any = e.get("slug")
        if slug is None:
            continue
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
            problems.append(source.problem((i, "slug"), "网址名 slug 只能用小写字母、数字和连字符，如 urban-management"))
        else:
            fixed[e["name"].strip()] = slug
    names = [e["name"].strip() for e in entries]
    problems += _unique(source, entries, [(i, "name", n) for i, n in enumerate(names)], "类别")
    problems += _unique(
        source, entries, [(i, "slug", fixed[n]) for i, n in enumerate(names) if n in fixed], "类别"
    )
    if problems:
        return (), problems
    slugs = unique_slugs(names, fixed)
    return tuple(Category(name=n, slug=slugs[n]) for n in names), []
