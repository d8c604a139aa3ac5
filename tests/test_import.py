"""`hotline import`: the office's register, row by row, into case files that build."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, make_case, one_chinese_line, output_text, tree, write_cases
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

HEADERS = ["编号", "来电时间", "姓名", "性别", "联系电话", "住址", "反映问题", "问题类别", "所在区县", "地点", "标题",
           "承办单位", "交办时间", "办理结果", "办结时间", "回访时间", "回访结果", "值班记者", "备注"]
GOOD = [
    [501, dt.datetime(2014, 3, 5, 9, 30), "王建国", "男", 13837612045, "浉河区某小区5号楼2单元301室",
     "湖东社区门口路灯坏了一个月，晚上出行不便。", "城市管理", "浉河区", "湖东社区", "路灯坏了一个月/城管修复照归途",
     "市城管局", dt.date(2014, 3, 5), "经查系线路老化，已更换线路，路灯恢复照明。", dt.date(2014, 3, 8),
     dt.date(2014, 3, 10), "满意", "曾宪科", "老王的邻居"],
    ["XY-2014-000503", "2014年3月7日", "赵六", "女", "0376-6221234", "", "孩子户口迁移手续办了三个月还没办完。",
     "户籍管理", "平桥区", "", "户口迁移难/民警上门办", "市公安局", "", "派出所民警核实后上门办理了迁移手续。",
     "2014-03-09", "2014/3/10", "基本满意", "", ""],
]
BAD = [
    [502, "2014/3/6 10:00", "李华", "女", "", "", "噪音扰民", "不存在的类别", "平桥区", "", "噪音", "城管",
     "2014-03-06", "已处理", "2014-03-05", "", "", "", ""],
    ["", "2014-03-08", "钱七", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    [505, "2014-02-30", "孙八", "男", "", "", "路面坑洼", "城市管理", "浉河区", "", "路面坑洼", "市城管执法局",
     "", "已修补。", "2014-03-10", "", "很好", "", ""],
]


def register(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    """An .xlsx register as the office keeps it: a title row, a blank row, the headers, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "登记表"
    sheet.append(["信阳市市长热线电话登记表"])
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def cases(tmp_path):
    return write_cases(tmp_path / "cases", {"2013/01/XY-2013-000042.yaml": make_case()})


def test_good_rows_are_written_and_build_bad_rows_are_reported_by_row_and_column(tmp_path, cases, run):
    xlsx = register(tmp_path / "登记表.xlsx", [GOOD[0], BAD[0], GOOD[1], [], BAD[1], BAD[2]])
    code, stdout, stderr = run("import", xlsx, "--cases", cases)
    assert code == 1
    assert "这些列没有导入：备注" in stdout
    # Rows as the spreadsheet numbers them: title 1, blank 2, headers 3, data from 4.
    assert f"第 4 行：已新建 {cases}/2014/03/XY-2014-000501.yaml" in stdout
    assert f"第 6 行：已新建 {cases}/2014/03/XY-2014-000503.yaml" in stdout
    assert stderr.splitlines() == [
        f"{xlsx}:5: 问题类别（H 列）: “不存在的类别”不在categories.yaml中（应为已登记的类别名称）",
        f"{xlsx}:5: 承办单位（L 列）: “城管”不在departments.yaml中，是不是“市城管局”？（应为已登记的部门名称）",
        f"{xlsx}:5: 办结时间（O 列）: 办结日期早于受理日期 2014-03-06（办结不能早于受理）",
        f"{xlsx}:8: 编号（A 列）: 编号是空的（每一行都要有编号）",
        f"{xlsx}:9: 来电时间（B 列）: 日期不存在或超出范围“2014-02-30”（应为 1980–2100 年间的真实日期，如 2013-01-10）",
        f"{xlsx}:9: 回访结果（Q 列）: 值“很好”不在允许的范围内（应为：回访结果：satisfied（满意）| basically_satisfied（基本满意）"
        "| unsatisfied（不满意）| unreachable（无法联系））",
    ]
    assert "共 5 行；写入 2 个文件（新建 2，覆盖 0）；有问题而没有写入 3 行" in stdout
    assert sorted(p.name for p in cases.rglob("*.yaml") if "2014" in p.parts) == ["XY-2014-000501.yaml", "XY-2014-000503.yaml"]
    case = yaml.safe_load((cases / "2014/03/XY-2014-000501.yaml").read_text("utf-8"))
    assert case["status"] == "resolved" and case["received_at"] == "2014-03-05 09:30"
    assert case["caller"] == {"name": "王建国", "gender": "male", "phone": "13837612045", "address": "浉河区某小区5号楼2单元301室"}
    assert case["headline"] == ["路灯坏了一个月", "城管修复照归途"] and case["followup"]["result"] == "satisfied"
    assert "备注" not in str(case) and "老王" not in str(case)
    assert yaml.safe_load((cases / "2014/03/XY-2014-000503.yaml").read_text("utf-8"))["followup"]["result"] == "basically_satisfied"
    out = tmp_path / "out"
    assert run("build", "--cases", cases, "--output", out)[0] == 0
    assert "王先生" in (out / "cases" / "XY-2014-000501.html").read_text("utf-8")
    text = output_text(out)
    for secret in ("王建国", "13837612045", "6221234", "5号楼", "赵六", "李华", "噪音扰民"):
        assert secret not in text, secret


