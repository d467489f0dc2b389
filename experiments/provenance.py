"""Provenance for the manifest: package versions, git commit and dirty flag, timestamps."""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

#: The checkout root when running from one (an installed wheel has no pyproject.toml there).
REPO_ROOT = Path(__file__).resolve().parent.parent
#: The packages a run's numbers depend on: numba and llvmlite compile the weekly kernels and
#: their random draws (model/jit.py), so they are as much a part of the bits as numpy.
PACKAGES = ("salesorg", "mesa", "numpy", "numba", "llvmlite", "scipy", "pandas", "pyarrow")


def now() -> str:
    """Current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """Versions of Python and the packages a run's numbers depend on."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def installed_from() -> Path | None:
    """The local folder salesorg was pip-installed from (PEP 610 ``direct_url.json``), if any."""
    try:
        text = metadata.distribution("salesorg").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    url = json.loads(text).get("url", "") if text else ""
    return Path(unquote(urlparse(url).path)) if url.startswith("file://") else None


def source_root() -> Path | None:
    """The checkout salesorg's code comes from: the folders themselves (an editable install or a
    checkout), else the clone a wheel was built from; ``None`` when neither is known."""
    if (REPO_ROOT / "pyproject.toml").is_file():
        return REPO_ROOT
    return installed_from()


def git_state(root: Path | None = None) -> dict[str, Any]:
    """The source tree's commit and whether tracked files differ from it (``None`` off git)."""
    root = root or source_root()
    if root is None:
        return {"git_commit": None, "git_dirty": None}

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"git_commit": None, "git_dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": commit, "git_dirty": bool(status)}
