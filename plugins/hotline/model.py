"""The public model: the only case data that leaves the loading stage.

`CaseSet` is what every output takes: published cases, aggregate facts, the
public registries, and (for the guard alone) the private values.

Everything downstream of `casedata.load_cases` (pages, feeds, statistics,
open data) sees these objects and nothing else. Adding a field here is a
deliberate act of publication: it is a whitelist, never a blacklist.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hotline.dates import month_key

if TYPE_CHECKING:
    from hotline.privacy.private import PrivateValue
    from hotline.problems import Problem

CHANNEL_NAMES = {"hotline": "市长热线", "mailbox": "市长信箱", "other": "其他渠道"}
FOLLOWUP_RESULTS = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "unsatisfied": "不满意",
    "unreachable": "无法联系",
}

# Words the site prints around every case, whatever the cases say: a
# private value that is one of them, or part of one, cannot be kept private.
SITE_WORDS = (
    *CHANNEL_NAMES.values(), *FOLLOWUP_RESULTS.values(), "市长热线办公室", "市民", "居民", "村民", "职工", "家长",
    "反映", "来电", "来信", "接电后", "接信后", "经查", "经回访", "反映人", "情况属实", "情况部分属实", "情况不属实",
    "值班记者", "办理", "办结", "回访", "对此结果表示",
)


class Compact:
    """Base of the frozen slots dataclasses the load cache keeps: pickled as
    class and field values, which loads twice as fast as dataclasses' own
    `__setstate__` (a Python loop over `fields()` per object)."""

    __slots__ = ()

    def __reduce__(self):
        return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class Department(Compact):
    """A handling department from departments.yaml (public registry)."""

    name: str
    slug: str
    phone: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Category(Compact):
    """A case category from categories.yaml (public registry); `code`: its
    GB/T 39666-2020 政府热线服务分类与代码 code, where the registry gives one."""

    name: str
    slug: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class District(Compact):
    """A district from districts.yaml (public registry); its slug is ASCII and unique."""

    name: str
    slug: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Registries:
    """The public registries, with lookups by name and alias."""

    departments: tuple[Department, ...]
    categories: tuple[Category, ...]
    districts: tuple[District, ...]
    department_by_name: dict[str, Department] = field(hash=False, compare=False)
    category_by_name: dict[str, Category] = field(hash=False, compare=False)
    district_by_name: dict[str, District] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Handling(Compact):
    """One department's part in handling a case; free text already scrubbed."""

    department: Department
    assigned_at: dt.date | None
    finding: str | None
    action: str | None
    finished_at: dt.date | None


@dataclass(frozen=True, slots=True)
class Followup(Compact):
    """The return call (回访); `comment` already scrubbed."""

    at: dt.date | None
    result: str  # one of FOLLOWUP_RESULTS
    comment: str | None

    @property
    def result_name(self) -> str:
        return FOLLOWUP_RESULTS[self.result]


@dataclass(frozen=True, slots=True)
class PublicCase(Compact):
    """A resolved, published case in its anonymised form."""

    id: str
    channel: str  # one of CHANNEL_NAMES
    received_at: dt.datetime  # timezone-aware
    resolved_at: dt.datetime  # timezone-aware
    caller: str  # 何女士 / 张先生 / 何某
    caller_role: str  # 市民 居民 村民 …
    district: District
    area: str | None
    category: Category
    headline: tuple[str, ...]  # one or two lines as printed in the column
    complaint: str
    handling: tuple[Handling, ...]
    followup: Followup | None
    rehandled: int
    supervision_level: int | None
    reporter: str | None
    # Fingerprint of every field above, set by the anonymiser: what a cached
    # output made from this case is keyed by (cheaper than the case's repr).
    digest: str = field(default="", repr=False, compare=False)

    @property
    def departments(self) -> tuple[Department, ...]:
        """Handling departments in order, each once."""
        return tuple(dict.fromkeys(h.department for h in self.handling))

    @property
    def month(self) -> str:
        """The archive month, `YYYY/MM`, of the date the case was resolved."""
        return month_key(self.resolved_at, "/")

    def texts(self) -> dict[str, str]:
        """Every free-text field by its contract name, for checks over public text."""
        out = {"headline": "\n".join(self.headline), "complaint": self.complaint}
        if self.area:
            out["place.area"] = self.area
        if self.reporter:
            out["reporter"] = self.reporter
        if self.caller_role:
            out["caller_role"] = self.caller_role
        for i, h in enumerate(self.handling):
            if h.finding:
                out[f"handling[{i}].finding"] = h.finding
            if h.action:
                out[f"handling[{i}].action"] = h.action
        if self.followup and self.followup.comment:
            out["followup.comment"] = self.followup.comment
        return out


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What statistics may know about any valid record, published or not.

    Counts and registry names only: no free text and no id, so an
    unpublished record cannot leave any of its words in an output.
    """

    status: str  # received | assigned | resolved | invalid
    published: bool
    channel: str
    received_at: dt.datetime
    resolved_at: dt.datetime | None
    category: str | None  # a registry name
    departments: tuple[str, ...]  # registry names
    district: str | None  # only a district that published cases name too
    followup_result: str | None
    rehandled: int
    supervision_level: int | None


@dataclass(frozen=True, slots=True)
class Position:
    """Where a published case's public fields are in its file: lines only, no values."""

    file: str
    lines: dict[str, int]  # public field name (`handling[0].action`) -> line

    def line(self, field_: str) -> int:
        """Line of `field_`, or of its nearest enclosing field."""
        while field_ not in self.lines and field_:
            field_ = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", field_)
        return self.lines.get(field_, 1)


@dataclass(frozen=True, slots=True)
class CaseSet:
    """Everything the rest of the build may know about the cases."""

    cases: tuple[PublicCase, ...]  # published, newest first
    facts: tuple[CaseFacts, ...]  # every valid record, for statistics
    registries: Registries
    districts: tuple[District, ...]  # those published cases name, in registry order
    private_values: tuple[PrivateValue, ...]  # for the guard only
    positions: dict[str, Position] = field(default_factory=dict, hash=False, compare=False)  # by case id, for `hotline check`
    warnings: tuple[Problem, ...] = ()  # about private values the guard cannot prove safe, for `hotline check`

    @property
    def withheld(self) -> int:
        """Resolved records that are not published (`publish: false`)."""
        return sum(1 for f in self.facts if f.status == "resolved" and not f.published)

    def by_year_received(self) -> dict[int, list[PublicCase]]:
        """The published cases by the year they were received, newest year
        first (a search index and a bulk CSV file each)."""
        years: dict[int, list[PublicCase]] = {}
        for case in self.cases:
            years.setdefault(case.received_at.year, []).append(case)
        return dict(sorted(years.items(), reverse=True))
