"""`hotline column`: one column edition (专栏稿) for the print paper, in a folder.

Picks the published cases resolved in a period (or the ids given), checks
them against the house style, and writes column.html (a fragment to paste),
column.docx and column.pdf. Every file is made and guarded before the first
is written; a house-style problem stops the edition before anything is made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from hotline.build.guard import Guard
from hotline.build.pdf import LocalFiles, guarded_pdf, require_fonts
from hotline.commands.review import too_wide, width
from hotline.dates import cn_date
from hotline.load.casedata import load_cases
from hotline.load.records import case_files, display_name, read_yaml
from hotline.model import CaseSet, PublicCase
from hotline.problems import BuildFailed, HotlineError, Problem
from hotline.settings import HotlineSettings, read_file
from hotline.site import edition as editions

FILES = ("column.html", "column.docx", "column.pdf")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "column",
        help="生成一期报纸专栏稿（HTML 片段、Word、PDF）",
        description="生成一期报纸专栏稿：选出一段时间里办结的公开案件（或命令行给出的案件编号），"
        "写出三个文件到一个目录：\n"
        "  column.html  只带行内样式的 HTML 片段，可直接粘贴进报社的编辑器\n"
        "  column.docx  Word 文件（A4，标题两行、正文、承办部门电话、值班记者署名）\n"
        "  column.pdf   按报纸分栏排好的 PDF（中文字体 fonts-noto-cjk）\n"
        "先按专栏的要求检查（标题一行不能超过设置 COLUMN_HEADLINE_WIDTH 个字、要有回访、要已办结），"
        "有问题时全部列出，不写任何文件。\n"
        "例：hotline column --from 2013-01-01 --to 2013-01-31 --cases 2\n"
        "    hotline column XY-2013-000042 XY-2013-000043",
    )
    p.add_argument("ids", nargs="*", metavar="案件编号", help="要上专栏的案件（按给出的顺序）；不给时用 --from 和 --to")
    p.add_argument("--from", dest="start", type=date, metavar="日期", help="时段的第一天（办结日期），如 2013-01-01")
    p.add_argument("--to", dest="end", type=date, metavar="日期", help="时段的最后一天（含这一天），如 2013-01-31")
    p.add_argument("--cases", dest="count", type=count, metavar="N", help="最多选几个案件（时段里最近办结的 N 个）")
    p.add_argument("--reporter", metavar="姓名", help="署名的值班记者（默认为设置 COLUMN_REPORTER，再默认为案件的 reporter）")
    p.add_argument("--cases-path", metavar="目录", help="案件目录（默认为设置中的 CASES_PATH，即 cases_data）")
    p.add_argument("--output", metavar="目录", help="写到哪个目录（默认 column-开始日期-结束日期，或 column-第一个案件编号）")
    p.set_defaults(run=run, parser=p)


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期（应为年-月-日，如 2013-01-31）") from None


def count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是正整数（应为要选的案件个数，如 2）")
    return int(text)


def run(args: argparse.Namespace) -> int:
    if args.ids and (args.start or args.end):
        return usage_error(args, "案件编号和 --from/--to 只能用一种：要么给出案件编号，要么给出时段")
    if args.ids and args.count:
        return usage_error(args, "--cases 只用于时段；给出案件编号时，写几个就出几个")
    if not args.ids and not (args.start and args.end):
        return usage_error(args, "请给出时段（--from 日期 --to 日期）或案件编号，如 hotline column --from 2013-01-01 --to 2013-01-31")
    if args.start and args.end and args.start > args.end:
        return usage_error(args, f"时段写反了：--from {args.start} 在 --to {args.end} 之后")
    overrides = {"CASES_PATH": str(Path(args.cases_path).expanduser().resolve())} if args.cases_path else {}
    pelican = read_file(Path(args.settings), overrides)
    settings = HotlineSettings.from_pelican(pelican)
    cases, errors = load_cases(settings.cases_path, settings.timezone, processes=settings.processes, positions=True,
                               site_words=settings.site_words)
    if errors:
        raise BuildFailed(listed(errors, "案件有错误，专栏稿没有生成；请用 hotline check 检查并改正。"), tuple(errors))
    assert cases is not None  # load_cases gives no cases only with errors
    if args.ids:
        chosen, problems = by_ids(cases, args.ids, settings)
        name = f"column-{args.ids[0]}"
    else:
        chosen, problems = in_period(cases, args.start, args.end, args.count), []
        name = f"column-{args.start}-{args.end}"
        if not chosen:
            raise HotlineError(f"{cn_date(args.start)}至{cn_date(args.end)}没有办结的公开案件，专栏稿没有生成；请换一个时段")
    reporter = args.reporter or settings.column_reporter or "、".join(dict.fromkeys(c.reporter for c in chosen if c.reporter))
    problems += house_style(cases, chosen, settings)
    if not reporter:
        problems.append(Problem("设置", 0, "COLUMN_REPORTER", "没有值班记者：所选案件都没有写 reporter；"
                                "请在设置 HOTLINE['COLUMN_REPORTER'] 写上姓名，或加 --reporter 姓名"))
    if problems:
        raise BuildFailed(listed(problems, f"专栏稿没有生成：{len(problems)} 个问题，请改正后重试。"), tuple(problems))
    require_fonts("专栏稿的 PDF")
    period = f"（{cn_date(args.start)}至{cn_date(args.end)}）" if args.start else ""
    e = editions.edition(chosen, settings.site_name, f"{settings.site_name} 专栏稿{period}", reporter, settings.office_in_column)
    folder = Path(args.output) if args.output else Path(name)
    files = make_files(e, cases, settings, Path(pelican["THEME"]))
    write_files(folder, files)
    print(f"专栏稿已写到 {display_name(folder)}：{len(chosen)} 个案件（{'、'.join(c.id for c in chosen)}），"
          f"文件 {'、'.join(FILES)}。")
    return 0


def usage_error(args: argparse.Namespace, message: str) -> int:
    """A mistake on the command line, said as argparse says its own: exit code 2."""
    args.parser.print_usage(sys.stderr)
    print(f"{args.parser.prog}：错误：{message}", file=sys.stderr)
    return 2


def listed(problems: list[Problem], closing: str) -> str:
    """Every problem on its line, then `closing`."""
    return "\n".join([*map(str, sorted(problems)), closing])


def in_period(cases: CaseSet, start: dt.date, end: dt.date, limit: int | None) -> list[PublicCase]:
    """The published cases resolved from `start` to `end`, in the order they
    were resolved; with `limit`, the latest `limit` of them."""
    found = sorted((c for c in cases.cases if start <= c.resolved_at.date() <= end), key=lambda c: (c.resolved_at, c.id))
    return found[-limit:] if limit else found


def by_ids(cases: CaseSet, ids: list[str], settings: HotlineSettings) -> tuple[list[PublicCase], list[Problem]]:
    """The published cases `ids` name, in that order, and a problem for each
    id that names no published case: not resolved yet, not to be published, or unknown."""
    published = {c.id: c for c in cases.cases}
    chosen = [published[i] for i in dict.fromkeys(ids) if i in published]
    missing = [i for i in dict.fromkeys(ids) if i not in published]
    return chosen, [why_not_published(i, settings.cases_path) for i in missing]


def why_not_published(case_id: str, cases_path: Path) -> Problem:
    """Why `case_id` is not among the published cases, from its file's `status`
    and `publish` only (nothing else of the record is read)."""
    for path in case_files(cases_path):
        data = read_yaml(path)[0].data
        if not isinstance(data, dict) or data.get("id") != case_id:
            continue
        status = data.get("status")
        if status != "resolved":
            return Problem(display_name(path), 1, "status", f"案件 {case_id} 还没有办结（status: {status}），不能上专栏")
        return Problem(display_name(path), 1, "publish", f"案件 {case_id} 设为不公开（publish: false），不能上专栏")
    return Problem("命令行", 0, "案件编号", f"找不到案件 {case_id}（应为 {display_name(cases_path)} 里已办结、公开的案件编号，如 XY-2013-000042）")


def house_style(cases: CaseSet, chosen: list[PublicCase], settings: HotlineSettings) -> list[Problem]:
    """What the column does not print: a headline line wider than the column
    (COLUMN_HEADLINE_WIDTH) and a case without its return call."""
    problems = []
    for case in chosen:
        position = cases.positions[case.id]
        for i, line in enumerate(case.headline):
            if width(line) > settings.column_headline_width:
                problems.append(Problem(position.file, position.line(f"headline[{i}]"), f"headline[{i}]",
                                        too_wide(line, settings.column_headline_width)))
        if case.followup is None:
            problems.append(Problem(position.file, position.line("resolved_at"), "followup",
                                    f"案件 {case.id} 还没有回访，不能上专栏；请补上回访日期和结果（followup）"))
    return problems


def make_files(e: editions.Edition, cases: CaseSet, settings: HotlineSettings, theme: Path) -> dict[str, bytes]:
    """The edition's three files, each read by the guard: the fragment as
    written, the Word file and the PDF by the text taken back out of them."""
    guard = Guard(cases.private_values, cases.public_slugs())
    scope = frozenset(item.case_id for item in e.items)
    html = editions.fragment(e)
    guard.check(FILES[0], html, scope)
    docx = editions.docx(e, settings.office)
    guard.check(FILES[1], editions.docx_text(docx), scope)
    fetcher = LocalFiles({"theme": theme / "static"})
    pdf = guarded_pdf(guard, FILES[2], editions.print_page(e, theme / "templates"), fetcher, scope, "column.html")
    return {FILES[0]: html.encode("utf-8"), FILES[1]: docx, FILES[2]: pdf}


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """All files or none: each is written beside its place, then all are renamed into place."""
    temporary: dict[str, str] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            fd, temporary[name] = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(temporary[name], 0o644)
        for name, tmp in temporary.items():
            os.replace(tmp, folder / name)
    except OSError as e:
        for tmp in temporary.values():
            Path(tmp).unlink(missing_ok=True)
        raise HotlineError(f"专栏稿没有写出：目录 {display_name(folder)} 不能写入（{e.strerror}）") from None
