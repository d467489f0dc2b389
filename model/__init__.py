"""salesorg's model: the learning engine (March 1991) and the sales organization.

>>> from salesorg.model import SalesOrgModel, PARAMETERS, METRICS
>>> m = SalesOrgModel(rng=1, design="pods")
>>> for _ in range(52):
...     m.step()
"""

from salesorg.model.inputs import PARAMETERS
from salesorg.model.metrics import METRICS
from salesorg.model.model import SalesOrgModel
from salesorg.model.parameters import ParameterError

__all__ = ["METRICS", "PARAMETERS", "ParameterError", "SalesOrgModel"]
