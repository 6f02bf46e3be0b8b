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
            return f"{alias}.mission_code in (select unnest(?::varchar[]))", [list(self.missions)]
        parts, params = [], []
        if self.host_states:
            parts.append(f"{alias}.host_state in (select unnest(?::varchar[]))")
            params.append(list(self.host_states))
        if self.contributing_states:
            parts.append(f"list_has_any({alias}.uniformed_nationalities, ?::varchar[])")
            params.append(list(self.contributing_states))
        if self.nationality_states:
            parts.append(f"list_has_any({alias}.civilian_nationalities, ?::varchar[])")
            params.append(list(self.nationality_states))
        return "(" + " or ".join(parts) + ")", params

    def person_predicate(self, alias: str = "p") -> tuple[str, list]:
        """Rows at person grain (register records, victims, person rollups).

        Expects columns mission_code, host_state, nationality (ISO3), personnel_type.
        A contributing country sees its own uniformed nationals; a State of nationality its own
        civilian nationals; a host State every person harmed on its territory.
        """
        if self.is_full:
            return "true", []
        if self.role == "focal_point":
            return f"{alias}.mission_code in (select unnest(?::varchar[]))", [list(self.missions)]
        parts, params = [], []
        if self.host_states:
            parts.append(f"{alias}.host_state in (select unnest(?::varchar[]))")
            params.append(list(self.host_states))
        if self.contributing_states:
            parts.append(
                f"({alias}.nationality in (select unnest(?::varchar[]))"
                f" and {alias}.personnel_type in (select unnest(?::varchar[])))"
            )
            params += [list(self.contributing_states), list(UNIFORMED)]
        if self.nationality_states:
            parts.append(
                f"({alias}.nationality in (select unnest(?::varchar[]))"
                f" and {alias}.personnel_type in (select unnest(?::varchar[])))"
            )
            params += [list(self.nationality_states), list(CIVILIAN)]
        return "(" + " or ".join(parts) + ")", params

    def state_predicate(self, column: str) -> tuple[str, list]:
        """Rows attached to one State (assistance.host_state, notifications.recipient_state)."""
        if self.is_full:
            return "true", []
        if self.role == "focal_point":
            return "false", []  # focal points use mission_predicate on these tables
        states = sorted(
            set(self.host_states) | set(self.contributing_states) | set(self.nationality_states)
        )
        return f"{column} in (select unnest(?::varchar[]))", [states]

    def mission_predicate(self, column: str) -> tuple[str, list]:
        """Rows attached to a mission only (focal points list)."""
        if self.is_full:
            return "true", []
        if self.role == "focal_point":
            return f"{column} in (select unnest(?::varchar[]))", [list(self.missions)]
        return "true", []  # member States see every mission's focal-point function (no names)


FULL = Scope(role="hq", label="UN Headquarters")
