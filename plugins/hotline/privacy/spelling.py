"""How a private value may be spelt, and where a text spells it.

The anonymiser and the output guard find private values through this one
module, so that what the guard would call a leak the anonymiser has already
replaced. Two views of a text are compared with two views of a value:

- `canonical`: compatibility forms (full-width letters, circled digits)
  resolved, accents dropped, casefolded, traditional characters simplified
  (OpenCC), Chinese numerals as digits, and every invisible, blank, space,
  punctuation or symbol character dropped, but for sentence punctuation,
  which a name never spans. 何、麗.華 and 何丽*华 are both 何丽华.
- `Latin words`: the ASCII words of a text, for names written in pinyin
  (He Lihua, LIHUA HE, he-li-hua), matched on whole words only.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Generic, TypeVar

import ahocorasick
import opencc
from pypinyin import Style, pinyin


def _scan() -> tuple[frozenset[str], dict[int, int]]:
    """From the characters' Unicode properties: (the characters a reader
    does not see, the digits of every script but ASCII as ASCII: Arabic-Indic,
    full-width, circled ①, dingbat ❶, superscript ¹).

    Not seen: format characters (zero-width, direction controls, tags),
    variation selectors, and the letters and symbols drawn blank (Hangul
    fillers U+3164 and U+115F, the blank braille pattern U+2800)."""
    invisible, digits = set(), {}
    for plane in (range(0x80, 0x20000), range(0xE0000, 0xE1000)):
        for code in plane:
            char = chr(code)
            category = unicodedata.category(char)
            if category == "Cf":
                invisible.add(char)
            elif category == "Nd" or category == "No" and unicodedata.digit(char, None) is not None:
                digits[code] = ord("0") + unicodedata.digit(char)  # ١, ①, ❶, ¹
            elif category in ("Lo", "So", "Mn") and not 0x3400 <= code < 0xA000 and not 0xAC00 <= code < 0xD7B0:
                name = unicodedata.name(char, "")
                if "FILLER" in name or name.endswith(" BLANK") or "VARIATION SELECTOR" in name:
                    invisible.add(char)
    return frozenset(invisible), digits


INVISIBLE, _OTHER_DIGITS = _scan()
INVISIBLE_RE = re.compile("[" + "".join(
    re.escape(chr(run[0][1])) + (f"-{re.escape(chr(run[-1][1]))}" if len(run) > 1 else "")
    for run in (list(g) for _, g in itertools.groupby(enumerate(sorted(map(ord, INVISIBLE))), lambda p: p[1] - p[0]))
) + "]")
# What stops a name: a name is never written across the end of a clause.
# (Commas, a list's 、 and dots are not here: 何，丽，华, 何、丽、华 and 何.丽.华 are one name.)
BARRIERS = frozenset("；！？;!?\n")
# Letters drawn as a dot or a stroke, written between a name's characters as
# separators are: ㆍ (U+318D), ꞏ (U+A78F), ー and ｰ, 丨 (U+4E28), ǀ (U+01C0), 〡.
SEPARATOR_LETTERS = frozenset("ㆍꞏーｰ丨ǀ〡")
# Tags without attributes (<b>, </b>, <br/>) hold nothing but break up text:
# 何<b></b>丽华 reads 何丽华. (A tag with attributes may hold a URL: kept.)
_SHORT_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,9}\s*/?>")
BARRIER = "|"  # what a clause end becomes in the canonical form
# Chinese numerals read digit by digit (幺 for 1 on the phone, 两 for 2).
NUMERALS = dict(zip("〇零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖", "0012345678912123456789", strict=False))


def _simplified() -> dict[str, str]:
    """Traditional -> simplified, character by character, from OpenCC."""
    chars = [chr(c) for c in itertools.chain(range(0x3400, 0xA000), range(0xF900, 0xFB00), range(0x20000, 0x2FA20))]
    table = {}
    for config in ("t2s", "tw2s", "hk2s"):
        converted = opencc.OpenCC(config).convert("\n".join(chars)).split("\n")
        table.update({a: b for a, b in zip(chars, converted, strict=False) if a != b and len(b) == 1})
    return table


SIMPLIFIED = _simplified()


def _fold_char(char: str) -> str:
    """One character in the canonical form: "" for one that is dropped."""
    if char in INVISIBLE or char in SEPARATOR_LETTERS:
        return ""
    if char in BARRIERS:
        return BARRIER
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part)[0] not in "LN" or part in INVISIBLE:
            continue  # marks, spaces, punctuation, symbols, controls
        if unicodedata.category(part) == "No" and unicodedata.digit(part, None) is not None:
            part = str(unicodedata.digit(part))  # ❶, ⓿
        for folded in part.casefold():
            folded = SIMPLIFIED.get(folded, folded)
            out.append(NUMERALS.get(folded, folded))
    return "".join(out)


class _FoldTable(dict):
    """`str.translate` table of the canonical form, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


