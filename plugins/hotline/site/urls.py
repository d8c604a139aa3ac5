"""Where every page of the public site lives, relative to the site root.

All paths are ASCII: case ids, registry and district slugs, `YYYY/MM`.
Templates prefix them with `root` (see `output.root_of`).
"""

from __future__ import annotations

from hotline.model import Category, Department, District, PublicCase

HOME = "index.html"
FEED_ALL = "feeds/all.atom.xml"


def case_url(case: PublicCase) -> str:
    return f"cases/{case.id}.html"


def category_url(category: Category) -> str:
    return f"category/{category.slug}/index.html"


def department_url(department: Department) -> str:
    return f"department/{department.slug}/index.html"


def district_url(district: District) -> str:
    return f"district/{district.slug}/index.html"


def month_url(month: str) -> str:
    """`month` is `YYYY/MM`, as `PublicCase.month` gives it."""
    return f"archive/{month}/index.html"


def page_url(first: str, number: int) -> str:
    """Page `number` of the listing whose first page is `first` (…/index.html)."""
    return first if number == 1 else first.removesuffix("index.html") + f"page/{number}.html"


def category_feed_url(category: Category) -> str:
    return f"feeds/category/{category.slug}.atom.xml"


def department_feed_url(department: Department) -> str:
    return f"feeds/department/{department.slug}.atom.xml"
