"""Generate ``docs/parameters.md`` from the parameter table: ``python -m salesorg.tools.docs``.

The committed file must equal :func:`render` (a test checks it), so the documentation of
defaults, units, ranges and sources can never drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from salesorg.model.inputs import PARAMETERS
from salesorg.model.metrics import METRICS

PARAMETERS_FILE = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"  # a checkout

INTRO = """# SalesOrgModel parameters

Generated from `model/inputs.py` by `python -m salesorg.tools.docs`; do not edit by hand.
Every input of `SalesOrgModel(rng=None, collect_agents=False, **params)` is listed with its
default, unit, allowed values and the source of the default. One step is one week. Cross-parameter
rules (`model/validation.py`): `pod_composition` names only known roles with whole counts and has at
least one marketer, SDR and AE; `employees` is a positive multiple of the pod size (every design has
the same people); `share_conditional_cooperators + share_free_riders <= 1`; each `*_min` is at most
its `*_max`; `interdependence` is at most the number of other dimensions (`5 x dimensions_per_domain
- 1`). The matrix inputs `vantage` and `role_weights` (role x domain) are set whole, or one entry at
a time as `name.role.domain` (e.g. `vantage.csm.fit_signals = 0.4`) in `SalesOrgModel(**{...})` and
in experiment files (quote the key in TOML), where an entry is a scalar factor any sampler can vary;
their defaults are tabulated after the groups.

Metric definitions follow docs/calibration.md: win rate = won / (won + lost) (not won / all
opportunities), logo churn = churned / contracts due for renewal.
"""


def render() -> str:
    """The full text of ``docs/parameters.md``."""
    metrics = ["## Metrics (DataCollector columns)", "", "| name | unit | description |"]
    metrics.append("|---|---|---|")
    metrics += [f"| `{name}` | {unit} | {text} |" for name, (unit, text) in METRICS.items()]
    return (
        INTRO + "\n## Parameters\n\n" + PARAMETERS.to_markdown().rstrip() + "\n\n"
        + "\n".join(metrics) + "\n"
    )  # fmt: skip


def main() -> int:
    PARAMETERS_FILE.parent.mkdir(parents=True, exist_ok=True)
    PARAMETERS_FILE.write_text(render())
    print(f"wrote {PARAMETERS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
