"""Every number the product shows: one catalogue of definitions, computed in DuckDB.

Public API (stable; documented in docs/metrics.md): see metrics.api.__all__.
"""

from metrics.api import *  # noqa: F403
from metrics.api import __all__  # noqa: F401
from metrics.filters import DIMENSIONS, Filters  # noqa: F401
