"""The benchmark: our build against plain Pelican, Hugo and Hugo + Pagefind on the same cases.

    make bench                                   # N=10,000, 3 repetitions, table into bench/README.md
    .venv/bin/python bench/run.py -n 2000 --reps 1
    .venv/bin/python bench/run.py --quick        # N=300, 1 repetition
    .venv/bin/python bench/run.py -n 100000 --reps 1 --only ours-cold,ours-nosearch

One run generates a case set (bench/generate.py), writes the same cases as
Markdown articles for Pelican and Hugo (from the public `PublicCase`
objects only), then measures each command in its own process, several
repetitions, interleaved, and reports medians:

  ours-nosearch-cold   `hotline build` without the site search (HOTLINE
              SEARCH False), into an empty output, its caches removed
  ours-cold   `hotline build` as configured (with the site search), cold
  ours-noop   the same again, nothing changed
  ours-edit   after changing one word in one published case's complaint
  pelican-cold / pelican-edit   Pelican 4.12, theme notmyidea, no plugins,
              its content cache on (LOAD_CONTENT_CACHE, CACHE_CONTENT)
  hugo-cold / hugo-edit         when `hugo` is on PATH (Debian: apt-get install hugo)
  hugo-pagefind-cold   Hugo, then Pagefind (the binary our search uses)
              indexing Hugo's output, as one command: the baseline for a
              site with search
  ours-watch  `hotline watch`'s rebuild after the same one-word edit
              (bench/watch.py: a full build, then the edit and back, live)
  ours-search-bytes    the bytes a search on the search page downloads
              in Chromium (bench/search_bytes.py on ours-cold's output)

Then the limits of what ours-cold wrote: the fullest folder against
10,000 entries, the sitemap files against 50,000 URLs each, peak memory
per process and, from it, a linear estimate at 300,000 and 1,000,000 cases.

For each: wall time, CPU time (user + sys of the process and its children),
peak memory (ru_maxrss, RUSAGE_CHILDREN of a small launcher process that
runs only that command, and the largest sum of the resident memory of the
command's process tree, sampled every 0.1 s), load
average, files and bytes in the output, and for a rebuild the files it
rewrote (inode, mtime or size changed), added or removed. Our build runs
through bench/timed_build.py, which also times its stages (the guard, each
output, publishing). The table goes to the terminal and, with every figure,
to bench/results/<time>-n<N>.json; with --readme, also into the marked block
of bench/README.md (README_START ... README_END), with the date, the machine
and the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (bench/ is a folder of scripts, not a package)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
MEASUREMENTS = ("ours-nosearch-cold", "ours-cold", "ours-noop", "ours-edit", "pelican-cold", "pelican-edit",
                "hugo-cold", "hugo-edit", "hugo-pagefind-cold", "ours-watch", "ours-search-bytes")
ONCE = ("ours-watch", "ours-search-bytes")  # measured once, after the repetitions
EDIT = ("请求", "恳请")  # the one word a staff member changes in one complaint
TARGETS = {  # the targets at 10,000 cases: like against like, with and without a search index
    "ours-nosearch-cold / pelican-cold": 0.5,
    "ours-nosearch-cold / hugo-cold": 1.0,
    "ours-cold / hugo-pagefind-cold": 1.0,
    "ours-edit / ours-cold": 0.2,
    "guard / ours-cold（CPU 时间）": 0.15,
    "guard / ours-nosearch-cold（CPU 时间）": 0.15,
}
LIMITS = {  # what the build writes, at any number of cases
    "folder_entries": 10_000,  # entries in one output folder
    "sitemap_urls": 50_000,  # URLs in one sitemap file (sitemaps.org)
    "watch_seconds": 1.0,  # `hotline watch` after a one-case edit, at 10,000 cases
    "search_bytes": 1_000_000,  # a two-word search, at 100,000 cases
    "memory_mb_at_300k": 2048,  # peak memory of one process
}
MACHINE_MEMORY_GB = 23.5
SITEURL = "https://12345.example.cn"  # our build's, as when publishing: it writes the sitemap
README = BENCH / "README.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
PAGE = resource.getpagesize()


# Measuring one command.

class TreeMemory(threading.Thread):
    """Samples the summed resident memory of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)[1:]))  # not the launcher itself


def _tree(pid: int) -> list[int]:
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for task in os.listdir(f"/proc/{pids[i]}/task"):
                with open(f"/proc/{pids[i]}/task/{task}/children") as f:
                    pids += [int(c) for c in f.read().split()]
        except OSError:
            pass
        i += 1
    return pids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


