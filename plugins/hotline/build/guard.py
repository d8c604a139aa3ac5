"""The output guard: proof that no private value reached an output.

Every byte the build writes passes through `Guard.check`. The guard decodes
the output (JSON, HTML and URL escapes) and searches it for every private
value in any spelling `spelling` knows: words in their canonical form with
one Aho-Corasick automaton, names in pinyin on whole words, numbers by a
lookup per digit run (Chinese numerals, letters for digits, any separators,
or told in pieces). Each costs time linear in the output size, and a line
that recurs from page to page (menus, markup, JSON keys) is searched once.
"""

from __future__ import annotations

import bisect
import html
import itertools
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

import ahocorasick

from hotline.privacy.private import LATIN, MIN_DIGIT_TEXT, MIN_NUMBER, MIN_TEXT, NUMBER, PrivateValue, number_forms, number_key
from hotline.privacy.spelling import (
    BARRIER,
    LETTER_BUT_LOWER,
    NUMERALS,
    PHRASE_CHAR,
    LatinFinder,
    canonical,
    digit_views,
    joined_pieces,
    number_pieces,
    numeral_view,
)
from hotline.problems import HotlineError

_JSON_ESCAPE = re.compile(
    r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})"
)
# What urllib.parse.unquote decodes, found in C: it would split the whole
# text at every '%' and at every non-ASCII character.
_PERCENT_RUN = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")
# A digit run in a view of `spelling.digit_views`: digit groups (an ID may
# end in x) joined by separators, parentheses or dots ((130)9678-9651,
# 130.9678.9651). Possessive quantifiers: no backtracking on long runs.
_RUN_SEPARATORS = r"\s\-‐‑–—―·•・‧∙_/,、~*:+()."
_NUMBER_RUN = re.compile(f"(?:[0-9]++[xX]?+[{_RUN_SEPARATORS}]*+)++")
_RUN_SEPARATOR = re.compile(f"[{_RUN_SEPARATORS}]+")
_NUMBER_GROUP = re.compile(r"[0-9]+[xX]?")
_NOT_DIGIT = re.compile(r"[^0-9xX]+")
_COUNTRY_CODES = ("86", "0086")
_MOBILE_WITH_COUNTRY_CODE = re.compile(r"(?:0086|86)(1[0-9]{10})")
_MAX_EXTENSION = 4
# Letters of the shortest pinyin looked for: a shorter given name (wei, fang)
# is replaced in its case's text, but a page's markup is full of such words.
_MIN_LATIN = 5
# Where no match can run across: a line break between two stops, marks that
# end a tag or a JSON string or value (">\n  <", "\",\n  \""). A stop ends a
# digit run and a name in letters, the break ends a clause
# (`spelling.BARRIER`), no escape or tag holds either, and between them
# there is nothing but blanks and a comma; so a page can be searched as the
# lines between such breaks. (A key that holds a clause end itself is looked
# for in the whole page only: lines joined apart from the lines between them
# would bring its two clauses together.)
_STOPS = r"<>\"{}\[\]"
_LINE_BREAK_BETWEEN_STOPS = re.compile(f"([{_STOPS}][ \\t,]*)\n[ \\t]*(?=[{_STOPS}])")
# A Chinese numeral beside a letter read as a digit: the numeral view of
# `spelling.digit_views` may differ from the plain one where it is found.
_NUMERAL_BY_LETTER = re.compile(f"[{''.join(NUMERALS)}][ \u3000]?[OoIl]|[OoIl][ \u3000]?[{''.join(NUMERALS)}]")
_CLEAN_LINES_KEPT = 100_000  # lines a guard remembers as clean (some tens of MB)


def _decode_json_escape(m: re.Match[str]) -> str:
    if m.group(3) is None:
        high, low = int(m.group(1), 16), int(m.group(2), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    code = int(m.group(3), 16)
    return m.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)  # lone surrogate


def _decode_percent_run(m: re.Match[str]) -> str:
    return bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace")


def decode(text: str) -> str:
    """The text a reader sees: JSON, HTML (twice: &amp;#20029;) and URL escapes decoded."""
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(_decode_json_escape, text)
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "%" in text:
        text = _PERCENT_RUN.sub(_decode_percent_run, text)
    return text


def normalise(text: str) -> str:
    """The text as the guard searches it for words: decoded, then in
    `spelling.canonical` form ("何 麗-華" -> "何丽华")."""
    return canonical(decode(text))


def _number_key(value: str) -> str:
    """Canonical digits of a NUMBER value; a mobile loses its country code."""
    key = number_key(value).lower()
    m = _MOBILE_WITH_COUNTRY_CODE.fullmatch(key)
    return m.group(1) if m else key


def _lines(text: str) -> list[str]:
    """`text` cut at every `_LINE_BREAK_BETWEEN_STOPS`, blanks after the break dropped."""
    parts = _LINE_BREAK_BETWEEN_STOPS.split(text)
    return [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)] + [parts[-1]]


def _utf8(text: str) -> str:
    """`text` as its UTF-8 bytes, one character each (see `Guard.__init__`)."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _automaton(words: Mapping[str, object]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton that finds `words` and yields their values."""
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word, value in words.items():
        automaton.add_word(word, value)
    automaton.make_automaton()
    return automaton


