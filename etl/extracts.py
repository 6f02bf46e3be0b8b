"""Extract kinds: what a file is, recognised from its header alone.

One kind per source format: the UN fatalities register in its two published schemas, and one
kind per table of the project's case-tracking format (columns = the table's columns in
etl/schema.sql minus batch_id and synthetic). docs/data-dictionary.md describes every column;
a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# Column value types understood by etl/validate.py.
TEXT = "text"
DATE = "date"  # YYYY-MM-DD
TIMESTAMP = "timestamp"  # YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]
INTEGER = "integer"  # whole number >= 0
M49 = "m49"  # whole number, '250' or '250.0' (new register schema writes floats)
LATITUDE = "latitude"
LONGITUDE = "longitude"

# Code lists checked against the reference tables.
MISSION = "mission"  # ref_mission_aliases.alias -> canonical mission_code
COUNTRY = "country"  # ref_countries.iso3

ACT_TYPES = (
    "killing",
    "armed_attack",
    "ied_mine",
    "indirect_fire",
    "ambush",
    "detention",
    "abduction",
    "assault",
    "attack_on_premises",
    "other",
)
VERIFICATION = ("confirmed", "probable", "possible", "unverified")
VICTIM_OUTCOMES = ("killed", "injured", "detained", "abducted", "released")
STAGES = (
    "notified",
    "investigation_opened",
    "suspect_identified",
    "arrest",
    "detention",
    "charges",
    "trial_opened",
    "convicted",
    "convicted_in_absentia",
    "acquitted",
    "sentence",
    "appeal",
    "closed_without_prosecution",
)
JUDGMENTS = ("convicted", "convicted_in_absentia", "acquitted")
SUSPECT_STATUS = (
    "identified",
    "at_large",
    "arrested",
    "detained",
    "charged",
    "convicted",
    "convicted_in_absentia",
    "acquitted",
    "released",
    "deceased",
)
GENDERS = ("F", "M", "unknown")
CHANNELS = ("note_verbale", "letter", "meeting", "email", "other")
ASSISTANCE_TYPES = (
    "forensics",
    "evidence",
    "investigation",
    "prosecution",
    "court_security",
    "detention",
    "victim_witness_protection",
    "training",
)
PERSONNEL_TYPES = (
    "Military",
    "Police",
    "Military Observer",
    "International Civilian",
    "Local",
    "Other",
)
AGE_BANDS = ("under_18", "18-24", "25-34", "35-44", "45-54", "55+", "unknown")
INCIDENT_TYPES = (
    "Malicious Act",
    "Accident",
    "Illness",
    "Self-Inflicted",
    "To Be Determined",
    "Unknown",
)

# Stage order within one case: (stage, stages it can never precede). An event of the first
# kind dated before the case's first event of any of the second kind is an impossible sequence.
STAGE_ORDER: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("charges",), ("investigation_opened",)),
    (("trial_opened",), ("investigation_opened", "charges")),
    (JUDGMENTS, ("investigation_opened", "charges", "trial_opened")),
    (("sentence",), ("convicted", "convicted_in_absentia")),
    (("appeal",), JUDGMENTS),
)


@dataclass(frozen=True)
class Column:
    """One column of an extract: its name in the file, value type and constraints."""

    name: str
    type: str = TEXT
    required: bool = False
    accepted: tuple[str, ...] | None = None
    code: str | None = None  # MISSION or COUNTRY
    description: str = ""
    default: str | None = None  # SQL literal stored when the cell is empty


@dataclass(frozen=True)
class Reference:
    """A column that must name a row of another case-tracking table (in the database or in
    a file of the same load)."""

    column: str
    table: str
    parent_column: str


@dataclass(frozen=True)
class ExtractKind:
    """A recognised extract format. `columns` are the names as staged (for the old register
    schema, `header_names` gives the names as written in the file)."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str
    references: tuple[Reference, ...] = ()
    header_names: tuple[str, ...] = field(default=())

    @property
    def header(self) -> tuple[str, ...]:
        """The header as written in the file."""
        return self.header_names or tuple(c.name for c in self.columns)

    @property
    def is_register(self) -> bool:
        return self.table == "register_records"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type: str = TEXT, required: bool = False, **kw) -> Column:  # noqa: A002
    return Column(name, type, required, **kw)


