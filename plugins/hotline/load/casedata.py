"""The one place where raw case files become public data.

`load_cases` reads, validates and anonymises a cases directory. What it
returns holds only public objects, aggregate facts and the private values
the output guard needs; the raw records die here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ahocorasick

from hotline.build.parallel import map_forked
from hotline.fingerprint import fingerprint
from hotline.load.anonymise import Anonymiser
from hotline.load.cache import LoadCache
from hotline.load.privacy_checks import abbreviation_warnings
from hotline.load.records import case_files, field_name, read_yaml
from hotline.load.registries import load_registries
from hotline.load.validate import Record, validate
from hotline.model import CaseFacts, CaseSet, District, Position, PublicCase, Registries
from hotline.privacy.private import PrivateValue, record_values
from hotline.privacy.spelling import BARRIER, canonical
from hotline.problems import Problem

UNPUBLISHED_TEXT_MIN = 8  # unpublished text this long is looked for by the guard
PRIVATE_KEYS = ("caller", "redact")  # top-level keys whose positions are not kept


def load_cases(cases_dir: Path, tz: ZoneInfo, **options: Any) -> tuple[CaseSet | None, list[Problem]]:
    """Read every case under `cases_dir`: `load_state`'s cases, or None and all problems."""
    loaded, problems = load_state(cases_dir, tz, **options)
    return (loaded.cases if loaded else None), problems


def load_state(
    cases_dir: Path,
    tz: ZoneInfo,
    progress: Callable[[int, int], None] | None = None,
    cache: LoadCache | None = None,
    processes: int = 1,
    positions: bool = False,
    site_words: tuple[str, ...] = (),
) -> tuple[Loaded | None, list[Problem]]:
    """Read every case under `cases_dir`; None and all problems if any.

    `progress(done, total)` is called as case files are read. With a `cache`,
    files whose bytes did not change since the last build are not read again.
    Files are read, and records anonymised, by `processes` processes.
    `positions`: also keep where each published case's fields are (for `hotline check`).
    `site_words`: what every page prints (`HotlineSettings.site_words`), which no private value may be.
    What it worked out is kept (`Loaded`) for `hotline watch`.
    """
    cache = cache or LoadCache(None)
    cases_dir = Path(cases_dir)
    if not cases_dir.is_dir():
        return None, [Problem(str(cases_dir), 0, "", "案件目录不存在（请检查 CASES_PATH 或 --cases）")]
    registries, problems = load_registries(cases_dir)
    records: dict[Path, Record] = {}
    paths = case_files(cases_dir)
    context = fingerprint(str(tz), registries and (registries.departments, registries.categories, registries.districts),
                          os.getcwd(), positions, site_words)
    keys = [(str(path), cache.file_digest(path), context) for path in paths]
    unread = [path for path, key in zip(paths, keys, strict=False) if not cache.has(key)]
    cached = len(paths) - len(unread)
    read_case = partial(_read_case, registries=registries, tz=tz, positions=positions, site_words=site_words)
    read = dict(zip(unread, map_forked(read_case, unread, processes,
                                       progress and (lambda done: progress(cached + done, len(paths)))), strict=False))
    if progress:
        progress(len(paths), len(paths))
    for path, key in zip(paths, keys, strict=False):
        def read_one(path: Path = path) -> tuple[Record | None, list[Problem]]:
            return read.pop(path, None) or read_case(path)

        record, found = cache.get(key, read_one)
        if record:
            records[path] = record
            cache.keys[record.id] = key
        problems += found
    problems += _duplicate_ids(list(records.values()))
    if problems or registries is None:
        return None, problems
    # Built from every record's private values (a second or two at 10,000 cases); reused
    # while no record's privacy and no department's number changed.
    anonymiser_key = ("anonymiser", [_privacy(r) for r in records.values()], [(d.name, d.phone) for d in registries.departments])
    anonymiser = cache.get(anonymiser_key, lambda: Anonymiser(records.values(), registries))
    public = _anonymised(list(records.values()), anonymiser, cache, processes)
    cache.save()
    loaded = Loaded(cases_dir, tz, registries, records, anonymiser, public, positions, site_words)
    return loaded, []


@dataclass
class Loaded:
    """A loaded cases directory: its records (PRIVATE), the anonymiser built
    from them, each published record's public form, and the `CaseSet` they make.
    `hotline watch` keeps it to apply an edit of one case without reading
    the others again (`edited`)."""

    cases_dir: Path
    tz: ZoneInfo
    registries: Registries
    records: dict[Path, Record]  # by file, in file order
    anonymiser: Anonymiser
    public: dict[str, tuple[PublicCase, list[PrivateValue]]]  # by id, published records only
    positions: bool = False
    site_words: tuple[str, ...] = ()
    cases: CaseSet = field(init=False)

    def __post_init__(self) -> None:
        self.cases = _case_set(list(self.records.values()), self.registries, self.public, self.positions)

    def edited(self, paths: Collection[Path]) -> Loaded | None:
        """This state after the case files `paths` (each read before) changed,
        or None when the edit needs a full load: a file with problems, or a
        record whose id, publication or private values (callers, redact) changed,
        which every other record's anonymisation and the guard depend on."""
        records = dict(self.records)
        public = dict(self.public)
        for path in paths:
            old = self.records[path]
            record, problems = _read_case(path, self.registries, self.tz, self.positions, self.site_words)
            if problems or record is None or not (old.published and record.published) or _privacy(old) != _privacy(record):
                return None
            records[path] = record
            public[record.id] = self.anonymiser.anonymise(record)
            if _values(public[record.id][1]) != _values(self.public[record.id][1]):
                return None  # the text now says a number or an address it did not say before
        return Loaded(self.cases_dir, self.tz, self.registries, records, self.anonymiser, public, self.positions, self.site_words)