_ASCII_KEEP = bytes(range(48, 58)) + bytes(range(97, 123))
_ASCII_DROP = bytes(b for b in range(128) if b not in _ASCII_KEEP and chr(b) not in BARRIERS)
_ASCIIBARRIERS = bytes.maketrans("".join(sorted(c for c in BARRIERS if c.isascii())).encode(),
                                  BARRIER.encode() * len([c for c in BARRIERS if c.isascii()]))


def canonical(text: str) -> str:
    """The form texts and private values are compared in."""
    if "<" in text:
        text = _SHORT_TAG.sub("", text)
    if text.isascii():  # JSON, CSS, scripts: letters lowered, signs dropped, in C
        return text.lower().encode("ascii").translate(_ASCIIBARRIERS, _ASCII_DROP).decode("ascii")
    return text.translate(_TABLE)


def canonical_offsets(text: str) -> tuple[str, list[int]]:
    """`canonical(text)` and, for each of its characters, the index of the
    character of `text` it came from."""
    tags = {i for m in _SHORT_TAG.finditer(text) for i in range(m.start(), m.end())} if "<" in text else set()
    out, origin = [], []
    for i, char in enumerate(text):
        folded = _TABLE[ord(char)] if i not in tags else ""
        if folded:
            out.append(folded)
            origin += [i] * len(folded)
    return "".join(out), origin


_P = TypeVar("_P")  # what a finder gives back with each word it finds


class Finder(Generic[_P]):
    """Finds words, each with a payload, in any spelling `canonical` folds.

    `find` gives the spans of the original text that spell them, leftmost
    and longest first, none overlapping.
    """

    def __init__(self, words: Iterable[tuple[str, _P]]):
        self._automaton = ahocorasick.Automaton()
        for word, payload in words:
            key = canonical(word)
            if key and BARRIER not in key and key not in self._automaton:
                self._automaton.add_word(key, (len(key), payload))
        self.empty = not len(self._automaton)
        if not self.empty:
            self._automaton.make_automaton()
        # The words of each phrase seen, by phrase: most recur from page to page (markup, menus).
        self._phrases: dict[str, list[tuple[int, int, _P]]] = {}

    def keys(self) -> list[str]:
        return sorted(self._automaton.keys()) if not self.empty else []

    def find(self, text: str) -> list[tuple[int, int, _P]]:
        if self.empty or next(self._automaton.iter_long(canonical(text)), None) is None:
            return []
        folded, origin = canonical_offsets(text)
        return [
            (origin[end + 1 - length], origin[end] + 1, payload)
            for end, (length, payload) in self._automaton.iter_long(folded)
        ]


