"""Settings for publishing: `pelican -s publishconf.py` or `hotline build --settings publishconf.py`."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("HOTLINE_SITEURL", "")
RELATIVE_URLS = not SITEURL
