"""The Pelican generator that owns the cases and every output made from them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pelican.generators import Generator

from hotline.build.guard import Guard
from hotline.build.output import SiteWriter
from hotline.build.pelican import Build, Summary, stopping, values_key
from hotline.feeds.embed import write_embeds
from hotline.feeds.led import write_led
from hotline.feeds.open311 import write_open_data
from hotline.feeds.search import index_search, write_search_page
from hotline.feeds.sitemap import write_sitemap
from hotline.fingerprint import fingerprint
from hotline.load.cache import LoadCache
from hotline.load.casedata import load_state
from hotline.model import CaseSet
from hotline.problems import BuildFailed, report
from hotline.settings import HotlineSettings
from hotline.site import templating
from hotline.site.render import render_site
from hotline.stats.disclosure import site_statistics
from hotline.stats.pages import write_statistics

# Each output takes (cases, writer, settings) and writes its files; pages through `writer.render`.
# The render phase writes every page and file.
RENDER = (render_site, write_statistics, write_led, write_open_data, write_search_page, write_embeds)
# The post-build phase reads what the render phase wrote: the sitemap lists
# the HTML pages, the search index indexes the case pages.
POST_BUILD = (write_sitemap, index_search)


class CaseGenerator(Generator):
    """Reads the cases once (`generate_context`), writes their outputs (`generate_output`)."""

    build: Build  # set per build by the plugin's signal wiring

    def generate_context(self) -> None:
        with stopping(self.build):
            self.hotline = HotlineSettings.from_pelican(self.settings)
            cache = LoadCache(self.build.cache)
            loaded, problems = load_state(
                self.hotline.cases_path, self.hotline.timezone, lambda done, total: self.build.report("读取案件", done, total),
                cache=cache, processes=self.hotline.processes, site_words=self.hotline.site_words,
            )
        if problems:
            self.build.abort()
            raise BuildFailed(report(problems), tuple(problems))
        assert loaded is not None  # load_state gives no state only with problems
        self.build.loaded = loaded
        self.build.code = cache.code
        self.cases: CaseSet = loaded.cases
        cases = self.cases
        self.build.guard_with(Guard(cases.private_values, cases.public_slugs()), values_key(cases.private_values))
        self.build.summary = Summary.of(cases)
        self.context.update(templating.common(self.hotline))  # Pelican's pages extend base.html too

    def generate_output(self, writer) -> None:
        self.pages_env = templating.environment(self.env, self.hotline)
        self.base_key = self._base_key()
        self.build.generator = self
        write_outputs(self.build, self.cases, self.output_path, self.context, self.pages_env, self.hotline, self.base_key)

    def _base_key(self) -> str:
        """What every output depends on: templates, settings and our code."""
        sources = [Path(t) for t in self._templates_path] + [Path(__file__).parents[1]]
        files = sorted(p for d in sources if d.is_dir() for p in d.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        # SITEURL is `self.hotline.site_url`
        pelican = {k: self.settings.get(k) for k in ("SITENAME", "RELATIVE_URLS", "TIMEZONE", "PAGE_URL")}
        same_output = dataclasses.replace(self.hotline, processes=1)  # how many processes write does not matter
        return fingerprint(same_output, pelican, [(str(p), p.read_bytes()) for p in files])


def write_outputs(
    build: Build, cases: CaseSet, root: Path | str, context: dict, env, hotline: HotlineSettings, base_key: str
) -> None:
    """Every output made from `cases`, into `root` (the staging directory of `build`)."""
    assert build.guard is not None  # set when the cases were read
    out = SiteWriter(
        Path(root), build.guard, context, env, previous=build.previous, old_keys=build.old_keys, base_key=base_key,
        recheck=build.values != build.old_values, processes=hotline.processes,
    )
    done, total = 0, len(RENDER) + len(POST_BUILD)
    with stopping(build):
        # Worked out once, before the pages are shared out to other processes, and kept beside the output.
        site_statistics(cases, hotline, build.cache.parent / "statistics.pickle", build.code)
        for phase in (RENDER, POST_BUILD):
            for write in phase:
                build.report("生成网页和数据", done, total)
                write(cases, out, hotline)
                done += 1
        build.report("生成网页和数据", done, total)
    build.written |= out.written
    build.checked |= out.checked
    build.keys = out.keys