def replace_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, replacement) span replaced; spans sorted, apart."""
    out, last = [], 0
    for start, end, replacement in spans:
        if start < last:
            continue
        out += [text[last:start], replacement]
        last = end
    return "".join(out) + text[last:] if out else text


# --- Numbers ------------------------------------------------------------------

# Digits of every script (full-width, Arabic-Indic …) as ASCII digits,
# full-width signs as ASCII ones, one character for one; invisible ones dropped.
class _Identity(dict):
    """A `str.translate` table that leaves every character it does not name
    as it is, without the cost of a failed lookup per character."""

    def __missing__(self, code: int) -> int:
        self[code] = code
        return code


_DIGIT_FOLD = _Identity(
    {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20} | _OTHER_DIGITS | dict.fromkeys(map(ord, INVISIBLE))
)
# Chinese numerals read as digits where they are digits: two or more in a row
# (一三八, 138三七六一), never one alone (一幢房屋, 前三位).
_NUMERAL_RUN = re.compile(f"[0-9OoIl{''.join(NUMERALS)}](?:[ \u3000]?[0-9OoIl{''.join(NUMERALS)}])+")
_NUMERAL_DIGIT = re.compile(f"[{''.join(NUMERALS)}][ \u3000]?[0-9{''.join(NUMERALS)}]|[0-9][ \u3000]?[{''.join(NUMERALS)}]")
_NUMERAL_FOLD = str.maketrans(NUMERALS)
# Letters written for digits inside a number: 138O376l2045, l3837612045,
# 138 376l 2045. A run of digits and such letters, apart from words.
_NUMBER_SEPARATORS = r"\s.\-‐‑–—―,、~*:+·•‧∙/_"
_DIGITISH = re.compile(f"(?<![A-Za-z])[0-9OoIl](?:[{_NUMBER_SEPARATORS}]{{0,3}}[0-9OoIl])+")
_LETTER_NEAR_DIGIT = re.compile(f"[0-9][{_NUMBER_SEPARATORS}]{{0,3}}[OoIl]|[OoIl][{_NUMBER_SEPARATORS}]{{0,3}}[0-9]")
_DIGIT_LETTERS = str.maketrans("OoIl", "0011")
# A number told in pieces: 前三位138，中间3761，尾号2045. Pieces of three
# digits or more, at most ten characters apart within a sentence. (Also
# across markup: the guard reads escaped text decoded, so a clerk's
# 138<td>3761</td>2045 cannot be told from cells of a table.)
_PIECE = re.compile(r"[0-9]{3,}")
_PIECE_GAP = re.compile(r"[^0-9。！？!?\n]{1,10}")
# A UUID (the Atom feeds' entry ids) is hex in groups, not a number told in
# pieces: 5412-a766 in fa095f05-ad15-5412-a766-… spelled a landline at
# 100,000 cases. Whole numbers in it are still looked for.
_UUID = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9A-Za-z])")


def digit_views(text: str) -> list[str]:
    """`text` with every digit as an ASCII digit, one character for one (so
    that offsets in a text without invisible characters hold); then, if it
    has Chinese numerals read as digits (一三八), with those as digits too.
    Two views: 一13837612045 holds a mobile number, and 一三八三七六一二零四五 another."""
    plain = fold_letters(text if text.isascii() else text.translate(_DIGIT_FOLD))
    if not _NUMERAL_DIGIT.search(plain):
        return [plain]
    return [plain, numeral_view(plain)]


def numeral_view(plain: str) -> str:
    """The second view of `digit_views`, from the first, whether or not `plain`
    has Chinese numerals read as digits: l三O一O一O一O一O reads 13010101010."""
    return fold_letters(_NUMERAL_RUN.sub(lambda m: m.group().translate(_NUMERAL_FOLD), plain))


def fold_letters(folded: str) -> str:
    """Letters written for digits inside a number as digits, one for one:
    a run of digits and O, o, I, l with five digits or more, not part of a word."""
    if not _LETTER_NEAR_DIGIT.search(folded):
        return folded

    def digits(m: re.Match) -> str:
        run = m.group()
        if m.end() < len(folded) and folded[m.end()].isascii() and folded[m.end()].isalpha():
            run = run.rstrip("OoIl")  # the letters begin a word: Tel, lol
        if sum(c.isdigit() for c in run) < 5:
            return m.group()
        return run.translate(_DIGIT_LETTERS) + m.group()[len(run):]

    return _DIGITISH.sub(digits, folded)


def number_pieces(folded: str) -> list[list[re.Match]]:
    """Runs of digit pieces a sentence tells one after another
    (138，中间3761，尾号2045) in a view of `digit_views`."""
    runs: list[list[re.Match]] = []
    run: list[re.Match] = []
    uuids = [m.span() for m in _UUID.finditer(folded)] if "-" in folded else []
    for piece in _PIECE.finditer(folded):
        if uuids and any(start <= piece.start() < end for start, end in uuids):
            continue
        if run and not _PIECE_GAP.fullmatch(folded, run[-1].end(), piece.start()):
            runs.append(run)
            run = []
        run.append(piece)
    return [r for r in [*runs, run] if len(r) >= 2]


def joined_pieces(run: list[re.Match], most: int = 4, longest: int = 19) -> dict[str, list[re.Match]]:
    """Every number two to `most` consecutive pieces of a run spell together,
    no longer than `longest` digits (an ID or a bank card), with its pieces."""
    out: dict[str, list[re.Match]] = {}
    for i in range(len(run)):
        digits = run[i].group()
        for j in range(i + 1, min(i + most, len(run))):
            digits += run[j].group()
            if len(digits) > longest:
                break
            out.setdefault(digits, run[i : j + 1])
    return out


# --- Names in Latin letters ---------------------------------------------------

# Latin letters, full-width ones and those with tone marks (Hé Lìhuá, ü) too.
_LATIN_LETTERS = r"A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a"
_LATIN = re.compile(f"[{_LATIN_LETTERS}]+")
# Latin words joined only by spaces, hyphens, dots or apostrophes: one name may span them.
_JOINERS = "\\s\\-‐‑–—·•・.'’_1-5"
_PHRASE = re.compile(f"{_LATIN.pattern}(?:[{_JOINERS}]+{_LATIN.pattern})*[1-5]?")
# One character of a phrase (a letter or what joins two), and one letter but a-z.
PHRASE_CHAR = re.compile(f"[{_LATIN_LETTERS}{_JOINERS}]")
LETTER_BUT_LOWER = re.compile(f"[{_LATIN_LETTERS.replace('a-z', '')}]")


def latin_letters(word: str) -> str:
    """A word's Latin letters as lower-case ASCII: accents dropped, full-width narrowed."""
    if word.isascii():
        return word.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", word) if c.isascii() and c.isalpha()).lower()


