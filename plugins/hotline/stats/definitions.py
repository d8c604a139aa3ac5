"""The definition (口径) of every rate the site shows, declared once.

Cities define their rates differently (有效参评满意率 is not 抽查满意率), so a
rate is never shown without its definition. The statistics page, scoreboard,
bulletins, yearly reports, stats.json and the LED feeds take each rate's name,
definition, numerator and denominator from here, and link to its row on the
统计口径 page (`PAGE`), which lists them all in one table.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE = "stats/definitions.html"

# The counts rates are made of (stats.json's `totals` keys), as readers call them.
COUNT_NAMES = {
    "records": "受理来电",
    "invalid": "无效来电",
    "valid": "有效来电",
    "in_progress": "在办",
    "resolved": "办结",
    "published": "公开",
    "followed_up": "回访接通",
    "satisfied": "满意和基本满意",
    "on_time": "按时办结",
    "rehandled": "重新办理",
}

# What each count means, for the 统计口径 table.
COUNT_DEFINITIONS = {
    "records": "全部来电来信记录，包括在办、无效和办结但不公开的；未公开的只计数，不公开内容。按受理时间归入月份和年份。",
    "invalid": "无效来电（醉酒、泄愤、谩骂等）。",
    "valid": "受理来电减去无效来电。",
    "in_progress": "已受理、已交办但尚未办结的。",
    "resolved": "已办结的，包括办结但不公开的。",
    "published": "办结并在本网站公开的。",
    "followed_up": "办结后回访，回访结果不是“无法联系”的（满意、基本满意或不满意）。",
    "satisfied": "回访结果为满意或基本满意的。",
    "on_time": "受理后 {deadline_days} 个工作日内办结的（受理当天不算；工作日按国家法定节假日和调休安排计算）。",
    "rehandled": "办结前至少被退回重新办理过一次的。",
}


@dataclass(frozen=True, slots=True)
class Definition:
    """One rate: `numerator` ÷ `denominator`, both keys of stats.json's `totals`
    (for a share, the denominator is the same count of the whole period)."""

    key: str  # followup_rate: the attribute of the figures and the key in stats.json
    name: str  # 回访率
    text: str  # the definition; {deadline_days} is the DEADLINE_DAYS setting
    numerator: str
    denominator: str
    short: str  # the formula in few characters, for LED screens
    numerator_name: str = ""  # what the numerator counts, where COUNT_NAMES does not say it
    denominator_name: str = ""

    @property
    def anchor(self) -> str:
        """The id of its row on the 统计口径 page: followup-rate."""
        return self.key.replace("_", "-")

    @property
    def url(self) -> str:
        """Its row on the 统计口径 page, relative to the site root."""
        return f"{PAGE}#{self.anchor}"

    @property
    def numerator_label(self) -> str:
        return self.numerator_name or COUNT_NAMES[self.numerator]

    @property
    def denominator_label(self) -> str:
        return self.denominator_name or COUNT_NAMES[self.denominator]

    @property
    def formula(self) -> str:
        """回访率 = 回访接通 ÷ 办结"""
        return f"{self.name} = {self.numerator_label} ÷ {self.denominator_label}"

    def definition(self, deadline_days: int) -> str:
        return self.text.format(deadline_days=deadline_days)

    def quoted(self, shown: str) -> str:
        """The rate as a sentence quotes it, with its formula: 满意率96.0%（满意+基本满意÷回访接通）."""
        return f"{self.name}{shown}（{self.short}）"


# The rates of a row of figures: stats.json's `rates`, in this order.
RATES = (
    Definition(
        "followup_rate", "回访率",
        "办结的案件中回访接通的比例：回访接通（回访结果不是“无法联系”）的件数 ÷ 办结件数（含不公开的）。",
        "followed_up", "resolved", "回访接通÷办结",
    ),
    Definition(
        "satisfaction_rate", "满意率",
        "回访接通的案件中满意的比例：回访结果为满意或基本满意的件数 ÷ 回访接通件数。"
        "分母是全部回访接通的办结案件，不是只算表态的“有效参评”，也不是抽查的样本。",
        "satisfied", "followed_up", "满意+基本满意÷回访接通", numerator_name="（满意 + 基本满意）",
    ),
    Definition(
        "on_time_rate", "按时办结率",
        "受理后 {deadline_days} 个工作日内办结的件数 ÷ 办结件数；受理当天不算，工作日按国家法定节假日和调休安排计算。",
        "on_time", "resolved", "按时办结÷办结",
    ),
    Definition(
        "rehandled_rate", "重新办理占比",
        "办结前至少被退回重新办理过一次的件数 ÷ 办结件数。",
        "rehandled", "resolved", "重新办理÷办结",
    ),
)

# Shares of a period's whole: the numerator is a part's count (a category's), the denominator the period's.
SHARES = (
    Definition(
        "valid_share", "占有效来电",
        "一个类别的有效来电件数 ÷ 同一时期全部有效来电件数。",
        "valid", "valid", "类别有效来电÷全部有效来电",
        numerator_name="该类别有效来电", denominator_name="同期全部有效来电",
    ),
)

DEFINITIONS = {d.key: d for d in RATES + SHARES}
BY_NAME = {d.name: d for d in DEFINITIONS.values()}
