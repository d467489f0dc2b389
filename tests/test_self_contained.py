"""The repository stands alone: it cites publications and its own files, nothing outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Design notes, machine paths and tracker numbers a reader of the repository cannot open.
OUTSIDE = re.compile(
    r"\b(MODEL|CALIBRATION|STYLE)\.md\b|/work/|shared/seeds|\b(?i:issue) #?[0-9]+\b"
)
#: Files of the repository's own docs it mentions, e.g. ``docs/ODD.md``.
OWN_DOC = re.compile(r"\bdocs/[\w.-]+\.(?:md|ipynb|png)")


def tracked_text_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    suffixes = {".py", ".md", ".toml", ".cff", ".ipynb", ".txt", ".cfg", ""}
    return [
        ROOT / name
        for name in listed
        if Path(name).suffix in suffixes and name != "tests/test_self_contained.py"
    ]


def test_no_references_to_files_outside_the_repository():
    hits = []
    for path in tracked_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_docs_it_points_to_exist():
    missing = set()
    for path in tracked_text_files():
        for name in OWN_DOC.findall(path.read_text(encoding="utf-8")):
            if not (ROOT / name).exists():
                missing.add(f"{path.relative_to(ROOT)} -> {name}")
    assert not missing, sorted(missing)


def test_the_pattern_catches_what_it_is_for():
    # spelled in pieces, so the repository itself holds no pointer outside it
    assert OUTSIDE.search("see " + "MODEL" + ".md section 2")
    assert OUTSIDE.search("(``/work/" + "shared/" + "CALIBRATION" + ".md``)")
    assert OUTSIDE.search("the closing table of issue 3")
    assert not OUTSIDE.search("the issue of pay: docs/ODD.md section 7.5")
