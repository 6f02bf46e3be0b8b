# ruff: noqa: S608 - column names come from the register files' headers
"""One-off generator of data/reference/countries.csv and country_aliases.csv (run by hand).

Sources: ISO 3166-1 and ISO 3166-3 (former countries) from the `pycountry` package (not a
project dependency: `pip install pycountry` to re-run), French names from the Unicode CLDR via
Babel, both overridden by the UN M49 / UN Terminology short names where they differ (the
register uses the M49 English names). Labels and codes seen in the three register snapshots
take precedence, so every register value resolves. The output is committed; the app never
imports this module.

    python -m etl.reference_build [SNAPSHOT.csv ...]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "reference"

# UN M49 English short names where ISO/pycountry differs ("Korea, Republic of" style).
M49_EN = {
    "BOL": "Bolivia (Plurinational State of)",
    "COD": "Democratic Republic of the Congo",
    "FSM": "Micronesia (Federated States of)",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "IRN": "Iran (Islamic Republic of)",
    "KOR": "Republic of Korea",
    "MDA": "Republic of Moldova",
    "PRK": "Democratic People's Republic of Korea",
    "PSE": "State of Palestine",
    "TZA": "United Republic of Tanzania",
    "USA": "United States of America",
    "VAT": "Holy See",
    "VEN": "Venezuela (Bolivarian Republic of)",
    "VGB": "British Virgin Islands",
    "VIR": "United States Virgin Islands",
    "TUR": "Türkiye",
    "CIV": "Côte d'Ivoire",
}

# UN French short names (UNTERM) where CLDR uses a colloquial form.
UN_FR = {
    "BOL": "Bolivie (État plurinational de)",
    "CAF": "République centrafricaine",
    "COD": "République démocratique du Congo",
    "COG": "Congo",
    "CZE": "Tchéquie",
    "FSM": "Micronésie (États fédérés de)",
    "GBR": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
    "IRN": "Iran (République islamique d')",
    "KOR": "République de Corée",
    "LAO": "République démocratique populaire lao",
    "MDA": "République de Moldova",
    "PRK": "République populaire démocratique de Corée",
    "PSE": "État de Palestine",
    "RUS": "Fédération de Russie",
    "SYR": "République arabe syrienne",
    "TZA": "République-Unie de Tanzanie",
    "USA": "États-Unis d'Amérique",
    "VEN": "Venezuela (République bolivarienne du)",
    "VNM": "Viet Nam",
    "TUR": "Türkiye",
    "CIV": "Côte d'Ivoire",
    "CPV": "Cabo Verde",
    "SWZ": "Eswatini",
    "MKD": "Macédoine du Nord",
    "TLS": "Timor-Leste",
    "BRN": "Brunéi Darussalam",
}

# Former countries (ISO 3166-3 alpha-3, UN M49 historical codes) and the register's
# "ZZ [Undetermined]" label (user-assigned ZZZ; no M49 code).
HISTORICAL = [
    ("YUG", 890, "Yugoslavia", "Yougoslavie"),
    ("SCG", 891, "Serbia and Montenegro", "Serbie-et-Monténégro"),
    ("CSK", 200, "Czechoslovakia", "Tchécoslovaquie"),
    (
        "SUN",
        810,
        "Union of Soviet Socialist Republics",
        "Union des républiques socialistes soviétiques",
    ),
    ("DDR", 278, "German Democratic Republic", "République démocratique allemande"),
    ("ZZZ", None, "Undetermined", "Indéterminé"),
]

# Register nationality labels that differ from name_en, or come without isocode3.
REGISTER_LABELS = {
    "Côte dIvoire": "CIV",
    "Turkey": "TUR",
    "Türkiye": "TUR",
    "Viet Nam": "VNM",
    "Mauritius": "MUS",
    "ZZ [Undetermined]": "ZZZ",
}


def register_labels(paths: list[Path]) -> list[tuple[str, str, int | None]]:
    """(iso3, label, m49) as written in the snapshots, for rows that carry an iso3."""
    con = duckdb.connect()
    rows: set[tuple] = set()
    for p in paths:
        rel = con.read_csv(str(p), all_varchar=True)
        cols = {c.lower(): c for c in rel.columns}
        q = (
            f'select distinct "{cols["isocode3"]}", "{cols["casualty_nationality"]}", '
            f'try_cast(try_cast("{cols["m49_code"]}" as double) as integer) from rel '
            f'where "{cols["isocode3"]}" is not null'
        )
        rows |= set(con.sql(q).fetchall())
    return sorted(rows)


def build(paths: list[Path]) -> None:
    import pycountry
    from babel import Locale

    fr = Locale("fr").territories
    countries: dict[str, list] = {}
    for c in pycountry.countries:
        en = M49_EN.get(c.alpha_3, c.name)
        countries[c.alpha_3] = [
            c.alpha_3,
            int(c.numeric),
            en,
            UN_FR.get(c.alpha_3) or fr.get(c.alpha_2, en),
        ]
    for iso3, m49, en, fr_name in HISTORICAL:
        countries[iso3] = [iso3, m49, en, fr_name]
    for iso3, label, m49 in register_labels(paths):
        row = countries.get(iso3)
        if row is None:
            raise SystemExit(f"register iso3 {iso3} ({label}) unknown to ISO 3166 and HISTORICAL")
        if m49 is not None and row[1] != m49:
            print(f"m49 for {iso3}: ISO {row[1]} -> register {m49}", file=sys.stderr)
            row[1] = m49
        if label != row[2] and label not in REGISTER_LABELS:
            print(f"name for {iso3}: {row[2]!r} -> register label {label!r}", file=sys.stderr)
            row[2] = label
    with (OUT / "countries.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso3", "m49", "name_en", "name_fr"])
        w.writerows(sorted(countries.values()))
    with (OUT / "country_aliases.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label", "iso3"])
        w.writerows(sorted(REGISTER_LABELS.items()))


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    if not args:
        shared = ROOT.parent / "shared" / "data" / "external" / "un-pko-fatalities"
        args = sorted(shared.glob("*.csv"))
    build(args)
