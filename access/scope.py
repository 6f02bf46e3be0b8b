"""The caller's access scope, and the SQL predicates that enforce it in every query.

A `Scope` is built on the server from the user directory (never from anything the browser
sends) and passed explicitly to every metrics function and every cached function, so cache
entries are keyed by it. It is frozen and hashable for that reason.

Roles (resolution 2589 para 5):
- ``hq``: UN headquarters; every row and every field, personal data included.
- ``analyst``: every row; no personal data (names), see access/policy.py.
- ``focal_point``: own mission(s), full detail of their cases.
- ``member_state``: rows that concern the State, as host State (incidents on its territory),
  contributing country (its uniformed personnel among the victims) and/or State of nationality
  of civilian personnel (its civilians among the victims). A State may hold several capacities.
- ``briefing``: aggregates only (Group of Friends screens); no row-level data at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("hq", "analyst", "focal_point", "member_state", "briefing")

UNIFORMED = ("Military", "Police", "Military Observer")
CIVILIAN = ("International Civilian", "Local", "Other")


@dataclass(frozen=True)
class Scope:
    role: str
    missions: tuple[str, ...] = ()  # focal_point: the missions they serve
    host_states: tuple[str, ...] = ()  # member_state as host State
    contributing_states: tuple[str, ...] = ()  # member_state as troop/police contributor
    nationality_states: tuple[str, ...] = ()  # member_state as State of nationality of civilians
    label: str = field(default="", compare=False)  # display only

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; valid roles: {', '.join(ROLES)}")
        if self.role == "focal_point" and not self.missions:
            raise ValueError("a focal_point scope needs at least one mission")
        if self.role == "member_state" and not (
            self.host_states or self.contributing_states or self.nationality_states
        ):
            raise ValueError("a member_state scope needs at least one State capacity")

    @property
    def is_full(self) -> bool:
        """Every row visible (fields may still be withheld: analyst)."""
        return self.role in ("hq", "analyst", "briefing")

    @property
    def aggregates_only(self) -> bool:
        return self.role == "briefing"

    @property
    def suppress_small_counts(self) -> bool:
        """Small-number protection applies to every role below headquarters."""
        return self.role != "hq"

    @property
    def cache_key(self) -> tuple:
        return (
            self.role,
            self.missions,
            self.host_states,
            self.contributing_states,
            self.nationality_states,
        )

    # ------------------------------------------------------------------ SQL predicates
    # Each returns (sql, params) with bound parameters only. `alias` is an identifier chosen by
    # our own code (never user input).

    def incident_predicate(self, alias: str = "f") -> tuple[str, list]:
        """Rows at incident or case grain of fact_incidents / fact_cases.

        Expects columns mission_code, host_state, uniformed_nationalities (varchar[]),
        civilian_nationalities (varchar[]).
        """
        if self.is_full:
            return "true", []
        if self.role == "focal_point":
            return _in(f"{alias}.mission_code", self.missions)
        parts = []
        if self.host_states:
            parts.append(_in(f"{alias}.host_state", self.host_states))
        if self.contributing_states:
            parts.append(
                _contains_any(f"{alias}.uniformed_nationalities", self.contributing_states)
            )
        if self.nationality_states:
            parts.append(_contains_any(f"{alias}.civilian_nationalities", self.nationality_states))
        return _any_of(parts)

    def person_predicate(self, alias: str = "p") -> tuple[str, list]:
        """Rows at person grain (register records, victims, person rollups).

        Expects columns mission_code, host_state, nationality (ISO3), personnel_type.
        A contributing country sees its own uniformed nationals; a State of nationality its own
        civilian nationals; a host State every person harmed on its territory.
        """
        if self.is_full:
            return "true", []
        if self.role == "focal_point":
            return _in(f"{alias}.mission_code", self.missions)
        parts = []
        if self.host_states:
            parts.append(_in(f"{alias}.host_state", self.host_states))
        for states, categories in (
            (self.contributing_states, UNIFORMED),
            (self.nationality_states, CIVILIAN),
        ):
            if states:
                nat_sql, nat_params = _in(f"{alias}.nationality", states)
                cat_sql, cat_params = _in(f"{alias}.personnel_type", categories)
                parts.append((f"({nat_sql} and {cat_sql})", nat_params + cat_params))
        return _any_of(parts)

    def state_predicate(self, column: str) -> tuple[str, list]:
        """Rows attached to one State (assistance.host_state, notifications.recipient_state)."""
        if self.is_full:
            return "true", []
        if self.role == "focal_point":
            return "false", []  # focal points use mission_predicate on these tables
        states = sorted(
            set(self.host_states) | set(self.contributing_states) | set(self.nationality_states)
        )
        return _in(column, states)

    def mission_predicate(self, column: str) -> tuple[str, list]:
        """Rows attached to a mission only (focal points list)."""
        if self.is_full:
            return "true", []
        if self.role == "focal_point":
            return _in(column, self.missions)
        return "true", []  # member States see every mission's focal-point function (no names)


def _any_of(parts: list[tuple[str, list]]) -> tuple[str, list]:
    sql = "(" + " or ".join(p[0] for p in parts) + ")"
    return sql, [v for p in parts for v in p[1]]


FULL = Scope(role="hq", label="UN Headquarters")


def _in(column: str, values: tuple[str, ...] | list[str]) -> tuple[str, list]:
    """`column in (?, ?, ...)`: a scalar IN list (DuckDB 2.0 scans `in (select unnest(?))`
    several times slower)."""
    values = list(values)
    return f"{column} in ({', '.join('?' * len(values))})", values


def _contains_any(column: str, values: tuple[str, ...] | list[str]) -> tuple[str, list]:
    """Any of `values` in the list column: an OR of list_contains (faster than list_has_any
    with a bound list in DuckDB 2.0)."""
    values = list(values)
    return "(" + " or ".join(f"list_contains({column}, ?)" for _ in values) + ")", values
