"""One installed namespace: everything under ``salesorg``, nothing else in the wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPED = ("model", "agents", "experiments", "analysis", "viz", "benchmarks")


def test_the_documented_entry_imports():
    import salesorg
    from salesorg import METRICS, PARAMETERS, SalesOrgModel

    assert SalesOrgModel.__module__ == "salesorg.model.model"
    assert "design" in PARAMETERS and "bookings" in METRICS
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        salesorg.nonsense  # noqa: B018


def test_imports_work_beside_mesa_example_files(tmp_path):
    """A folder holding Mesa's own example files (model.py, agents.py) does not shadow salesorg."""
    (tmp_path / "model.py").write_text("raise ImportError('the example model.py was imported')\n")
    (tmp_path / "agents.py").write_text("raise ImportError('the example agents.py was imported')\n")
    (tmp_path / "experiments.py").write_text("raise ImportError('experiments.py was imported')\n")
    code = (
        "from salesorg import SalesOrgModel; from salesorg.experiments import load_spec; "
        "from salesorg.agents import AE; print(SalesOrgModel.__name__, load_spec.__name__, AE)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SalesOrgModel load_spec")


@pytest.mark.slow
def test_the_wheel_holds_only_the_salesorg_package(tmp_path):
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    built = subprocess.run(
        [*pip_wheel, "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("salesorg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"salesorg"}
    expected = {
        f"salesorg/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
        for folder in MAPPED
        for path in (ROOT / folder).rglob("*.py")
    }
    assert expected <= set(names), sorted(expected - set(names))
    data = {"salesorg/py.typed", "salesorg/tools/baseline.json", "salesorg/experiments/quick.toml"}
    assert data <= set(names)


def test_a_wheel_built_from_a_clone_still_records_its_commit(monkeypatch, tmp_path):
    """Installed from a clone (not editable), the manifest's commit comes from that clone."""
    from salesorg.experiments import provenance

    monkeypatch.setattr(provenance, "REPO_ROOT", tmp_path)  # site-packages: no checkout here
    monkeypatch.setattr(provenance, "installed_from", lambda: ROOT)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True)
    assert provenance.git_state()["git_commit"] == head.stdout.decode().strip()
    monkeypatch.setattr(provenance, "installed_from", lambda: None)
    assert provenance.git_state() == {"git_commit": None, "git_dirty": None}
