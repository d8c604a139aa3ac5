"""The ticker's lines for one screen: hotline, figures with the definitions
of their rates, then one per case.

A case message reads like 【已办结】浉河区大拱桥居民小区 管道损坏致停水
市城管执法局办理 回访满意: place, the headline's first line, departments
and the follow-up result. Parts are dropped (area, district, departments,
result) until the message fits the screen; only then is the headline cut,
at a clause or word boundary and never inside a number or a Latin word.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import product

from hotline.feeds.led.charset import PLACEHOLDER, to_charset
from hotline.feeds.led.config import Screen
from hotline.model import PublicCase
from hotline.problems import ConfigError
from hotline.stats.definitions import RATES, Definition
from hotline.stats.figures import Row, percent

log = logging.getLogger(__name__)

TAG = "【已办结】"
ELLIPSIS = "…"
HOTLINE_LABEL = "热线电话"
DEFINITIONS_LABEL = "口径："
RESULT_WORDS = {"satisfied": "回访满意", "basically_satisfied": "回访基本满意", "unsatisfied": "回访不满意"}
# A run of digits and Latin letters with the marks that join them (3.5, 1,000,
# 3C, 12:30, 98%): a cut never falls inside one.
_TOKEN = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+(?:[.,:/．，：/-][0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+)*[%％‰℃]?")
_CLAUSE_END = frozenset("，。；：、！？,.;:!?）)」』”’】》 ")
_DANGLING = " ，。；：、,.;:（(「『“‘【《"


@dataclass
class Composer:
    """Makes one screen's lines; remembers the characters it could not show."""

    screen: Screen
    missing: dict[str, list[str]] = field(default_factory=dict)  # character -> case ids

    def clean(self, text: str, case_id: str = "") -> str:
        """`text` with the screen's replacements, on one line, in its charset."""
        text, missing = self._convert(text)
        self._note(missing, case_id)
        return text

    def _convert(self, text: str) -> tuple[str, list[str]]:
        for old, new in self.screen.replace:
            text = text.replace(old, new)
        return to_charset(text, self.screen.charset)

    def _note(self, missing, case_id: str) -> None:
        for char in missing:
            ids = self.missing.setdefault(char, [])
            if case_id not in ids:
                ids.append(case_id)

    def case_message(self, case: PublicCase) -> str:
        """The case in at most `max_chars` characters. Of the versions that fit,
        the fullest with the fewest characters the screen cannot show: an
        optional part (place, departments, result) is left out rather than
        shown with a placeholder."""
        subject, district, area = case.headline[0], case.district.name, case.area or ""
        places = []
        if area and area not in subject:
            places.append(area if area.startswith(district) else district + area)
        if district not in subject:
            places.append(district)
        places.append("")
        names = [d.name for d in case.departments]
        departments = [f"{'、'.join(names)}办理"] + ([f"{names[0]}等办理"] if len(names) > 1 else []) + [""]
        result = RESULT_WORDS.get(case.followup.result, "") if case.followup else ""
        fitting = None
        for result_, department, place in product(dict.fromkeys((result, "")), departments, places):
            text, missing = self._convert(TAG + " ".join(p for p in (place, subject, department, result_) if p))
            if len(text) <= self.screen.max_chars:
                if not missing:
                    return text
                if fitting is None or len(missing) < len(fitting[1]):
                    fitting = (text, missing)
        if fitting:
            self._note(fitting[1], case.id)
            return fitting[0]
        return TAG + cut(self.clean(subject, case.id), self.screen.max_chars - len(TAG))

    def hotline_lines(self, hotlines: Sequence[str], office: str, hours: str) -> list[str]:
        """All hotline numbers, on one line if they fit, with office and hours if those fit too."""
        numbers = [self.clean(n) for n in hotlines]
        office, hours, joined = self.clean(office), self.clean(hours), " ".join(numbers)
        for parts in ((office, HOTLINE_LABEL, joined, hours), (office, HOTLINE_LABEL, joined),
                      (HOTLINE_LABEL, joined, hours), (HOTLINE_LABEL, joined)):
            text = " ".join(p for p in parts if p)
            if len(text) <= self.screen.max_chars:
                return [text]
        lines = [HOTLINE_LABEL]
        for number in numbers:
            if len(number) > self.screen.max_chars:
                raise ConfigError(
                    f"设置错误：热线号码 {number} 比 LED 屏 {self.screen.name} 的 MAX_CHARS（{self.screen.max_chars}）还长"
                )
            if len(lines[-1]) + 1 + len(number) <= self.screen.max_chars:
                lines[-1] += " " + number
            else:
                lines.append(number)
        return lines

    def stats_line(self, year: Row | None, months: tuple[int, int] = (1, 12)) -> str:
        """2013年1-12月共受理N件 回访率x% 满意率y% from the published figures of
        the latest year with records (`stats.by_year`'s last row) and the first
        and last of its `months` with records; "" if none. The months stand
        between the year and the count, which would read as one number told
        in pieces (2013年共受理3060件: 2013 3060)."""
        if year is None:
            return ""
        figs = year.figures
        first, last = months
        period = f"{year.name}{first}月" if first == last else f"{year.name}{first}-{last}月"
        parts = [f"{period}共受理{figs.records}件", f"回访率{percent(figs.followup_rate)}",
                 f"满意率{percent(figs.satisfaction_rate)}"]
        parts = [self.clean(p) for p in parts]
        while len(" ".join(parts)) > self.screen.max_chars and len(parts) > 1:
            parts.pop()
        return cut(" ".join(parts), self.screen.max_chars)

    def definition_lines(self, stats_text: str) -> list[str]:
        """口径：回访率=回访接通÷办结 满意率=满意+基本满意÷回访接通: the formula of
        each rate `stats_text` shows, on as few lines as the screen allows."""
        parts = [self.clean(f"{d.name}={d.short}") for d in shown_rates(stats_text)]
        if not parts:
            return []
        lines = [DEFINITIONS_LABEL]
        for part in parts:
            joined = lines[-1] + ("" if lines[-1] == DEFINITIONS_LABEL else " ") + part
            if len(joined) <= self.screen.max_chars:
                lines[-1] = joined
            else:
                lines.append(cut(part, self.screen.max_chars))
        return lines

    def warn(self) -> None:
        """One warning per character that became the placeholder, naming the cases."""
        for char, ids in self.missing.items():
            shown = "、".join(ids[:5]) + (f" 等 {len(ids)} 个案件" if len(ids) > 5 else "")
            log.warning(
                "LED 屏 %s：“%s”（U+%04X）不能用 %s 显示，已显示为“%s”；案件 %s。"
                "可把这块屏的 CHARSET 设为 GBK，或在 REPLACE 中写替代文字（见 docs/led.md）。",
                self.screen.name, char, ord(char), self.screen.charset.upper(), PLACEHOLDER, shown or "（非案件文字）",
            )