def test_districts_are_mapped_through_the_registry(tmp_path, cases, run):
    alias, unknown = list(GOOD[0]), list(GOOD[1])
    alias[HEADERS.index("所在区县")] = "浉河"
    unknown[HEADERS.index("所在区县")] = "坪桥区"
    xlsx = register(tmp_path / "r.xlsx", [alias, unknown])
    code, _, stderr = run("import", xlsx, "--cases", cases)
    assert code == 1
    assert stderr.splitlines() == [f"{xlsx}:5: 所在区县（I 列）: “坪桥区”不在districts.yaml中，是不是“平桥区”？（应为已登记的区县名称）"]
    case = yaml.safe_load((cases / "2014/03/XY-2014-000501.yaml").read_text("utf-8"))
    assert case["place"] == {"district": "浉河区", "area": "湖东社区"}


def test_a_bad_row_fixed_and_imported_again_is_written(tmp_path, cases, run):
    xlsx = register(tmp_path / "r.xlsx", [GOOD[0], BAD[2]])
    assert run("import", xlsx, "--cases", cases)[0] == 1
    fixed = [c if c != "2014-02-30" else "2014-02-28" for c in BAD[2]]
    fixed[16] = "满意"
    code, stdout, _ = run("import", register(tmp_path / "r.xlsx", [GOOD[0], fixed]), "--cases", cases)
    assert code == 0
    assert "第 4 行" in stdout and "已存在，跳过（用 --force 覆盖）" in stdout
    assert f"第 5 行：已新建 {cases}/2014/02/XY-2014-000505.yaml" in stdout


def test_dry_run_writes_nothing(tmp_path, cases, run):
    xlsx = register(tmp_path / "r.xlsx", [GOOD[0], GOOD[1], BAD[0]])
    before = tree(tmp_path)
    code, stdout, stderr = run("import", xlsx, "--cases", cases, "--dry-run", "--show")
    assert code == 1 and f"{xlsx}:6: 问题类别（H 列）:" in stderr
    assert f"第 4 行：将新建 {cases}/2014/03/XY-2014-000501.yaml" in stdout
    assert "id: XY-2014-000501" in stdout and "# yaml-language-server: $schema=" in stdout
    assert "将写入 2 个文件" in stdout and "试运行：没有写入任何文件。" in stdout
    assert tree(tmp_path) == before


def test_existing_files_are_kept_unless_force(tmp_path, cases, run):
    xlsx = register(tmp_path / "r.xlsx", [GOOD[0]])
    assert run("import", xlsx, "--cases", cases)[0] == 0
    path = cases / "2014/03/XY-2014-000501.yaml"
    path.write_text(path.read_text("utf-8").replace("曾宪科", "王洋"), "utf-8")  # edited by hand since
    edited = path.read_bytes()
    changed = list(GOOD[0])
    changed[HEADERS.index("标题")] = "路灯坏了/城管来修复"
    register(xlsx, [changed])
    code, stdout, _ = run("import", xlsx, "--cases", cases)
    assert code == 0 and "已存在，跳过（用 --force 覆盖）" in stdout and "写入 0 个文件" in stdout
    assert path.read_bytes() == edited
    code, stdout, _ = run("import", xlsx, "--cases", cases, "--dry-run", "--force")
    assert code == 0 and "第 4 行：将覆盖" in stdout and path.read_bytes() == edited
    code, stdout, _ = run("import", xlsx, "--cases", cases, "--force")
    assert code == 0 and f"第 4 行：已覆盖 {path}" in stdout and "覆盖 1" in stdout
    assert yaml.safe_load(path.read_text("utf-8"))["headline"] == ["路灯坏了", "城管来修复"]


