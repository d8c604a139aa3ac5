"""The public site: case pages and listings rendered from the theme."""

from __future__ import annotations

from jinja2 import Environment

from .casedata import CaseSet
from .output import SiteWriter, root_of
from .settings import HotlineSettings


def render_site(cases: CaseSet, out: SiteWriter, env: Environment, settings: HotlineSettings) -> None:
    """Write the home page and one page per published case."""
    case_template = env.get_template("case.html")
    for case in cases.cases:
        path = f"cases/{case.id}.html"
        out.write(path, case_template.render(case=case, root=root_of(path)), scope=frozenset({case.id}))
    out.write("index.html", env.get_template("index.html").render(cases=cases.cases, root=""))
