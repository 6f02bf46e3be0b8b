"""Disclosure control applied to every result before it leaves metrics/ (STUB, see issue 5).

- `visible_columns(scope, columns)`: the columns this scope may see (policy in access/policy.py).
- `protect_counts(df, scope, count_columns)`: small-number suppression with complementary
  suppression, for every role below headquarters.
"""

from __future__ import annotations

import pandas as pd

from access.scope import Scope


def visible_columns(scope: Scope, columns: list[str]) -> list[str]:
    return list(columns)


def protect_counts(df: pd.DataFrame, scope: Scope, count_columns: list[str]) -> pd.DataFrame:
    return df
