"""`hotline check`: every problem the build would stop on, and warnings that it would not."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

from hotline.commands.casefile import write_atomic
from hotline.commands.review import review
from hotline.commands.site import add_site_arguments, load
from hotline.load.casedata import load_cases
from hotline.load.records import case_files, display_name, read_yaml, shown

LIMIT = 500  # lines listed at most; the summary counts all


def add_parser(sub) -> None:
    p = sub.add_parser(
        "check",
        help="只检查案件，不生成网站",
        description="检查全部案件文件，不写任何文件。先列出会让构建停下的错误；没有错误时再列出警告"
        "（不影响构建，但发布前值得看一眼）：\n"
        "  - 匿名化后的公开文字里仍像人名的词（用 jieba 分词识别，只提示，不改动）\n"
        "  - 只写了“已安排处理”“已转交”之类、没有内容的办理结果\n"
        "  - 超过设置 COLUMN_HEADLINE_WIDTH（默认 8）个字、专栏一行排不下的标题（数字和字母算半个字）\n"
        "  - 没有回访的办结案件\n"
        "  - 一字不差地出现在几个案件里的办理结果\n"
        "  - 公开文字里像是来电人工作单位简称的词（如 市一院）：输出检查只认全称\n"
        "每条一行：文件:行号: 字段: 说明。最后一行是汇总：N 个案件，N 个错误，N 个警告。\n"
        "案件目录里还没有区县登记表 districts.yaml 时，加 --write-districts 由案件里已写的区县生成它，然后照常检查。",
    )
    add_site_arguments(p)
    p.add_argument("--strict", action="store_true", help="把警告也当作错误（有警告时退出码为 1）")
    p.add_argument("--write-districts", action="store_true",
                   help="先由全部案件的 place.district 写出区县登记表 districts.yaml（已有这个文件时不改写）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    _, hotline = load(args)
    if args.write_districts and hotline.cases_path.is_dir() and not write_districts(hotline.cases_path):
        return 1
    count = len(case_files(hotline.cases_path)) if hotline.cases_path.is_dir() else 0
    cases, errors = load_cases(hotline.cases_path, hotline.timezone, processes=hotline.processes, positions=True,
                               site_words=hotline.site_words)
    warnings = sorted([*review(cases, hotline.column_headline_width), *cases.warnings]) if cases else []
    lines = [str(p) for p in sorted(errors)] + [str(w) for w in warnings]
    for line in lines[:LIMIT]:
        print(line, file=sys.stderr)
    if len(lines) > LIMIT:
        print(f"……另有 {len(lines) - LIMIT} 条未列出", file=sys.stderr)
    if errors:
        print(f"共 {count} 个案件，{len(errors)} 个错误，{len(warnings)} 个警告；请改正错误后重新检查。")
        return 1
    assert cases is not None  # load_cases gives no cases only with errors
    totals = f"共 {count} 个案件，其中公开 {len(cases.cases)} 个，不公开的办结案件 {cases.withheld} 个；0 个错误，{len(warnings)} 个警告"
    if warnings and args.strict:
        print(f"{totals}。--strict：警告按错误处理，请改正后重新检查。")
        return 1
    print(f"检查通过：{totals}。")
    return 0


DISTRICTS_HEADER = """\
# 区县登记表（公开）。案件的 place.district 必须是这里的名称 name 或别名 aliases；网站上总是写名称。
# 由 hotline check --write-districts 按案件里已写的区县生成，案件多的在前。同一个区县有几种写法时，
# 请只留一项，其余写法写进它的别名，如：
#   - name: 浉河区
#     aliases: [浉河]
"""


def write_districts(cases_dir: Path) -> bool:
    """Write districts.yaml from the districts the case files name; False (and why) if it was not written."""
    path = cases_dir / "districts.yaml"
    exists = f"{display_name(path)} 已经存在，没有改写（要重新生成，请先把它删去或改名）。"
    if path.exists():
        print(exists, file=sys.stderr)
        return False
    names = districts_in_use(cases_dir)
    if not names:
        print(f"案件里没有写 place.district，没有生成 {display_name(path)}；请手工新建，每个区县一项，"
              "如“- {name: 浉河区, aliases: [浉河]}”。", file=sys.stderr)
        return False
    text = DISTRICTS_HEADER + yaml.safe_dump([{"name": n} for n in names], allow_unicode=True, sort_keys=False)
    try:
        write_atomic(path, text)
    except FileExistsError:
        print(exists, file=sys.stderr)
        return False
    except OSError as e:
        print(f"无法写入 {display_name(path)}：{e.strerror}", file=sys.stderr)
        return False
    print(f"已写入 {display_name(path)}：{len(names)} 个区县（{'、'.join(map(shown, names))}），案件多的在前。"
          "同一个区县有几种写法时，请只留一项，其余写法写进它的别名 aliases。")
    return True


def districts_in_use(cases_dir: Path) -> list[str]:
    """The distinct `place.district` values of every case file, most used first."""
    counts: Counter[str] = Counter()
    for path in case_files(cases_dir):
        data = read_yaml(path)[0].data
        place = data.get("place") if isinstance(data, dict) else None
        district = place.get("district") if isinstance(place, dict) else None
        if isinstance(district, str) and district.strip():
            counts[district.strip()] += 1
    return [name for name, _ in counts.most_common()]