_REGISTER_COMMON = {
    "casualty_id": _c("casualty_id", required=True, description="MISSION-YYYY-MM-NNNNN"),
    "incident_date": _c("incident_date", DATE, True),
    "mission_acronym": _c("mission_acronym", required=True, code=MISSION),
    "type_of_casualty": _c("type_of_casualty", required=True, accepted=("Fatality",)),
    "casualty_nationality": _c("casualty_nationality"),
    "m49_code": _c("m49_code", M49),
    "isocode3": _c("isocode3", code=COUNTRY),
    # Accepted after trimming: the register writes 'Local ' with a trailing space.
    "casualty_personnel_type": _c(
        "casualty_personnel_type", required=True, accepted=PERSONNEL_TYPES
    ),
    "type_of_incident": _c("type_of_incident", required=True, accepted=INCIDENT_TYPES),
}

REGISTER_OLD = ExtractKind(
    name="register_old",
    table="register_records",
    description="UN fatalities register, old schema (odp_noticas.csv; UTF-8 with BOM, CamelCase)",
    columns=tuple(
        _REGISTER_COMMON[n]
        for n in (
            "casualty_id",
            "incident_date",
            "mission_acronym",
            "type_of_casualty",
            "casualty_nationality",
            "m49_code",
            "isocode3",
            "casualty_personnel_type",
            "type_of_incident",
        )
    ),
    header_names=(
        "Casualty_ID",
        "Incident_Date",
        "Mission_Acronym",
        "Type_of_Casualty",
        "Casualty_Nationality",
        "M49_Code",
        "ISOCode3",
        "Casualty_Personnel_Type",
        "Type_Of_Incident",
    ),
    key=("casualty_id", "casualty_nationality"),
)

REGISTER_NEW = ExtractKind(
    name="register_new",
    table="register_records",
    description="UN fatalities register, new schema (DPPADPOSS-FATALITIES; snake_case)",
    columns=(
        _c("id", INTEGER, True),
        _REGISTER_COMMON["incident_date"],
        _REGISTER_COMMON["casualty_id"],
        _REGISTER_COMMON["mission_acronym"],
        _REGISTER_COMMON["type_of_casualty"],
        _c("gender", accepted=("M", "F")),
        _REGISTER_COMMON["casualty_nationality"],
        _REGISTER_COMMON["casualty_personnel_type"],
        _REGISTER_COMMON["type_of_incident"],
        _REGISTER_COMMON["m49_code"],
        _REGISTER_COMMON["isocode3"],
        _c("last_update", DATE, True),
    ),
    key=("casualty_id", "casualty_nationality"),
)

INCIDENTS = ExtractKind(
    name="incidents",
    table="incidents",
    description="One row per incident against UN personnel",
    columns=(
        _c("incident_id", required=True),
        _c("occurred_at", TIMESTAMP, True),
        _c("mission_code", required=True, code=MISSION),
        _c("host_state", required=True, code=COUNTRY),
        _c("admin_area"),
        _c("place"),
        _c("lat", LATITUDE),
        _c("lon", LONGITUDE),
        _c("act_type", required=True, accepted=ACT_TYPES),
        _c("perpetrator_group"),
        _c("narrative"),
        _c("verification", required=True, accepted=VERIFICATION),
        _c("source"),
    ),
    key=("incident_id",),
)

VICTIMS = ExtractKind(
    name="victims",
    table="victims",
    description="One row per person affected in an incident",
    columns=(
        _c("victim_id", required=True),
        _c("incident_id", required=True),
        _c("personnel_category", required=True, accepted=PERSONNEL_TYPES),
        _c("nationality", required=True, code=COUNTRY),
        _c("gender", required=True, accepted=GENDERS),
        _c("age_band", accepted=AGE_BANDS),
        _c("outcome", required=True, accepted=VICTIM_OUTCOMES),
        _c("casualty_id"),
        _c("full_name"),
    ),
    key=("victim_id",),
    references=(Reference("incident_id", "incidents", "incident_id"),),
)

CASES = ExtractKind(
    name="cases",
    table="cases",
    description="One row per national case file (incident x jurisdiction)",
    columns=(
        _c("case_id", required=True),
        _c("incident_id", required=True),
        _c("state", required=True, code=COUNTRY),
        _c("authority"),
    ),
    key=("case_id",),
    references=(Reference("incident_id", "incidents", "incident_id"),),
)

CASE_EVENTS = ExtractKind(
    name="case_events",
    table="case_events",
    description="One row per stage reached by a case",
    columns=(
        _c("event_id", required=True),
        _c("case_id", required=True),
        _c("event_date", DATE, True),
        _c("stage", required=True, accepted=STAGES),
        _c("persons", INTEGER),
        _c("source", required=True),
    ),
    key=("event_id",),
    references=(Reference("case_id", "cases", "case_id"),),
)

