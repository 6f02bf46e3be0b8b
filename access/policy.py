"""The disclosure policy, declared once: which fields and pages each role may see.

Everything that withholds a field (access.disclosure), builds the navigation (app.py through
`allowed_pages`) or explains the rules on the Data and methods page (`policy_table`) reads the
declarations below; nothing else decides.

Field visibility values:
- ``ALL``: every row the scope covers;
- ``OWN_TERRITORY``: only rows of incidents on the State's own territory (member_state as host
  State); `visible_columns` drops the column unless every row the scope covers is on the State's
  territory (host-State-only scope), `redact` blanks it row by row;
- ``NONE``: never.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.scope import ROLES, Scope

ALL = "all"
OWN_TERRITORY = "own_territory"
NONE = "none"


@dataclass(frozen=True)
class FieldRule:
    key: str
    columns: tuple[str, ...]  # result column names that carry this field
    label_en: str
    label_fr: str
    visibility: dict[str, str]  # role -> ALL | OWN_TERRITORY | NONE


_HQ_ONLY = {"hq": ALL, "analyst": NONE, "focal_point": NONE, "member_state": NONE, "briefing": NONE}

FIELDS: tuple[FieldRule, ...] = (
    FieldRule(
        "names",
        (
            "full_name",
            "victim_name",
            "victim_full_name",
            "suspect_name",
            "suspect_full_name",
            "focal_point_name",
            "focal_point_full_name",
        ),
        "Names of victims, suspects and focal points",
        "Noms des victimes, des suspects et des points focaux",
        _HQ_ONLY,
    ),
    FieldRule(
        "coordinates",
        ("lat", "lon", "latitude", "longitude"),
        "Exact coordinates of incidents",
        "Coordonnées exactes des incidents",
        _HQ_ONLY,
    ),
    FieldRule("place", ("place",), "Exact place name", "Nom exact du lieu", _HQ_ONLY),
    FieldRule("narrative", ("narrative",), "Narratives", "Récits des faits", _HQ_ONLY),
    FieldRule(
        "perpetrator_group",
        ("perpetrator_group",),
        "Perpetrator groups",
        "Groupes d'auteurs présumés",
        _HQ_ONLY,
    ),
    FieldRule(
        "suspect_affiliation",
        ("affiliation", "suspect_affiliation"),
        "Suspects' affiliation",
        "Affiliation des suspects",
        _HQ_ONLY,
    ),
    FieldRule(
        "admin_area",
        ("admin_area",),
        "Administrative area (province, region)",
        "Division administrative (province, région)",
        {
            "hq": ALL,
            "analyst": ALL,
            "focal_point": ALL,  # rows are already limited to the focal point's own mission(s)
            "member_state": OWN_TERRITORY,
            "briefing": NONE,
        },
    ),
)

# Row-level views (case lists, case pages, map points, row exports): not for briefing screens.
ROW_LEVEL_ROLES = frozenset({"hq", "analyst", "focal_point", "member_state"})

PAGES = (
    "overview",
    "trends",
    "map",
    "gender",
    "cases",
    "member_states",
    "capacity",
    "methods",
    "audit",
)

PAGES_BY_ROLE: dict[str, frozenset[str]] = {
    "hq": frozenset(PAGES),
    "analyst": frozenset(PAGES) - {"audit"},
    "focal_point": frozenset(PAGES) - {"audit"},
    "member_state": frozenset(PAGES) - {"audit"},
    # Aggregates only: no case list or case page; the map shows aggregates (no points).
    "briefing": frozenset(PAGES) - {"audit", "cases"},
}

assert set(PAGES_BY_ROLE) == set(ROLES)
assert all(set(rule.visibility) == set(ROLES) for rule in FIELDS)

WITHHELD_COLUMNS: frozenset[str] = frozenset(c for rule in FIELDS for c in rule.columns)


def allowed_pages(scope: Scope | None) -> set[str]:
    """Page keys this scope may open (empty when not signed in)."""
    if scope is None:
        return set()
    return set(PAGES_BY_ROLE[scope.role])


def row_level_allowed(scope: Scope) -> bool:
    return scope.role in ROW_LEVEL_ROLES


def field_for_column(column: str) -> FieldRule | None:
    for rule in FIELDS:
        if column in rule.columns:
            return rule
    return None


_ROLE_LABELS = {
    "en": {
        "hq": "UN Headquarters",
        "analyst": "Analyst",
        "focal_point": "Mission focal point",
        "member_state": "Member State",
        "briefing": "Briefing (Group of Friends)",
    },
    "fr": {
        "hq": "Siège de l'ONU",
        "analyst": "Analyste",
        "focal_point": "Point focal de mission",
        "member_state": "État Membre",
        "briefing": "Séance d'information (Groupe des amis)",
    },
}
_VALUE_LABELS = {
    "en": {
        ALL: "yes",
        NONE: "no",
        OWN_TERRITORY: "incidents on own territory (host State)",
        "own_mission": "own mission(s)",
        "own_scope": "rows concerning the State",
        "counts": "yes, counts under {t} shown as <{t}",
    },
    "fr": {
        ALL: "oui",
        NONE: "non",
        OWN_TERRITORY: "incidents sur son territoire (État hôte)",
        "own_mission": "sa ou ses missions",
        "own_scope": "lignes qui concernent l'État",
        "counts": "oui, effectifs inférieurs à {t} affichés <{t}",
    },
}


def role_label(role: str, lang: str = "en") -> str:
    return _ROLE_LABELS["fr" if lang == "fr" else "en"][role]


def policy_table(lang: str = "en", threshold: int | None = None):
    """What each role may see, one row per field, one column per role (for Data and methods)."""
    import pandas as pd

    from access import settings

    lang = "fr" if lang == "fr" else "en"
    t = threshold or settings.suppression_threshold()
    values = _VALUE_LABELS[lang]
    roles = list(ROLES)
    rows = []
    for rule in FIELDS:
        label = rule.label_fr if lang == "fr" else rule.label_en
        cells = []
        for role in roles:
            v = rule.visibility[role]
            if role == "focal_point" and v == ALL:
                cells.append(values["own_mission"])
            else:
                cells.append(values[v])
        rows.append([label, *cells])
    rows.append(
        [
            "Lignes (listes et pages de cas, points sur la carte, exports)"
            if lang == "fr"
            else "Rows (case lists and pages, map points, exports)",
            *[
                (
                    values[NONE]
                    if r not in ROW_LEVEL_ROLES
                    else values["own_mission"]
                    if r == "focal_point"
                    else values["own_scope"]
                    if r == "member_state"
                    else values[ALL]
                )
                for r in roles
            ],
        ]
    )
    rows.append(
        [
            "Effectifs agrégés" if lang == "fr" else "Aggregate counts",
            *[values[ALL] if r == "hq" else values["counts"].format(t=t) for r in roles],
        ]
    )
    rows.append(
        [
            "Journal d'audit" if lang == "fr" else "Audit log",
            *[values[ALL] if "audit" in PAGES_BY_ROLE[r] else values[NONE] for r in roles],
        ]
    )
    header = "Champ" if lang == "fr" else "Field"
    return pd.DataFrame(rows, columns=[header, *[role_label(r, lang) for r in roles]])