def _privacy(record: Record) -> tuple:
    """What of a record the anonymiser and its private values are made from."""
    return record.id, record.caller_key, repr(record.callers), record.redact


def _values(values: list[PrivateValue]) -> list[tuple]:
    return sorted((v.value, v.case_id, v.field, v.kind, v.strong) for v in values)


def _read_case(
    path: Path, registries: Registries | None, tz: ZoneInfo, positions: bool, site_words: tuple[str, ...] = ()
) -> tuple[Record | None, list[Problem]]:
    """One case file read and validated: a record, or the problems in it.
    A valid record keeps the line of every field only if `positions` asks."""
    source, found = read_yaml(path)
    if source.data is None:
        return None, found
    record, more = validate(source, registries, tz, site_words)
    source.data = None  # the record holds what is needed; the raw tree only costs memory
    reported = {p.field for p in found}
    found += [p for p in more if p.field not in reported]
    if found:
        return None, found
    if not positions:
        source.lines = {("id",): source.line(("id",))}  # for a duplicate id; the rest is half a record's memory
    return record, found


def _duplicate_ids(records: list[Record]) -> list[Problem]:
    """Ids used twice, also when they differ only in case (one URL on some disks)."""
    first: dict[str, Record] = {}
    problems = []
    for r in records:
        other = first.setdefault(r.id.lower(), r)
        if other is not r:
            same = "相同" if other.id == r.id else f"只有大小写不同（{other.id}）"
            problems.append(r.source.problem(("id",), f"案件编号与 {other.source.name} 的编号{same}；每个案件的编号必须唯一"))
    return problems


def _anonymised(
    records: list[Record], anonymiser: Anonymiser, cache: LoadCache, processes: int
) -> dict[str, tuple[PublicCase, list[PrivateValue]]]:
    """The public form and private values of each published record, by id."""
    published = [r for r in records if r.published]
    keys = {r.id: (cache.keys.get(r.id), anonymiser.key) for r in published}
    fresh = [r for r in published if not cache.has(keys[r.id])]
    anonymised = dict(zip((r.id for r in fresh), map_forked(anonymiser.anonymise, fresh, processes), strict=False))
    public = {}
    for record in published:
        def anonymise(record: Record = record) -> tuple[PublicCase, list[PrivateValue]]:
            return anonymised.pop(record.id, None) or anonymiser.anonymise(record)

        public[record.id] = cache.get(keys[record.id], anonymise)
    return public


def _case_set(
    records: list[Record], registries: Registries, public: dict[str, tuple[PublicCase, list[PrivateValue]]], positions: bool
) -> CaseSet:
    published = [r for r in records if r.published]
    named = {r.district for r in published if r.district is not None}  # a published record always has one
    districts = tuple(d for d in registries.districts if d in named)
    cases, values = [], []
    for record in published:
        case, private = public[record.id]
        cases.append(case)
        values += private
    for record in records:
        if not record.published:
            values += record_values(record)
    values += _unpublished_text([r for r in records if not r.published], cases)
    cases.sort(key=lambda c: (c.resolved_at, c.received_at, c.id), reverse=True)
    return CaseSet(
        cases=tuple(cases),
        facts=tuple(_facts(r, named) for r in records),
        registries=registries,
        districts=districts,
        private_values=tuple(values),
        positions={r.id: _position(r) for r in published} if positions else {},
        warnings=tuple(w for r in published for w in abbreviation_warnings(r)) if positions else (),
    )


def _position(record: Record) -> Position:
    lines = record.source.lines.items()
    return Position(record.source.name, {field_name(p): n for p, n in lines if p and p[0] not in PRIVATE_KEYS})


def _unpublished_text(records: list[Record], cases: list[PublicCase]) -> list[PrivateValue]:
    """Unpublished records' own words, so the guard proves none is written.

    A line that a published case also says (boilerplate such as
    经回访，反映人表示满意) is public anyway and is left out; lines are
    compared as the guard compares them, in `spelling.canonical` form.
    """
    lines: dict[str, PrivateValue] = {}
    for record in records:
        texts = {"complaint": record.complaint, **{f"handling[{i}].action": h.action for i, h in enumerate(record.handling)}}
        for name, text in texts.items():
            for line in (text or "").splitlines():
                if len(line.strip()) >= UNPUBLISHED_TEXT_MIN:
                    lines.setdefault(line.strip(), PrivateValue(line.strip(), record.id, name))
    if lines:
        automaton = ahocorasick.Automaton()
        for line in lines:
            automaton.add_word(_unbroken(line), line)
        automaton.make_automaton()
        for case in cases:
            # A page runs a case's paragraphs and fields together (<p> tags hold nothing).
            for _, line in automaton.iter(_unbroken("".join(case.texts().values()))):
                lines.pop(line, None)
    return list(lines.values())


def _unbroken(text: str) -> str:
    """`canonical(text)` without the clause breaks between its lines."""
    return canonical(text).replace(BARRIER, "")


def _facts(record: Record, named: set[District]) -> CaseFacts:
    return CaseFacts(
        status=record.status,
        published=record.published,
        channel=record.channel,
        received_at=record.received_at,
        resolved_at=record.resolved_at if record.status == "resolved" else None,
        category=record.category.name if record.category else None,
        departments=tuple(dict.fromkeys(h.department.name for h in record.handling)),
        district=record.district.name if record.district in named else None,
        followup_result=record.followup["result"] if record.followup else None,
        rehandled=record.rehandled,
        supervision_level=record.supervision_level,
    )
