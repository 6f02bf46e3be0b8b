"""Kaplan-Meier estimator for time to justice (incident -> investigation, arrest, judgment).

Cases that have not reached the event are right-censored (at the as-of date, or at closure).
S(t) = prod over event times t_i <= t of (1 - d_i / n_i), with d_i events at t_i and n_i cases
still at risk just before t_i (duration >= t_i). Ties: events happen before censorings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def kaplan_meier(durations, observed) -> pd.DataFrame:
    """The survival curve as a step table: one row for day 0 and one per distinct duration.

    Columns: days, at_risk (n_i), events (d_i), censored (censored at exactly that day),
    survival (S after that day), reached (1 - survival).
    """
    t = np.asarray(durations, dtype="float64")
    e = np.asarray(observed, dtype=bool)
    if t.shape != e.shape:
        raise ValueError("durations and observed must have the same length")
    rows = [{"days": 0, "at_risk": len(t), "events": 0, "censored": 0, "survival": 1.0}]
    s = 1.0
    if len(t):
        times = np.unique(t)
        for ti in times:
            at_risk = int((t >= ti).sum())
            d = int(((t == ti) & e).sum())
            c = int(((t == ti) & ~e).sum())
            if at_risk:
                s *= 1.0 - d / at_risk
            if ti == 0:
                rows[0] = {"days": 0, "at_risk": at_risk, "events": d, "censored": c, "survival": s}
            else:
                rows.append(
                    {"days": int(ti), "at_risk": at_risk, "events": d, "censored": c, "survival": s}
                )
    df = pd.DataFrame(rows)
    df["reached"] = 1.0 - df["survival"]
    return df


def median_survival(curve: pd.DataFrame) -> float | None:
    """The first day where survival falls to 0.5 or below; None if it never does (fewer than
    half the cases reached the event before censoring)."""
    hit = curve[curve["survival"] <= 0.5 + 1e-12]
    return None if hit.empty else float(hit["days"].iloc[0])
