"""The JSON Schemas in schema/: valid, and the case schema the same file the build validates with."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import ROOT


def test_the_published_case_schema_is_the_one_the_build_uses():
    """schema/case.schema.json links to the package's copy; a copy in its place must not drift."""
    assert (ROOT / "schema" / "case.schema.json").read_bytes() == (ROOT / "plugins" / "hotline" / "case.schema.json").read_bytes()


@pytest.mark.parametrize("name", ["case.schema.json", "stats.schema.json"])
def test_a_schema_is_valid_json_schema(name):
    schema = json.loads((ROOT / "schema" / name).read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
