"""March (1991): the learning rules, their validation engine and its Mesa face.

- :mod:`model.march.rules`: the March rules (act, socialize, the superior group, the code's
  learning), each a plain reference beside the vectorised kernel; the March engine and
  :class:`model.SalesOrgModel` both learn through them.
- :mod:`model.march.engine`: March's closed and open organizations, vectorised over replications.
- :mod:`model.march.model`: :class:`March1991Model`, one replication as a Mesa model.
- :mod:`model.march.validation` and :mod:`model.march.figures`: March's published experiments.
"""

from salesorg.model.march.model import (
    MARCH_METRICS,
    MARCH_PARAMETERS,
    March1991Model,
    check_fast_learners,
)

__all__ = ["MARCH_METRICS", "MARCH_PARAMETERS", "March1991Model", "check_fast_learners"]
