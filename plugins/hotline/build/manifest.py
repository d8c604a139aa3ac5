"""The build manifest: proof that an output folder is what a complete, guarded build published.

Private, beside the output and never in it (`.output.cache/build.json` for
`output`): it lists every file of the published site with its size and
SHA-256. A build writes it last, after the guard has read every file of the
staging directory, and puts it in place right after the swap; a build that
stops before leaves the old manifest, which the new site does not match.
`hotline deploy` hashes the folder again and sends it only when every file,
and no other, matches.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from hotline.build.publish import os_error_text
from hotline.problems import HotlineError

FORMAT = 1
_SHOWN = 5  # files named per kind of difference


@dataclass(frozen=True, slots=True)
class Entry:
    size: int
    sha256: str


def manifest_path(final: Path) -> Path:
    """Where the manifest of the output folder `final` is kept."""
    return final.parent / f".{final.name}.cache" / "build.json"


def write_manifest(staging: Path, final: Path) -> Path:
    """Write the manifest of `staging`, to be swapped in for `final`, to a
    temporary file beside `final`; `commit_manifest` puts it in place. Files
    hard-linked from the published site keep the hash its manifest gives
    them: a file changed by hand since that build stays one `verify` refuses."""
    old = _previous_entries(final)
    published = _inodes(final) if old and _same_device(staging, final) else {}
    files: dict[str, Entry] = {}
    for rel, entry in _walk(staging)[0]:
        known = old.get(rel)
        if known is not None and published.get(rel) == entry.inode():
            files[rel] = known
        else:
            files[rel] = Entry(entry.stat(follow_symlinks=False).st_size, _sha256(entry.path))
    pending = manifest_path(final).with_suffix(".tmp")
    pending.parent.mkdir(parents=True, exist_ok=True)
    pending.write_bytes(_encode(files))
    return pending


def commit_manifest(pending: Path, final: Path) -> None:
    """Put the manifest written by `write_manifest` in place, once its site is."""
    try:
        os.replace(pending, manifest_path(final))
    except OSError as e:
        raise HotlineError(
            os_error_text("网站已发布，但写入构建清单", manifest_path(final), e) + "hotline deploy 不会发布它，请重新构建。"
        ) from e


def verify(folder: Path) -> None:
    """Check `folder` against its manifest; HotlineError saying what differs."""
    rebuild = "请运行 hotline build 重新构建后再发布"
    if not folder.is_dir():
        raise HotlineError(f"找不到要发布的网站 {folder}（应为 hotline build 生成的输出目录）；{rebuild}。")
    entries = _read(folder, rebuild)
    files, extra = _walk(folder)
    changed = []
    for rel, found in files:
        entry = entries.get(rel)
        if entry is None:
            extra.append(rel)
        elif entry.size != found.stat(follow_symlinks=False).st_size or entry.sha256 != _sha256(found.path):
            changed.append(rel)
    missing = sorted(set(entries) - {rel for rel, _ in files})
    if changed or missing or extra:
        parts = [f"{what} {_names(names)}" for what, names in (("改动了", changed), ("缺少", missing), ("多出", extra)) if names]
        fix = "（请删除改动过的文件或整个输出目录，再运行 hotline build 重新构建）" if changed else f"；{rebuild}"
        raise HotlineError(
            f"{folder} 不是完整构建并通过隐私检查的网站：与构建清单 {manifest_path(folder)} 相比，{'；'.join(parts)}。"
            f"没有发布任何文件{fix}。"
        )


def _names(names: list[str]) -> str:
    shown = "、".join(sorted(names)[:_SHOWN])
    return f"{shown} 等 {len(names)} 个文件" if len(names) > _SHOWN else shown


def _read(folder: Path, rebuild: str) -> dict[str, Entry]:
    """The entries of the manifest of `folder`; HotlineError if it has none that can be read."""
    path = manifest_path(folder)
    if not path.is_file():
        raise HotlineError(
            f"{folder} 没有构建清单 {path}：它不是 hotline build 完整构建并通过隐私检查的网站，"
            f"没有发布任何文件；{rebuild}。"
        )
    try:
        data = json.loads(path.read_bytes())
        if data.get("format") != FORMAT:
            raise ValueError
        return {rel: Entry(int(size), str(digest)) for rel, (size, digest) in data["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        raise HotlineError(f"构建清单 {path} 无法读取或已损坏，没有发布任何文件；{rebuild}。") from None


def _previous_entries(final: Path) -> dict[str, Entry]:
    try:
        return _read(final, "")
    except HotlineError:
        return {}


def _encode(files: dict[str, Entry]) -> bytes:
    data = {"format": FORMAT, "files": {rel: [e.size, e.sha256] for rel, e in sorted(files.items())}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _walk(root: Path) -> tuple[list[tuple[str, os.DirEntry]], list[str]]:
    """Below `root`: each regular file (relative posix path, directory
    entry), and the relative paths of anything else that is not a folder
    (symbolic links, sockets…). A folder that cannot be read is left out,
    as `os.walk` leaves it: its files are then missing from the list."""
    files: list[tuple[str, os.DirEntry]] = []
    others: list[str] = []

    def scan(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        scan(entry.path, rel + "/")
                    elif entry.is_file(follow_symlinks=False):
                        files.append((rel, entry))
                    else:
                        others.append(rel)
        except OSError:
            pass

    scan(str(root), "")
    return files, others


def _inodes(root: Path) -> dict[str, int]:
    """The inode of each regular file below `root`, by relative path (read with the folders: no file is opened)."""
    return {rel: entry.inode() for rel, entry in _walk(root)[0]}


def _same_device(a: Path, b: Path) -> bool:
    """Whether `a` and `b` are on one file system, where an inode names one file."""
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