# A small process between the benchmark and each measured command: a child
# forked from the benchmark (hundreds of MB once the cases are loaded) would
# inherit that size in its ru_maxrss; one forked from this starts at ~10 MB.
LAUNCHER = """
import json, os, resource, sys, time
report, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(command[0], command)
_, status, _ = os.wait4(pid, 0)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as f:
    json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}, f)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measure(command: list[str], cwd: Path, log: Path, env: dict | None = None) -> dict:
    """Run `command` in its own process; time, CPU, memory and load."""
    load = os.getloadavg()[0]
    report = log.with_suffix(".rusage.json")
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-c", LAUNCHER, report, *command], cwd=cwd, stdout=out,
                                   stderr=subprocess.STDOUT, env=env)
        sampler = TreeMemory(process.pid)
        sampler.start()
        process.wait()
        sampler.done.set()
    if process.returncode != 0:
        tail = log.read_text("utf-8", errors="replace")[-3000:]
        raise SystemExit(f"命令失败（退出码 {process.returncode}）：{' '.join(map(str, command))}\n{tail}")
    usage = json.loads(report.read_text())
    return {
        "seconds": round(usage["seconds"], 3),
        "cpu_seconds": round(usage["cpu"], 3),
        "maxrss_mb": round(usage["maxrss_kb"] / 1024, 1),
        "tree_peak_mb": round(sampler.peak / 2**20, 1),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


# Output trees.

def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """(inode, mtime, size) of every file below `root`, by relative path."""
    found = {}
    for directory, _, files in os.walk(root):
        for name in files:
            st = os.lstat(os.path.join(directory, name))
            found[os.path.relpath(os.path.join(directory, name), root)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return found


def tree_size(snap: dict) -> dict:
    return {
        "files": len(snap),
        "pages": sum(1 for p in snap if p.endswith(".html")),
        "mb": round(sum(s for _, _, s in snap.values()) / 1e6, 1),
    }


def changes(before: dict, after: dict) -> dict:
    """Files a rebuild rewrote, added and removed; where the rewritten ones are."""
    rewritten = sorted(p for p in after if p in before and after[p] != before[p])
    where: dict[str, int] = {}
    for p in rewritten:
        top = p.split(os.sep, 1)[0] if os.sep in p else "(根目录)"
        where[top] = where.get(top, 0) + 1
    return {
        "rewritten": len(rewritten),
        "added": sum(1 for p in after if p not in before),
        "removed": sum(1 for p in before if p not in after),
        "rewritten_by_folder": dict(sorted(where.items(), key=lambda kv: -kv[1])),
        "rewritten_sample": rewritten[:12],
        "added_sample": sorted(p for p in after if p not in before)[:6],
        "removed_sample": sorted(p for p in before if p not in after)[:6],
    }


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


# The sites.

class Site:
    """One generator's site: how to make it cold, build it, and edit one case.
    Its `name` is the measurements' prefix: `<name>-cold`, `<name>-edit`."""

    name = ""

    def __init__(self, work: Path):
        self.work = work
        self.output = work / self.name / "output"
        self.edit_file: Path | None = None
        self.original: bytes = b""

    def command(self) -> list:
        raise NotImplementedError

    def caches(self) -> list[Path]:
        """Everything a build may keep between runs."""
        return [self.output]

    def make_cold(self) -> None:
        for path in self.caches():
            remove(path)

    def build(self, label: str, env: dict | None = None) -> dict:
        return measure(self.command(), self.cwd(), self.work / f"{label}.log", env)

    def cwd(self) -> Path:
        return self.work / self.name

    def edit(self) -> None:
        """Change one word in the one case's complaint (and only there)."""
        text = self.original.decode("utf-8")
        at = text.index(EDIT[0], text.index(self.edit_marker))
        self.edit_file.write_text(text[:at] + EDIT[1] + text[at + len(EDIT[0]):], "utf-8")

    def restore(self) -> None:
        self.edit_file.write_bytes(self.original)


