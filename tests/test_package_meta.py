"""Research-software hygiene: licence, citation metadata, changelog, one version number."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.utils import canonicalize_name

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


def constraints() -> dict[str, str]:
    """constraints.txt as {normalized name: version}."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin (name==version)"
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_pin_every_dependency_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    names = {canonicalize_name(re.match(r"[A-Za-z0-9_.-]+", dep)[0]) for dep in wanted}
    assert names - constraints().keys() == set()


def test_the_packages_behind_the_bits_are_the_pinned_ones():
    """The environment running the suite (and the baseline) is the one constraints.txt pins:
    a baseline mismatch then means the code changed, not a package."""
    from importlib import metadata

    from salesorg.experiments.provenance import PACKAGES

    pins = constraints()
    for name in PACKAGES[1:]:  # salesorg itself is the checkout
        installed, pinned = metadata.version(name), pins[canonicalize_name(name)]
        assert installed == pinned, (
            f"{name} {installed} is installed but constraints.txt pins {pinned}: "
            "run `make install` (or `make lock` to move the pins)"
        )