def shown_rates(text: str) -> list[Definition]:
    """The rates a line of figures names."""
    return [d for d in RATES if d.name in text]


def cut(text: str, limit: int) -> str:
    """`text` if it fits, else its longest head that ends at a sensible
    boundary, plus an ellipsis, in at most `limit` characters."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    inside = {i for m in _TOKEN.finditer(text) for i in range(m.start() + 1, m.end())}
    allowed = [
        i for i in range(1, room + 1)
        if i not in inside and not (text[i - 1].isdigit() and text[i] not in _CLAUSE_END)  # keep 5400元 together
    ]
    clauses = [i for i in allowed if (text[i - 1] in _CLAUSE_END or text[i] in _CLAUSE_END) and i >= room // 2]
    starts = _word_starts(text)
    words = [i for i in allowed if i in starts]
    for pool in (clauses, words, allowed):
        head = text[: max(pool)].rstrip(_DANGLING) if pool else ""
        if head:
            return head + ELLIPSIS
    return ELLIPSIS


def _word_starts(text: str) -> frozenset[int]:
    """Where jieba's words begin in `text` (dictionary only, so the same every run)."""
    return frozenset(start for _, start, _ in _jieba().tokenize(text, HMM=False))


@cache
def _jieba():
    import jieba  # loads its dictionary (about a second): only when a headline must be cut

    jieba.setLogLevel(logging.WARNING)
    return jieba
