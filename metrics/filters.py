"""Filters: one hashable value for every selection a page, an export or the CLI can make, turned
into SQL with bound parameters only.

Identifiers (group-by dimensions) come from the allow-lists below, never from the caller's text.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, fields
from datetime import date, datetime

# Accepted values are declared once, with the extract formats that carry them (re-exported).
from etl.extracts import ACT_TYPES as ACT_TYPES
from etl.extracts import GENDERS as GENDERS
from etl.extracts import INCIDENT_TYPES as INCIDENT_TYPES
from etl.extracts import PERSONNEL_TYPES as PERSONNEL_TYPES

# Case tracking records malicious acts only: its incidents, victims and cases count under this
# incident type and disappear when a filter excludes it.
TRACKING_INCIDENT_TYPE = "Malicious Act"

DIMENSIONS = (
    "mission",
    "host_state",
    "year",
    "month",
    "nationality",
    "personnel_type",
    "gender",
    "incident_type",
    "act_type",
)
# Column that carries each dimension in the person-grain tables (rollup_persons, fact_persons).
PERSON_DIM_COLUMNS = {
    "mission": "mission_code",
    "host_state": "host_state",
    "year": "year",
    "month": "month",
    "nationality": "nationality",
    "personnel_type": "personnel_type",
    "gender": "gender",
    "incident_type": "incident_type",
    "act_type": "act_type",
}
# Dimensions held as lists at incident/case grain: an incident counts once in every group it
# belongs to (so those groups need not add up to the total); an empty list counts as 'unknown'.
LIST_DIMS = {
    "nationality": "nationalities",
    "personnel_type": "personnel_types",
    "gender": "genders",
}


def _as_date(value, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise ValueError(f"{name}: {value!r} is not a date")


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@dataclass(frozen=True)
class Filters:
    """Everything that narrows a metric. Frozen and made of tuples, so it can key a cache.

    Dates are inclusive and apply to the incident date. `incident_types` defaults to malicious
    acts; an empty tuple (or None) means every type. `as_of` computes every number as it stood on
    that date (stage history up to it, incidents on or before it, the latest register snapshot
    taken on or before it); `snapshot` picks a register snapshot explicitly.
    """

    date_from: date | None = None
    date_to: date | None = None
    missions: tuple[str, ...] = ()
    host_states: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    incident_types: tuple[str, ...] | None = ("Malicious Act",)
    act_types: tuple[str, ...] = ()
    personnel_types: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    peacekeeping_only: bool = False
    verified_only: bool = False
    as_of: date | None = None
    snapshot: date | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("date_from", "date_to", "as_of", "snapshot"):
                value = _as_date(value, f.name)
            elif f.name in ("peacekeeping_only", "verified_only"):
                value = bool(value)
            else:
                value = _as_tuple(value)
            object.__setattr__(self, f.name, value)

    # ------------------------------------------------------------------ helpers
    @property
    def all_incident_types(self) -> bool:
        return not self.incident_types

    @property
    def includes_tracking(self) -> bool:
        """Case-tracking rows (malicious acts) are in the selection."""
        return self.all_incident_types or TRACKING_INCIDENT_TYPE in self.incident_types

    @property
    def upper_date(self) -> date | None:
        """The last incident date in the selection: the earlier of date_to and as_of."""
        bounds = [d for d in (self.date_to, self.as_of) if d is not None]
        return min(bounds) if bounds else None

    @property
    def month_aligned(self) -> bool:
        """True when the period starts on a 1st and ends on a month's last day (or is open), so
        month-grain rollups answer exactly."""
        if self.date_from is not None and self.date_from.day != 1:
            return False
        upper = self.upper_date
        if upper is not None:
            last = calendar.monthrange(upper.year, upper.month)[1]
            if upper.day != last:
                return False
        return True

    def replace(self, **changes) -> Filters:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Filters(**values)


class Where:
    """Accumulates `and`-ed SQL conditions with their bound parameters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, *params) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def add_pred(self, pred: tuple[str, list]) -> None:
        sql, params = pred
        if sql != "true":
            self.parts.append(sql)
            self.params.extend(params)

    @property
    def sql(self) -> str:
        return " and ".join(f"({p})" for p in self.parts) if self.parts else "true"


