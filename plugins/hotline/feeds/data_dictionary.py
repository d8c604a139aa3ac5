"""The data dictionary of the bulk CSV files: every column declared once
(name, type, meaning, example). The CSV writer takes its columns from here,
and the same list is written as the 数据字典 page (data-dictionary.html) and
as open311/bulk/README.txt beside the CSV files.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.settings import HotlineSettings

PAGE = "data-dictionary.html"
README = "open311/bulk/README.txt"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    meaning: str
    example: str


DAY = "日期时间（W3C，只到日：当天 0 时，带时区）"

COLUMNS = (
    Column("service_request_id", "文本", "案件编号，与网页地址 cases/编号.html 相同", "XY-2013-000001"),
    Column("requested_datetime", DAY, "受理日期（来电的具体时刻不公开）", "2013-01-10T00:00:00+08:00"),
    Column("updated_datetime", DAY, "办结日期", "2013-01-17T00:00:00+08:00"),
    Column("closed_date", DAY, "办结日期，同 updated_datetime", "2013-01-17T00:00:00+08:00"),
    Column("status_description", "文本：closed", "状态；公开的案件都已办结", "closed"),
    Column("status_notes", "文本，可有多行", "办理结果：各承办部门的核实情况和处理经过，每个部门一行",
           "市供水公司：情况属实。已更换破损管道，恢复供水。"),
    Column("source", "文本：phone、mailbox 或 other", "来源：phone 市长热线，mailbox 市长信箱，other 其他渠道", "phone"),
    Column("service_name", "文本", "案件类别的名称（登记表 categories.yaml）", "供水供电"),
    Column("description", "文本，最长 4000 字", "反映的问题（已匿名处理），超出 4000 字时截断并以“…”结尾", "小区停水三天，请求尽快恢复供水。"),
    Column("agency_responsible", "文本", "承办部门，几个部门之间用“、”隔开", "市供水公司"),
    Column("address", "文本", "地点：区县和社区（村），不含楼号门牌", "浉河区老城街道"),
    Column("category_code", "文本：2、4 或 6 位数字，可为空",
           "类别的国家标准代码（GB/T 39666-2020《政府热线服务分类与代码》，大类、中类、小类各两位）；"
           "登记表没有给出代码的类别为空", "0501"),
)

NAMES = tuple(c.name for c in COLUMNS)


def readme(settings: HotlineSettings) -> str:
    """open311/bulk/README.txt: what the CSV files are and every column, as plain text
    (UTF-8 with a BOM, like the CSV files, so Windows editors show the Chinese)."""
    lines = [
        f"{settings.office} 开放数据：批量 CSV 文件的数据字典",
        "",
        "requests-年份.csv：全部公开案件，按受理年份每年一个文件，一个案件一行。",
        "编码为带 BOM 的 UTF-8，第一行是列名。以 = + - @（或制表符、回车）开头的内容前面加了一个英文单引号 '，",
        "防止表格软件把它当作公式执行；用程序读取时可去掉。",
        f"许可：{settings.data_licence}。请注明来源“{settings.office}”。",
        "",
        "列（按文件中的顺序）：",
    ]
    for i, c in enumerate(COLUMNS, 1):
        lines += ["", f"{i}. {c.name}", f"   类型：{c.type}", f"   含义：{c.meaning}", f"   示例：{c.example}"]
    return "\n".join(lines) + "\n"
