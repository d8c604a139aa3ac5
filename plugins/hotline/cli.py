"""`hotline`: the command staff use. Each verb is one function.

Exit codes: 0 success; 1 the input or the build has problems (all listed);
2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pelican.settings import read_settings

from .build import run_pelican
from .casedata import load_cases
from .problems import BuildFailed, report
from .settings import HotlineSettings

DEFAULT_SETTINGS = "pelicanconf.py"


def _settings_file(args: argparse.Namespace) -> Path:
    path = Path(args.settings)
    if not path.is_file():
        raise BuildFailed(f"找不到设置文件 {path}（请在网站目录中运行，或用 --settings 指定）")
    return path


def _overrides(args: argparse.Namespace) -> dict:
    overrides = {}
    if getattr(args, "cases", None):
        overrides["CASES_PATH"] = str(Path(args.cases).resolve())
    if getattr(args, "output", None):
        overrides["OUTPUT_PATH"] = str(Path(args.output).resolve())
    return overrides


def build(args: argparse.Namespace) -> int:
    """Build the whole site into the output directory."""
    pelican = run_pelican(_settings_file(args), _overrides(args))
    print(f"构建完成：{pelican.hotline_build.final}")
    return 0


def check(args: argparse.Namespace) -> int:
    """Validate every case file without writing anything."""
    settings = read_settings(str(_settings_file(args)), override=_overrides(args))
    hotline = HotlineSettings.from_pelican(settings)
    cases, problems = load_cases(hotline.cases_path, hotline.timezone)
    if problems:
        print(report(problems), file=sys.stderr)
        return 1
    withheld = sum(1 for f in cases.facts if f.status == "resolved" and not f.published)
    print(f"检查通过：共 {len(cases.facts)} 个案件，其中公开 {len(cases.cases)} 个，不公开的办结案件 {withheld} 个。")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hotline", description="市长热线 12345 网站生成工具：检查案件文件，生成公开网站。")
    p.add_argument("--settings", default=DEFAULT_SETTINGS, help="设置文件（默认 pelicanconf.py）")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")
    b = sub.add_parser("build", help="生成网站", description="检查全部案件并生成网站；全部成功后才替换已发布的网站。")
    b.add_argument("--cases", metavar="目录", help="案件目录（默认为设置中的 CASES_PATH）")
    b.add_argument("--output", metavar="目录", help="输出目录（默认为设置中的 OUTPUT_PATH）")
    b.set_defaults(run=build)
    c = sub.add_parser("check", help="只检查案件，不生成", description="检查全部案件文件，列出所有问题；不写任何文件。")
    c.add_argument("--cases", metavar="目录", help="案件目录（默认为设置中的 CASES_PATH）")
    c.set_defaults(run=check)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BuildFailed as e:
        print(e.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断；已发布的网站保持不变。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