def test_force_overwrites_a_case_where_it_is_not_a_second_copy(tmp_path, cases, run):
    """The case XY-2013-000042 is on file under 2013/01; the register dates it in February."""
    row = list(GOOD[0])
    row[0], row[1] = "XY-2013-000042", "2013-02-01 09:00"
    row[12], row[14], row[15] = "2013-02-01", "2013-02-03", "2013-02-04"
    xlsx = register(tmp_path / "r.xlsx", [row])
    code, stdout, _ = run("import", xlsx, "--cases", cases)
    assert code == 0 and f"{cases}/2013/01/XY-2013-000042.yaml 已存在" in stdout
    assert run("import", xlsx, "--cases", cases, "--force")[0] == 0
    assert [p.relative_to(cases).as_posix() for p in cases.rglob("XY-2013-000042.yaml")] == ["2013/01/XY-2013-000042.yaml"]
    assert run("check", "--cases", cases)[0] == 0


def test_duplicate_ids_in_the_register(tmp_path, cases, run):
    xlsx = register(tmp_path / "r.xlsx", [GOOD[0], GOOD[0]])
    code, stdout, stderr = run("import", xlsx, "--cases", cases, "--dry-run")
    assert code == 1 and f"{xlsx}:5: 编号（A 列）: 编号 XY-2014-000501 与第 4 行相同" in stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_the_encodings_excel_writes(tmp_path, cases, run, encoding):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    row = [c.isoformat(" ") if isinstance(c, dt.date) else c for c in GOOD[1]]
    writer.writerow(row)
    path = tmp_path / "登记表.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    code, stdout, stderr = run("import", path, "--cases", cases)
    assert (code, stderr) == (0, ""), stderr
    case = yaml.safe_load((cases / "2014/03/XY-2014-000503.yaml").read_text("utf-8"))
    assert case["caller"]["name"] == "赵六" and case["handling"][0]["department"] == "市公安局"


def test_a_mapping_file_names_other_headers(tmp_path, cases, run):
    headers = ["工单", "来电时间", "来电人", "诉求", "类型", "区", "题目", "部门", "结果", "办结时间", "回访结果", "序号"]
    row = ["XY-2014-000600", "2014-05-01", "周七", "小区垃圾一周没人清运。", "城市管理", "浉河区", "垃圾没人运/城管来清运",
           "市城管执法局", "环卫所当天清运了垃圾，并增加了清运次数。", "2014-05-03", "满意", 1]
    xlsx = register(tmp_path / "r.xlsx", [row], headers)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("工单: id\n来电人: caller.name\n诉求: complaint\n类型: category\n区: place.district\n"
                       "题目: headline\n部门: handling[0].department\n结果: handling.action\n序号: ~\n", "utf-8")
    code, stdout, stderr = run("import", xlsx, "--cases", cases, "--mapping", mapping)
    assert (code, stderr) == (0, "")
    assert "没有导入" not in stdout
    case = yaml.safe_load((cases / "2014/05/XY-2014-000600.yaml").read_text("utf-8"))
    assert case["caller"] == {"name": "周七"} and case["handling"][0]["department"] == "市城管执法局"
    mapping.write_text("工单: ids\n", "utf-8")
    code, _, stderr = run("import", xlsx, "--cases", cases, "--mapping", mapping)
    assert code == 1 and f"{mapping}:1: 工单: 未知的字段“ids”" in stderr


