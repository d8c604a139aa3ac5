"""Full-text search: the search page and a Pagefind index of the case pages.

Pagefind's extended binary comes from PyPI (`pagefind[extended]`, pinned);
it segments Chinese and needs no network. The page's script
(theme/static/js/search.js) uses Pagefind's JavaScript API. Only the case
pages are indexed (they alone carry `data-pagefind-body`), once the guard
has passed them.

Pagefind has no incremental mode, and one run over 100,000 pages needs
more than 13 GB. So the index is sharded by the year a case was received:
`pagefind/<year>/` is a complete Pagefind bundle, made by running Pagefind
on a scratch directory of hard links to that year's case pages at their
paths in the site (so its URLs are the site's). The search page loads the
newest shard and merges the others (`mergeIndex`). A shard made from the
same pages as the published one (its `hotline-pages.txt`) is linked from
the published site instead: editing one case re-indexes one year.

Pagefind exits 0 when it cannot write its files, leaving them empty or cut
short; so after each run the build checks that the disk still has room.

Pagefind's files are gzip-compressed, where the build's final pass over
the tree would see only compressed bytes; so each file is decompressed
here and given to the guard, a fragment (one page's text) with that
case's scope. Pagefind's own program files (its JavaScript and
WebAssembly) are the same for every site, and their tables of small
numbers can spell a caller's number (5,5,6,6,7,7,8 did at 100,000 cases):
a file byte for byte the one Pagefind writes for a page without any case
(`library_files`) holds nothing of a case, and is not searched.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from functools import cache
from pathlib import Path

from hotline.build.output import SiteWriter
from hotline.build.publish import os_error_text
from hotline.feeds.stable_index import stabilise
from hotline.model import CaseSet
from hotline.problems import HotlineError
from hotline.settings import HotlineSettings
from hotline.site.urls import case_url

log = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the shards, `pagefind/<year>/`, below the site root
TIMEOUT = 900  # seconds, per shard
SOURCE_DIGEST = "hotline-pages.txt"  # in each shard: fingerprint of the pages it was made from
SCRATCH = ".hotline-search-pages"  # in the staging directory while Pagefind runs, then removed
ROOM = 1 << 20  # bytes that must still be free after Pagefind ran, or its files may be cut short
PROBE = ".hotline-room-probe"  # in the staging directory while the room is checked, then removed
# Pagefind's ready-made interfaces; the search page uses its JavaScript API only.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
_SIGNATURE = b"pagefind_dcd"  # the start of every decompressed index file


def pagefind_executable() -> Path:
    """The extended Pagefind binary installed with the Python package."""
    try:
        import pagefind_bin_extended

        return pagefind_bin_extended.get_executable()
    except (ImportError, FileNotFoundError):
        raise HotlineError(
            "站内搜索：找不到 Pagefind 程序（Python 包 pagefind[extended]）。"
            "请重新安装依赖（make html 会自动安装），已发布的网站保持不变。"
        ) from None


def shards(cases: CaseSet) -> dict[int, list[str]]:
    """The case pages of each shard, by the year the case was received, newest first."""
    return {year: sorted(map(case_url, part)) for year, part in cases.by_year_received().items()}


def filter_values(cases: CaseSet) -> dict[str, list[str]]:
    """Every value of each filter the case pages carry (their
    `data-pagefind-filter`, theme/templates/case.html), as Pagefind's
    `filters()` would list them. Written into search.html: asking Pagefind
    would download every filter file of every shard, which grow with the
    cases, before the first search."""
    values: dict[str, set[str]] = {"类别": set(), "部门": set(), "年份": set()}
    for case in cases.cases:
        values["类别"].add(case.category.name)
        values["部门"].update(d.name for d in case.departments)
        values["年份"].add(str(case.resolved_at.year))
    return {name: sorted(found) for name, found in values.items() if found}


def write_search_page(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Write search.html; it reads `?q=` so a search box anywhere can point here.
    With search turned off it says so and points to the listings."""
    bundles = [f"{BUNDLE}/{year}/" for year in shards(cases)] if settings.search else None
    # JSON in an attribute the template escapes: names as written, which the guard reads
    # A value to a line: years side by side ("2012", "2013") read as a number told in pieces.
    filters = json.dumps(filter_values(cases), ensure_ascii=False, indent=0) if settings.search else None
    out.write("search.html", out.render("search.html", "search.html", bundles=bundles, filters=filters))


def index_search(cases: CaseSet, out: SiteWriter, settings: HotlineSettings) -> None:
    """Index each year's case pages into its shard, or reuse the published
    shard; guard every file of it.

    Runs after the case pages are written (build/generator.py's POST_BUILD):
    it indexes them as they are."""
    if not settings.search:
        return
    case_pages = {f"/{case_url(c)}": c.id for c in cases.cases}
    tools = _tools()
    for year, pages in shards(cases).items():
        bundle = f"{BUNDLE}/{year}"
        digest = _pages_digest(out.root, pages, tools)
        if not _reuse_shard(out, bundle, digest, case_pages):
            _run_pagefind(out.root, pages, bundle)
            stabilise(out.root / bundle)
            for name in UNUSED:
                (out.root / bundle / name).unlink(missing_ok=True)
            for path in sorted((out.root / bundle).rglob("*")):
                if path.is_file() and not _as_published(out, path):
                    _guard(out, path, case_pages)
        out.write(f"{bundle}/{SOURCE_DIGEST}", digest)


