"""`hotline watch` after a one-case edit, against a full build, in one process.

    .venv/bin/python bench/watch.py --cases DIR [--output DIR] [--reps 3] [--no-search] [--pdf]

Runs the watch engine (build/live.py) as `hotline watch` does: a full
build into an empty output, then `--reps` times: change one word in one
published case's complaint (as bench/run.py's ours-edit does), rebuild
live, and change it back, rebuild live. Like bench/run.py, the bulletins'
PDFs are not typeset unless `--pdf`. Prints the full build's time, each
live rebuild's time and CPU time, their median and the ratio to the full
build, and writes them as JSON with `--json`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import EDIT  # noqa: E402  (bench/ is a folder of scripts, not a package)

from hotline.build.live import LiveSite  # noqa: E402
from hotline.commands.build import build_site  # noqa: E402


def timed(function) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def edited_case(cases: Path) -> Path:
    """A published case file with the word EDIT[0] in its complaint or after it (the middle one by name)."""
    found = []
    for path in sorted(cases.rglob("*.yaml")):
        text = path.read_text("utf-8")
        if "publish: false" not in text and "status: resolved" in text and "complaint:" in text:
            if EDIT[0] in text[text.index("complaint:"):]:
                found.append(path)
    return found[len(found) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description="hotline watch 改一个字后的重建用时，与完整构建对比（同一进程）")
    parser.add_argument("--cases", type=Path, required=True, help="案件目录（bench/generate.py 生成）")
    parser.add_argument("--output", type=Path, help="输出目录（默认为案件目录旁的 watch-output，先清空）")
    parser.add_argument("--reps", type=int, default=3, help="改动和改回各几次（默认 3）")
    parser.add_argument("--no-search", action="store_true", help="不建站内搜索索引")
    parser.add_argument("--pdf", action="store_true", help="也排版简报的 PDF（设置 PDF；默认不排，和 bench/run.py 一样）")
    parser.add_argument("--json", type=Path, help="把结果写成 JSON")
    args = parser.parse_args()
    os.chdir(ROOT)
    output = (args.output or args.cases.parent / "watch-output").resolve()
    for stale in [output, *output.parent.glob(f".{output.name}.*")]:
        shutil.rmtree(stale, ignore_errors=True)
    sys.path.insert(0, str(ROOT))
    from pelicanconf import HOTLINE

    overrides = {"CASES_PATH": str(args.cases.resolve()), "OUTPUT_PATH": str(output),
                 "HOTLINE": {**HOTLINE, "SEARCH": not args.no_search, "PDF": args.pdf}}
    live = LiveSite(lambda: build_site(ROOT / "pelicanconf.py", overrides, open(os.devnull, "w")))
    full_wall, full_cpu, _ = timed(live.full)
    print(f"完整构建：{full_wall:.2f} 秒（CPU {full_cpu:.2f} 秒）", flush=True)
    path = edited_case(args.cases)
    original = path.read_text("utf-8")
    at = original.index(EDIT[0], original.index("complaint:"))
    changed = original[:at] + EDIT[1] + original[at + len(EDIT[0]):]
    runs = []
    try:
        for _ in range(args.reps):
            for text in (changed, original):
                path.write_text(text, "utf-8")
                wall, cpu, (_, full) = timed(lambda: live.rebuild({path}))
                runs.append({"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "full": full})
                print(f"改一个字后重建：{wall:.2f} 秒（CPU {cpu:.2f} 秒）{'，完整构建' if full else ''}", flush=True)
    finally:
        path.write_text(original, "utf-8")
    median = statistics.median(r["seconds"] for r in runs)
    print(f"中位数 {median:.2f} 秒，是完整构建的 {median / full_wall:.3f} 倍", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"full": {"seconds": round(full_wall, 3), "cpu_seconds": round(full_cpu, 3)},
                                         "edits": runs, "median": median, "ratio": round(median / full_wall, 4)},
                                        ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
