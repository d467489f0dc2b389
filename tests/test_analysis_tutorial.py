"""The tutorial notebook runs from top to bottom, so it never goes stale."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial.ipynb"


@pytest.mark.slow
def test_tutorial_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's results folder goes here
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own (inline) backend
    notebook = nbformat.read(TUTORIAL, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "tutorial: 12 done, 0 failed" in printed
