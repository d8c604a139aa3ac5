"""Full-text search: the search page and a Pagefind index of the built site.

Pagefind's extended binary comes from PyPI (`pagefind[extended]`, pinned);
it segments Chinese and needs no network. The page's script
(theme/static/js/search.js) uses Pagefind's JavaScript API. It runs on the staging directory
once every page is written, so it indexes only pages the guard has passed,
and only the case articles once those carry `data-pagefind-body`.

Its index files are gzip-compressed, where the build's final pass over the
tree would see only compressed bytes; so each file is decompressed here and
given to the guard, a fragment (one page's text) with that case's scope.
"""

from __future__ import annotations

import gzip
import json
import logging
import hashlib
import os
import subprocess
import time
from pathlib import Path

from jinja2 import Environment

from .casedata import CaseSet
from .output import SiteWriter
from .problems import BuildFailed
from .settings import HotlineSettings
from .stable_index import stabilise

log = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the index and the UI scripts, below the site root
TIMEOUT = 900  # seconds
SOURCE_DIGEST = f"{BUNDLE}/hotline-pages.txt"  # fingerprint of the pages the index was made from
_SIGNATURE = b"pagefind_dcd"  # the start of every decompressed index file


def pagefind_executable() -> Path:
    """The extended Pagefind binary installed with the Python package."""
    try:
        import pagefind_bin_extended

        return pagefind_bin_extended.get_executable()
    except (ImportError, FileNotFoundError):
        raise BuildFailed(
            "站内搜索：找不到 Pagefind 程序（Python 包 pagefind[extended]）。"
            "请重新安装依赖（make html 会自动安装），已发布的网站保持不变。"
        ) from None


def write_search_page(cases: CaseSet, out: SiteWriter, env: Environment, settings: HotlineSettings) -> None:
    """Write search.html; it reads `?q=` so a search box anywhere can point here."""
    out.write("search.html", env.get_template("search.html").render(root="", bundle=BUNDLE, section="search"))


def index_search(cases: CaseSet, out: SiteWriter, env: Environment, settings: HotlineSettings) -> None:
    """Run Pagefind over the staging directory, then guard what it wrote.

    Must be the last output: it indexes the HTML that is there when it runs.
    When no page changed since the published build, its index is reused
    (Pagefind has no incremental mode and takes most of a rebuild's time)."""
    pages = _pages_digest(out.root)
    case_pages = {f"/cases/{c.id}.html": c.id for c in cases.cases}
    if _reuse_index(out, pages, case_pages):
        return
    command = [str(pagefind_executable()), "--site", str(out.root), "--output-subdir", BUNDLE,
               "--force-language", "zh-cn", "--quiet"]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=out.root, capture_output=True, text=True, errors="replace",
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BuildFailed(f"站内搜索：Pagefind 建立索引超过 {TIMEOUT} 秒，已停止；已发布的网站保持不变。") from None
    except OSError as e:
        raise BuildFailed(f"站内搜索：无法运行 Pagefind（{command[0]}：{e.strerror}）；已发布的网站保持不变。") from None
    if done.returncode != 0:
        said = "\n".join((done.stderr + done.stdout).strip().splitlines()[-10:]) or "（没有输出）"
        raise BuildFailed(f"站内搜索：Pagefind 建立索引失败（退出码 {done.returncode}），已发布的网站保持不变。\n{said}")
    log.info("站内搜索：Pagefind 建立索引用时 %.2f 秒", time.monotonic() - started)
    stabilise(out.root / BUNDLE)
    for path in sorted((out.root / BUNDLE).rglob("*")):
        if path.is_file():
            _guard(out, path, case_pages)
    out.write(SOURCE_DIGEST, pages)


def _pages_digest(root: Path) -> str:
    """Fingerprint of every page Pagefind would index."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*.html")):
        if BUNDLE not in path.relative_to(root).parts[:1]:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _reuse_index(out: SiteWriter, pages: str, case_pages: dict[str, str]) -> bool:
    """Link the published index into the new site if it was made from the same pages."""
    recorded = out.previous / SOURCE_DIGEST if out.previous else None
    if recorded is None or not recorded.is_file() or recorded.read_text("utf-8") != pages:
        return False
    for path in sorted((out.previous / BUNDLE).rglob("*")):
        if path.is_file() and path != recorded:
            target = out.root / path.relative_to(out.previous)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
            if out.recheck:
                _guard(out, target, case_pages)
    out.write(SOURCE_DIGEST, pages)
    return True


def _guard(out: SiteWriter, path: Path, case_pages: dict[str, str]) -> None:
    """Check one of Pagefind's files as its text: decompressed, with the
    scope of the case whose page a fragment holds."""
    relpath = path.relative_to(out.root).as_posix()
    data = path.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise BuildFailed(f"站内搜索：无法读取 Pagefind 写出的 {relpath}，无法确认其中没有隐私信息；构建已中止。") from None
    scope = None
    if relpath.startswith(f"{BUNDLE}/fragment/") and data.startswith(_SIGNATURE):
        try:
            url = json.loads(data[len(_SIGNATURE):]).get("url")
        except (ValueError, AttributeError):
            url = None
        if url in case_pages:
            scope = frozenset({case_pages[url]})
    out.guard.check(relpath, data, scope)
    out.checked.add(relpath)
