"""The site's navigation: one table of its sections, in menu order.

`base.html` prints it as the menu, marking the page's section
(`section_of`); the listings take their names and index pages from it.
"""

from __future__ import annotations

from typing import NamedTuple


class NavItem(NamedTuple):
    section: str  # a listing kind (listings.py) or another part of the site
    url: str  # its page, relative to the site root
    label: str


NAVIGATION = (
    NavItem("home", "index.html", "首页"),
    NavItem("cases", "cases/index.html", "全部案件"),
    NavItem("category", "category/index.html", "分类"),
    NavItem("department", "department/index.html", "部门"),
    NavItem("district", "district/index.html", "地区"),
    NavItem("month", "archive/index.html", "月份"),
    NavItem("stats", "stats/index.html", "统计"),
    NavItem("bulletins", "bulletins/index.html", "简报"),
    NavItem("search", "search.html", "搜索"),
    NavItem("open-data", "open-data.html", "开放数据"),
    NavItem("led", "led/index.html", "LED 屏"),
)


def section_of(path: str) -> str | None:
    """The section of the page at `path`: the item whose page it is or in whose folder it lies."""
    for item in NAVIGATION:
        folder = item.url.rpartition("/")[0]
        if path == item.url or (folder and path.startswith(f"{folder}/")):
            return item.section
    return None
