"""salesorg's model: the learning engine (March 1991) and the sales organization.

>>> from model import SalesOrgModel, PARAMETERS, METRICS
>>> m = SalesOrgModel(rng=1, design="pods")
>>> for _ in range(52):
...     m.step()
"""

from model.inputs import PARAMETERS
from model.metrics import METRICS
from model.model import SalesOrgModel
from model.parameters import ParameterError

__all__ = ["METRICS", "PARAMETERS", "ParameterError", "SalesOrgModel"]
