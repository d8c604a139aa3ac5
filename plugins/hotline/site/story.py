"""The column text of a case, composed the way the newspaper column writes it.

    市民何女士反映，浉河区大拱桥居民小区近期经常停水，…请求相关部门帮助解决。
    接电后，市长热线办公室立即安排市城管执法局（电话：6381234）办理。经查，情况属实。该处由于…
    经回访，反映人对此结果表示满意。
    （值班记者 曾宪科）

Everything returned here is plain text; templates escape it.
"""

from __future__ import annotations

import re

from hotline.model import Department, PublicCase

# channel -> (how the caller got in touch, what the office did first)
CHANNEL_WORDS = {
    "hotline": ("来电", "接电后"),
    "mailbox": ("来信", "接信后"),
    "other": ("反映", "接到反映后"),
}
FOLLOWUP_SENTENCES = {
    "satisfied": "经回访，反映人对此结果表示满意。",
    "basically_satisfied": "经回访，反映人对此结果表示基本满意。",
    "unsatisfied": "经回访，反映人对此结果表示不满意。",
    "unreachable": "回访时未能联系上反映人。",
}
CITYWIDE_ROLE = "市民"  # a 市民 needs no place: 市民何女士; others are placed: 平桥区居民张先生
_END = "。！？!?.；;，,、：: "
_TERMINAL = "。！？!?…”」"
_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: str | None) -> list[str]:
    """Plain text -> paragraphs (split at blank lines; lines of a paragraph joined)."""
    out = []
    for block in _BLANK_LINES.split(text or ""):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            joined = lines[0]
            for line in lines[1:]:
                ascii_seam = joined[-1].isascii() and line[0].isascii()
                joined += (" " if ascii_seam else "") + line
            out.append(joined)
    return out


def sentence(text: str) -> str:
    """Short words as one sentence: 情况属实 -> 情况属实。"""
    return text.strip().rstrip(_END) + "。"


def _then(before: str, after: str) -> str:
    """Two pieces of running text, with a full stop between them when needed."""
    if before and after and before[-1] not in _TERMINAL:
        before += "。"
    return before + after


def contact_word(case: PublicCase) -> str:
    """来电 / 来信 / 反映: how this case reached the office."""
    return CHANNEL_WORDS[case.channel][0]


def department_with_phone(department: Department) -> str:
    """市城管执法局（电话：6381234）, or the bare name without a public phone."""
    return f"{department.name}（电话：{department.phone}）" if department.phone else department.name


def caller_intro(case: PublicCase) -> str:
    """市民何女士 / 平桥区居民张先生 / 平桥区两庙村村民齐先生.

    A 市民 stands alone; any other role is placed in its district and area,
    leaving out the place words the complaint itself begins with.
    """
    role = case.caller_role or CITYWIDE_ROLE
    if role == CITYWIDE_ROLE:
        return role + case.caller
    complaint = "".join(paragraphs(case.complaint))
    place = ""
    for word in (case.district.name, case.area):
        if word and not complaint.startswith(word):
            place += word
        elif word:
            complaint = complaint[len(word):]
    return place + role + case.caller


def lead(case: PublicCase) -> str:
    """市民何女士反映， (a letter: 市民何女士来信反映，)"""
    verb = "来信反映" if case.channel == "mailbox" else "反映"
    return f"{caller_intro(case)}{verb}，"


def dispatch(case: PublicCase, office: str) -> str:
    """接电后，市长热线办公室立即安排市城管执法局（电话：6381234）办理。 (`office`: 市长热线办公室)"""
    departments = "、".join(department_with_phone(d) for d in case.departments)
    return f"{CHANNEL_WORDS[case.channel][1]}，{office}立即安排{departments}办理。"


def followup_sentence(case: PublicCase) -> str | None:
    """经回访，反映人对此结果表示满意。 (the comment as written when there is one)"""
    f = case.followup
    if f is None:
        return None
    if not f.comment:
        return FOLLOWUP_SENTENCES[f.result]
    comment = " ".join(paragraphs(f.comment))
    return sentence(comment if "回访" in comment else "经回访，" + comment)


def story(case: PublicCase, office: str) -> list[str]:
    """The column's paragraphs: the complaint, then the handling and the follow-up;
    `office` is how its sentences name the office (settings.office_in_column)."""
    complaint = paragraphs(case.complaint)
    out = [lead(case) + complaint[0], *complaint[1:]]
    several = len(case.departments) > 1
    handled = [dispatch(case, office)]
    for i, h in enumerate(case.handling):
        text = ""
        if h.finding:
            who = f"经{h.department.name}调查，" if several else "经查，"
            text = who + sentence(h.finding)
        action = paragraphs(h.action)
        if action:
            text = _then(text, action[0])
        if i == 0:
            handled[0] = _then(handled[0], text)
        elif text:
            handled.append(text)
        handled += action[1:]
    closing = followup_sentence(case)
    if closing:
        handled[-1] = _then(handled[-1], closing)
    return out + handled


def credit(case: PublicCase) -> str | None:
    """（值班记者 曾宪科）"""
    return credit_line(case.reporter) if case.reporter else None


def credit_line(reporter: str) -> str:
    """（值班记者 曾宪科）: the credit line that closes the column."""
    return f"（值班记者 {reporter}）"
