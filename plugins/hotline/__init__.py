"""市长热线 12345: a Pelican plugin that publishes resolved hotline cases.

Signal wiring only: the work is done in `build` and `generator`.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from hotline.build.generator import CaseGenerator
from hotline.build.outputdir import check_output
from hotline.build.pelican import Build, stopping
from hotline.settings import HotlineSettings


def _start(pelican) -> None:
    # Settings checked before Pelican reads a page with them (a bad TIMEZONE
    # would otherwise print "Could not process …" for every page first), and
    # the output directory before anything is written (`pelican -o` included).
    with stopping():
        hotline = HotlineSettings.from_pelican(pelican.settings)
        check_output(pelican.output_path, pelican.settings, hotline.cases_path)
    build = Build(Path(pelican.output_path).resolve())
    staging = str(build.start())
    pelican.hotline_build = build
    pelican.output_path = staging
    pelican.settings["OUTPUT_PATH"] = staging


def _generators(pelican):
    return type("CaseGenerator", (CaseGenerator,), {"build": pelican.hotline_build})


def _finish(pelican) -> None:
    pelican.hotline_build.finish()


def register() -> None:
    signals.initialized.connect(_start)
    signals.get_generators.connect(_generators)
    signals.finalized.connect(_finish)