@cache
def library_files() -> dict[str, bytes]:
    """Pagefind's program files as it writes them for a page without any
    case (its name -> bytes): every file but the index, whose names hold
    hashes. Made once per process, when a file of Pagefind's is first guarded."""
    with tempfile.TemporaryDirectory(prefix="hotline-pagefind-") as scratch:
        site = Path(scratch) / "site"
        site.mkdir()
        (site / "index.html").write_text('<!doctype html><html lang="zh-cn"><body data-pagefind-body><p>市长热线</p></body></html>',
                                         "utf-8")
        _run_pagefind(site, ["index.html"], "pagefind")
        return {path.name: path.read_bytes() for path in (site / "pagefind").iterdir()
                if path.is_file() and "_" not in path.name and path.name != "pagefind-entry.json"}


def _tools() -> bytes:
    """What a shard is made with besides its pages: Pagefind's version and this code."""
    here = Path(__file__).parent
    return (importlib.metadata.version("pagefind_bin_extended").encode()
            + (here / "search.py").read_bytes() + (here / "stable_index.py").read_bytes())


def _pages_digest(root: Path, pages: list[str], tools: bytes) -> str:
    """Fingerprint of a shard's pages and of `tools`, what indexes them."""
    digest = hashlib.blake2b(tools, digest_size=16)
    for page in pages:
        digest.update(page.encode() + b"\0" + (root / page).read_bytes() + b"\0")
    return digest.hexdigest()


def _reuse_shard(out: SiteWriter, bundle: str, digest: str, case_pages: dict[str, str]) -> bool:
    """Link the published shard into the new site if it was made from the same pages.

    Its files were guarded when they were made; they are read again only if
    the private values changed since (`out.recheck`)."""
    if out.previous is None:
        return False
    recorded = out.previous / bundle / SOURCE_DIGEST
    if not recorded.is_file() or recorded.read_bytes() != digest.encode():
        return False
    for path in sorted((out.previous / bundle).rglob("*")):
        if path.is_file() and path != recorded:
            target = out.root / path.relative_to(out.previous)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
            if out.recheck:
                _guard(out, target, case_pages)
            else:
                out.checked.add(target.relative_to(out.root).as_posix())
    return True


def _as_published(out: SiteWriter, path: Path) -> bool:
    """Whether a re-made shard's file is byte for byte the published one, which
    the guard read when it was made against the same private values. Most
    of a year's fragments are, after an edit of one of its cases."""
    if out.previous is None or out.recheck:
        return False
    relpath = path.relative_to(out.root).as_posix()
    published = out.previous / relpath
    try:
        same = published.stat().st_size == path.stat().st_size and published.read_bytes() == path.read_bytes()
    except OSError:
        return False
    if same:
        out.checked.add(relpath)
    return same


def _run_pagefind(root: Path, pages: list[str], bundle: str) -> None:
    """Run Pagefind on hard links to `pages`, writing its bundle at `root/bundle`."""
    scratch = root / SCRATCH
    try:
        for page in pages:
            link = scratch / page
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(root / page, link)
        command = [str(pagefind_executable()), "--site", str(scratch), "--output-path", str(root / bundle),
                   "--force-language", "zh-cn", "--quiet"]
        started = time.monotonic()
        try:
            done = subprocess.run(command, cwd=root, capture_output=True, text=True, errors="replace",
                                  timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise HotlineError(f"站内搜索：Pagefind 为 {bundle} 建立索引超过 {TIMEOUT} 秒，已停止；已发布的网站保持不变。") from None
        except OSError as e:
            raise HotlineError(f"站内搜索：无法运行 Pagefind（{command[0]}：{e.strerror}）；已发布的网站保持不变。") from None
        _check_room(root, bundle)
        if done.returncode != 0:
            said = "\n".join((done.stderr + done.stdout).strip().splitlines()[-10:]) or "（没有输出）"
            raise HotlineError(f"站内搜索：Pagefind 建立索引失败（退出码 {done.returncode}），已发布的网站保持不变。\n{said}")
        log.info("站内搜索：Pagefind 为 %s 的 %d 个网页建立索引用时 %.2f 秒", bundle, len(pages), time.monotonic() - started)
    finally:
        if scratch.exists():  # never published: the final guard pass would read it, the site would carry it
            shutil.rmtree(scratch)


def _check_room(root: Path, bundle: str) -> None:
    """Stop, naming the full disk (or quota), if `root` has no room left for
    `ROOM` bytes: Pagefind may not have been able to write all of `bundle`."""
    probe = root / PROBE
    try:
        with open(probe, "wb") as f:
            f.write(os.urandom(ROOM))  # random: a compressing file system must store it all
    except OSError as e:
        raise HotlineError(os_error_text("写入", root / bundle, e) + "构建已中止，已发布的网站保持不变。") from None
    finally:
        probe.unlink(missing_ok=True)


def _guard(out: SiteWriter, path: Path, case_pages: dict[str, str]) -> None:
    """Check one of Pagefind's files as its text: decompressed, with the
    scope of the case whose page a fragment holds; not one of its
    `library_files`."""
    relpath = path.relative_to(out.root).as_posix()
    data = path.read_bytes()
    if library_files().get(path.name) == data:
        out.checked.add(relpath)
        return
    if data.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise HotlineError(f"站内搜索：无法读取 Pagefind 写出的 {relpath}，无法确认其中没有隐私信息；构建已中止。") from None
    scope = None
    if path.parent.name == "fragment" and data.startswith(_SIGNATURE):
        try:
            url = json.loads(data[len(_SIGNATURE):]).get("url")
        except (ValueError, AttributeError):
            url = None
        if url in case_pages:
            scope = frozenset({case_pages[url]})
    out.guard.check(relpath, data, scope)
    out.checked.add(relpath)
