"""Global sensitivity analysis with SALib: Morris screening and Sobol' indices.

The parameter ranges come from an experiment file (its ``factors``), the sample is run through
the experiment runner (``experiments.run_scenarios``, so it resumes and scales out like any
sweep), and the design is saved beside the results (``sensitivity.json``) so the analysis never
has to be told it again.

- Morris (1991, Technometrics 33:161) elementary effects, with Campolongo et al.'s (2007) mu*:
  a cheap screening of which parameters matter at all (``SALib.sample.morris``).
- Sobol' (2001) first-order and total indices with Saltelli et al.'s (2010) estimators, sampled
  with ``SALib.sample.sobol`` (the maintained successor of the deprecated ``saltelli`` sampler):
  how much of the output variance each parameter explains alone and with interactions.

Numeric factors (a ``{low, high}`` range or a list of numbers) are sampled over their span;
integer parameters are rounded when run. Non-numeric factors (e.g. ``design``) cannot be
sampled: the whole analysis is repeated at each of their levels, so indices can be compared
between designs. A stochastic model's output is averaged over the replications at each sample
point; the runner gives every point the same replication seeds (common random numbers), so
differences between points are not seed noise.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from salesorg.model.files import atomic_write_text
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

METHODS = ("morris", "sobol")
DESIGN_FILE = "sensitivity.json"
INDICES_FILE = "sensitivity_indices.csv"
MORRIS_LEVELS = 4


@dataclass
class SensitivityDesign:
    """A SALib sample over an experiment's ranges, and how it maps onto runner scenarios.

    Attributes:
        experiment: name of the experiment file the ranges come from.
        method: ``"morris"`` or ``"sobol"``.
        names: sampled parameters; ``bounds`` their ``[low, high]``; ``integer`` which round.
        samples: Morris trajectories, or Sobol' base sample size N (a power of two).
        seed: seed of the SALib sampler.
        strata: one dict per combination of non-numeric factor levels (``[{}]`` if none).
        sample: the SALib sample matrix (rows = points, columns = ``names``), unrounded.
    """

    experiment: str
    method: str
    names: list[str]
    bounds: list[list[float]]
    integer: list[bool]
    samples: int
    seed: int
    strata: list[dict] = field(default_factory=lambda: [{}])
    sample: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)

    def __repr__(self) -> str:
        return (
            f"SensitivityDesign({self.method}, {self.experiment!r}, {len(self.names)} parameters, "
            f"{len(self.sample)} points x {len(self.strata)} strata)"
        )

    @property
    def problem(self) -> dict:
        """The SALib problem dictionary."""
        return {"num_vars": len(self.names), "names": list(self.names), "bounds": self.bounds}

    def scenarios(self) -> list[dict]:
        """Parameter dicts for the runner: stratum-major, then sample rows in order."""
        out = []
        for stratum in self.strata:
            for row in self.sample:
                values = {
                    name: int(np.rint(v)) if is_int else float(v)
                    for name, v, is_int in zip(self.names, row, self.integer, strict=True)
                }
                out.append({**stratum, **values})
        return out

    def save(self, directory: Path | str) -> Path:
        """Write the design to ``<directory>/sensitivity.json``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        data = {k: getattr(self, k) for k in _FIELDS}
        data["sample"] = self.sample.tolist()
        path = directory / DESIGN_FILE
        atomic_write_text(path, json.dumps(data, indent=1))
        return path

    @classmethod
    def load(cls, directory: Path | str) -> SensitivityDesign:
        """Read a design saved by :meth:`save`."""
        data = json.loads((Path(directory) / DESIGN_FILE).read_text())
        data["sample"] = np.asarray(data["sample"], dtype=float)
        return cls(**data)


_FIELDS = ("experiment", "method", "names", "bounds", "integer", "samples", "seed", "strata")


