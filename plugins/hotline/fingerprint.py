"""One stable hash for everything that keys a cache: load results, outputs, settings."""

from __future__ import annotations

import hashlib
from typing import Any


def fingerprint(*parts: Any) -> str:
    """A stable hash of values with a deterministic repr (dataclasses, tuples, str)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()