SUSPECTS = ExtractKind(
    name="suspects",
    table="suspects",
    description="One row per suspect or accused in a case",
    columns=(
        _c("suspect_id", required=True),
        _c("case_id", required=True),
        _c("affiliation"),
        _c("gender", required=True, accepted=GENDERS),
        _c("status", required=True, accepted=SUSPECT_STATUS),
        _c("full_name"),
    ),
    key=("suspect_id",),
    references=(Reference("case_id", "cases", "case_id"),),
)

NOTIFICATIONS = ExtractKind(
    name="notifications",
    table="notifications",
    description="One row per notification to national authorities (para 8)",
    columns=(
        _c("notification_id", required=True),
        _c("incident_id", required=True),
        _c("sent_at", TIMESTAMP, True),
        _c("channel", required=True, accepted=CHANNELS),
        _c("recipient_state", required=True, code=COUNTRY),
        _c("answer_received_on", DATE),
    ),
    key=("notification_id",),
    references=(Reference("incident_id", "incidents", "incident_id"),),
)

ASSISTANCE = ExtractKind(
    name="assistance",
    table="assistance",
    description="One row per capacity-building activity (paras 3, 5)",
    columns=(
        _c("assistance_id", required=True),
        _c("host_state", required=True, code=COUNTRY),
        _c("mission_code", code=MISSION),
        _c("start_date", DATE, True),
        _c("end_date", DATE),
        _c("assistance_type", required=True, accepted=ASSISTANCE_TYPES),
        _c("beneficiary"),
        _c("participants_f", INTEGER, default="0"),
        _c("participants_m", INTEGER, default="0"),
        _c("participants_unknown", INTEGER, default="0"),
    ),
    key=("assistance_id",),
)

FOCAL_POINTS = ExtractKind(
    name="focal_points",
    table="focal_points",
    description="One row per focal-point designation (para 9)",
    columns=(
        _c("focal_point_id", required=True),
        _c("mission_code", required=True, code=MISSION),
        _c("function", required=True),
        _c("full_name"),
        _c("from_date", DATE, True),
        _c("to_date", DATE),
    ),
    key=("focal_point_id",),
)

DEPLOYMENTS = ExtractKind(
    name="deployments",
    table="deployments",
    description="Deployed strength: month x mission x contributing country x gender",
    columns=(
        _c("month", DATE, True),
        _c("mission_code", required=True, code=MISSION),
        _c("contributor", required=True, code=COUNTRY),
        _c("gender", required=True, accepted=("F", "M")),
        _c("strength", INTEGER, True),
    ),
    key=("month", "mission_code", "contributor", "gender"),
)

KINDS: dict[str, ExtractKind] = {
    k.name: k
    for k in (
        REGISTER_OLD,
        REGISTER_NEW,
        INCIDENTS,
        VICTIMS,
        CASES,
        CASE_EVENTS,
        SUSPECTS,
        NOTIFICATIONS,
        ASSISTANCE,
        FOCAL_POINTS,
        DEPLOYMENTS,
    )
}

# Case-tracking kinds in load order: parents before children.
CASE_TRACKING = tuple(k for k in KINDS.values() if not k.is_register)


def clean_header(header: Sequence[object]) -> list[str]:
    """Header cells as compared: BOM and surrounding spaces removed, empty cells as ''."""
    out = [("" if h is None else str(h)).lstrip("\ufeff").strip() for h in header]
    while out and out[-1] == "":  # trailing empty cells (spreadsheets) do not count
        out.pop()
    return out


def recognise(header: Sequence[object]) -> ExtractKind | None:
    """The kind whose columns are exactly these (any order), or None."""
    names = clean_header(header)
    if len(set(names)) != len(names):
        return None
    for kind in KINDS.values():
        if set(names) == set(kind.header):
            return kind
    return None


def closest(header: Sequence[object]) -> ExtractKind:
    """The kind sharing most column names with this header (to explain a wrong header)."""
    names = set(clean_header(header))
    return max(
        KINDS.values(),
        key=lambda k: len(names & set(k.header)) / len(set(k.header) | names),
    )


def describe_expected() -> str:
    """Every accepted header, one kind per line."""
    return "\n".join(f"  {k.name}: {','.join(k.header)}" for k in KINDS.values())
