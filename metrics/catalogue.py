"""The metric catalogue: one declaration per number the product shows.

Every page, export, briefing and the CLI take definitions, labels and caveats from here, and
docs/metrics.md is generated from it (`metrics.docs.render_markdown`). A test fails when any
field of any metric is empty.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

UNITS = ("incident", "person", "case", "activity", "notification")
FORMATS = ("count", "rate", "days", "hours")

# Filter fields (metrics.filters.Filters) each family of metric respects.
PERSON_FILTERS = (
    "date_from",
    "date_to",
    "missions",
    "host_states",
    "nationalities",
    "incident_types",
    "act_types",
    "personnel_types",
    "genders",
    "peacekeeping_only",
    "verified_only",
    "as_of",
    "snapshot",
)
INCIDENT_FILTERS = tuple(f for f in PERSON_FILTERS if f != "snapshot")
CASE_FILTERS = INCIDENT_FILTERS
ASSISTANCE_FILTERS = ("date_from", "date_to", "missions", "host_states", "as_of")

CAVEAT_REGISTER = (
    "UN fatalities register (NOTICAS): one row per person; latest snapshot unless one is chosen; "
    "past rows are reclassified between snapshots, so every figure belongs to a snapshot. Data "
    "before 2000 may be incomplete; staff of agencies, funds and programmes are not included. "
    "Special political missions and offices are included unless 'peacekeeping only' is set."
)
CAVEAT_TRACKING = (
    "Case tracking records malicious acts only: these figures count under incident type "
    "'Malicious Act' and are zero when that type is filtered out."
)
CAVEAT_LISTS = (
    "Filtering or grouping by nationality, personnel category or gender keeps a case or incident "
    "when any victim matches, so group rows can add up to more than the total."
)
CAVEAT_RATE = "Rate over the selected rows: sum of numerators / sum of denominators, null when 0."


@dataclass(frozen=True)
class Metric:
    key: str
    question: str
    numerator: str
    denominator: str | None  # None for counts; rates and medians state theirs
    unit: str
    filters: tuple[str, ...]
    caveats: str
    format: str
    label_en: str
    label_fr: str
    description_en: str
    description_fr: str
    source_tables: tuple[str, ...]

    def as_row(self) -> dict:
        row = asdict(self)
        row["filters"] = ", ".join(self.filters)
        row["source_tables"] = ", ".join(self.source_tables)
        row["denominator"] = self.denominator or "(none: a count)"
        return row


def _count(key, unit, question, numerator, en, fr, den, dfr, tables, filters, caveats):
    return Metric(
        key, question, numerator, None, unit, filters, caveats, "count", en, fr, den, dfr, tables
    )


def _rate(
    key,
    unit,
    question,
    numerator,
    denominator,
    en,
    fr,
    den,
    dfr,
    tables,
    filters,
    caveats,
    fmt="rate",
):
    return Metric(
        key,
        question,
        numerator,
        denominator,
        unit,
        filters,
        caveats + " " + CAVEAT_RATE if fmt == "rate" else caveats,
        fmt,
        en,
        fr,
        den,
        dfr,
        tables,
    )


_CASES = ("fact_cases", "rollup_cases")
_INC = ("fact_incidents", "rollup_incidents")
_PERS_T = ("rollup_persons_mission", "rollup_persons", "fact_persons", "victims")
_CASE_CAV = (
    CAVEAT_TRACKING
    + " "
    + CAVEAT_LISTS
    + (
        " A case is one national case file (one incident x one State); as of a past date, stages "
        "are those dated on or before it."
    )
)

METRICS: tuple[Metric, ...] = (
    # ------------------------------------------------------------------ persons
    _count(
        "killed",
        "person",
        "How many UN personnel were killed?",
        "persons in the UN fatalities register (outcome killed)",
        "Personnel killed",
        "Personnel tués",
        "Persons in the UN fatalities register matching the filters; incident type defaults to "
        "malicious acts.",
        "Personnes inscrites au registre des décès de l'ONU correspondant aux filtres ; par "
        "défaut, actes de malveillance.",
        ("rollup_persons_mission", "rollup_persons", "fact_persons", "register_records"),
        PERSON_FILTERS,
        CAVEAT_REGISTER,
    ),
    _count(
        "injured",
        "person",
        "How many UN personnel were injured?",
        "victims with outcome injured in case tracking",
        "Personnel injured",
        "Personnel blessé",
        "Victims recorded as injured in case-tracking incidents.",
        "Victimes enregistrées comme blessées dans les incidents suivis.",
        _PERS_T,
        INCIDENT_FILTERS,
        CAVEAT_TRACKING,
    ),
    _count(
        "detained",
        "person",
        "How many UN personnel were detained?",
        "victims with outcome detained, or released after a non-abduction act",
        "Personnel detained",
        "Personnel détenu",
        "Victims recorded as detained, including those since released (unless the act was an "
        "abduction).",
        "Victimes enregistrées comme détenues, y compris celles libérées depuis (sauf enlèvement).",
        _PERS_T,
        INCIDENT_FILTERS,
        CAVEAT_TRACKING,
    ),
    _count(
        "abducted",
        "person",
        "How many UN personnel were abducted?",
        "victims with outcome abducted, or released after an abduction",
        "Personnel abducted",
        "Personnel enlevé",
        "Victims recorded as abducted, including those since released.",
        "Victimes enregistrées comme enlevées, y compris celles libérées depuis.",
        _PERS_T,
        INCIDENT_FILTERS,
        CAVEAT_TRACKING,
    ),
    _rate(
        "malicious_share",
        "person",
        "What share of all fatalities were malicious acts?",
        "persons killed by malicious acts (register)",
        "persons killed, every incident type (register)",
        "Share of malicious acts among fatalities",
        "Part des actes de malveillance parmi les décès",
        "Register fatalities caused by malicious acts divided by all register fatalities; the "
        "incident-type filter is ignored.",
        "Décès dus à des actes de malveillance rapportés à l'ensemble des décès du registre ; "
        "le filtre de type d'incident est ignoré.",
        ("rollup_persons",),
        tuple(f for f in PERSON_FILTERS if f != "incident_types"),
        CAVEAT_REGISTER,
    ),
    _rate(
        "women_share",
        "person",
        "What share of the personnel harmed were women?",
        "women killed (register) + women injured, detained or abducted (case tracking)",
        "all persons killed, injured, detained or abducted, unknown gender included",
        "Share of women among victims",
        "Part des femmes parmi les victimes",
        "Women among persons killed, injured, detained or abducted; persons of unknown gender "
        "stay in the denominator, so this is a lower bound.",
        "Femmes parmi les personnes tuées, blessées, détenues ou enlevées ; le genre inconnu "
        "reste au dénominateur (borne inférieure).",
        ("rollup_persons",),
        PERSON_FILTERS,
        CAVEAT_REGISTER + " " + CAVEAT_TRACKING,
    ),
    _rate(
        "unknown_gender_share",
        "person",
        "For what share of victims is gender unknown?",
        "persons of unknown gender (killed, injured, detained, abducted)",
        "all persons killed, injured, detained or abducted",
        "Share of victims of unknown gender",
        "Part des victimes de genre inconnu",
        "Victims whose gender is not recorded, over all victims.",
        "Victimes dont le genre n'est pas enregistré, sur l'ensemble des victimes.",
        ("rollup_persons",),
        PERSON_FILTERS,
        CAVEAT_REGISTER,
    ),
    _rate(
        "killed_per_1000",
        "person",
        "How many personnel were killed per 1,000 deployed?",
        "persons killed (register) x 1,000",
        "average monthly deployed strength over the months of the period with deployment data",
        "Killed per 1,000 deployed",
        "Tués pour 1 000 déployés",
        "Register fatalities per 1,000 personnel deployed (average monthly strength); only "
        "where deployment data is loaded.",
        "Décès du registre pour 1 000 personnels déployés (effectif mensuel moyen) ; seulement "
        "si les effectifs sont chargés.",
        ("rollup_persons", "deployments"),
        (
            "date_from",
            "date_to",
            "missions",
            "nationalities",
            "genders",
            "incident_types",
            "peacekeeping_only",
            "as_of",
            "snapshot",
        ),
        CAVEAT_REGISTER + " Deployment strength covers contributed (uniformed) personnel; "
        "null where no strength is loaded for the group.",
    ),
    # ------------------------------------------------------------------ incidents
    _count(
        "incidents",
        "incident",
        "How many attacks against UN personnel were recorded?",
        "incidents in case tracking",
        "Incidents",
        "Incidents",
        "Incidents (attacks, detentions, abductions...) against UN personnel in case tracking.",
        "Incidents (attaques, détentions, enlèvements...) contre le personnel de l'ONU suivis.",
        _INC,
        INCIDENT_FILTERS,
        CAVEAT_TRACKING + " " + CAVEAT_LISTS,
    ),
    # ------------------------------------------------------------------ cases and stages
    _count(
        "cases",
        "case",
        "How many national case files exist?",
        "national case files (one incident x one State)",
        "Cases",
        "Dossiers",
        "National case files opened on the selected incidents.",
        "Dossiers nationaux ouverts sur les incidents sélectionnés.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "investigated",
        "case",
        "In how many cases was an investigation opened?",
        "cases with an investigation_opened event",
        "Cases investigated",
        "Dossiers avec enquête",
        "Cases with an investigation opened by national authorities.",
        "Dossiers dans lesquels les autorités nationales ont ouvert une enquête.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _rate(
        "investigation_rate",
        "case",
        "What share of cases are investigated?",
        "cases with an investigation opened",
        "cases",
        "Investigation rate",
        "Taux d'enquête",
        "Cases with an investigation opened divided by cases.",
        "Dossiers avec enquête ouverte rapportés au nombre de dossiers.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "suspects_identified",
        "case",
        "In how many cases was a suspect identified?",
        "cases with a suspect identified, arrested or prosecuted",
        "Cases with suspects identified",
        "Dossiers avec suspects identifiés",
        "Cases where a suspect was identified (an arrest or prosecution implies one).",
        "Dossiers où un suspect a été identifié (une arrestation ou des poursuites l'impliquent).",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _rate(
        "suspects_identified_rate",
        "case",
        "What share of cases have identified suspects?",
        "cases with a suspect identified",
        "cases",
        "Suspect identification rate",
        "Taux d'identification des suspects",
        "Cases with a suspect identified divided by cases.",
        "Dossiers avec suspect identifié rapportés au nombre de dossiers.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "arrested_cases",
        "case",
        "In how many cases was anyone arrested?",
        "cases with an arrest event",
        "Cases with arrests",
        "Dossiers avec arrestations",
        "Cases with at least one arrest.",
        "Dossiers avec au moins une arrestation.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _rate(
        "arrest_rate",
        "case",
        "What share of cases led to an arrest?",
        "cases with an arrest",
        "cases",
        "Arrest rate",
        "Taux d'arrestation",
        "Cases with at least one arrest divided by cases.",
        "Dossiers avec au moins une arrestation rapportés au nombre de dossiers.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "prosecuted",
        "case",
        "How many cases were prosecuted?",
        "cases with charges, a trial opened or a judgment",
        "Cases prosecuted",
        "Dossiers poursuivis",
        "Cases in which charges were brought or a trial opened (a judgment implies both).",
        "Dossiers avec inculpation ou procès ouvert (un jugement implique les deux).",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _rate(
        "prosecution_rate",
        "case",
        "What share of cases were prosecuted?",
        "cases prosecuted",
        "cases",
        "Prosecution rate",
        "Taux de poursuites",
        "Cases prosecuted divided by cases.",
        "Dossiers poursuivis rapportés aux dossiers.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "convicted_cases",
        "case",
        "How many cases ended with a conviction?",
        "cases with at least one conviction (in person or in absentia)",
        "Cases with convictions",
        "Dossiers avec condamnations",
        "Cases with at least one person convicted, in person or in absentia.",
        "Dossiers avec au moins une personne condamnée, présente ou par contumace.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _rate(
        "conviction_rate",
        "case",
        "What share of cases led to a conviction?",
        "cases with at least one conviction",
        "cases",
        "Conviction rate",
        "Taux de condamnation",
        "Cases with at least one conviction divided by cases.",
        "Dossiers avec au moins une condamnation rapportés au nombre de dossiers.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _rate(
        "conviction_rate_prosecuted",
        "case",
        "Of the prosecuted cases, how many led to a conviction?",
        "cases with at least one conviction",
        "cases prosecuted",
        "Conviction rate among prosecuted cases",
        "Taux de condamnation des dossiers poursuivis",
        "Cases with a conviction divided by cases prosecuted.",
        "Dossiers avec condamnation rapportés aux dossiers poursuivis.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "persons_arrested",
        "person",
        "How many persons were arrested?",
        "persons concerned by arrest events (an event without a count is one person)",
        "Persons arrested",
        "Personnes arrêtées",
        "Sum of persons over arrest events of the selected cases.",
        "Somme des personnes des événements d'arrestation des dossiers sélectionnés.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "persons_convicted",
        "person",
        "How many persons were convicted?",
        "persons convicted, in person or in absentia",
        "Persons convicted",
        "Personnes condamnées",
        "Sum of persons over conviction events (in person and in absentia).",
        "Somme des personnes des événements de condamnation (présentes et par contumace).",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "persons_acquitted",
        "person",
        "How many persons were acquitted?",
        "persons acquitted",
        "Persons acquitted",
        "Personnes acquittées",
        "Sum of persons over acquittal events.",
        "Somme des personnes des événements d'acquittement.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "full_justice",
        "case",
        "In how many cases was full justice done?",
        "cases with a conviction in person, no acquittal and no conviction in absentia",
        "Full justice",
        "Justice complète",
        "Cases where at least one person was convicted in person and every person judged was "
        "convicted in person (CPJ impunity index style).",
        "Dossiers où au moins une personne a été condamnée en sa présence et où toutes les "
        "personnes jugées l'ont été ainsi (méthode de l'indice d'impunité du CPJ).",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "partial_justice",
        "case",
        "In how many cases was justice partial?",
        "cases with a conviction plus acquittals or convictions in absentia",
        "Partial justice",
        "Justice partielle",
        "Cases with at least one conviction where someone was also acquitted or convicted in "
        "absentia only.",
        "Dossiers avec au moins une condamnation, mais aussi des acquittements ou des "
        "condamnations par contumace.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "impunity",
        "case",
        "How many cases ended with no conviction?",
        "cases closed without prosecution, or judged with no conviction",
        "Impunity",
        "Impunité",
        "Cases closed without prosecution, or in which every person judged was acquitted.",
        "Dossiers classés sans poursuites, ou dans lesquels toutes les personnes jugées ont été "
        "acquittées.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "pending",
        "case",
        "How many cases are still open?",
        "cases neither judged nor closed",
        "Pending",
        "En cours",
        "Cases with no judgment and not closed.",
        "Dossiers sans jugement et non classés.",
        _CASES,
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "stalled_cases",
        "case",
        "How many open cases have not moved for N days?",
        "pending cases whose last event (or opening) is N days or more before the as-of date",
        "Stalled cases",
        "Dossiers bloqués",
        "Pending cases with no stage change for N days (default 180) as of the as-of date.",
        "Dossiers en cours sans changement d'étape depuis N jours (180 par défaut) à la date "
        "de référence.",
        ("fact_cases",),
        CASE_FILTERS,
        _CASE_CAV,
    ),
    _count(
        "cases_at_stage",
        "case",
        "How many case files are at each stage of the justice chain?",
        "cases whose latest stage event (as of the as-of date) is the stage; 'reported' when "
        "no stage event is recorded yet",
        "Case files at this stage",
        "Dossiers à cette étape",
        "Case files by their current stage: the latest stage reached on or before the as-of "
        "date (the later stage when two fall on the same day).",
        "Dossiers selon leur étape actuelle : la dernière étape atteinte à la date de référence "
        "ou avant (la plus avancée quand deux tombent le même jour).",
        ("fact_cases",),
        CASE_FILTERS,
        _CASE_CAV,
    ),
    # ------------------------------------------------------------------ time to justice
    _rate(
        "median_days_to_investigation",
        "case",
        "How long from the incident to an investigation?",
        "days from incident to the first investigation_opened event",
        "Kaplan-Meier: cases at risk; cases without the event are censored at the as-of date "
        "(or at closure)",
        "Median days to investigation",
        "Délai médian jusqu'à l'enquête (jours)",
        "Kaplan-Meier median of days from incident to investigation; open cases censored.",
        "Médiane de Kaplan-Meier des jours entre l'incident et l'ouverture d'une enquête ; "
        "dossiers ouverts censurés.",
        ("fact_cases",),
        CASE_FILTERS,
        _CASE_CAV + " Null when fewer than half the cases reached the event.",
        fmt="days",
    ),
    _rate(
        "median_days_to_arrest",
        "case",
        "How long from the incident to an arrest?",
        "days from incident to the first arrest event",
        "Kaplan-Meier: cases at risk; cases without the event are censored at the as-of date "
        "(or at closure)",
        "Median days to arrest",
        "Délai médian jusqu'à l'arrestation (jours)",
        "Kaplan-Meier median of days from incident to first arrest; open cases censored.",
        "Médiane de Kaplan-Meier des jours entre l'incident et la première arrestation ; "
        "dossiers ouverts censurés.",
        ("fact_cases",),
        CASE_FILTERS,
        _CASE_CAV + " Null when fewer than half the cases reached the event.",
        fmt="days",
    ),
    _rate(
        "median_days_to_judgment",
        "case",
        "How long from the incident to a judgment?",
        "days from incident to the first judgment (convicted, in absentia or acquitted)",
        "Kaplan-Meier: cases at risk; cases without the event are censored at the as-of date "
        "(or at closure)",
        "Median days to judgment",
        "Délai médian jusqu'au jugement (jours)",
        "Kaplan-Meier median of days from incident to first judgment; open cases censored.",
        "Médiane de Kaplan-Meier des jours entre l'incident et le premier jugement ; dossiers "
        "ouverts censurés.",
        ("fact_cases",),
        CASE_FILTERS,
        _CASE_CAV + " Null when fewer than half the cases reached the event. Cases closed "
        "without prosecution are censored at closure, which flatters the median.",
        fmt="days",
    ),
    # ------------------------------------------------------------------ notifications (para 8)
    _rate(
        "notified_24h_share",
        "incident",
        "Were national authorities notified within 24 hours (para 8)?",
        "incidents whose first notification was sent within 24 h",
        "incidents",
        "Notified within 24 h",
        "Notifiés sous 24 h",
        "Incidents first notified to national authorities within 24 hours, over incidents.",
        "Incidents notifiés aux autorités nationales dans les 24 heures, sur l'ensemble des "
        "incidents.",
        _INC,
        INCIDENT_FILTERS,
        CAVEAT_TRACKING + " The time of an incident may be recorded as 00:00 when unknown.",
    ),
    _rate(
        "notified_72h_share",
        "incident",
        "Were national authorities notified within 72 hours?",
        "incidents whose first notification was sent within 72 h",
        "incidents",
        "Notified within 72 h",
        "Notifiés sous 72 h",
        "Incidents first notified within 72 hours, over incidents.",
        "Incidents notifiés dans les 72 heures, sur l'ensemble des incidents.",
        _INC,
        INCIDENT_FILTERS,
        CAVEAT_TRACKING + " The time of an incident may be recorded as 00:00 when unknown.",
    ),
    _rate(
        "median_notification_hours",
        "incident",
        "How fast are authorities notified?",
        "hours from incident to first notification (median)",
        "incidents notified (never-notified incidents are left out)",
        "Median notification delay (hours)",
        "Délai médian de notification (heures)",
        "Median hours between incident and first notification, over notified incidents.",
        "Médiane des heures entre l'incident et la première notification, incidents notifiés.",
        ("fact_incidents",),
        INCIDENT_FILTERS,
        CAVEAT_TRACKING,
        fmt="hours",
    ),
    _rate(
        "answer_rate",
        "notification",
        "Do States answer the UN's notifications?",
        "notifications with an answer received (on or before the as-of date)",
        "notifications sent",
        "Answer rate",
        "Taux de réponse",
        "Notifications answered by the recipient State divided by notifications sent.",
        "Notifications ayant reçu une réponse de l'État destinataire rapportées aux "
        "notifications envoyées.",
        ("fact_notifications",),
        INCIDENT_FILTERS,
        CAVEAT_TRACKING + " 'No answer received' is a status of its own, never dropped.",
    ),
    # ------------------------------------------------------------------ capacity building
    _count(
        "assistance_activities",
        "activity",
        "How much capacity building did the UN provide (paras 3, 5)?",
        "capacity-building activities started in the period",
        "Capacity-building activities",
        "Activités de renforcement des capacités",
        "Activities (forensics, evidence, investigation, prosecution, court and detention "
        "security, victim and witness protection, training) started in the period.",
        "Activités (police scientifique, preuves, enquête, poursuites, sécurité des tribunaux "
        "et de la détention, protection des victimes et témoins, formation) commencées dans la "
        "période.",
        ("assistance",),
        ASSISTANCE_FILTERS,
        "Dated by start date; an activity without a mission is matched on its host State only.",
    ),
    _count(
        "assistance_participants",
        "person",
        "How many national officials were trained?",
        "participants (women + men + unknown)",
        "Participants",
        "Participants",
        "Participants in capacity-building activities, all genders.",
        "Participants aux activités de renforcement des capacités, tous genres.",
        ("assistance",),
        ASSISTANCE_FILTERS,
        "Unknown gender participants always included.",
    ),
    _count(
        "assistance_participants_unknown",
        "person",
        "For how many participants is the gender not recorded?",
        "participants whose gender is not recorded",
        "Participants of unknown gender",
        "Participants de genre inconnu",
        "Participants in capacity-building activities whose gender was not recorded.",
        "Participants aux activités de renforcement des capacités dont le genre n'est pas "
        "enregistré.",
        ("assistance",),
        ASSISTANCE_FILTERS,
        "Counted in the participants and in the denominator of the share of women.",
    ),
    _rate(
        "assistance_women_share",
        "person",
        "What share of participants were women?",
        "women participants",
        "all participants, unknown gender included",
        "Share of women participants",
        "Part des femmes participantes",
        "Women among participants of capacity-building activities.",
        "Femmes parmi les participants aux activités de renforcement des capacités.",
        ("assistance",),
        ASSISTANCE_FILTERS,
        "Unknown gender stays in the denominator.",
    ),
    # ------------------------------------------------------------------ gender of suspects
    _count(
        "suspects",
        "person",
        "How many suspects are recorded, and of which gender?",
        "suspects and accused recorded in the selected cases",
        "Suspects",
        "Suspects",
        "Suspects and accused by gender (F, M, unknown).",
        "Suspects et accusés par genre (F, M, inconnu).",
        ("fact_cases", "suspects"),
        CASE_FILTERS,
        _CASE_CAV + " Suspect records reflect the latest status, not the as-of date.",
    ),
    # ------------------------------------------------------------------ completeness
    _rate(
        "share_unverified",
        "incident",
        "How much of the record is not yet confirmed?",
        "incidents whose verification is not 'confirmed'",
        "incidents",
        "Share not confirmed",
        "Part non confirmée",
        "Incidents graded probable, possible or unverified, over incidents.",
        "Incidents classés probables, possibles ou non vérifiés, sur l'ensemble des incidents.",
        ("fact_incidents",),
        INCIDENT_FILTERS,
        CAVEAT_TRACKING,
    ),
    _rate(
        "share_unknown_gender",
        "person",
        "For how many victims is gender missing?",
        "victims (tracking) and register fatalities of unknown gender",
        "victims and register fatalities",
        "Share of unknown gender",
        "Part de genre inconnu",
        "Persons whose gender is not recorded, over persons.",
        "Personnes dont le genre n'est pas enregistré, sur l'ensemble.",
        ("rollup_persons",),
        PERSON_FILTERS,
        CAVEAT_REGISTER,
    ),
    _rate(
        "share_missing_stage_dates",
        "case",
        "How many case files have gaps in their history?",
        "cases with no event at all, or a later stage (arrest, prosecution, judgment) without "
        "an investigation date, or a judgment without charges or trial date",
        "cases",
        "Share of cases with missing stage dates",
        "Part des dossiers aux étapes non datées",
        "Cases whose stage history has gaps, over cases.",
        "Dossiers dont l'historique des étapes présente des lacunes, sur l'ensemble.",
        ("fact_cases",),
        CASE_FILTERS,
        _CASE_CAV,
    ),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}


def catalogue_frame() -> pd.DataFrame:
    """The catalogue as a table, one row per metric."""
    return pd.DataFrame([m.as_row() for m in METRICS])


def label(key: str, lang: str = "en") -> str:
    m = BY_KEY[key]
    return m.label_fr if lang == "fr" else m.label_en


# French for the numerators and denominators above (keyed by the English text, which several
# metrics share); tests/test_metrics_catalogue.py checks that every one has its French.
TERMS_FR: dict[str, str] = {
    "persons in the UN fatalities register (outcome killed)": (
        "personnes inscrites au registre des décès de l'ONU (issue : tué)"
    ),
    "victims with outcome injured in case tracking": "victimes blessées (suivi des dossiers)",
    "victims with outcome detained, or released after a non-abduction act": (
        "victimes détenues, ou libérées après un acte autre qu'un enlèvement"
    ),
    "victims with outcome abducted, or released after an abduction": (
        "victimes enlevées, ou libérées après un enlèvement"
    ),
    "persons killed by malicious acts (register)": (
        "personnes tuées par des actes malveillants (registre)"
    ),
    "persons killed, every incident type (register)": (
        "personnes tuées, tous types d'incident (registre)"
    ),
    "women killed (register) + women injured, detained or abducted (case tracking)": (
        "femmes tuées (registre) + femmes blessées, détenues ou enlevées (suivi des dossiers)"
    ),
    "all persons killed, injured, detained or abducted, unknown gender included": (
        "toutes les personnes tuées, blessées, détenues ou enlevées, genre inconnu compris"
    ),
    "persons of unknown gender (killed, injured, detained, abducted)": (
        "personnes de genre inconnu (tuées, blessées, détenues, enlevées)"
    ),
    "all persons killed, injured, detained or abducted": (
        "toutes les personnes tuées, blessées, détenues ou enlevées"
    ),
    "persons killed (register) x 1,000": "personnes tuées (registre) x 1 000",
    "average monthly deployed strength over the months of the period with deployment data": (
        "effectif déployé mensuel moyen, sur les mois de la période dont l'effectif est connu"
    ),
    "incidents in case tracking": "incidents du suivi des dossiers",
    "national case files (one incident x one State)": (
        "dossiers nationaux (un incident x un État)"
    ),
    "cases with an investigation_opened event": ("dossiers avec un événement « enquête ouverte »"),
    "cases with an investigation opened": "dossiers avec une enquête ouverte",
    "cases": "dossiers",
    "cases with a suspect identified, arrested or prosecuted": (
        "dossiers avec un suspect identifié, arrêté ou poursuivi"
    ),
    "cases with a suspect identified": "dossiers avec un suspect identifié",
    "cases with an arrest event": "dossiers avec un événement « arrestation »",
    "cases with an arrest": "dossiers avec une arrestation",
    "cases with charges, a trial opened or a judgment": (
        "dossiers avec inculpation, procès ouvert ou jugement"
    ),
    "cases prosecuted": "dossiers poursuivis",
    "cases with at least one conviction (in person or in absentia)": (
        "dossiers avec au moins une condamnation (contradictoire ou par contumace)"
    ),
    "cases with at least one conviction": "dossiers avec au moins une condamnation",
    "persons concerned by arrest events (an event without a count is one person)": (
        "personnes visées par des arrestations (un événement sans nombre compte une personne)"
    ),
    "persons convicted, in person or in absentia": (
        "personnes condamnées, contradictoirement ou par contumace"
    ),
    "persons acquitted": "personnes acquittées",
    "cases with a conviction in person, no acquittal and no conviction in absentia": (
        "dossiers avec une condamnation contradictoire, sans acquittement ni condamnation "
        "par contumace"
    ),
    "cases with a conviction plus acquittals or convictions in absentia": (
        "dossiers avec une condamnation et des acquittements ou condamnations par contumace"
    ),
    "cases closed without prosecution, or judged with no conviction": (
        "dossiers classés sans suite, ou jugés sans condamnation"
    ),
    "cases neither judged nor closed": "dossiers ni jugés ni classés",
    "pending cases whose last event (or opening) is N days or more before the as-of date": (
        "dossiers en cours dont le dernier événement (ou l'ouverture) date de N jours ou plus "
        "avant la date de référence"
    ),
    "cases whose latest stage event (as of the as-of date) is the stage; 'reported' when no "
    "stage event is recorded yet": (
        "dossiers dont la dernière étape (à la date de référence) est celle-ci ; « signalé » "
        "quand aucune étape n'est encore enregistrée"
    ),
    "days from incident to the first investigation_opened event": (
        "jours entre l'incident et la première ouverture d'enquête"
    ),
    "days from incident to the first arrest event": (
        "jours entre l'incident et la première arrestation"
    ),
    "days from incident to the first judgment (convicted, in absentia or acquitted)": (
        "jours entre l'incident et le premier jugement (condamnation, par contumace ou "
        "acquittement)"
    ),
    "Kaplan-Meier: cases at risk; cases without the event are censored at the as-of date (or "
    "at closure)": (
        "Kaplan-Meier : dossiers exposés ; les dossiers sans l'événement sont censurés à la date "
        "de référence (ou à leur clôture)"
    ),
    "incidents whose first notification was sent within 24 h": (
        "incidents dont la première notification a été envoyée dans les 24 h"
    ),
    "incidents whose first notification was sent within 72 h": (
        "incidents dont la première notification a été envoyée dans les 72 h"
    ),
    "incidents": "incidents",
    "hours from incident to first notification (median)": (
        "heures entre l'incident et la première notification (médiane)"
    ),
    "incidents notified (never-notified incidents are left out)": (
        "incidents notifiés (les incidents jamais notifiés sont exclus)"
    ),
    "notifications with an answer received (on or before the as-of date)": (
        "notifications ayant reçu une réponse (au plus tard à la date de référence)"
    ),
    "notifications sent": "notifications envoyées",
    "capacity-building activities started in the period": (
        "activités de renforcement des capacités commencées dans la période"
    ),
    "participants (women + men + unknown)": "participants (femmes + hommes + inconnu)",
    "women participants": "participantes",
    "participants whose gender is not recorded": "participants dont le genre n'est pas enregistré",
    "all participants, unknown gender included": "tous les participants, genre inconnu compris",
    "suspects and accused recorded in the selected cases": (
        "suspects et accusés enregistrés dans les dossiers sélectionnés"
    ),
    "incidents whose verification is not 'confirmed'": (
        "incidents dont la vérification n'est pas « confirmé »"
    ),
    "victims (tracking) and register fatalities of unknown gender": (
        "victimes (suivi) et décès du registre de genre inconnu"
    ),
    "victims and register fatalities": "victimes et décès du registre",
    "(none: a count)": "(aucun : un compte)",
    "cases with no event at all, or a later stage (arrest, prosecution, judgment) without an "
    "investigation date, or a judgment without charges or trial date": (
        "dossiers sans aucun événement, ou avec une étape avancée (arrestation, poursuite, "
        "jugement) sans date d'enquête, ou un jugement sans date d'inculpation ni de procès"
    ),
}


def term(text: str | None, lang: str) -> str | None:
    """A numerator or denominator of the catalogue in `lang` (en or fr)."""
    if text is None or lang != "fr":
        return text
    return TERMS_FR.get(text, text)
