"""Memory a build holds per case: the loaded cases and the output guard.

    .venv/bin/python bench/memory.py -n 20000 [--cases DIR]

Generates `n` cases (bench/generate.py, unless --cases names a folder of
cases), reads them in this process as a build does (records, anonymiser,
public cases) and builds the output guard from their private values. Prints
the resident memory each adds, per case, and what that makes at 300,000 and
1,000,000 cases if it grows linearly (it does: every case adds its values).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from hotline.build.guard import Guard  # noqa: E402
from hotline.load.casedata import load_state  # noqa: E402


def resident_mb() -> float:
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def measure(cases_dir: Path) -> dict[str, float]:
    """MB before reading, after reading and anonymising, after building the guard."""
    start = resident_mb()
    loaded, problems = load_state(cases_dir, ZoneInfo("Asia/Shanghai"))
    if loaded is None:
        raise SystemExit(f"{len(problems)} problems reading {cases_dir}")
    read = resident_mb()
    guard = Guard(loaded.cases.private_values, loaded.cases.public_slugs())
    guarded = resident_mb()
    assert guard is not None and loaded is not None  # both held while measuring
    return {"cases": len(loaded.records), "read": read - start, "guard": guarded - read}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20000)
    parser.add_argument("--cases", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases_dir = args.cases or Path(tmp) / "cases"
        if args.cases is None:
            generate(cases_dir, args.n)
        m = measure(cases_dir)
    n = m["cases"]
    print(f"{n} 个案件，一个进程的常驻内存：")
    for part, label in (("read", "读取和匿名化（记录、匿名化器、公开的案件）"), ("guard", "输出检查（全部隐私值）")):
        per_case = m[part] * 1000 / n
        print(f"  {label}: {m[part]:.0f} MB，每个案件 {per_case:.1f} KB；"
              f"30 万个约 {per_case * 0.3:.1f} GB，100 万个约 {per_case:.1f} GB")


if __name__ == "__main__":
    main()