def _is_in(w: Where, col: str, values) -> None:
    """`col` is one of `values`: `col in (?, ?, ...)`, one bound value each."""
    values = list(values)
    w.add(f"{col} in ({', '.join('?' for _ in values)})", *values)


def _any_of(w: Where, col: str, values) -> None:
    """`col` (a list) holds any of `values`. An OR of list_contains, one bound value each: in
    DuckDB 2.0 list_has_any(col, ?::varchar[]) scans several times slower."""
    values = list(values)
    if len(values) > 64:
        w.add(f"list_has_any({col}, ?::varchar[])", values)
        return
    w.add(" or ".join(f"list_contains({col}, ?)" for _ in values), *values)


def person_where(f: Filters, alias: str, *, grain: str) -> Where:
    """Conditions on person-grain rows (rollup_persons if grain='month', fact_persons if 'day').

    The register snapshot condition is added by the caller (it needs the database).
    """
    w = Where()
    date_col = f"{alias}.month" if grain == "month" else f"{alias}.incident_date"
    if f.date_from is not None:
        w.add(f"{date_col} >= ?", f.date_from)
    if f.upper_date is not None:
        w.add(f"{date_col} <= ?", f.upper_date)
    if f.missions:
        _is_in(w, f"{alias}.mission_code", f.missions)
    if f.host_states:
        _is_in(w, f"{alias}.host_state", f.host_states)
    if f.nationalities:
        _is_in(w, f"{alias}.nationality", f.nationalities)
    if f.incident_types:
        _is_in(w, f"{alias}.incident_type", f.incident_types)
    if f.act_types:
        _is_in(w, f"{alias}.act_type", f.act_types)
    if f.personnel_types:
        _is_in(w, f"{alias}.personnel_type", f.personnel_types)
    if f.genders:
        _is_in(w, f"{alias}.gender", f.genders)
    if f.peacekeeping_only:
        w.add(f"{alias}.is_pko")
    if f.verified_only:
        w.add(f"{alias}.verified")
    return w


def incident_where(f: Filters, alias: str, *, rollup: bool = False) -> Where:
    """Conditions on incident- or case-grain rows (fact_incidents, fact_cases, or their rollups
    when `rollup`: then list filters must be empty and dates month-aligned, see `rollup_ok`)."""
    w = Where()
    if not f.includes_tracking:
        w.add("false")
    date_col = f"{alias}.month" if rollup else f"{alias}.incident_date"
    if f.date_from is not None:
        w.add(f"{date_col} >= ?", f.date_from)
    if f.upper_date is not None:
        w.add(f"{date_col} <= ?", f.upper_date)
    if f.missions:
        _is_in(w, f"{alias}.mission_code", f.missions)
    if f.host_states:
        _is_in(w, f"{alias}.host_state", f.host_states)
    if f.act_types:
        _is_in(w, f"{alias}.act_type", f.act_types)
    if f.nationalities:
        _any_of(w, f"{alias}.nationalities", f.nationalities)
    if f.personnel_types:
        _any_of(w, f"{alias}.personnel_types", f.personnel_types)
    if f.genders:
        _any_of(w, f"{alias}.genders", f.genders)
    if f.peacekeeping_only:
        w.add(f"{alias}.is_pko")
    if f.verified_only:
        w.add(f"{alias}.verified")
    return w


def check_dims(by) -> tuple[str, ...]:
    """Validate group-by dimensions against the allow-list (order kept, duplicates dropped)."""
    if isinstance(by, str):
        by = (by,)
    out: list[str] = []
    for d in by or ():
        if d not in DIMENSIONS:
            raise ValueError(f"unknown dimension {d!r}; valid: {', '.join(DIMENSIONS)}")
        if d not in out:
            out.append(d)
    return tuple(out)
