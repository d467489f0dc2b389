"""salesorg's model: the learning engine (March 1991) and the sales organization.

>>> from salesorg.model import SalesOrgModel, PARAMETERS, METRICS
>>> m = SalesOrgModel(rng=1, design="pods")
>>> for _ in range(52):
...     m.step()
"""

import os

# Before numba's first import: no Intel SVML, whose exp and log round differently from numpy's
# C code (model/jit.py), so compiled kernels give the same bits wherever icc_rt is installed.
os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")

from salesorg.model.inputs import PARAMETERS
from salesorg.model.metrics import METRICS
from salesorg.model.model import SalesOrgModel
from salesorg.model.parameters import ParameterError

__all__ = ["METRICS", "PARAMETERS", "ParameterError", "SalesOrgModel"]