@pytest.mark.parametrize("name, content, message", [
    ("r.xlsx", b"not a spreadsheet", "无法读取，不是有效的 .xlsx 文件"),
    ("r.xls", b"\xd0\xcf\x11\xe0", "不支持旧的 .xls 格式"),
    ("r.pdf", b"%PDF", "只能导入 .xlsx 或 .csv 文件"),
    ("r.csv", "名字,号码\n张三,1\n".encode(), "前 10 行里找不到表头"),
    ("r.csv", "编号,姓名,联系电话\n1,张三,1\n".encode(), "表中缺少 “来电时间” 列"),
])
def test_unreadable_registers_are_one_clear_error(tmp_path, cases, run, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    code, _, stderr = run("import", path, "--cases", cases)
    assert code == 1 and message in stderr and "Traceback" not in stderr


def test_missing_file_and_sheet(tmp_path, cases, run):
    code, _, stderr = run("import", tmp_path / "nope.xlsx", "--cases", cases)
    assert code == 1 and "找不到登记表文件" in stderr
    xlsx = register(tmp_path / "r.xlsx", [GOOD[0]])
    code, _, stderr = run("import", xlsx, "--cases", cases, "--sheet", "二月")
    assert code == 1 and "没有名为“二月”的工作表（有：登记表）" in stderr


def test_only_ascii_digits_make_a_number(tmp_path, cases, run):
    """str.isdigit() is True for ①, ² and ٣: int() refuses the first two and reads ٣ as 3."""
    long = "9" * 5000  # int() refuses more than 4300 digits; a file name this long cannot be looked up
    csv = tmp_path / "r.csv"
    csv.write_text(
        "编号,来电时间,姓名,重办次数\n"
        f"①②③,2014-01-01,张三,0\n²,2014-01-01,张三,0\n٣,2014-01-01,张三,0\n{long},2014-01-01,张三,0\n"
        "42,2014-01-01,李四,²\n43,2014-01-01,李四,١\n44,2014-01-01,王五,1\n",
        "utf-8",
    )
    code, _, stderr = run("import", csv, "--cases", cases)
    assert code == 1
    for row, value in ((2, "①②③"), (3, "²"), (4, "٣"), (5, "9" * 30 + "…")):
        assert f"{csv}:{row}: 编号（A 列）: 格式不对：“{value}”" in stderr
    assert f"{csv}:6: 重办次数（D 列）: 类型不对：应为整数，这里是“²”" in stderr
    assert f"{csv}:7: 重办次数（D 列）: 类型不对：应为整数，这里是“١”" in stderr
    assert "Traceback" not in stderr
    written = sorted(p.relative_to(cases).as_posix() for p in cases.rglob("*.yaml") if p.parent != cases)
    assert written == ["2013/01/XY-2013-000042.yaml", "2014/01/XY-2014-000044.yaml"]


def rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the .xlsx `source` (a zip) with each part's bytes passed through `change(name, data)`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, change(item.filename, old.read(item.filename)))
    return target


def many_rows(path: Path) -> Path:
    """A register of 300 good rows: a sheet large enough to be read in several pieces."""
    rows = [[600 + i, "2014-05-02", "周七", "", "", "", "路灯坏了。"] + [""] * 12 for i in range(300)]
    return register(path, rows)


def cases_written(cases: Path) -> list[str]:
    return sorted(p.relative_to(cases).as_posix() for p in cases.rglob("*.yaml") if p.parent != cases)


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # copied half-way: no zip directory at the end
    lambda data: data[: len(data) - 100],
])
def test_a_truncated_xlsx_is_one_line_and_writes_nothing(tmp_path, cases, run, damage):
    xlsx = many_rows(tmp_path / "r.xlsx")
    xlsx.write_bytes(damage(xlsx.read_bytes()))
    code, stdout, stderr = run("import", xlsx, "--cases", cases)
    assert code == 1 and stdout == ""
    assert one_chinese_line(stderr) == "r.xlsx：无法读取，不是有效的 .xlsx 文件，或文件已损坏、不完整（请在 Excel 或 WPS 里打开并重新保存）"
    assert cases_written(cases) == ["2013/01/XY-2013-000042.yaml"]


