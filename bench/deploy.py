"""What `hotline deploy` sends after a one-case change, at 10,000 cases.

    .venv/bin/python bench/deploy.py                      # generate, build, deploy, edit, rebuild, deploy
    .venv/bin/python bench/deploy.py --cases DIR --output OUT   # an existing case set and its output

Deploys to a real OpenSSH server on 127.0.0.1 (tests/sshd.py, a throwaway
key), into a folder of the work directory: once into an empty server, then
after one word of one published case's complaint changed (as bench/run.py's
ours-edit) and a rebuild. For each deploy: wall time, what `hotline deploy`
reports (files and bytes sent), and, counted on the server, the files of the
new release that are not hard links to the release before it. The figures
go to the terminal and to bench/results/<time>-deploy-n<N>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "tests")]
import generate  # noqa: E402  (bench/ and tests/ are folders of scripts, not packages)
from run import EDIT, edit_case, public_cases  # noqa: E402
from sshd import local_sshd  # noqa: E402

HOTLINE = [str(Path(sys.executable).parent / "hotline")]
TARGET_FILES = 20  # the target: a one-case change sends fewer files than this


def settings_file(work: Path, deploy: dict) -> Path:
    """The project's pelicanconf.py with the deploy settings of the local sshd."""
    path = work / "deploy-settings.py"
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa: F403\n"
        f"SITE_ROOT = {str(ROOT)!r}\nPATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nHOTLINE = {{**HOTLINE, **{deploy!r}}}  # noqa: F405\n", "utf-8")
    return path


def hotline(settings: Path, *args: object) -> tuple[float, str]:
    """Run `hotline`; its wall time and standard output. Stops the bench if it fails."""
    start = time.perf_counter()
    done = subprocess.run([*HOTLINE, "--settings", str(settings), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, CI="1"), check=False)
    if done.returncode != 0:
        sys.exit(f"hotline {' '.join(map(str, args))} 失败：\n{done.stderr}")
    return time.perf_counter() - start, done.stdout


def reported(stdout: str) -> dict:
    m = re.search(r"网站共 (\d+) 个文件，上传了 (\d+) 个（(.+?)，连同传输开销共 (.+?)）", stdout)
    if m is None:
        sys.exit(f"hotline deploy 的输出里没有统计：\n{stdout}")
    return {"files": int(m[1]), "sent": int(m[2]), "data": m[3], "network": m[4]}


def counted(server: Path) -> dict:
    """On the server: files of the live release that are not hard links to the release before it."""
    releases = sorted(p for p in (server / "releases").iterdir() if not p.name.startswith("."))
    live = server / os.readlink(server / "current")
    before = releases[releases.index(live) - 1] if releases.index(live) else None
    new, size = [], 0
    for path in live.rglob("*"):
        if not path.is_file():
            continue
        old = before / path.relative_to(live) if before else None
        if old is None or not old.exists() or old.stat().st_ino != path.stat().st_ino:
            new.append(path.relative_to(live).as_posix())
            size += path.stat().st_size
    return {"not_linked": len(new), "not_linked_bytes": size, "not_linked_files": sorted(new)[:40]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="hotline deploy 的基准：改一个案件后发布，传送几个文件、多少字节。")
    p.add_argument("-n", type=int, default=10_000, help="生成的案件数（默认 10000；给了 --cases 时不生成）")
    p.add_argument("--cases", type=Path, help="已有的案件目录（默认在工作目录里生成）")
    p.add_argument("--output", type=Path, help="输出目录（默认工作目录下的 output；已有的输出只增量重建）")
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "hotline-bench-deploy", help="工作目录")
    p.add_argument("--results", type=Path, default=BENCH / "results", help="结果 JSON 的目录")
    args = p.parse_args(argv)
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    cases = args.cases.resolve() if args.cases else work / "cases"
    if not args.cases:
        generate.generate(cases, args.n, 1)
    output = (args.output or work / "output").resolve()
    server = work / "server"
    subprocess.run(["rm", "-rf", str(server)], check=True)
    case = edit_case(public_cases(cases))
    edit_file = cases / f"{case.received_at:%Y}" / f"{case.received_at:%m}" / f"{case.id}.yaml"
    original = edit_file.read_text("utf-8")
    report: dict = {"cases": sum(1 for p in cases.rglob("*.yaml") if p.parent != cases), "edited_case": case.id, "target_files": TARGET_FILES}
    with local_sshd(work / "sshd") as sshd:
        settings = settings_file(work, sshd.settings())
        target = sshd.target(server)
        report["build_seconds"] = hotline(settings, "build", "--cases", cases, "--output", output)[0]
        seconds, out = hotline(settings, "deploy", "--output", output, "--target", target)
        report["first"] = {"seconds": seconds, **reported(out), **counted(server)}
        at = original.index(EDIT[0], original.index("complaint:"))
        edit_file.write_text(original[:at] + EDIT[1] + original[at + len(EDIT[0]):], "utf-8")
        try:
            report["rebuild_seconds"] = hotline(settings, "build", "--cases", cases, "--output", output)[0]
            seconds, out = hotline(settings, "deploy", "--output", output, "--target", target)
            report["one_change"] = {"seconds": seconds, **reported(out), **counted(server)}
        finally:
            edit_file.write_text(original, "utf-8")
    first, change = report["first"], report["one_change"]
    print(f"{report['cases']} 个案件，网站 {first['files']} 个文件；改了案件 {case.id} 的一个字（{EDIT[0]} → {EDIT[1]}）")
    for name, r in (("首次发布", first), ("改一个案件后发布", change)):
        print(f"  {name}：{r['seconds']:.1f} 秒，上传 {r['sent']} 个文件（{r['data']}，连同开销 {r['network']}）；"
              f"服务器上不是硬链接的文件 {r['not_linked']} 个，{r['not_linked_bytes']} 字节")
    verdict = "达到" if change["sent"] < TARGET_FILES else "没有达到"
    print(f"  目标：改一个案件后上传少于 {TARGET_FILES} 个文件：{verdict}")
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"{dt.datetime.now():%Y%m%d-%H%M%S}-deploy-n{report['cases']}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    print(f"结果：{path}")
    return 0 if change["sent"] < TARGET_FILES else 1


if __name__ == "__main__":
    sys.exit(main())