class Ours(Site):
    edit_marker = "complaint:"

    def __init__(self, work: Path, cases: Path, search: bool = True, pdf: bool = False):
        self.name = "ours" if search else "ours-nosearch"
        super().__init__(work)
        self.cases = cases
        self.stages_file = work / self.name / "stages.json"
        # pelicanconf.py with HOTLINE SEARCH and PDF set, and a SITEURL as when
        # publishing (the sitemap needs one); paths stay those of the project.
        self.settings = work / f"{self.name}-settings.py"
        self.settings.parent.mkdir(parents=True, exist_ok=True)
        self.settings.write_text(
            f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa: F403\n"
            f"SITE_ROOT = {str(ROOT)!r}\nPATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
            f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nSITEURL = {SITEURL!r}\n"
            f"HOTLINE = {{**HOTLINE, 'SEARCH': {search!r}, 'PDF': {pdf!r}}}  # noqa: F405\n",
            "utf-8")

    def cwd(self) -> Path:
        return ROOT

    def command(self) -> list:
        return [sys.executable, BENCH / "timed_build.py", self.stages_file, "--settings", self.settings,
                "build", "--cases", self.cases, "--output", self.output]

    def caches(self) -> list[Path]:
        """The output, every `.output.*` next to it (staging, lock, cache) and
        every dot-entry in the cases folder (the generator writes none)."""
        siblings = [p for p in self.output.parent.iterdir() if p.name.startswith(f".{self.output.name}")] if self.output.parent.is_dir() else []
        hidden = [p for p in self.cases.iterdir() if p.name.startswith(".")]
        return [self.output, *siblings, *hidden]

    def build(self, label: str, env: dict | None = None) -> dict:
        remove(self.stages_file)
        result = super().build(label, dict(os.environ, CI="1"))
        result["stages"] = json.loads(self.stages_file.read_text("utf-8"))
        log = (self.work / f"{label}.log").read_text("utf-8", errors="replace")
        result["summary_line"] = next((line for line in log.splitlines() if line.startswith("构建完成")), "")
        return result


PELICAN_SETTINGS = """\
# Plain Pelican for the benchmark: default theme (notmyidea), no plugins,
# its content cache on so that a rebuild after one edit reads one file.
AUTHOR = "市长热线"
SITENAME = "市长热线 12345（Pelican 基准）"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = {output!r}
CACHE_PATH = {cache!r}
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
PLUGINS = []
LOAD_CONTENT_CACHE = True
CACHE_CONTENT = True
"""


class Pelican(Site):
    name = "pelican"
    edit_marker = "Slug:"

    def __init__(self, work: Path):
        super().__init__(work)
        self.content = work / self.name / "content"
        self.cache = work / self.name / "cache"

    def command(self) -> list:
        return [BIN / "pelican", "-s", self.work / self.name / "pelicanconf.py"]

    def caches(self) -> list[Path]:
        return [self.output, self.cache]

    def write(self, cases) -> None:
        remove(self.work / self.name)
        self.content.mkdir(parents=True)
        (self.work / self.name / "pelicanconf.py").write_text(
            PELICAN_SETTINGS.format(output=str(self.output), cache=str(self.cache)), "utf-8")
        for case in cases:
            meta = [f"Title: {' '.join(case.headline)}", f"Date: {case.resolved_at:%Y-%m-%d %H:%M}",
                    f"Category: {case.category.name}", f"Tags: {', '.join(d.name for d in case.departments)}",
                    f"Slug: {case.id.lower()}"]
            _write_article(self.content, case, "\n".join(meta) + "\n\n" + markdown_body(case))


HUGO_CONFIG = """\
# Hugo for the benchmark: the minimal theme in bench/hugo_theme, defaults otherwise.
baseURL = "http://example.invalid/"
languageCode = "zh-cn"
title = "市长热线 12345（Hugo 基准）"
hasCJKLanguage = true
themesDir = {themes!r}
theme = "hugo_theme"
paginate = 20
"""


class Hugo(Site):
    name = "hugo"
    edit_marker = "---\n\n"

    def __init__(self, work: Path):
        super().__init__(work)
        self.source = work / "hugo"

    def cwd(self) -> Path:
        return self.source

    def command(self) -> list:
        return ["hugo", "--source", self.source, "--destination", self.output, "--quiet"]

    def caches(self) -> list[Path]:
        return [self.output, self.source / "resources", self.source / ".hugo_build.lock", self.work / "hugo-cache"]

    def build(self, label: str, env: dict | None = None) -> dict:
        return super().build(label, dict(os.environ, HUGO_CACHEDIR=str(self.work / "hugo-cache")))

    def write(self, cases) -> None:
        remove(self.source)
        (self.source / "content" / "cases").mkdir(parents=True)
        (self.source / "config.toml").write_text(HUGO_CONFIG.format(themes=str(BENCH)), "utf-8")
        for case in cases:
            front = {"title": " ".join(case.headline), "date": case.resolved_at.isoformat(),
                     "categories": [case.category.name], "tags": [d.name for d in case.departments],
                     "slug": case.id.lower()}
            lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()]
            _write_article(self.source / "content" / "cases", case, "---\n" + "\n".join(lines) + "\n---\n\n" + markdown_body(case))