def test_a_sheet_that_breaks_off_half_way_writes_no_row(tmp_path, cases, run):
    """The first rows read well, then the sheet's XML stops: not one of them is written."""
    good = many_rows(tmp_path / "good.xlsx")
    sheet = "xl/worksheets/sheet1.xml"
    xlsx = rewritten(good, tmp_path / "r.xlsx", lambda name, data: data[: len(data) * 2 // 3] if name == sheet else data)
    code, stdout, stderr = run("import", xlsx, "--cases", cases)
    assert code == 1 and stdout == ""
    assert "r.xlsx：无法读取，不是有效的 .xlsx 文件，或文件已损坏、不完整" in one_chinese_line(stderr)
    assert cases_written(cases) == ["2013/01/XY-2013-000042.yaml"]


def chart_book(path: Path, with_rows: bool = True) -> Path:
    """A workbook with a chart sheet “图表” (and the register's sheet “登记表” unless not `with_rows`)."""
    book = Workbook()
    rows = book.active
    rows.title = "登记表"
    rows.append(HEADERS)
    rows.append(GOOD[0])
    chart = BarChart()
    chart.add_data(Reference(rows, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("图表").add_chart(chart)
    if not with_rows:
        book.remove(rows)
    book.save(path)
    return path


@pytest.mark.parametrize("with_rows, argv, message", [
    (True, ["--sheet", "图表"], "r.xlsx：“图表”是图表，不是工作表，没有可以导入的行（工作表有：登记表）"),
    (False, ["--sheet", "图表"], "r.xlsx：“图表”是图表，不是工作表，没有可以导入的行（工作表有：无）"),
    (False, [], "r.xlsx：没有工作表，只有图表（应有一个登记案件的工作表）"),
])
def test_a_chart_sheet_is_not_a_register(tmp_path, cases, run, with_rows, argv, message):
    xlsx = chart_book(tmp_path / "r.xlsx", with_rows)
    code, stdout, stderr = run("import", xlsx, "--cases", cases, *argv)
    assert code == 1 and stdout == "" and one_chinese_line(stderr) == message


def test_the_sheet_beside_a_chart_sheet_imports(tmp_path, cases, run):
    code, _, stderr = run("import", chart_book(tmp_path / "r.xlsx"), "--cases", cases, "--sheet", "登记表")
    assert (code, stderr) == (0, "") and "2014/03/XY-2014-000501.yaml" in cases_written(cases)


@pytest.mark.parametrize("quoted", [True, False])
def test_a_csv_cell_over_128_kb_is_one_line_and_writes_nothing(tmp_path, cases, run, quoted):
    """Python's csv module stops at 128 KB a cell; a quote left open makes one of the rest of the file."""
    csv = tmp_path / "r.csv"
    good = "".join(f"{700 + i},2014-05-02,周七,路灯坏了。\n" for i in range(3))
    if quoted:
        bad = '703,2014-05-02,周七,"' + "路灯坏了" * 40_000 + '"\n'  # 160,000 characters in one cell
    else:
        bad = '703,2014-05-02,周七,"路灯坏了。\n' + "".join(f"{704 + i},2014-05-02,周七,路灯坏了。\n" for i in range(8000))
    csv.write_text("编号,来电时间,姓名,反映问题\n" + good + bad, "utf-8")
    code, stdout, stderr = run("import", csv, "--cases", cases)
    assert code == 1 and stdout == ""
    assert one_chinese_line(stderr).startswith("r.csv:5: 这一行有一个格子超过 128 KB，读不下去（常见原因是少了一个结束的英文引号")
    assert cases_written(cases) == ["2013/01/XY-2013-000042.yaml"]


def test_a_truncated_utf16_csv_is_one_line(tmp_path, cases, run):
    csv = tmp_path / "r.txt"
    csv.write_bytes(b"\xff\xfe" + "编号\t来电时间\n1\t2014-01-01\n".encode("utf-16-le")[:-1])  # half a character at the end
    code, _, stderr = run("import", csv, "--cases", cases)
    assert code == 1 and one_chinese_line(stderr) == "r.txt：无法识别文件编码（应为 UTF-8 或 GBK）；请在 Excel 里另存为“CSV UTF-8”"


def test_a_folder_given_for_the_register_or_the_mapping(tmp_path, cases, run):
    xlsx = register(tmp_path / "r.xlsx", [GOOD[0]])
    code, _, stderr = run("import", tmp_path, "--cases", cases)
    assert code == 1 and one_chinese_line(stderr) == f"登记表文件 {tmp_path} 是目录，不是文件"
    code, _, stderr = run("import", xlsx, "--cases", cases, "--mapping", tmp_path)
    assert code == 1 and one_chinese_line(stderr) == f"映射文件 {tmp_path} 是目录，不是文件"


def test_openpyxl_notes_in_english_are_not_shown(tmp_path, cases):
    """A register written by another program, without cell styles: openpyxl warns in English."""
    no_styles = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    good = register(tmp_path / "good.xlsx", [GOOD[1]])  # dates written as text: without styles no cell is a date
    xlsx = rewritten(good, tmp_path / "r.xlsx", lambda name, data: no_styles if name == "xl/styles.xml" else data)
    result = subprocess.run([Path(sys.executable).parent / "hotline", "import", xlsx, "--cases", cases, "--dry-run"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""


def test_a_cases_directory_that_is_missing_or_a_file(tmp_path, run):
    xlsx = register(tmp_path / "r.xlsx", [GOOD[0]])
    for cases, message in ((tmp_path / "nope", f"找不到案件目录 {tmp_path / 'nope'}"), (xlsx, f"案件目录 {xlsx} 不是目录")):
        code, stdout, stderr = run("import", xlsx, "--cases", cases)
        assert code == 1 and stdout == ""
        assert one_chinese_line(stderr) == f"{message}（请检查设置中的 CASES_PATH 或 --cases）"


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux's /proc/self/mem")
def test_an_unreadable_csv_is_one_line(tmp_path, cases, run):
    csv = tmp_path / "r.csv"
    csv.symlink_to("/proc/self/mem")  # a file whose every read fails, even for root
    code, _, stderr = run("import", csv, "--cases", cases)
    assert code == 1 and one_chinese_line(stderr) == f"无法读取登记表文件 {csv}（读取出错，错误号 5）"
