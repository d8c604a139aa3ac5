"""The output guard: proof that no private value reached an output.

Every byte the build writes passes through `Guard.check`. The guard
normalises the output (JSON, HTML and URL escapes, full-width forms,
invisible characters, separators) and searches it for the canonical form of
every private value: text values with one Aho-Corasick automaton, numbers by
a dictionary lookup per digit run. Both cost time linear in the output size.

Most of an output is ASCII and CJK text that normalisation leaves as it is,
so only the stretches that it can change are normalised (see `_expand`).
"""

from __future__ import annotations

import bisect
import html
import itertools
import os
import re
import string
import unicodedata
from collections.abc import Collection, Iterable
from pathlib import Path, PurePosixPath

import ahocorasick

from .private import LONG_NUMBER, NUMBER, PrivateValue, number_key

_JSON_ESCAPE = re.compile(
    r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})"
)
# What urllib.parse.unquote decodes, found in C: it would split the whole
# text at every '%' and at every non-ASCII character. A pattern that starts
# with a character or a class (not a group or a repeat) lets the regex
# engine skip ahead in C.
_PERCENT_RUN = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")
# Unicode's Default_Ignorable_Code_Point: characters a reader does not see
# (zero-width, direction controls, variation selectors, fillers, tags). One
# inside a name or a number must not hide it from the guard.
DEFAULT_IGNORABLE = (
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, *range(0x180B, 0x1810), *range(0x200B, 0x2010),
    *range(0x202A, 0x202F), *range(0x2060, 0x2070), 0x3164, *range(0xFE00, 0xFE10), 0xFEFF, 0xFFA0,
    *range(0xFFF0, 0xFFF9), *range(0x1BCA0, 0x1BCA4), *range(0x1D173, 0x1D17B), *range(0xE0000, 0xE1000),
)
# A character class, not str.translate: translate looks up every character
# of a CJK text in Python (~60 ns each); the regex scans in C.
_INVISIBLE = re.compile("[" + "".join(
    f"{chr(run[0][1])}-{chr(run[-1][1])}" if len(run) > 1 else chr(run[0][1])
    for run in (list(g) for _, g in itertools.groupby(enumerate(sorted(DEFAULT_IGNORABLE)), lambda p: p[1] - p[0]))
) + "]")
_SEPARATOR_CHARS = r"\s\-‐‑–—―·•・_/"
_SEPARATORS = re.compile(f"[{_SEPARATOR_CHARS}]+")
# The separators that are not ASCII (all below U+3100: tests/test_guard_fast_paths.py).
_WIDE_SEPARATOR = re.compile("[" + "".join(c for c in map(chr, range(0x80, 0x3100)) if _SEPARATORS.match(c)) + "]")
# Characters `_expand` may leave as they are: NFKC-stable starters that
# never combine with the character before them, casefold-stable (ASCII
# letters are lowered later, as bytes), visible (but U+200B, removed later)
# and no separators (but ASCII ones, and ·, made a space). NFKC of a text is
# NFKC of its pieces when it is cut before such a character (UAX #15), so
# only the runs of other characters, each with the one before it, are
# normalised. tests/test_guard_fast_paths.py checks every character listed.
_STABLE = (
    r"\x00-\x7f\u00b7\u00d7\u200b\u2018\u2019\u201c\u201d\u203a\u2190-\u2193"
    r"\u3001\u3002\u3008-\u3011\u3400-\u4dbf\u4e00-\u9fff\ufffd"
)
_UNSTABLE_RUN = re.compile(f"[^{_STABLE}][^{_STABLE}]*")
# Full-width punctuation of Chinese text, replaced by its NFKC (and NFKD)
# form before the split, so that it does not cut the text into thousands of runs.
_FULL_WIDTH = {"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "！": "!", "？": "?"}
# `_expand`'s text made compact as UTF-8: ASCII letters lowered, separators dropped.
_LOWER = bytes.maketrans(string.ascii_uppercase.encode(), string.ascii_lowercase.encode())
_ASCII_SEPARATORS = bytes(b for b in range(128) if _SEPARATORS.fullmatch(chr(b)))
# `_expand`'s text as the digits (and x) of each digit run, runs apart:
# a number that `_find_number` finds in a run is a substring of one.
_DIGITS = bytes(b if b in b"0123456789x" else ord(" ") for b in bytes.maketrans(b"X", b"x"))
_RUN_PUNCTUATION = _ASCII_SEPARATORS + b"()."
# A digit run as written: digit groups (an ID may end in x) joined by
# separators, parentheses or dots ((130)9678-9651, 130.9678.9651; NFKC
# makes （）and ． of them). Possessive quantifiers: no backtracking on long runs.
_NUMBER_RUN = re.compile(f"(?:[0-9]++[xX]?+[{_SEPARATOR_CHARS}().]*+)++")
_NUMBER_GROUP = re.compile(r"[0-9]+[xX]?")
_COUNTRY_CODES = ("86", "0086")
_MOBILE_WITH_COUNTRY_CODE = re.compile(r"(?:0086|86)(1[0-9]{10})")
_MAX_EXTENSION = 4
_MIN_TEXT = 2
_MIN_NUMBER = 7
_MIN_DIGIT_TEXT = 5  # a room number 3-2-401, matched as whole digit groups only


def _decode_json_escape(m: re.Match[str]) -> str:
    if m.group(3) is None:
        high, low = int(m.group(1), 16), int(m.group(2), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    code = int(m.group(3), 16)
    return m.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)  # lone surrogate


def _decode_percent_run(m: re.Match[str]) -> str:
    return bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace")


def _fold(text: str) -> str:
    """NFKC, invisible characters removed, casefolded, separators spaced."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return _WIDE_SEPARATOR.sub(" ", text)


def _expand(text: str) -> str:
    """Escapes decoded, NFKC, invisible characters removed, casefolded but
    for ASCII letters, every separator an ASCII one.

    The guard searches this without separators (as `normalise`) for text
    values, and its digit runs, whose separators do not matter, for numbers.
    """
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(_decode_json_escape, text)
    if "&" in text:
        text = html.unescape(html.unescape(text))  # twice: &amp;#20029; too
    if "%" in text:
        text = _PERCENT_RUN.sub(_decode_percent_run, text)
    if text.isascii():
        return text
    for wide, narrow in _FULL_WIDTH.items():
        text = text.replace(wide, narrow)
    runs = list(_UNSTABLE_RUN.finditer(text))
    if len(runs) > len(text) // 16:
        text = _fold(text)  # mostly unstable (binary data): one pass is faster
    elif runs:
        pieces, end = [], 0
        for run in runs:
            start = max(run.start() - 1, 0)  # the character before may combine with the run
            pieces += (text[end:start], _fold(text[start : run.end()]))
            end = run.end()
        pieces.append(text[end:])
        text = "".join(pieces)
    return text.replace("\u200b", "").replace("·", " ")


def normalise(text: str) -> str:
    """The text as the guard searches it.

    Escapes decoded, NFKC, invisible characters removed, casefolded, then
    whitespace and separators removed: "138-3761 2045" -> "13837612045".
    """
    utf8 = _expand(text).encode("utf-8", "surrogatepass")
    return utf8.translate(_LOWER, _ASCII_SEPARATORS).decode("utf-8", "surrogatepass")


def _number_key(value: str) -> str:
    """Canonical digits of a NUMBER value; a mobile loses its country code."""
    key = number_key(value).lower()
    m = _MOBILE_WITH_COUNTRY_CODE.fullmatch(key)
    return m.group(1) if m else key


def _automaton(words: dict[str, object]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton that finds `words` and yields their values."""
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word, value in words.items():
        automaton.add_word(word, value)
    automaton.make_automaton()
    return automaton


class LeakError(Exception):
    """A private value was found in an output. Carries only the masked value."""

    def __init__(self, path: str, case_id: str, field: str, masked: str, *, in_name: bool = False):
        self.path = path
        self.case_id = case_id
        self.field = field
        self.masked = masked
        where = "输出文件名" if in_name else "输出文件"
        super().__init__(
            f"隐私保护：{where} {path} 含有案件 {case_id} 的 {field}（{masked}），"
            "构建已中止，已发布的网站保持不变。"
        )


class _Entry:
    """The private values that share one canonical form."""

    __slots__ = ("strong", "weak")

    def __init__(self) -> None:
        self.strong: PrivateValue | None = None
        self.weak: dict[str, PrivateValue] = {}  # case_id -> value

    def add(self, value: PrivateValue) -> None:
        if value.strong:
            self.strong = self.strong or value
        else:
            self.weak.setdefault(value.case_id, value)

    def hit(self, scope: Collection[str] | None) -> PrivateValue | None:
        """The value a match leaks in an output carrying `scope`, if any."""
        if self.strong is not None:
            return self.strong
        if scope:
            for case_id in scope:
                if case_id in self.weak:
                    return self.weak[case_id]
        return None


class Guard:
    """Searches outputs for the private values it was built from."""

    def __init__(self, values: Iterable[PrivateValue]):
        texts: dict[str, _Entry] = {}
        self._numbers: dict[str, _Entry] = {}
        for value in values:
            if value.kind == NUMBER:
                key = _number_key(value.value)
                # A long number without its last digit is a leak too (private.LONG_NUMBER).
                keys = {key, key[:-1]} if len(key) >= LONG_NUMBER else {key}
                table, minimum = self._numbers, _MIN_NUMBER
            elif normalise(value.value).isdigit():
                # A text value made of digits once separators go (a room 11-2-903)
                # is a number: found as a digit run, never inside another (0.1129032).
                keys, table, minimum = {normalise(value.value)}, self._numbers, _MIN_DIGIT_TEXT
            else:
                keys, table, minimum = {normalise(value.value)}, texts, _MIN_TEXT
            for key in keys:
                if len(key) >= minimum:
                    table.setdefault(key, _Entry()).add(value)
        # Text keys as UTF-8 bytes, one character each: pyahocorasick scans a
        # trie node's children one by one, and over bytes no node has more than
        # 256 of them, where a CJK alphabet gives the root thousands. UTF-8 is
        # self-synchronising: a match never starts inside a character.
        self._automaton = _automaton(
            {key.encode("utf-8", "surrogatepass").decode("latin-1"): entry for key, entry in texts.items()}
        )
        # Every number key: no run holds one unless the page's digits do.
        self._number_automaton = _automaton(self._numbers)
        self._number_lengths = sorted({len(key) for key in self._numbers})

    def check(
        self, path: str, data: bytes | str, scope: Collection[str] | None = None
    ) -> None:
        """Raise `LeakError` if the output `path` (relative to the output root)
        or its content `data` contains a private value.

        `scope`: ids of the cases whose text this single output carries; their
        weak values are checked too. None: an aggregate output, strong values only.
        """
        self._check_name(path, scope)
        self._check_content(path, data, scope)

    def check_tree(self, root: Path, skip: Collection[str] = frozenset()) -> None:
        """Check every file name under `root` and every file not in `skip`
        (relative posix paths already checked when they were written)."""
        for directory, dirnames, filenames in os.walk(root):
            base = Path(directory).relative_to(root)
            for name in dirnames:
                self._check_name((base / name).as_posix(), None)
            for name in filenames:
                rel = (base / name).as_posix()
                self._check_name(rel, None)
                full = root / rel
                if rel not in skip and full.is_file():
                    self._check_content(rel, full.read_bytes(), None)

    def _check_content(
        self, path: str, data: bytes | str, scope: Collection[str] | None
    ) -> None:
        if isinstance(data, str):
            texts = [data]
        else:
            texts = [data.decode("utf-8", errors="replace")]
            lowered = path.lower()
            if "gb2312" in lowered or "gbk" in lowered:
                texts.append(data.decode("gbk", errors="replace"))  # GBK ⊃ GB2312
        for text in texts:
            value = self._find(text, scope)
            if value is not None:
                raise LeakError(path, value.case_id, value.field, value.masked())

    def _check_name(self, path: str, scope: Collection[str] | None) -> None:
        value = self._find(path, scope)
        if value is None:
            return
        # Show the path only up to the first component that leaks.
        parts = PurePosixPath(path).parts
        shown = "…"
        for i in range(len(parts)):
            if self._find("/".join(parts[: i + 1]), scope) is not None:
                shown = "/".join((*parts[:i], "…"))
                break
        raise LeakError(shown, value.case_id, value.field, value.masked(), in_name=True)

    def _find(self, text: str, scope: Collection[str] | None) -> PrivateValue | None:
        """The first private value found in `text`, or None."""
        expanded = _expand(text)
        utf8 = expanded.encode("utf-8", "surrogatepass")
        if self._automaton is not None:
            compact = utf8.translate(_LOWER, _ASCII_SEPARATORS).decode("latin-1")  # = normalise(text), as bytes
            for _end, entry in self._automaton.iter(compact):
                value = entry.hit(scope)
                if value is not None:
                    return value
        if self._number_automaton is not None:
            digits = b" ".join(utf8.translate(_DIGITS, _RUN_PUNCTUATION).split()).decode("ascii")
            if next(self._number_automaton.iter(digits), None) is None:
                return None
            for run in _NUMBER_RUN.finditer(expanded):
                if run.end() - run.start() < _MIN_DIGIT_TEXT:
                    continue  # too short to hold a number worth guarding (dates, counts)
                value = self._find_number(run.group(), scope)
                if value is not None:
                    return value
        return None

    def _find_number(self, run: str, scope: Collection[str] | None) -> PrivateValue | None:
        """A private number in one digit run.

        A value must start where a digit group starts (after an optional
        country code) and end where one ends, or be followed by an extension
        of at most four digits. So a number standing apart ("… 138 3761 2045
        12345") is found, and one inside a longer unbroken run of digits
        (coordinates, long ids) is not.
        """
        groups = _NUMBER_GROUP.findall(run)
        digits = "".join(groups).lower()
        if len(digits) < _MIN_DIGIT_TEXT:
            return None
        bounds = list(itertools.accumulate(map(len, groups), initial=0))
        for start in bounds[:-1]:
            for prefix in ("", *_COUNTRY_CODES):
                if not digits.startswith(prefix, start):
                    continue
                begin = start + len(prefix)
                for length in self._number_lengths:
                    end = begin + length
                    if end > len(digits):
                        break
                    entry = self._numbers.get(digits[begin:end])
                    if entry is None:
                        continue
                    closing = bisect.bisect_left(bounds, end)  # the group boundary at or after `end`
                    if bounds[closing] != end and (
                        bounds[closing] - end > _MAX_EXTENSION or bounds[closing - 1] > begin
                        or end - begin < _MIN_NUMBER
                    ):
                        continue  # an extension runs on in the value's own last group, never in another
                    value = entry.hit(scope)
                    if value is not None:
                        return value
        return None