class HugoPagefind(Hugo):
    """Hugo's build of the same source, then Pagefind indexing its output, as
    one command: the baseline for our build with its site search. The same
    Pagefind binary as ours; Hugo's pages say lang="zh-cn", so Pagefind
    segments them as Chinese, and only the case pages carry data-pagefind-body."""

    name = "hugo-pagefind"

    def command(self) -> list:
        from hotline.feeds.search import pagefind_executable

        pagefind = [pagefind_executable(), "--site", self.output, "--quiet"]
        return ["sh", "-c", f"{shlex.join(map(str, super().command()))} && {shlex.join(map(str, pagefind))}"]


def markdown_body(case) -> str:
    """The article text from public fields only: headline, complaint, actions, follow-up."""
    parts = [f"{case.caller_role}{case.caller}反映：{case.complaint}"]
    for h in case.handling:
        parts.append(f"**{h.department.name}**（{h.finding or '已办理'}）：{h.action or ''}")
    if case.followup:
        parts.append(f"回访：{case.followup.comment or case.followup.result_name}")
    return "\n\n".join(parts) + "\n"


def _write_article(root: Path, case, text: str) -> None:
    folder = root / f"{case.received_at:%Y}" / f"{case.received_at:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{case.id}.md").write_text(text, "utf-8")


def public_cases(cases_dir: Path):
    """The published cases, through the one loader (public objects only)."""
    from zoneinfo import ZoneInfo

    from hotline.load.casedata import load_cases

    cases, problems = load_cases(cases_dir, ZoneInfo("Asia/Shanghai"))
    if problems:
        raise SystemExit(f"生成的案件没有通过检查：{problems[:3]}")
    return cases.cases


def edit_case(cases) -> object:
    """The published case whose complaint gets one word changed: the middle one that has the word."""
    candidates = sorted((c for c in cases if EDIT[0] in c.complaint), key=lambda c: c.id)
    return candidates[len(candidates) // 2]


# One run.

def selected(only: str | None, skip: str | None) -> list[str]:
    def match(name: str, patterns: str | None) -> bool:
        return any(name == p or name.startswith(p + "-") for p in (patterns or "").split(",") if p)

    names = [m for m in MEASUREMENTS if (only is None or match(m, only)) and not match(m, skip)]
    if any(n.startswith("hugo") for n in names) and shutil.which("hugo") is None:
        print("没有找到 hugo（Debian：apt-get install hugo），跳过 Hugo 基准。")
        names = [n for n in names if not n.startswith("hugo")]
    return names


def machine() -> dict:
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip() if shutil.which("hugo") else None
    import importlib.metadata

    import pelican

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(int(mem) / 2**20, 1), "system": platform.platform(),
            "python": platform.python_version(), "pelican": pelican.__version__, "hugo": hugo,
            "pagefind": importlib.metadata.version("pagefind_bin_extended"), "commit": commit()}


def commit() -> str | None:
    """The project's commit, marked when files it tracks differ (bench/README.md aside: --readme writes it)."""
    git = ["git", "-C", str(ROOT)]
    try:
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/README.md"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("（另有未提交的改动）" if changed else "")


def site_of(measurement: str) -> str:
    """The site a measurement builds: `ours-nosearch-cold` → `ours-nosearch`
    (`ours-search-bytes` reads the site `ours` builds)."""
    return {"ours-search-bytes": "ours", "ours-watch": "watch"}.get(measurement) or measurement.rsplit("-", 1)[0]


