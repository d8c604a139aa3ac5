"""Settings of the 市长热线 12345 site. Override any of them on the command line:
pelican -s pelicanconf.py -o DIR -e CASES_PATH='"DIR"'
"""

import os

SITE_ROOT = os.path.dirname(os.path.abspath(__file__))

SITENAME = "市长热线 12345"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
OUTPUT_PATH = "output"
THEME = "theme"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["hotline"]

# The cases directory (relative to this file's folder, or absolute).
CASES_PATH = "cases_data"

# Everything of the hotline plugin; see docs/settings.md.
HOTLINE = {
    "OFFICE": "信阳市市长热线办公室",
    "COLUMN_OFFICE": "市长热线办公室",  # as the column says it: 接电后，市长热线办公室立即安排…
    "HOTLINES": ["12345", "8912345", "3772020", "3785008"],
    "HOURS": "全天 24 小时",
    "PER_PAGE": 20,
}

# Cases are not Pelican articles (see docs/architecture.md): no blog outputs.
DIRECT_TEMPLATES = []
PAGE_URL = "pages/{slug}.html"
PAGE_SAVE_AS = "pages/{slug}.html"
ARTICLE_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
