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

    Must be the last output: it indexes the HTML that is there when it runs."""
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
    case_pages = {f"/cases/{c.id}.html": c.id for c in cases.cases}
    for path in sorted((out.root / BUNDLE).rglob("*")):
        if path.is_file():
            _guard(out, path, case_pages)


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
