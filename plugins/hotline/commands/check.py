"""`hotline check`: every problem the build would stop on, and warnings that it would not."""

from __future__ import annotations

import argparse
import sys

from ..casedata import load_cases
from ..records import case_files
from ..review import HEADLINE_WIDTH, review
from .site import add_site_arguments, load

LIMIT = 500  # lines listed at most; the summary counts all


def add_parser(sub) -> None:
    p = sub.add_parser(
        "check",
        help="只检查案件，不生成网站",
        description="检查全部案件文件，不写任何文件。先列出会让构建停下的错误；没有错误时再列出警告"
        "（不影响构建，但发布前值得看一眼）：\n"
        "  - 匿名化后的公开文字里仍像人名的词（用 jieba 分词识别，只提示，不改动）\n"
        "  - 只写了“已安排处理”“已转交”之类、没有内容的办理结果\n"
        f"  - 超过 {HEADLINE_WIDTH} 个字、专栏一行排不下的标题（数字和字母算半个字）\n"
        "  - 没有回访的办结案件\n"
        "  - 一字不差地出现在几个案件里的办理结果\n"
        "每条一行：文件:行号: 字段: 说明。最后一行是汇总：N 个案件，N 个错误，N 个警告。",
    )
    add_site_arguments(p)
    p.add_argument("--strict", action="store_true", help="把警告也当作错误（有警告时退出码为 1）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    _, hotline = load(args)
    count = len(case_files(hotline.cases_path)) if hotline.cases_path.is_dir() else 0
    cases, errors = load_cases(hotline.cases_path, hotline.timezone, processes=hotline.processes, positions=True)
    warnings = review(cases) if cases else []
    lines = [str(p) for p in sorted(errors)] + [str(w) for w in warnings]
    for line in lines[:LIMIT]:
        print(line, file=sys.stderr)
    if len(lines) > LIMIT:
        print(f"……另有 {len(lines) - LIMIT} 条未列出", file=sys.stderr)
    if errors:
        print(f"共 {count} 个案件，{len(errors)} 个错误，{len(warnings)} 个警告；请改正错误后重新检查。")
        return 1
    withheld = sum(1 for f in cases.facts if f.status == "resolved" and not f.published)
    totals = f"共 {count} 个案件，其中公开 {len(cases.cases)} 个，不公开的办结案件 {withheld} 个；0 个错误，{len(warnings)} 个警告"
    if warnings and args.strict:
        print(f"{totals}。--strict：警告按错误处理，请改正后重新检查。")
        return 1
    print(f"检查通过：{totals}。")
    return 0