def run(n: int, reps: int, names: list[str], seed: int, work: Path, results: Path | None,
        hard: bool = False, pdf: bool = False) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    cases_dir = work / "cases"
    start = time.perf_counter()
    counts = generate.generate(cases_dir, n, seed, hard)
    print(f"已生成 {n} 个案件（{time.perf_counter() - start:.1f} 秒）：{counts}", flush=True)
    ours_sites = [Ours(work, cases_dir, search=False, pdf=pdf), Ours(work, cases_dir, pdf=pdf)]
    pelican, hugo = Pelican(work), Hugo(work)
    sites: dict[str, Site] = {site.name: site for site in (*ours_sites, pelican, hugo, HugoPagefind(work))}
    used = {site_of(name) for name in names}
    case = None
    if used & {"pelican", "hugo", "hugo-pagefind"} or any(name.endswith("-edit") for name in names):
        cases = public_cases(cases_dir)
        case = edit_case(cases)
        for ours in ours_sites:
            ours.edit_file = cases_dir / f"{case.received_at:%Y}" / f"{case.received_at:%m}" / f"{case.id}.yaml"
        if "pelican" in used:
            pelican.write(cases)
            pelican.edit_file = pelican.content / f"{case.received_at:%Y}" / f"{case.received_at:%m}" / f"{case.id}.md"
        if used & {"hugo", "hugo-pagefind"}:  # one source for both
            hugo.write(cases)
            hugo.edit_file = hugo.source / "content" / "cases" / f"{case.received_at:%Y}" / f"{case.received_at:%m}" / f"{case.id}.md"
        for site in sites.values():
            if site.edit_file:
                site.original = site.edit_file.read_bytes()
        print(f"修改一个字的案件：{case.id}（{EDIT[0]} → {EDIT[1]}）", flush=True)
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for rep in range(1, reps + 1):
        for site_name, site in sites.items():
            if site_name not in used:
                continue
            site.make_cold()
            cold = site.build(f"{site_name}-cold")
            before = snapshot(site.output)
            cold.update(tree_size(before))
            if f"{site_name}-cold" in runs:
                runs[f"{site_name}-cold"].append(cold)
                _progress(rep, f"{site_name}-cold", cold)
            if f"{site_name}-noop" in runs:
                result = site.build(f"{site_name}-noop")
                after = snapshot(site.output)
                result.update(tree_size(after), **changes(before, after))
                runs[f"{site_name}-noop"].append(result)
                _progress(rep, f"{site_name}-noop", result)
                before = after
            if f"{site_name}-edit" in runs:
                site.edit()
                try:
                    result = site.build(f"{site_name}-edit")
                finally:
                    site.restore()
                after = snapshot(site.output)
                result.update(tree_size(after), **changes(before, after))
                runs[f"{site_name}-edit"].append(result)
                _progress(rep, f"{site_name}-edit", result)
    once = {}
    if "ours-watch" in names:
        once["ours-watch"] = watch(work, cases_dir, pdf)
    if "ours-search-bytes" in names:
        once["ours-search-bytes"] = search_bytes(work, sites["ours"].output)
    report = summarise(n, reps, seed, runs)
    report["once"] = once
    built = next((site for site in reversed(ours_sites) if site.output.is_dir()), None)  # with search, if built
    if built is not None:
        report["limits"] = limits(built.output, n, report["medians"].get(f"{built.name}-cold"))
    report["edited_case"] = case.id if case else None
    report["statuses"] = counts
    report["pdf"] = pdf
    if results is not None:
        results.mkdir(parents=True, exist_ok=True)
        path = results / f"{dt.datetime.now():%Y%m%d-%H%M%S}-n{n}.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        report["file"] = str(path)
    return report


def watch(work: Path, cases: Path, pdf: bool) -> dict:
    """`hotline watch` after a one-word edit and back (bench/watch.py), in its own process."""
    report = work / "watch.json"
    command = [sys.executable, BENCH / "watch.py", "--cases", cases, "--output", work / "watch" / "output",
               "--reps", "1", "--json", report, *(["--pdf"] if pdf else [])]
    measure(command, ROOT, work / "ours-watch.log", dict(os.environ, CI="1"))
    result = json.loads(report.read_text("utf-8"))
    print(f"  ours-watch: 改一个字后 {result['median']:.2f} 秒（完整构建 {result['full']['seconds']:.1f} 秒）", flush=True)
    return result


def search_bytes(work: Path, output: Path) -> dict:
    """What searches on our search page download (bench/search_bytes.py on
    ours-cold's output), or why they were not measured."""
    from search_bytes import CHROMIUM

    if not Path(CHROMIUM).is_file():
        return {"skipped": f"没有 Chromium（{CHROMIUM}）"}
    report = work / "search-bytes.json"
    measure([sys.executable, BENCH / "search_bytes.py", "--output", output, "--no-build", "--json", report],
            ROOT, work / "ours-search-bytes.log")
    result = json.loads(report.read_text("utf-8"))
    first = result["runs"][0]
    print(f"  ours-search-bytes: 搜“{first['query']}”下载 {first['total'] / 1000:.1f} KB", flush=True)
    return result


def limits(output: Path, n: int, cold: dict | None) -> dict:
    """The fullest folders and the sitemap files of a built site; peak
    memory per process, and a linear estimate at larger numbers of cases
    (an upper bound: part of the peak does not grow with the cases)."""
    folders = []
    for directory, dirnames, filenames in os.walk(output):
        folders.append((len(dirnames) + len(filenames), os.path.relpath(directory, output).replace(os.sep, "/") + "/"))
    folders.sort(key=lambda f: (-f[0], f[1]))
    sitemaps = {}
    for path in sorted(output.glob("sitemap*.xml")):
        text = path.read_text("utf-8")
        sitemaps[path.name] = {"urls": text.count("<url>"), "sitemaps": text.count("<sitemap>"), "bytes": path.stat().st_size}
    found: dict = {"fullest_folders": [{"folder": f, "entries": e} for e, f in folders[:5]], "sitemaps": sitemaps,
                   "public_cases": sum(1 for p in output.glob("cases/*.html") if p.name != "index.html")}
    if cold:
        per_case = cold["maxrss_mb"] / n
        found["memory"] = {"peak_mb": cold["maxrss_mb"], "per_case_kb": round(per_case * 1024, 1),
                           "estimate_300k_mb": round(per_case * 300_000), "estimate_1m_mb": round(per_case * 1_000_000)}
    return found


