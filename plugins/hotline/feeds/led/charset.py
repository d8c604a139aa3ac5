"""Text a controller card can show: every character encodable in its charset.

Python's `gb2312` codec is the reference. It rejects common punctuation
such as · (U+00B7), — (U+2014), – (U+2013) and 〇 (U+3007), and it spells
the GB2312 middle dot and dash as ・ (U+30FB) and ― (U+2015). Such
characters become their look-alike in the screen's charset; a character
with none (a rare hanzi, an emoji) becomes the visible PLACEHOLDER and is
reported so that staff can choose GBK or a replacement.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PLACEHOLDER = "□"

# Candidates in order of preference; the first the charset accepts is used.
LOOKALIKES: dict[str, tuple[str, ...]] = {
    "·": ("・", "·"),  # U+00B7
    "•": ("・", "·"), "∙": ("・", "·"), "⋅": ("・", "·"), "‧": ("・", "·"), "・": ("・", "·"),
    "—": ("―", "—"),  # U+2014 -> U+2015, the GB2312 dash
    "―": ("―", "—"),
    "–": ("-",), "‐": ("-",), "‑": ("-",), "‒": ("-",), "−": ("－", "-"), "﹣": ("-",),
    "〇": ("○",),
    "〜": ("～",), "⋯": ("…",),
    "„": ("“",), "‟": ("“",), "‚": ("‘",), "‛": ("‘",),
    "«": ("《",), "»": ("》",), "‹": ("〈",), "›": ("〉",),
    "¥": ("￥",), "£": ("￡",), "¢": ("￠",),
}
_SPACES = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00a0\u2000-\u200a\u202f\u205f]+")  # controls too
_INVISIBLE = dict.fromkeys([0x00AD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), 0xFEFF])


@lru_cache(maxsize=4096)
def _encodable(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def to_charset(text: str, charset: str) -> tuple[str, list[str]]:
    """`text` on one line with only characters of `charset`, and the
    characters that had to become PLACEHOLDER (each once, in order)."""
    text = _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()
    if _encodable(text, charset):
        return text, []
    out, missing = [], []
    for char in text:
        if _encodable(char, charset):
            out.append(char)
            continue
        folded = unicodedata.normalize("NFKC", char)  # ² -> 2, ㎡ -> m2, ﬁ -> fi
        candidates = (*LOOKALIKES.get(char, ()), folded if folded != char else "")
        found = next((c for c in candidates if c and _encodable(c, charset)), None)
        if found is None:
            found = PLACEHOLDER
            if char not in missing:
                missing.append(char)
        out.append(found)
    return "".join(out), missing
