"""The browser page, for ``solara run app.py`` in a checkout (Mesa's layout).

The page lives in the package as :mod:`salesorg.app`; ``salesorg viz`` (or ``make viz``) serves it
from wherever salesorg is installed.
"""

from salesorg.app import Page

__all__ = ["Page"]
