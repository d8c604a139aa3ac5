"""The same pages give the same Pagefind index, byte for byte.

Pagefind 1.5 writes each filter's values in hash-map order, which changes
from run to run (its issue #638: fragments and word indexes are stable,
"filter/metadata indexes" are not). So two builds of the same cases would
differ in the filter files, the metadata file that names them (in hash-map
order too) and the entry file that names that one. `stabilise` sorts the
filters and their values, names every such file by its content and updates
the references; nothing else changes.

Pagefind names its files by hexadecimal hashes, whose digits can spell a
caller's number (a fragment zh-cn_4777555 did at 100,000 cases). So every
file name's hash is written in `HASH_LETTERS` instead, one letter for one
hex digit: no digit, no letter the guard reads as one (O, o, I, l) and no
vowel, without which no name in pinyin or English is spelled. It knows Pagefind's file layout (CBOR after a signature), checked
as it goes: anything unexpected stops the build instead of breaking search.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from hotline.problems import HotlineError

SIGNATURE = b"pagefind_dcd"


class _Layout(Exception):
    """Pagefind's file is not laid out as this module expects."""


def _head(data: bytes, i: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head) of the CBOR item at `i`."""
    major, info = data[i] >> 5, data[i] & 0x1F
    if info < 24:
        return major, info, i + 1
    if info > 27:
        raise _Layout(f"unsupported CBOR head {data[i]:#x}")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[i + 1 : i + 1 + size], "big"), i + 1 + size


def _end(data: bytes, i: int) -> int:
    """Offset just after the CBOR item at `i`."""
    major, n, i = _head(data, i)
    if major in (0, 1, 7):
        return i
    if major in (2, 3):
        return i + n
    if major in (4, 5):
        for _ in range(n * (2 if major == 5 else 1)):
            i = _end(data, i)
        return i
    return _end(data, i)  # a tag: one item follows


def _array(data: bytes, i: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) spans of the items of the array at `i`, and its end."""
    major, n, i = _head(data, i)
    if major != 4:
        raise _Layout(f"expected an array at {i}")
    spans = []
    for _ in range(n):
        end = _end(data, i)
        spans.append((i, end))
        i = end
    return spans, i


def _text(data: bytes, i: int) -> bytes:
    major, n, i = _head(data, i)
    if major != 3:
        raise _Layout(f"expected text at {i}")
    return data[i : i + n]


def _short_text(value: str) -> bytes:
    """CBOR for a text shorter than 24 bytes, as Pagefind's file names are."""
    raw = value.encode()
    if len(raw) >= 24:
        raise _Layout(f"unexpected file name {value}")
    return bytes([0x60 + len(raw)]) + raw


def _sorted_pairs(data: bytes, start: int) -> bytes:
    """The array at `start`, `[[text, …], …]`, with its items sorted by their text."""
    spans, end = _array(data, start)

    def key(span: tuple[int, int]) -> bytes:
        pair, _ = _array(data, span[0])
        return _text(data, pair[0][0])

    items = b"".join(data[s:e] for s, e in sorted(spans, key=key))
    first = spans[0][0] if spans else end
    return data[start:first] + items


def sorted_filter(body: bytes) -> bytes:
    """A filter file, `[name, [[value, [page, …]], …]]`, with its values sorted."""
    top, end = _array(body, 0)
    if len(top) != 2 or end != len(body):
        raise _Layout("a filter file is not [name, values]")
    _text(body, top[0][0])
    return body[: top[1][0]] + _sorted_pairs(body, top[1][0])


HASH_LETTERS = str.maketrans("0123456789abcdef", "bcdfghjkmnpqrstw")


def _lettered(old: str) -> str:
    """`lang_hexdigits` with its hash in `HASH_LETTERS`."""
    lang, _, digits = old.rpartition("_")
    if not lang or not digits or digits.strip("0123456789abcdef"):
        raise _Layout(f"unexpected file name {old}")
    return f"{lang}_{digits.translate(HASH_LETTERS)}"