def _progress(rep: int, name: str, result: dict) -> None:
    extra = f"，改写 {result['rewritten']} 个文件" if "rewritten" in result else ""
    print(f"  第 {rep} 次 {name}: {result['seconds']:.1f} 秒（CPU {result['cpu_seconds']:.1f} 秒，负载 {result['load_before']}）{extra}", flush=True)


# Summary.

def summarise(n: int, reps: int, seed: int, runs: dict[str, list[dict]]) -> dict:
    medians = {}
    for name, results in runs.items():
        if not results:
            continue
        m = {key: statistics.median(r[key] for r in results) for key in
             ("seconds", "cpu_seconds", "maxrss_mb", "tree_peak_mb", "files", "pages", "mb")}
        m["min"], m["max"] = min(r["seconds"] for r in results), max(r["seconds"] for r in results)
        m["load"] = statistics.median(r["load_before"] for r in results)
        for key in ("rewritten", "added", "removed"):
            if key in results[0]:
                m[key] = max(r[key] for r in results)
        if "stages" in results[0]:
            m["stages"] = _median_stages([r["stages"] for r in results])
        medians[name] = m
    return {"cases": n, "repetitions": reps, "seed": seed, "when": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": machine(), "medians": medians, "ratios": ratios(medians), "runs": runs}


def _median_stages(all_stages: list[dict]) -> dict:
    labels = dict.fromkeys(label for s in all_stages for label in s["stages"])
    out = {label: {k: statistics.median(s["stages"].get(label, {}).get(k, 0) for s in all_stages) for k in ("calls", "inclusive", "exclusive")}
           for label in labels}
    out["(进程内合计 wall)"] = {"calls": 1, "inclusive": statistics.median(s["wall"] for s in all_stages), "exclusive": 0}
    return out


def guard_seconds(stages: dict) -> float:
    return sum(v["inclusive"] for k, v in stages.items() if k.startswith("隐私检查"))


def ratios(medians: dict) -> dict:
    out = {}

    def ratio(name: str, a: float | None, b: float | None) -> None:
        if a is not None and b:
            out[name] = round(a / b, 3)

    sec = {name: m["seconds"] for name, m in medians.items()}
    for a, b in (("ours-nosearch-cold", "pelican-cold"), ("ours-nosearch-cold", "hugo-cold"),
                 ("ours-cold", "hugo-pagefind-cold"), ("ours-edit", "ours-cold"), ("ours-noop", "ours-cold"),
                 ("ours-cold", "pelican-cold"), ("ours-cold", "hugo-cold"), ("ours-cold", "ours-nosearch-cold"),
                 ("hugo-pagefind-cold", "hugo-cold"), ("ours-edit", "pelican-edit"), ("ours-edit", "hugo-edit")):
        ratio(f"{a} / {b}", sec.get(a), sec.get(b))
    for name in ("ours-cold", "ours-nosearch-cold"):
        cold = medians.get(name)
        if cold and "stages" in cold:
            # The guard runs in every worker process: its process-seconds against the build's CPU seconds.
            ratio(f"guard / {name}（CPU 时间）", guard_seconds(cold["stages"]), cold.get("cpu_seconds"))
    return out


LABELS = {
    "ours-nosearch-cold": "我们（不含搜索索引）：冷构建",
    "ours-cold": "我们：冷构建", "ours-noop": "我们：无改动重建", "ours-edit": "我们：改一个字后重建",
    "pelican-cold": "Pelican：冷构建", "pelican-edit": "Pelican：改一个字后重建",
    "hugo-cold": "Hugo：冷构建", "hugo-edit": "Hugo：改一个字后重建",
    "hugo-pagefind-cold": "Hugo + Pagefind：冷构建",
}


def table(report: dict) -> str:
    """The report as a Markdown table (also printed as is)."""
    m = report["medians"]
    lines = [
        f"N = {report['cases']} 个案件，{report['repetitions']} 次取中位数；{report['machine']['cores']} 核 "
        f"{report['machine']['cpu']}，{report['machine']['memory_gb']} GB 内存；我们的构建"
        f"{'排版' if report.get('pdf') else '不排版'}简报的 PDF（设置 PDF）",
        "",
        "| 测量 | 用时 s（中位） | 最小–最大 | CPU s | 峰值内存 MB（单进程 / 进程树） | 文件 | 网页 | MB | 改写 / 新增 / 删除 | 负载 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in m.items():
        changed = f"{r['rewritten']} / {r['added']} / {r['removed']}" if "rewritten" in r else "—"
        lines.append(
            f"| {LABELS.get(name, name)} | {r['seconds']:.1f} | {r['min']:.1f}–{r['max']:.1f} | {r['cpu_seconds']:.1f} | "
            f"{r['maxrss_mb']:.0f} / {r['tree_peak_mb']:.0f} | {r['files']} | {r['pages']} | {r['mb']:.0f} | {changed} | {r['load']:.1f} |"
        )
    lines += ["", "| 比值（用时） | 值 | 目标 | 结果 |", "|---|---:|---:|---|"]
    found = report["ratios"]
    for name in [*TARGETS, *(r for r in found if r not in TARGETS)]:
        target, value = TARGETS.get(name), found.get(name)
        if target is None:
            lines.append(f"| {name} | {value:.2f} | | |")
        elif value is None:
            lines.append(f"| {name} | — | ≤ {target} | 未测量 |")
        else:
            lines.append(f"| {name} | {value:.2f} | ≤ {target} | {'达到' if value <= target else '未达到'} |")
    lines += limits_table(report)
    cold = m.get("ours-cold")
    if cold and "stages" in cold:
        lines += ["", "我们冷构建的各阶段（中位数，秒；不含 = 减去其中已单列的阶段）：", "",
                  "| 阶段 | 调用次数 | 含 | 不含 |", "|---|---:|---:|---:|"]
        stages = sorted(cold["stages"].items(), key=lambda kv: -kv[1]["inclusive"])
        for label, s in stages:
            lines.append(f"| {label} | {s['calls']:.0f} | {s['inclusive']:.2f} | {s['exclusive']:.2f} |")
    return "\n".join(lines)


def limits_table(report: dict) -> list[str]:
    """The live rebuild, the search's bytes and the limits of the output against their targets."""
    rows = []

    def row(name: str, measured: str, target: str, met: bool | None) -> None:
        rows.append(f"| {name} | {measured} | {target} | {'' if met is None else '达到' if met else '未达到'} |")

    n, once, found = report["cases"], report.get("once", {}), report.get("limits")
    if "ours-watch" in once:
        w = once["ours-watch"]
        row(f"`hotline watch` 改一个字后（{n} 个案件）", f"{w['median']:.2f} 秒（完整构建 {w['full']['seconds']:.1f} 秒的 {w['ratio']:.3f} 倍）",
            f"≤ {LIMITS['watch_seconds']:.0f} 秒（1 万个）", w["median"] <= LIMITS["watch_seconds"] if n == 10_000 else None)
    if "ours-search-bytes" in once:
        b = once["ours-search-bytes"]
        if "skipped" in b:
            row("站内搜索两个词下载的字节", f"没有测：{b['skipped']}", "< 1 MB（10 万个）", None)
        else:
            first = b["runs"][0]
            row(f"站内搜索“{first['query']}”下载的字节（{b['cases']} 个案件页，{len(b['shards'])} 个年份）",
                f"{first['total'] / 1000:,.1f} KB（{first['results_shown']} 个结果）", "< 1 MB（10 万个）",
                first["total"] < LIMITS["search_bytes"] if n >= 100_000 else None)
    if found:
        top = found["fullest_folders"][0]
        public = found["public_cases"]
        more = (f"；每个公开案件一个条目，{LIMITS['folder_entries']:,} 个公开案件时满" if top["entries"] >= public > 0 else "")
        row("最满的文件夹", f"`{top['folder']}` {top['entries']:,} 个条目" + "、".join(
            [""] + [f"`{f['folder']}` {f['entries']:,}" for f in found["fullest_folders"][1:3]]) + more,
            f"≤ {LIMITS['folder_entries']:,} 个条目", top["entries"] <= LIMITS["folder_entries"])
        if found["sitemaps"]:
            largest = max(v["urls"] for v in found["sitemaps"].values())
            index = "（sitemap.xml 是索引）" if any(v["sitemaps"] for v in found["sitemaps"].values()) else ""
            row("网站地图", f"{len(found['sitemaps'])} 个文件{index}，最大的 {largest:,} 个网址", f"每个 ≤ {LIMITS['sitemap_urls']:,} 个网址",
                largest <= LIMITS["sitemap_urls"])
        if "memory" in found:
            mem = found["memory"]
            measured = f"{mem['peak_mb']:,.0f} MB"
            if n >= 100_000:  # below, the fixed part (Python, Pelican, templates) would dominate the estimate
                measured += (f"（每个案件 {mem['per_case_kb']:.0f} KB）；按此线性推算 30 万个 {mem['estimate_300k_mb'] / 1024:.1f} GB，"
                             f"100 万个 {mem['estimate_1m_mb'] / 1024:.1f} GB（本机 {MACHINE_MEMORY_GB} GB）")
            else:
                measured += "（10 万个以上才推算：`-n 100000 --only ours-nosearch-cold`）"
            row(f"单进程峰值内存（{n} 个案件）", measured, f"≤ {LIMITS['memory_mb_at_300k'] / 1024:.0f} GB（30 万个）",
                mem["estimate_300k_mb"] <= LIMITS["memory_mb_at_300k"] if n >= 100_000 else None)
    if not rows:
        return []
    return ["", "| 限度 | 测得 | 目标 | 结果 |", "|---|---|---|---|", *rows]


def readme_block(report: dict, command: str) -> str:
    """What goes between the markers: when, on what, by which command, and the table."""
    m = report["machine"]
    versions = [f"Python {m['python']}", f"Pelican {m['pelican']}"]
    if m.get("hugo"):
        versions.append(m["hugo"].split("+")[0].split("-")[0].replace("hugo v", "Hugo "))
    versions.append(f"Pagefind {m['pagefind']}")
    when = report["when"].replace("T", " ")
    return "\n".join([
        f"最近一次运行：{when}，命令 `{command}`" + (f"，提交 {m['commit']}" if m.get("commit") else "") + "。",
        f"机器：{m['system']}，{'，'.join(versions)}。",
        "",
        table(report),
    ])


def check_readme(path: Path) -> str:
    """The README's text, once it is known to have the two markers, in order."""
    try:
        text = path.read_text("utf-8")
    except OSError as e:
        raise SystemExit(f"无法读取 {path}：{e.strerror}") from None
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start or text.count(README_START) != 1 or text.count(README_END) != 1:
        raise SystemExit(f"{path} 里要有一对标记 {README_START} 和 {README_END}（各一次，先后如此），表写在两者之间。")
    return text


def write_readme(path: Path, block: str) -> None:
    """Replace what is between the markers in `path` with `block`; nothing else changes."""
    text = check_readme(path)
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    path.write_text(text[:start] + "\n" + block.strip("\n") + "\n" + text[end:], "utf-8")


def main(argv: list[str] | None = None) -> int:
    command = shlex.join(["bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    p = argparse.ArgumentParser(description="性能基准：我们的构建与 Pelican、Hugo、Hugo + Pagefind 对比（同一批虚构案件）。")
    p.add_argument("-n", "--cases", type=int, default=10_000, help="案件数（默认 10000）")
    p.add_argument("--reps", type=int, default=3, help="重复次数，取中位数（默认 3）")
    p.add_argument("--quick", action="store_true", help="快速试跑：300 个案件，1 次")
    p.add_argument("--only", metavar="名称", help="只测这些（逗号分隔，可写前缀 ours、ours-nosearch、pelican、hugo、"
                   f"hugo-pagefind）：{', '.join(MEASUREMENTS)}")
    p.add_argument("--skip", metavar="名称", help="跳过这些（同上）")
    p.add_argument("--seed", type=int, default=1, help="生成案件的随机种子（默认 1）")
    p.add_argument("--hard", action="store_true", help="生成案件时加上曾让输出检查误报的写法（见 generate.py --hard）")
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "hotline-bench", help="工作目录（案件和各网站的输出）")
    p.add_argument("--results", type=Path, default=BENCH / "results", help="结果 JSON 的目录（默认 bench/results）")
    p.add_argument("--pdf", action="store_true", help="我们的构建也排版简报的 PDF（设置 PDF；默认不排：Pelican 和 Hugo 都不出 PDF）")
    p.add_argument("--readme", type=Path, nargs="?", const=README, metavar="文件",
                   help=f"把这次的表（连同日期、机器和命令）写进文件里 {README_START} 和 {README_END} 之间（默认 bench/README.md）")
    args = p.parse_args(argv)
    n, reps = (300, 1) if args.quick else (args.cases, args.reps)
    names = selected(args.only, args.skip)
    if not names:
        p.error("没有要测的项目")
    if args.readme:
        check_readme(args.readme)  # before the long run, not after it
    report = run(n, reps, names, args.seed, args.workdir.resolve(), args.results, args.hard, args.pdf)
    print()
    print(table(report))
    if "file" in report:
        print(f"\n结果已写入 {report['file']}")
    if args.readme:
        write_readme(args.readme, readme_block(report, command))
        print(f"表已写入 {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
