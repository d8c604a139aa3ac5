"""Every number told in pieces in a built site, by its shape.

    .venv/bin/python bench/pieces.py OUTPUT [--digits 2] [--top 80]

The output guard joins digit pieces told within ten characters of each
other in one sentence (138，中间3761，尾号2045) and compares them with the
callers' numbers; two figures a template writes side by side may spell one
by chance. This lists, for every output (the text of a PDF included, the
search index and gzip copies apart), each run of such pieces with the
digits replaced by # and where it was first seen, most frequent first.
With --digits 2 (the default) two-digit figures count as pieces too: with
more cases they grow to three digits, the guard's length.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

import hotline.privacy.spelling as spelling  # noqa: E402
from hotline.build.guard import _lines, decode  # noqa: E402
from hotline.build.pdf import pdf_text  # noqa: E402


def texts(root: Path):
    """(relative path, text) of every output the guard reads as text."""
    for directory, dirnames, names in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "pagefind"]
        for name in sorted(names):
            path = Path(directory) / name
            rel = path.relative_to(root).as_posix()
            if name.endswith(".pdf"):
                yield rel, pdf_text(path.read_bytes())
            elif not name.endswith(".gz"):
                try:
                    yield rel, path.read_text("utf-8")
                except UnicodeDecodeError:
                    continue


def shapes(root: Path, digits: int = 3) -> tuple[collections.Counter, dict]:
    """How often each (top folder, shape) occurs, and where it was first seen;
    a piece has at least `digits` digits."""
    counts: collections.Counter = collections.Counter()
    first: dict = {}
    guards, spelling._PIECE = spelling._PIECE, re.compile(f"[0-9]{{{digits},}}")
    try:
        _count(root, counts, first)
    finally:
        spelling._PIECE = guards
    return counts, first


def _count(root: Path, counts: collections.Counter, first: dict) -> None:
    for rel, text in texts(root):
        kind = rel.split("/")[0] + ("/*.pdf" if rel.endswith(".pdf") else "")
        for line in _lines(text):
            view = spelling.digit_views(decode(line))[0]
            for run in spelling.number_pieces(view):
                start, end = run[0].start(), run[-1].end()
                key = (kind, re.sub(r"[0-9]+", "#", view[start:end]))
                counts[key] += 1
                first.setdefault(key, (rel, view[max(0, start - 12):end + 6]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--digits", type=int, default=2, help="digits of the shortest piece (the guard: 3)")
    parser.add_argument("--top", type=int, default=80)
    args = parser.parse_args()
    counts, first = shapes(args.output, args.digits)
    for (kind, shape), n in counts.most_common(args.top):
        where, context = first[(kind, shape)]
        print(f"{n:7d}  {kind:24s} {shape[:60]!r:64s} {where}  {context!r}")


if __name__ == "__main__":
    main()
