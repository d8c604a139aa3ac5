"""Private values: what the anonymiser removes and the output guard looks for.

A `PrivateValue` never reaches an output; it exists so that the guard can
prove that. It names the case and the field it came from so that a hit can
be reported to a person, always masked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .public import Compact

NUMBER = "number"  # phones, ID and bank card numbers: matched on their digits
TEXT = "text"  # names, addresses, employers, e-mails, plates, redact terms
# A number this long still names its owner without its last digit: an ID's
# first 17 digits fix its checksum, a mobile cut short by one leaves ten.
LONG_NUMBER = 11

_NOT_ID_CHAR = re.compile(r"[^0-9X]")


def number_key(value: str) -> str:
    """Canonical form of a number: NFKC digits (and the ID checksum X) only."""
    return _NOT_ID_CHAR.sub("", unicodedata.normalize("NFKC", value).upper())


@dataclass(frozen=True, slots=True)
class PrivateValue(Compact):
    """One private value of one record.

    `strong` values are looked for in every output file. Weak ones (a
    given name like 建国, which is also part of 建国路) only in the outputs
    that carry this one case's text alone, where a hit can only be a leak.
    """

    value: str
    case_id: str
    field: str  # contract path: caller.name, caller.phone, redact[0], complaint …
    kind: str = TEXT
    strong: bool = True

    def masked(self) -> str:
        """The value as a message may show it: 何** / 138****2045."""
        v = self.value.strip()
        if self.kind == NUMBER:
            d = number_key(v)
            if len(d) <= 4:
                return "*" * len(d)
            keep = 3 if len(d) >= 7 else 1
            return d[:keep] + "*" * (len(d) - keep - 4) + d[-4:]
        if len(v) <= 1:
            return "*"
        return v[0] + "*" * (len(v) - 1)