class LeakError(HotlineError):
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

    __slots__ = ("strong", "weak", "spans_clauses")

    def __init__(self, spans_clauses: bool = False) -> None:
        self.strong: PrivateValue | None = None
        self.weak: dict[str, PrivateValue] = {}  # case_id -> value
        self.spans_clauses = spans_clauses  # its key holds a clause end (`spelling.BARRIER`)

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


# Font names the theme's style sheets, charts and widgets print: public
# whatever a name in pinyin may spell (方萍 is Ping Fang; at 100,000 cases
# "PingFang SC" in a chart stopped the build). Looked for as written.
THEME_WORDS = ("PingFang", "YaHei", "Heiti", "WenQuanYi", "Hiragino")


class Guard:
    """Searches outputs for the private values it was built from.

    `public_slugs`: the URL slugs of the registries (shi-he-qu), which a
    name in pinyin may spell by chance and which are public whatever they
    spell; so are the font names of `THEME_WORDS`.
    """

    def __init__(self, values: Iterable[PrivateValue], public_slugs: Iterable[str] = ()):
        texts: dict[str, _Entry] = {}
        latin: dict[str, _Entry] = {}
        self._numbers: dict[str, _Entry] = {}
        whole: set[str] = set()  # number keys but those cut short by a digit
        for value in values:
            if value.kind == LATIN:
                keys, table, minimum = {value.value}, latin, _MIN_LATIN
            elif value.kind == NUMBER:
                key = _number_key(value.value)
                # A long number without its last or first digit is a leak too (private.number_forms).
                keys = number_forms(key)
                table, minimum = self._numbers, MIN_NUMBER
                whole.add(key)
            elif canonical(value.value).isdigit():
                # A text value made of digits once separators go (a room 11-2-903)
                # is a number: found as a digit run, never inside another (0.1129032).
                keys, table, minimum = {canonical(value.value)}, self._numbers, MIN_DIGIT_TEXT
            else:
                keys, table, minimum = {canonical(value.value)}, texts, MIN_TEXT
            for key in keys:
                if len(key) >= minimum:
                    table.setdefault(key, _Entry(BARRIER in key)).add(value)
        # Text keys as UTF-8 bytes, one character each: pyahocorasick scans a
        # trie node's children one by one, and over bytes no node has more than
        # 256 of them, where a CJK alphabet gives the root thousands. UTF-8 is
        # self-synchronising: a match never starts inside a character.
        # Lines searched apart skip the keys holding a clause end (`_Entry.spans_clauses`):
        # joined, two lines a page holds apart (or a line's own end) would spell one.
        # Those are looked for in the whole page, with an automaton of their own.
        self._automaton = _automaton({_utf8(key): entry for key, entry in texts.items()})
        self._spanning = _automaton({_utf8(key): entry for key, entry in texts.items() if BARRIER in key})
        self._clean: set[str] = set()  # lines that spell no key (see _find)
        self._latin = LatinFinder(latin.items())
        slugs = sorted({slug for slug in (*public_slugs, *THEME_WORDS) if slug}, key=len, reverse=True)
        # (The lookahead for a slug's first letter lets `re` skip ahead: a third faster.)
        firsts = "".join(sorted({re.escape(slug[0]) for slug in slugs}))
        self._slugs = re.compile(
            f"(?=[{firsts}])(?<![a-z0-9])(?:" + "|".join(map(re.escape, slugs)) + ")(?![a-z0-9])"
        ) if slugs else None
        # Every number key (an ID's checksum x in either case): no run holds one unless the page's digits do.
        self._number_automaton = _automaton({spelt: entry for key, entry in self._numbers.items() for spelt in {key, key.upper()}})
        self._number_lengths = sorted({len(key) for key in self._numbers})
        # A number told in pieces is looked for whole: two pieces that spell
        # all but the last digit of one are more likely two other numbers.
        self._pieces = {key: entry for key, entry in self._numbers.items() if key in whole}

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

    def check_tree(self, root: Path, skip: Collection[str] = frozenset(), skip_names: bool = False) -> None:
        """Check every file name under `root` and every file not in `skip`
        (relative posix paths already checked when they were written);
        with `skip_names`, the names of those are not checked again either."""
        for directory, dirnames, filenames in os.walk(root):
            base = os.path.relpath(directory, root)
            prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
            for name in dirnames:
                self._check_name(prefix + name, None)
            for name in filenames:
                rel = prefix + name
                if skip_names and rel in skip:
                    continue
                self._check_name(rel, None)
                full = os.path.join(directory, name)
                if rel not in skip and os.path.isfile(full):
                    self._check_content(rel, Path(full).read_bytes(), None)

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
        """The first private value found in `text`, or None.

        A page is searched as its lines (`_LINE_BREAK_BETWEEN_STOPS`); a line
        in which an earlier search found no value at all, for any case, is
        not searched again: most of a page is menus, markup and JSON keys
        that every page repeats. (Only a line that spells nothing whatever
        the rest of its page holds: see `_inert`.)"""
        lines = _lines(text)
        fresh = [line for line in lines if line not in self._clean] if len(lines) > 1 else lines
        if self._spanning is not None and len(lines) > 1:
            for _end, entry in self._spanning.iter(_utf8(canonical(decode(text)))):
                value = entry.hit(scope)
                if value is not None:
                    return value
        spelled = False
        seen: dict[str, object] = {}
        # Still lines apart: no match runs across (keys holding a clause end were looked for above).
        for entry in self._entries("\n".join(fresh), spanning=len(lines) == 1, seen=seen):
            spelled = True
            value = entry.hit(scope)
            if value is not None:
                return value
        if not spelled and len(lines) > 1:
            if not self._inert(seen):
                fresh = [line for line in fresh if self._inert({"text": decode(line)})]
            if len(self._clean) + len(fresh) > _CLEAN_LINES_KEPT:
                self._clean.clear()
            self._clean.update(fresh)
        return None

    def _inert(self, seen: dict[str, object]) -> bool:
        """Whether lines that spelled nothing on their page spell nothing on
        any page. `_entries` reads a page's Chinese numerals as digits if any
        line has some (一二), and strips the registries' slugs from it if any
        line spells a name in letters; a line that does either, or spells a key
        in the view its page did not take, must be searched on every page.
        `seen`: the decoded text and what `_entries` found in it, if it was searched."""
        text = seen["text"]
        assert isinstance(text, str)
        if self._number_automaton is not None:
            views = seen.get("views") or digit_views(text)
            assert isinstance(views, list)
            if len(views) > 1:
                return False
            if _NUMERAL_BY_LETTER.search(views[0]) and next(self._number_entries(numeral_view(views[0])), None) is not None:
                return False
        if self._slugs is not None:
            if seen["latin"] if "latin" in seen else self._latin.find(text):
                return False  # a name in letters that only a slug spells
            if self._slug_joins(text) and self._latin.find(self._slugs.sub(" ", text)):
                return False
        return True

    def _slug_joins(self, text: str) -> bool:
        """Whether stripping the slugs from `text` may make it spell a name in
        letters it did not: a slug between two parts of a phrase (Li-ping-qiao-hua),
        or beside a letter (Hshi-he-qu); not one between marks (/shi-he-qu/)."""
        assert self._slugs is not None
        for m in self._slugs.finditer(text):
            before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
            if PHRASE_CHAR.fullmatch(before) and PHRASE_CHAR.fullmatch(after):
                return True
            if LETTER_BUT_LOWER.fullmatch(before) or LETTER_BUT_LOWER.fullmatch(after):
                return True
        return False

    def _entries(self, text: str, spanning: bool = True, seen: dict[str, object] | None = None) -> Iterator[_Entry]:
        """The entries of the keys `text` spells, in any spelling, lazily;
        without `spanning`, none of a key holding a clause end. `seen` is
        given the decoded text and its digit views."""
        text = decode(text)
        if seen is not None:
            seen["text"] = text
        folded = canonical(text)
        if self._automaton is not None:
            for _end, entry in self._automaton.iter(_utf8(folded)):
                if spanning or not entry.spans_clauses:
                    yield entry
        latin = self._latin.find(text, folded)
        if seen is not None:
            seen["latin"] = bool(latin)
        if latin and self._slugs is not None:
            # shi-he-qu may spell a name by chance: look again without the registries' slugs
            latin = self._latin.find(self._slugs.sub(" ", text))
        for _start, _stop, entry in latin:
            yield entry
        if self._number_automaton is not None:
            views = digit_views(text)
            if seen is not None:
                seen["views"] = views
            for view in views:
                yield from self._number_entries(view)

    def _number_entries(self, folded: str) -> Iterator[_Entry]:
        """The entries of the numbers a view of `spelling.digit_views` holds."""
        for pieces in number_pieces(folded):
            for digits in joined_pieces(pieces):
                entry = self._pieces.get(digits)
                if entry is not None:
                    yield entry
        assert self._number_automaton is not None  # check() looks for numbers only when there are some
        if next(self._number_automaton.iter(_NOT_DIGIT.sub(" ", _RUN_SEPARATOR.sub("", folded))), None) is None:
            return  # no run holds a number unless the page's digits do
        for run in _NUMBER_RUN.finditer(folded):
            if run.end() - run.start() >= MIN_DIGIT_TEXT:  # shorter: dates, counts
                yield from self._run_entries(run.group())

    def _run_entries(self, run: str) -> Iterator[_Entry]:
        """The entries of the numbers in one digit run.

        A value must start where a digit group starts (after an optional
        country code) and end where one ends, or be followed by an extension
        of at most four digits. So a number standing apart ("… 138 3761 2045
        12345") is found, and one inside a longer unbroken run of digits
        (coordinates, long ids) is not.
        """
        groups = _NUMBER_GROUP.findall(run)
        digits = "".join(groups).lower()
        if len(digits) < MIN_DIGIT_TEXT:
            return
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
                        or end - begin < MIN_NUMBER
                    ):
                        continue  # an extension runs on in the value's own last group, never in another
                    yield entry