_NOT_LETTER = re.compile(r"[^a-z]+")
_NOT_LETTER_OR_BAR = re.compile(r"[^a-z|]+")
_PHRASES_KEPT = 200_000  # phrases a LatinFinder remembers (a few tens of MB at most)


@lru_cache(maxsize=4096)
def syllables(name: str) -> tuple[tuple[str, ...], ...]:
    """The pinyin readings of each character of a Chinese name (a surname
    may have several: 单 is dan, shan or chan); ü as v, u and yu."""
    # pypinyin documents errors= callbacks returning lists, but its stub says str.
    readings = pinyin(name, style=Style.NORMAL, heteronym=True, v_to_u=False, errors=lambda chars: [[c] for c in chars])  # type: ignore[arg-type,return-value]
    out: list[tuple[str, ...]] = []
    for options in readings:
        spelled = dict.fromkeys(o.lower() for o in options)
        for o in list(spelled):
            if "v" in o:
                spelled.update(dict.fromkeys((o.replace("v", "u"), o.replace("v", "yu"))))
        out.append(tuple(spelled))
    return tuple(out)


def pinyin_spellings(surname: str, given: str, limit: int = 32) -> tuple[set[str], set[str]]:
    """(full names, given names) in pinyin, letters only: 何丽华 ->
    ({helihua, lihuahe}, {lihua}). Every reading of a character counts,
    up to `limit` spellings each."""
    def spell(part: str) -> set[str]:
        combos = itertools.islice(itertools.product(*syllables(part)), limit) if part else ()
        return {"".join(c) for c in combos}

    surnames, givens = spell(surname), spell(given)
    full = {s + g for s in surnames for g in givens} | {g + s for s in surnames for g in givens}
    return (full or surnames), givens


class LatinFinder(Generic[_P]):
    """Finds names spelt in Latin letters, on whole words only: helihua in
    "He Li-hua" and "HELIHUA", never in "thelihuang"."""

    def __init__(self, words: Iterable[tuple[str, _P]]):
        self._automaton = ahocorasick.Automaton()
        for word, payload in words:
            if word and word not in self._automaton:
                self._automaton.add_word(word, (len(word), payload))
        self.empty = not len(self._automaton)
        if not self.empty:
            self._automaton.make_automaton()
        # The words of each phrase seen, by phrase: most recur from page to page (markup, menus).
        self._phrases: dict[str, list[tuple[int, int, _P]]] = {}

    def might_find(self, folded: str) -> bool:
        """Whether the Latin letters of `folded` (`canonical` of a text),
        run together, hold any word: if not, `find` finds nothing."""
        return not self.empty and next(self._automaton.iter(_NOT_LETTER.sub("", folded)), None) is not None

    def find(self, text: str, folded: str | None = None) -> list[tuple[int, int, _P]]:
        """Spans of `text` that spell a word, longest first where two start
        together; `folded`: `canonical(text)`, if the caller has it."""
        if not self.might_find(canonical(text) if folded is None else folded) and not self._in_tags(text):
            return []
        found = []
        for phrase in _PHRASE.finditer(text):
            words = self._phrases.get(phrase.group())
            if words is None:
                words = self._words(phrase.group())
            found += [(phrase.start() + begin, phrase.start() + end, payload) for begin, end, payload in words]
        return sorted(found, key=lambda span: (span[0], -span[1]))

    def _in_tags(self, text: str) -> bool:
        """Whether the short tags `canonical` drops hold a word: a name in
        angle brackets (<Lihua>, &lt;Lihua&gt; decoded) is one too."""
        if self.empty or "<" not in text:
            return False
        names = _NOT_LETTER_OR_BAR.sub("", "|".join(_SHORT_TAG.findall(text)).lower())  # each tag's own letters
        return next(self._automaton.iter(names), None) is not None

    def _words(self, phrase: str) -> list[tuple[int, int, _P]]:
        """The spans of one phrase that spell a word, remembered."""
        words = list(_LATIN.finditer(phrase))
        spelled = [latin_letters(w.group()) for w in words]
        bounds, offset = {0: 0}, 0
        for i, word in enumerate(spelled):
            offset += len(word)
            bounds[offset] = i + 1
        found = []
        for end, (length, payload) in self._automaton.iter("".join(spelled)):
            begin, stop = end + 1 - length, end + 1
            if begin in bounds and stop in bounds:
                found.append((words[bounds[begin]].start(), words[bounds[stop] - 1].end(), payload))
        if len(self._phrases) >= _PHRASES_KEPT:
            self._phrases.clear()
        self._phrases[phrase] = found
        return found
