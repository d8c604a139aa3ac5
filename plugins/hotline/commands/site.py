"""The site a command works on: its Pelican settings and our typed settings."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hotline.settings import HotlineSettings, read_file


def add_site_arguments(parser: argparse.ArgumentParser, output: bool = False) -> None:
    """`--cases` (and, with `output`, `--output`): the options `overrides` reads."""
    parser.add_argument("--cases", metavar="目录", help="案件目录（默认为设置中的 CASES_PATH，即 cases_data）")
    if output:
        parser.add_argument("--output", metavar="目录", help="输出目录（默认为设置中的 OUTPUT_PATH，即 output）")


def settings_file(args: argparse.Namespace) -> Path:
    return Path(args.settings)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Pelican setting overrides from `--cases` and `--output`."""
    found = {}
    if getattr(args, "cases", None):
        found["CASES_PATH"] = str(Path(args.cases).expanduser().resolve())
    if getattr(args, "output", None):
        found["OUTPUT_PATH"] = str(Path(args.output).expanduser().resolve())
    return found


def load(args: argparse.Namespace) -> tuple[dict[str, Any], HotlineSettings]:
    """Pelican's settings (with the overrides) and ours."""
    settings = read_file(settings_file(args), overrides(args))
    return settings, HotlineSettings.from_pelican(settings)