def _named(old: str, data: bytes) -> str:
    """`lang_hash` renamed by the content, keeping the length, in `HASH_LETTERS`."""
    lang, _, digits = old.rpartition("_")
    return _lettered(f"{lang}_{hashlib.sha256(data).hexdigest()[: len(digits)]}")


def _renamed_column(body: bytes, start: int, column: int, names: dict[str, str]) -> bytes:
    """The array at `start`, `[[…], …]`, with the text in `column` of each
    item renamed by `names` (as long as before)."""
    spans, end = _array(body, start)
    out = [body[start : spans[0][0] if spans else end]]
    for s, e in spans:
        fields, _ = _array(body, s)
        old = _text(body, fields[column][0]).decode()
        if old not in names:
            raise _Layout(f"the metadata names {old}, which the bundle does not hold")
        t_start, t_end = fields[column]
        out.append(body[s:t_start] + _short_text(names.pop(old)) + body[t_end:e])
    return b"".join(out)


def _letter_names(folder: Path, suffix: str) -> dict[str, str]:
    """Rename every `*suffix` file in `folder` by `_lettered`; old stem -> new stem."""
    names = {}
    for path in sorted(folder.glob(f"*{suffix}")):
        names[path.stem] = _lettered(path.stem)
        path.rename(path.with_name(names[path.stem] + suffix))
    return names


def _read(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise _Layout(f"{path.name} has no Pagefind signature")
    return data[len(SIGNATURE) :]


def _write(path: Path, body: bytes) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + body, mtime=0))


def stabilise(bundle: Path) -> None:
    """Rewrite Pagefind's filter, metadata and entry files in `bundle` in a
    stable form."""
    try:
        _stabilise(bundle)
    except (_Layout, OSError, EOFError, IndexError, ValueError) as e:
        raise HotlineError(f"站内搜索：Pagefind 写出的索引与预期的格式不同（{e}），构建已中止；"
                           "请确认安装的是 pagefind[extended]==1.5.2。") from None


def _stabilise(bundle: Path) -> None:
    fragments = _letter_names(bundle / "fragment", ".pf_fragment")
    chunks = _letter_names(bundle / "index", ".pf_index")
    filters = {p: sorted_filter(_read(p)) for p in sorted((bundle / "filter").glob("*.pf_filter"))}
    renamed = {p.stem: _named(p.stem, body) for p, body in filters.items()}
    for path in filters:
        path.unlink()
    for path, body in filters.items():
        _write(path.with_name(renamed[path.stem] + ".pf_filter"), body)
    entry_path = bundle / "pagefind-entry.json"
    entry = entry_path.read_text("utf-8")
    metas = sorted(bundle.glob("pagefind.*.pf_meta"))
    for meta in metas:
        body = _read(meta)
        # [version, pages [[file, words], …], index chunks [[from, to, file], …],
        #  filters [[name, file], …], sorts, meta fields]
        top, _ = _array(body, 0)
        body = body[: top[1][0]] + _renamed_column(body, top[1][0], 0, fragments) + body[top[1][1] :]
        top, _ = _array(body, 0)
        body = body[: top[2][0]] + _renamed_column(body, top[2][0], 2, chunks) + body[top[2][1] :]
        top, _ = _array(body, 0)
        start, end = top[3]
        section = _sorted_pairs(body, start)
        for old, new in renamed.items():
            if _short_text(old) not in section:
                raise _Layout(f"{meta.name} does not name filter {old}")
            section = section.replace(_short_text(old), _short_text(new))
        body = body[:start] + section + body[end:]
        old_name = meta.name.removeprefix("pagefind.").removesuffix(".pf_meta")
        new_name = _named(old_name, body)
        meta.unlink()
        _write(meta.with_name(f"pagefind.{new_name}.pf_meta"), body)
        if f'"{old_name}"' not in entry:
            raise _Layout(f"pagefind-entry.json does not name {old_name}")
        entry = entry.replace(f'"{old_name}"', f'"{new_name}"')
    if metas and (fragments or chunks):
        raise _Layout(f"the metadata does not name {next(iter(fragments or chunks))}")
    entry_path.write_text(entry, "utf-8")
