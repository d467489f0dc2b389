"""Research-software hygiene: licence, citation metadata, changelog, one version number."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

import salesorg

ROOT = Path(__file__).resolve().parents[1]
#: The Citation File Format 1.2.0 JSON schema (citation-file-format.github.io, CC-BY-4.0).
CFF_SCHEMA = Path(__file__).parent / "data" / "cff-1.2.0.schema.json"


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_file_is_valid_cff_1_2():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    cff = citation()
    jsonschema.validate(cff, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert cff["cff-version"] == "1.2.0"
    assert cff["authors"] == [{"name": "salesorg contributors"}]
    titles = " ".join(ref["title"] for ref in cff["references"])
    # The works the model rests on (README, Sources) are cited with the software.
    for work in ("Exploration and exploitation", "Predictable Revenue", "Moral hazard", "ODD"):
        assert work in titles


def test_a_broken_citation_file_fails_the_schema():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    cff = citation()
    del cff["authors"]
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        jsonschema.validate(cff, schema)


def test_one_version_number():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "salesorg.__version__"}
    # The citation and the changelog repeat the number for readers; they must agree with it.
    assert str(citation()["version"]) == salesorg.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, flags=re.MULTILINE)
    assert released and released[0] == salesorg.__version__


def test_licence_changelog_and_typing_marker():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == {"text": "MIT"}
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    assert "salesorg contributors" in licence
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in changelog
    assert "## [Unreleased]" in changelog
    assert (ROOT / "salesorg" / "py.typed").is_file()
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["salesorg"]
