"""Where a cold build spends its time: cProfile of `hotline build`, summarised.

    .venv/bin/python bench/profile_build.py --cases DIR [--output OUT] [--save build.prof]
    .venv/bin/python bench/profile_build.py --load build.prof

Builds into OUT (default: a folder next to DIR) after removing it and its
caches, under cProfile, in this process; then prints the top entries by
cumulative time, the time of the build's stages (cumulative time of their
functions) and the time by module (own time; time in C functions such as
`re` or `ahocorasick` is counted for the module that called them). The
profiler slows Python code down by roughly half again; the shares are what
matter. Work in other processes (Pagefind) shows as waiting in `subprocess`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (label, file suffix, function name): the stages, by their functions' cumulative time.
STAGES = (
    ("读取案件（合计）load_cases", "hotline/load/casedata.py", "load_cases"),
    ("  YAML 解析 read_yaml", "hotline/load/records.py", "read_yaml"),
    ("  检查 validate（含 JSON Schema）", "hotline/load/validate.py", "validate"),
    ("    JSON Schema iter_errors", "jsonschema/validators.py", "iter_errors"),
    ("  匿名化 Anonymiser.anonymise", "hotline/load/anonymise.py", "anonymise"),
    ("  匿名化：建立 Anonymiser", "hotline/load/anonymise.py", "__init__"),
    ("  未公开文字 _unpublished_text", "hotline/load/casedata.py", "_unpublished_text"),
    ("隐私检查：建立 Guard", "hotline/build/guard.py", "__init__"),
    ("隐私检查：逐个文件 Guard.check", "hotline/build/guard.py", "check"),
    ("隐私检查：最后全树 Guard.check_tree", "hotline/build/guard.py", "check_tree"),
    ("Jinja 渲染 Template.render", "jinja2/environment.py", "render"),
    ("写文件 SiteWriter.write", "hotline/build/output.py", "write"),
    ("发布 swap_in", "hotline/build/publish.py", "swap_in"),
    ("发布 _link_unchanged", "hotline/build/pelican.py", "_link_unchanged"),
    ("Pelican.run（全部）", "pelican/__init__.py", "run"),
)
# Module groups, by a piece of the file path; first match wins.
MODULES = (
    ("YAML（PyYAML，records.py）", ("/yaml/", "_yaml", "hotline/load/records.py")),
    ("JSON Schema（jsonschema，validate.py）", ("/jsonschema/", "/referencing/", "/rpds", "jsonschema_specifications", "hotline/load/validate.py")),
    ("匿名化（anonymise.py，privacy/）", ("hotline/load/anonymise.py", "hotline/privacy/")),
    ("隐私检查（guard.py，spelling.py）", ("hotline/build/guard.py", "hotline/privacy/spelling.py")),
    ("Jinja 渲染（jinja2、markupsafe、模板）", ("/jinja2/", "/markupsafe/", "/templates/", "<template>")),
    ("Pelican 本身（pelican、markdown、docutils）", ("/pelican/", "/markdown/", "/docutils/", "feedgenerator")),
    ("子进程（Pagefind 等，等待时间）", ("subprocess.py", "selectors.py")),
    ("文件读写（pathlib、os、shutil、io）", ("pathlib.py", "shutil.py", "/os.py", "genericpath.py", "posixpath.py")),
    ("缓存（pickle）", ("hotline/load/cache.py", "pickle")),
)
FILE_BUILTINS = re.compile(r"posix\.|_io\.|io\.open|built-in method (open|stat|lstat|link|mkdir|rename|replace|unlink|scandir|listdir)")
WAIT_BUILTINS = re.compile(r"poll|select|waitpid|wait4|_fork_exec|read' of '_io.FileIO")


def module_of(filename: str, function: str) -> str | None:
    for label, pieces in MODULES:
        if any(piece in filename for piece in pieces):
            return label
    if "/hotline/" in filename:
        return f"hotline/{Path(filename).name}"
    return None


def by_module(stats: pstats.Stats) -> dict[str, float]:
    """Own time per module group; a C function's time goes to its caller's group."""
    totals: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, callers) in stats.stats.items():
        if filename == "~":  # a built-in: charge its callers
            if WAIT_BUILTINS.search(function):
                label = "子进程（Pagefind 等，等待时间）"
                totals[label] = totals.get(label, 0) + own
                continue
            if FILE_BUILTINS.search(function):
                label = "文件读写（pathlib、os、shutil、io）"
                totals[label] = totals.get(label, 0) + own
                continue
            for (cfile, _, cfunction), edge in callers.items():
                label = module_of(cfile, cfunction) or ("其他标准库" if "/lib/python3" in cfile and "site-packages" not in cfile else "其他")
                totals[label] = totals.get(label, 0) + edge[2]
            continue
        label = module_of(filename, function) or ("其他标准库" if "/lib/python3" in filename and "site-packages" not in filename else "其他")
        totals[label] = totals.get(label, 0) + own
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def by_stage(stats: pstats.Stats) -> list[tuple[str, int, float]]:
    found = []
    for label, suffix, name in STAGES:
        matches = [(cumulative, nc) for (filename, _, function), (_, nc, _, cumulative, _) in stats.stats.items()
                   if function == name and filename.endswith(suffix)]
        if matches:  # the outermost one of that name (Guard.__init__, not _Entry.__init__)
            total, calls = max(matches)
            found.append((label, calls, total))
    return found


def top(stats: pstats.Stats, count: int) -> str:
    out = io.StringIO()
    stream, stats.stream = stats.stream, out
    stats.sort_stats("cumulative").print_stats(count)
    stats.stream = stream
    text = out.getvalue()
    return text[text.index("   ncalls"):] if "   ncalls" in text else text


def summary(stats: pstats.Stats, count: int = 15) -> str:
    total = stats.total_tt
    lines = [f"总计（剖析器下）{total:.1f} 秒", "", f"累计时间最多的 {count} 项：", top(stats, count), "各阶段（函数的累计时间）：", ""]
    lines += [f"  {label:<40} {calls:>8} 次 {seconds:8.2f} 秒 {100 * seconds / total:5.1f}%" for label, calls, seconds in by_stage(stats)]
    lines += ["", "按模块（自身时间；C 函数的时间计入调用它的模块）：", ""]
    modules = by_module(stats)
    small = {label: s for label, s in modules.items() if s < total / 200}
    modules = {label: s for label, s in modules.items() if label not in small}
    if small:
        modules[f"其余 {len(small)} 项（各不到 0.5%）"] = sum(small.values())
    lines += [f"  {label:<40} {seconds:8.2f} 秒 {100 * seconds / total:5.1f}%" for label, seconds in modules.items()]
    return "\n".join(lines)


def profile_build(cases: Path, output: Path, save: Path) -> pstats.Stats:
    from hotline import cli

    for path in [output, *output.parent.glob(f".{output.name}.*")]:
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    argv = ["--settings", str(ROOT / "pelicanconf.py"), "build", "--cases", str(cases), "--output", str(output)]
    profiler = cProfile.Profile()
    code = profiler.runcall(cli.main, argv)
    if code != 0:
        raise SystemExit(f"构建失败（退出码 {code}）")
    profiler.dump_stats(save)
    return pstats.Stats(str(save))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="剖析一次冷构建：累计时间最多的函数、各阶段、按模块的时间。")
    p.add_argument("--cases", type=Path, help="案件目录（例如 bench/generate.py 生成的）")
    p.add_argument("--output", type=Path, help="输出目录（默认：案件目录旁的 profile-output，构建前清空）")
    p.add_argument("--save", type=Path, default=Path("build.prof"), help="剖析数据文件（默认 build.prof）")
    p.add_argument("--load", type=Path, help="只分析已有的剖析数据文件，不构建")
    p.add_argument("--top", type=int, default=15, help="列出累计时间最多的几项（默认 15）")
    args = p.parse_args(argv)
    if args.load:
        stats = pstats.Stats(str(args.load))
    elif args.cases:
        output = args.output or args.cases.resolve().parent / "profile-output"
        stats = profile_build(args.cases.resolve(), output.resolve(), args.save)
    else:
        p.error("需要 --cases 或 --load")
    print(summary(stats, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
