"""The metrics on the real UN fatalities register reproduce figures the UN has published.

The three snapshots in ../shared/data/external/un-pko-fatalities are loaded with the ETL's own
loader (etl.load.load) into a temporary database; every figure below names its source, the
snapshot and the filters. Where a published figure does not reproduce, the test pins what the
register says and the docstring explains why.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import REGISTER_2021, REGISTER_2023, REGISTER_2025

import metrics
from access.scope import FULL
from metrics import Filters

pytestmark = pytest.mark.real_data

SNAP_2021 = date(2021, 6, 10)  # old schema: no last_update column, max(incident_date)
SNAP_2023 = date(2023, 11, 28)
SNAP_2025 = date(2025, 4, 4)
UNIFORMED = ("Military", "Police", "Military Observer")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    if not REGISTER_2023.exists():
        pytest.skip("real register snapshots not available")
    import duckdb

    from etl.load import load

    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    result = load([REGISTER_2021, REGISTER_2023, REGISTER_2025], db)
    assert result.status == "loaded", result.problems
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def killed(con, **filters) -> int:
    return int(metrics.kpis(con, Filters(**filters), FULL)["killed"].iloc[0])


def killed_by(con, by, **filters) -> dict:
    df = metrics.kpis(con, Filters(**filters), FULL, by=(by,))
    return {k: int(v) for k, v in zip(df[by], df["killed"], strict=True) if v}


YEAR_2022 = dict(date_from="2022-01-01", date_to="2022-12-31")
YEAR_2021 = dict(date_from="2021-01-01", date_to="2021-12-31")


# ------------------------------------------------------------------ SOURCE.md's own counts
@pytest.mark.parametrize(
    ("snapshot", "expected"),
    [
        (
            SNAP_2021,
            {
                "Illness": 1387,
                "Accident": 1367,
                "Malicious Act": 1069,
                "Self-Inflicted": 136,
                "To Be Determined": 130,
                "Unknown": 28,
            },
        ),
        (
            SNAP_2023,
            {
                "Illness": 1516,
                "Accident": 1395,
                "Malicious Act": 1118,
                "Self-Inflicted": 138,
                "To Be Determined": 144,
                "Unknown": 39,
            },
        ),
        (
            SNAP_2025,
            {
                "Illness": 1643,
                "Accident": 1412,
                "Malicious Act": 1134,
                "Self-Inflicted": 148,
                "To Be Determined": 60,
                "Unknown": 32,
            },
        ),
    ],
)
def test_counts_by_incident_type_match_the_source_notes(con, snapshot, expected):
    """SOURCE.md 'By type of incident' (rows of each file, six Montenegro duplicates kept)."""
    assert killed_by(con, "incident_type", snapshot=snapshot, incident_types=()) == expected
    assert killed(con, snapshot=snapshot, incident_types=()) == sum(expected.values())


def test_personnel_types_and_gender_match_the_source_notes(con):
    """SOURCE.md: personnel type and gender counts, snapshot 2023-11-28, all incident types."""
    assert killed_by(con, "personnel_type", snapshot=SNAP_2023, incident_types=()) == {
        "Military": 3003,
        "Local": 534,
        "International Civilian": 341,
        "Police": 308,
        "Military Observer": 95,
        "Other": 69,
    }
    assert killed_by(con, "gender", snapshot=SNAP_2023, incident_types=()) == {
        "M": 4143,
        "F": 52,
        "unknown": 155,
    }
    assert killed_by(con, "gender", snapshot=SNAP_2025, incident_types=()) == {
        "M": 4205,
        "F": 73,
        "unknown": 151,
    }


def test_focus_missions_table_matches_the_source_notes(con):
    """SOURCE.md 'Focus missions, 2023-11, all years' (incident type x mission)."""
    expected = {
        "MINUSCA": {
            "Accident": 38,
            "Illness": 86,
            "Malicious Act": 52,
            "Self-Inflicted": 1,
            "To Be Determined": 10,
        },
        "MINUSMA": {
            "Accident": 38,
            "Illness": 83,
            "Malicious Act": 174,
            "To Be Determined": 14,
            "Unknown": 2,
        },
        "MONUSCO": {
            "Accident": 44,
            "Illness": 148,
            "Malicious Act": 55,
            "Self-Inflicted": 1,
            "To Be Determined": 19,
            "Unknown": 3,
        },
    }
    for mission, by_type in expected.items():
        got = killed_by(
            con, "incident_type", snapshot=SNAP_2023, incident_types=(), missions=(mission,)
        )
        assert got == by_type, mission


def test_latest_snapshot_is_the_default_and_past_snapshots_stay_reproducible(con):
    assert metrics.register_snapshot(con, Filters()) == SNAP_2025
    assert killed(con) == 1134
    # as of the end of 2023 the 2023-11-28 snapshot is the one that stood
    assert killed(con, as_of="2023-12-31") == 1118


# ------------------------------------------------------------------ published UN figures
def test_malicious_act_deaths_in_2022_as_published_by_the_un_staff_union(con):
    """UN Staff Union press release, 20 January 2023, "Deadly malicious attacks continue in
    2022 against United Nations peacekeeping and associated personnel" (republished on
    turkmenistan.un.org/tk/node/216841; also Xinhua 2023-01-21): at least 32 peacekeeping
    personnel killed in deliberate attacks in 2022, 28 military and 4 police including 1 woman
    police officer; by nationality Bangladesh 3, Chad 4, Egypt 7, Guinea 1, India 2, Ireland 1,
    Jordan 1, Morocco 1, Nepal 1, Nigeria 2, Pakistan 7, Russian Federation 1, Serbia 1;
    MONUSCO 13, UNIFIL 1.

    Snapshot 2023-11-28, incident type Malicious Act, incident dates 2022-01-01..2022-12-31.
    Reproduced exactly: total, personnel types, the woman police officer, every nationality,
    MONUSCO and UNIFIL.
    Not reproduced: MINUSMA 14 and MINUSCA 4 in the release; the register has MINUSMA 15 and
    MINUSCA 3 (same total). The Moroccan peacekeeper killed in MINUSCA on 24 Nov 2022
    (MINUSCA-2022-11-00004) is 'To Be Determined' in the 2023-11-28 snapshot and 'Malicious Act'
    in 2025-04-04, which then gives MINUSCA 4 but a total of 33: the union counted its own
    sources in January 2023, the register reclassified later. Figures belong to a snapshot.
    """
    f = dict(snapshot=SNAP_2023, **YEAR_2022)
    assert killed(con, **f) == 32
    assert killed_by(con, "personnel_type", **f) == {"Military": 28, "Police": 4}
    assert killed(con, genders=("F",), personnel_types=("Police",), **f) == 1
    assert killed(con, genders=("F",), **f) == 1
    assert killed_by(con, "nationality", **f) == {
        "BGD": 3,
        "TCD": 4,
        "EGY": 7,
        "GIN": 1,
        "IND": 2,
        "IRL": 1,
        "JOR": 1,
        "MAR": 1,
        "NPL": 1,
        "NGA": 2,
        "PAK": 7,
        "RUS": 1,
        "SRB": 1,
    }
    by_mission = killed_by(con, "mission", **f)
    assert (by_mission["MONUSCO"], by_mission["UNIFIL"]) == (13, 1)
    assert (by_mission["MINUSMA"], by_mission["MINUSCA"]) == (15, 3)  # release: 14 and 4
    later = killed_by(con, "mission", snapshot=SNAP_2025, **YEAR_2022)
    assert later["MINUSCA"] == 4 and sum(later.values()) == 33


def test_malicious_act_deaths_in_2021_as_published_by_the_un_staff_union(con):
    """UN Staff Union via UN press release ORG/1722, 4 February 2022 (press.un.org/en/2022/
    org1722.doc.htm), "At Least 25 Peacekeeping, Associated Personnel Killed in Malicious
    Attacks during 2021": 25 killed, 24 peacekeepers (2 women) and 1 civilian; MINUSMA 19
    peacekeepers, MINUSCA 4; peacekeepers from Togo 8, Chad 4, Côte d'Ivoire 3, Egypt 3, Rwanda,
    Burundi, DR Congo, Gabon, Malawi, Morocco 1 each; the civilian from DR Congo.

    Snapshot 2023-11-28, Malicious Act, 2021. Reproduced: 25, 24 uniformed + 1 civilian, 2 women,
    MINUSMA 19 uniformed, MINUSCA 4, and Togo, Chad, Egypt, Rwanda, Burundi, Gabon, Malawi,
    Morocco. Not reproduced: the register lists 4 Ivorian peacekeepers (the fourth,
    MINUSMA-2021-01-00013, died on 14 Jan, the day after the 13 Jan attack) and no Congolese
    peacekeeper, and its one civilian is Malian local staff of MINUSMA, not Congolese.
    """
    f = dict(snapshot=SNAP_2023, **YEAR_2021)
    assert killed(con, **f) == 25
    assert killed(con, personnel_types=UNIFORMED, **f) == 24
    assert killed(con, genders=("F",), **f) == 2
    assert killed_by(con, "mission", personnel_types=UNIFORMED, **f) == {
        "MINUSMA": 19,
        "MINUSCA": 4,
        "MONUSCO": 1,
    }
    nat = killed_by(con, "nationality", personnel_types=UNIFORMED, **f)
    for iso3, n in {
        "TGO": 8,
        "TCD": 4,
        "EGY": 3,
        "RWA": 1,
        "BDI": 1,
        "GAB": 1,
        "MWI": 1,
        "MAR": 1,
    }.items():
        assert nat[iso3] == n, iso3
    assert nat["CIV"] == 4 and "COD" not in nat  # release: Côte d'Ivoire 3, DR Congo 1
    assert killed_by(con, "nationality", personnel_types=("Local",), **f) == {"MLI": 1}


def test_over_250_peacekeepers_killed_in_drc_mali_and_car_since_2013(con):
    """IPI, "Accountability for Crimes against Peacekeepers" (March 2023), see
    ../shared/DOMAIN.md: since 2013 over 250 peacekeepers were killed in DRC, Mali and CAR.
    Snapshot 2023-11-28, Malicious Act, 2013-01-01..2023-03-31, MINUSMA + MONUSCO + MINUSCA
    (by mission since 2013): 172 + 51 + 51 = 274."""
    by_mission = killed_by(
        con,
        "mission",
        snapshot=SNAP_2023,
        date_from="2013-01-01",
        date_to="2023-03-31",
        missions=("MINUSMA", "MONUSCO", "MINUSCA"),
    )
    assert by_mission == {"MINUSMA": 172, "MONUSCO": 51, "MINUSCA": 51}
    assert sum(by_mission.values()) > 250


def test_more_than_4400_fatalities_since_1948(con):
    """UN, International Day of UN Peacekeepers, 29 May 2025 (reported by afripost.ng
    2025-05-30): "more than 4,400 peacekeepers have died in the line of duty" since 1948.
    Snapshot 2025-04-04, every incident type: 4,429 with special political missions and offices,
    4,237 with peacekeeping operations only: the UN's total counts every mission in the register,
    although its statements say "peacekeepers" (see DOMAIN.md)."""
    assert killed(con, snapshot=SNAP_2025, incident_types=()) == 4429
    assert killed(con, snapshot=SNAP_2025, incident_types=(), peacekeeping_only=True) == 4237


def test_share_of_malicious_acts_and_women_on_the_real_register(con):
    k = metrics.kpis(con, Filters(snapshot=SNAP_2023), FULL).iloc[0]
    assert k["malicious_share"] == pytest.approx(1118 / 4350)
    assert 0 <= k["women_share"] <= 1
