"""The bytes a search on search.html downloads, by kind, in headless Chromium.

    .venv/bin/python bench/search_bytes.py -n 5000
    .venv/bin/python bench/search_bytes.py --cases DIR --output DIR   # build these cases into DIR
    .venv/bin/python bench/search_bytes.py --output DIR --no-build    # an existing build

Generates N cases (bench/generate.py) into a work folder, builds them
(`hotline build --cases … --output …`), serves the output on 127.0.0.1 and
opens search.html in Debian's Chromium through Playwright, each query in a
fresh browser context (an empty cache). It types the query, waits for the
results and counts the body bytes of every response (as sent: Pagefind's
files are gzip files served as they are), by kind: the page and its
scripts, Pagefind's WebAssembly, its `pf_meta` files, index chunks, filter
files and fragments (one page's text each). One more measurement chooses a
filter after the query. Prints a table and each total against the target
(1 MB for a two-word query at 100,000 cases); `--json FILE` writes them.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (bench/ is a folder of scripts, not a package)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGET = 1_000_000  # bytes, a two-word query at 100,000 cases
QUERIES = ("停水 维修", "停水")
FILTER = "类别"  # the filter chosen after the first query, its first value
KINDS = {  # kind: its label in the table
    "page": "网页和脚本",
    "wasm": "WebAssembly",
    "meta": "pf_meta",
    "index": "索引分块",
    "filter": "筛选文件",
    "fragment": "片段",
}
TEXT = re.compile(r"text/|javascript|json")
WAIT = 120_000  # ms for the results to show


def kind(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    if path.endswith(".pf_fragment"):
        return "fragment"
    if path.endswith(".pf_index"):
        return "index"
    if path.endswith(".pf_filter"):
        return "filter"
    if path.endswith(".pf_meta"):
        return "meta"
    if path.endswith(".pagefind"):
        return "wasm"
    return "page"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving(root: Path):
    """Serve `root` on 127.0.0.1 at a free port, in a thread; yields its URL.
    Each measurement has its own browser context, so an empty cache."""
    with ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root))) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()


def measure(browser, url: str, query: str, choose_filter: bool = False) -> dict:
    """Open search.html in a fresh context, type `query` (then choose a
    filter), wait for the results; the bytes and files of each kind."""
    context = browser.new_context()
    responses: list = []
    context.on("response", lambda r: responses.append(r))
    page = context.new_page()
    page.goto(f"{url}/search.html")
    form = page.locator("#search-form")
    form.wait_for(state="visible", timeout=WAIT)
    status = page.locator("#search-status")
    done = "找到|已列出|没有"
    page.locator("input[name=q]").fill(query)
    page.locator("#search-form button[type=submit]").click()
    page.wait_for_function(f"/{done}/.test(document.getElementById('search-status').textContent)", timeout=WAIT)
    results = page.locator("#search-results li").count()
    said = status.text_content()
    if choose_filter:
        select = page.locator(f"select[name='{FILTER}']")
        value = select.locator("option").nth(1).get_attribute("value")
        page.evaluate("document.getElementById('search-status').textContent = ''")
        select.select_option(value)
        page.wait_for_function(f"/{done}/.test(document.getElementById('search-status').textContent)", timeout=WAIT)
        results = page.locator("#search-results li").count()
        said = f"{FILTER}={value}：" + (status.text_content() or "")
    page.wait_for_load_state("networkidle")
    counts = {k: {"bytes": 0, "files": 0} for k in KINDS}
    page_gzip = 0  # the page and scripts as a web server that compresses text would send them
    for response in responses:
        size = _body_size(response)
        k = kind(response.url)
        counts[k]["bytes"] += size
        counts[k]["files"] += 1
        if k == "page":
            page_gzip += _gzip_size(response, size)
    context.close()
    return {"query": query, "filter": choose_filter, "results_shown": results, "status": said, "kinds": counts,
            "total": sum(c["bytes"] for c in counts.values()), "page_gzip_bytes": page_gzip}


def _body_size(response) -> int:
    """The body bytes as sent (no Content-Encoding here: Pagefind's files are gzip files themselves)."""
    try:
        size = response.request.sizes()["responseBodySize"]
        if size > 0:
            return size
    except Exception:  # noqa: BLE001  (a response without sizes: fall back to the body)
        pass
    try:
        return len(response.body())
    except Exception:  # noqa: BLE001  (a redirect or a failed request has no body)
        return 0


def _gzip_size(response, size: int) -> int:
    """The body gzip-compressed if it is text (HTML, CSS, JavaScript, JSON), else `size`."""
    if not TEXT.search(response.headers.get("content-type", "")):
        return size
    try:
        return len(gzip.compress(response.body(), 6))
    except Exception:  # noqa: BLE001  (no body to read: count it as sent)
        return size


def shards(output: Path) -> list[dict]:
    """Each year's bundle: its cases (fragments) and the size of its files of each kind on disk."""
    found = []
    for bundle in sorted((output / "pagefind").iterdir()):
        if bundle.is_dir():
            sizes = {k: 0 for k in KINDS}
            for path in bundle.rglob("*"):
                if path.is_file() and path.name != "hotline-pages.txt":
                    sizes[kind(path.name)] += path.stat().st_size
            found.append({"year": bundle.name, "pages": len(list((bundle / "fragment").iterdir())), "bytes": sizes})
    return found


def _kb(n: int) -> str:
    return f"{n / 1000:,.1f}"


def report(runs: list[dict], bundles: list[dict]) -> None:
    print(f"索引：{len(bundles)} 个年份，共 {sum(b['pages'] for b in bundles)} 个案件页；"
          + "，".join(f"{b['year']} 年 {b['pages']} 个" for b in bundles))
    heads = [r["query"] + (f" + {FILTER}" if r["filter"] else "") for r in runs]
    print("| 下载（KB，文件数） | " + " | ".join(heads) + " |")
    print("|---|" + "---:|" * len(runs))
    for k, label in KINDS.items():
        print(f"| {label} | " + " | ".join(f"{_kb(r['kinds'][k]['bytes'])}（{r['kinds'][k]['files']}）" for r in runs) + " |")
    print("| **合计** | " + " | ".join(f"**{_kb(r['total'])}**" for r in runs) + " |")
    print("| 目标 1 MB 的 | " + " | ".join(f"{r['total'] / TARGET:.2f} 倍" for r in runs) + " |")
    print("（网页和脚本按原样计；服务器压缩文本时为 " + "、".join(_kb(r["page_gzip_bytes"]) for r in runs)
          + " KB。Pagefind 的文件本身已压缩。）")
    for head, r in zip(heads, runs, strict=True):
        print(f"“{head}”：{r['status']}（列出 {r['results_shown']} 个）")


def build(cases: Path, output: Path) -> float:
    for stale in [output, *output.parent.glob(f".{output.name}.*")]:
        shutil.rmtree(stale, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([str(BIN / "hotline"), "build", "--cases", str(cases), "--output", str(output)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    p = argparse.ArgumentParser(description="站内搜索一次下载多少字节：生成案件、构建、在无界面的 Chromium 里打开 search.html 搜索，"
                                            "按种类（网页和脚本、WebAssembly、pf_meta、索引分块、筛选文件、片段）数出下载的字节，"
                                            "与目标（10 万个案件时两个词的搜索少于 1 MB）对比。")
    p.add_argument("-n", "--cases-count", dest="n", type=int, default=5000, help="生成的案件数（默认 5000）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    p.add_argument("--per-year", type=int, help="生成时每年的案件数（默认用 generate.py 的 2500；"
                                                "设为 10000 时一个年份的索引和 10 万个案件时一样大）")
    p.add_argument("--workdir", type=Path, help="工作目录（默认临时目录下的 hotline-search-bytes）")
    p.add_argument("--cases", type=Path, help="用已有的案件目录，不生成")
    p.add_argument("--output", type=Path, help="输出目录（默认工作目录下的 output，构建前清空）")
    p.add_argument("--no-build", action="store_true", help="不构建，直接测 --output 里已有的网站")
    p.add_argument("--query", action="append", help=f"搜索的词（可重复；默认 {' 和 '.join(QUERIES)}）")
    p.add_argument("--json", type=Path, help="把结果写成 JSON")
    args = p.parse_args()
    work = (args.workdir or Path(tempfile.gettempdir()) / "hotline-search-bytes").resolve()
    output = (args.output or work / "output").resolve()
    built = None
    if not args.no_build:
        cases = args.cases.resolve() if args.cases else work / "cases"
        if not args.cases:
            if args.per_year:
                generate.CASES_PER_YEAR = args.per_year
            counts = generate.generate(cases, args.n, args.seed, False)
            print(f"已生成 {args.n} 个案件到 {cases}：{counts}", flush=True)
        built = build(cases, output)
        print(f"构建用时 {built:.1f} 秒，网站在 {output}", flush=True)
    elif not (output / "search.html").is_file():
        p.error(f"{output} 里没有 search.html")
    from playwright.sync_api import sync_playwright

    queries = args.query or list(QUERIES)
    runs = []
    with serving(output) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for query in queries:
            runs.append(measure(browser, url, query))
        runs.append(measure(browser, url, queries[0], choose_filter=True))
        browser.close()
    bundles = shards(output)
    report(runs, bundles)
    if args.json:
        args.json.write_text(json.dumps({"cases": sum(b["pages"] for b in bundles), "build_seconds": built,
                                         "shards": bundles, "runs": runs, "target": TARGET},
                                        ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
