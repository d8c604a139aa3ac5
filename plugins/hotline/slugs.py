"""ASCII slugs for URLs: stable, and never shared by two names."""

from __future__ import annotations

import hashlib
import re

from pypinyin import lazy_pinyin

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Pinyin of a Chinese name, ASCII letters and digits joined by dashes."""
    # pypinyin documents errors= callbacks returning a list, but its stub says str.
    words = lazy_pinyin(name, errors=lambda chars: list(chars))  # type: ignore[arg-type,return-value]
    slug = _NON_SLUG.sub("-", "-".join(words).lower()).strip("-")
    return slug or _digest(name)


def _digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


def unique_slugs(names: list[str], fixed: dict[str, str] | None = None) -> dict[str, str]:
    """A slug per name. Names whose derived slugs agree (市政 / 施政) each get
    a short hash of the name appended, so they never merge into one URL.
    `fixed` holds slugs set by hand; those are kept as they are."""
    fixed = fixed or {}
    derived = {n: fixed.get(n) or slugify(n) for n in names}
    count: dict[str, int] = {}
    for slug in derived.values():
        count[slug] = count.get(slug, 0) + 1
    return {
        n: s if count[s] == 1 or n in fixed else f"{s}-{_digest(n)}"
        for n, s in derived.items()
    }
