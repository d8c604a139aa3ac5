"""The Pelican generator that owns the cases and every output made from them."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from .build import Build
from .casedata import CaseSet, load_cases
from .guard import Guard, LeakError
from .led import write_led
from .open311 import write_open_data
from .output import SiteWriter
from .problems import BuildFailed, report
from .render import render_site
from .search import index_search, write_search_page
from .settings import HotlineSettings
from .sitemap import write_sitemap
from .statspages import write_statistics

# Each takes (cases, writer, jinja environment, settings) and writes its files.
# write_sitemap and index_search read the HTML already written: keep them last.
OUTPUTS = (render_site, write_statistics, write_led, write_open_data, write_search_page, write_sitemap, index_search)


class CaseGenerator(Generator):
    """Reads the cases once (`generate_context`), writes their outputs (`generate_output`)."""

    build: Build  # set per build by the plugin's signal wiring

    def generate_context(self) -> None:
        self.hotline = HotlineSettings.from_pelican(self.settings)
        cases, problems = load_cases(self.hotline.cases_path, self.hotline.timezone)
        if problems:
            self.build.abort()
            raise BuildFailed(report(problems), tuple(problems))
        self.cases: CaseSet = cases
        self.build.guard = Guard(cases.private_values)
        self.env.globals.update(hotline=self.hotline)
        self.context["hotline"] = self.hotline

    def generate_output(self, writer) -> None:
        out = SiteWriter(Path(self.output_path), self.build.guard, self.context)
        env = self.env.overlay(autoescape=True)
        try:
            for write_outputs in OUTPUTS:
                write_outputs(self.cases, out, env, self.hotline)
        except LeakError as e:
            self.build.abort()
            raise BuildFailed(str(e)) from None
        self.build.written |= out.written
