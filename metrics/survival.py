"""Kaplan-Meier estimator for time to justice (incident -> investigation, arrest, judgment).

Cases that have not reached the event are right-censored (at the as-of date, or at closure).
S(t) = prod over event times t_i <= t of (1 - d_i / n_i), with d_i events at t_i and n_i cases
still at risk just before t_i (duration >= t_i). Ties: events happen before censorings.
Computed from counts per distinct day (SQL aggregates them), so it is O(days), not O(cases).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ("days", "at_risk", "events", "censored", "survival", "reached")


def kaplan_meier_counts(days, events, censored) -> pd.DataFrame:
    """The survival curve from counts per distinct day: one row for day 0 and one per day.

    Columns: days, at_risk (n_i), events (d_i), censored (censored on exactly that day),
    survival (S after that day), reached (1 - survival).
    """
    d = pd.DataFrame(
        {
            "days": np.asarray(days, dtype="int64"),
            "events": np.asarray(events, dtype="int64"),
            "censored": np.asarray(censored, dtype="int64"),
        }
    )
    d = d.groupby("days", as_index=False).sum().sort_values("days")
    total = int(d["events"].sum() + d["censored"].sum())
    if 0 not in set(d["days"]):
        d = pd.concat([pd.DataFrame({"days": [0], "events": [0], "censored": [0]}), d])
    d = d.sort_values("days").reset_index(drop=True)
    leaving = (d["events"] + d["censored"]).to_numpy()
    at_risk = total - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - d["events"].to_numpy() / at_risk, 1.0)
    d["at_risk"] = at_risk.astype("int64")
    d["survival"] = np.cumprod(factor)
    d["reached"] = 1.0 - d["survival"]
    return d[list(COLUMNS)]


def kaplan_meier(durations, observed) -> pd.DataFrame:
    """The survival curve from one duration (days) and one observed flag per case."""
    t = np.asarray(durations, dtype="int64")
    e = np.asarray(observed, dtype=bool)
    if t.shape != e.shape:
        raise ValueError("durations and observed must have the same length")
    return kaplan_meier_counts(t, e.astype("int64"), (~e).astype("int64"))


def median_survival(curve: pd.DataFrame) -> float | None:
    """The first day where survival falls to 0.5 or below; None if it never does (fewer than
    half the cases reached the event before censoring)."""
    hit = curve[curve["survival"] <= 0.5 + 1e-12]
    return None if hit.empty else float(hit["days"].iloc[0])