def design_from_spec(spec, method: str, samples: int, *, seed: int | None = None):
    """Build a Morris or Sobol' design over the factors an experiment spec declares.

    Args:
        spec: an ``experiments.ExperimentSpec`` (from ``experiments.load_spec``).
        method: ``"morris"`` or ``"sobol"``.
        samples: Morris trajectories (>= 2), or Sobol' N (a power of two, >= 2).
        seed: sampler seed; default the experiment's master seed.

    Raises:
        ValueError: unknown method, bad sample size, or no numeric factor to sample.
    """
    if method not in METHODS:
        raise ValueError(f"method = {method!r} is not allowed; expected one of {METHODS}")
    if samples < 2 or (method == "sobol" and samples & (samples - 1)):
        allowed = "a power of two >= 2" if method == "sobol" else "an integer >= 2"
        raise ValueError(f"samples = {samples} is not allowed for {method}; expected {allowed}")
    table = spec.parameter_table()
    names, bounds, integer, categorical = [], [], [], {}
    for name, factor in spec.factors.items():
        low_high = _numeric_span(factor)
        if low_high is None:
            categorical[name] = list(factor)
            continue
        names.append(name)
        bounds.append([float(low_high[0]), float(low_high[1])])
        integer.append(table[name].kind is int)
    if not names:
        raise ValueError(
            f"experiment {spec.name!r} declares no numeric factor ranges to sample; its factors "
            f"are {list(spec.factors) or 'none'}"
        )
    strata = [
        dict(zip(categorical, combo, strict=True))
        for combo in itertools.product(*categorical.values())
    ]
    seed = int(spec.master_seed % 2**32 if seed is None else seed)
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    if method == "sobol":
        sample = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        sample = morris_sample.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    return SensitivityDesign(
        spec.name, method, names, bounds, integer, samples, seed, strata, np.asarray(sample)
    )


def _numeric_span(factor):
    """``(low, high)`` of a numeric range or list of numbers; None for other factors."""
    if hasattr(factor, "low") and hasattr(factor, "high"):
        return factor.low, factor.high
    values = list(factor)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if numeric and len(set(values)) >= 2:
        return min(values), max(values)
    return None


def compute_indices(design: SensitivityDesign, outputs: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices of every output column, per stratum.

    Args:
        design: the design the outputs were produced from.
        outputs: one row per scenario in :meth:`SensitivityDesign.scenarios` order, one column
            per output (e.g. mean end-of-run bookings over replications).

    Returns:
        Long table ``stratum, metric, parameter, index, value, conf`` (``index`` is S1 / ST for
        Sobol', mu_star / sigma for Morris). Outputs that do not vary are left out.
    """
    points = len(design.sample)
    if len(outputs) != points * len(design.strata):
        raise ValueError(
            f"expected {points * len(design.strata)} outputs (one per scenario), got {len(outputs)}"
        )
    rows = []
    for k, stratum in enumerate(design.strata):
        label = ", ".join(f"{f}={v}" for f, v in stratum.items())
        block = outputs.iloc[k * points : (k + 1) * points]
        for metric in outputs.columns:
            y = block[metric].to_numpy(dtype=float)
            if np.isnan(y).any():
                raise ValueError(f"{metric}: {int(np.isnan(y).sum())} sample points have no value")
            if np.ptp(y) == 0:
                continue
            for name, index, value, conf in _analyze(design, y):
                rows.append((label, metric, name, index, value, conf))
    return pd.DataFrame(rows, columns=["stratum", "metric", "parameter", "index", "value", "conf"])


def _analyze(design: SensitivityDesign, y: np.ndarray):
    problem = design.problem
    if design.method == "sobol":
        res = sobol_analyze.analyze(
            problem, y, calc_second_order=False, conf_level=0.95, seed=design.seed
        )
        for i, name in enumerate(design.names):
            yield name, "S1", float(res["S1"][i]), float(res["S1_conf"][i])
            yield name, "ST", float(res["ST"][i]), float(res["ST_conf"][i])
    else:
        res = morris_analyze.analyze(
            problem, design.sample, y, num_levels=MORRIS_LEVELS, conf_level=0.95, seed=design.seed
        )
        for i, name in enumerate(design.names):
            yield name, "mu_star", float(res["mu_star"][i]), float(res["mu_star_conf"][i])
            yield name, "sigma", float(res["sigma"][i]), math.nan
