"""Map: where do crimes against peacekeepers happen?

Offline pydeck map (blank style and Natural Earth outlines served by this app). Exact incident
points only for roles that may see coordinates and at moderate volume; otherwise totals per
1-degree area. Clicking an area filters every page by the host State it lies in; clicking a
mission headquarters or an incident filters by that mission.
"""

from ui.auth import require_page

scope = require_page("map")

import pandas as pd  # noqa: E402 - the guard runs before anything else
import streamlit as st  # noqa: E402

from access.disclosure import marked  # noqa: E402
from ui import maps  # noqa: E402
from ui.filters import apply_selection  # noqa: E402
from ui.formatting import fmt_date, fmt_int  # noqa: E402
from ui.geo import country_at  # noqa: E402
from ui.i18n import label  # noqa: E402
from ui.layout import definitions_popover, table  # noqa: E402
from ui.shell import begin_page, country_name, iso3_for_m49, mission_hq  # noqa: E402

page = begin_page("map", scope)
lang = page.lang

POINTS_MAX = 20_000  # above this, exact points would hide the pattern: show areas
CELL_DEG = 1.0

points_allowed = scope.role == "hq"  # exact coordinates are headquarters-only (access/policy.py)
modes = ["areas", "points", "hexagons"] if points_allowed else ["areas"]
c1, c2 = st.columns([3, 7])
with c1:
    mode = st.segmented_control(
        page.t("map.layer"),
        modes,
        default="areas",
        required=True,
        format_func=lambda m: page.t(f"map.layer.{m}"),
        key="map_mode",
    )
points = pd.DataFrame()
fell_back = False  # exact places asked for, areas shown (too many points)
if mode in ("points", "hexagons"):
    points = page.metric("map_points", limit=POINTS_MAX + 1)
    if len(points) > POINTS_MAX or "lat" not in points.columns:
        mode, points, fell_back = "areas", pd.DataFrame(), True
with c2:
    st.caption(page.t("map.click_note"))
    if mode == "areas" and (fell_back or not points_allowed):
        # said only where exact places were withheld, not to a reader who chose areas
        st.caption(page.t("map.aggregated_note"))

by_mission = page.metric("kpis", by=("mission",))
active = set(
    by_mission.loc[pd.to_numeric(by_mission["incidents"], errors="coerce").fillna(1) > 0, "mission"]
)
hq = mission_hq(sorted(active), lang)


def tip(lines: list[str]) -> str:
    return "<br/>".join(lines)


layers = []
if mode == "areas":
    # marked: a small count reads "<5" (or "x") in the tooltip and the table; sizes use numbers
    areas = marked(page.metric("map_aggregates", level="grid", cell_deg=CELL_DEG))
    areas = areas.rename(columns={"cell_lat": "lat", "cell_lon": "lon"})
    persons = (
        sum(
            pd.to_numeric(areas[c], errors="coerce").fillna(2)
            for c in ("killed", "injured", "detained", "abducted")
        )
        if len(areas)
        else pd.Series(dtype=float)
    )
    areas["persons_num"] = persons
    areas["tip"] = [
        tip(
            [
                f"<b>{page.t('map.area')}</b> {r.lat:.1f}°, {r.lon:.1f}°",
                f"{page.t('map.incidents')}: {fmt_int(r.incidents, lang)}",
                f"{label('outcome', 'killed', lang)}: {fmt_int(r.killed, lang)} · {label('outcome', 'injured', lang)}: {fmt_int(r.injured, lang)}",
                f"{label('outcome', 'detained', lang)}: {fmt_int(r.detained, lang)} · {label('outcome', 'abducted', lang)}: {fmt_int(r.abducted, lang)}",
            ]
        )
        for r in areas.itertuples()
    ]
    layers.append(maps.areas_layer(areas))
    framing = areas
elif mode == "points":
    points = points.copy()
    points["persons"] = sum(
        pd.to_numeric(points[c], errors="coerce").fillna(0)
        for c in ("killed", "injured", "detained", "abducted")
    )
    points["tip"] = [
        tip(
            [
                f"<b>{r.incident_id}</b> · {fmt_date(r.incident_date, lang)}",
                f"{r.mission_code} · {label('act', r.act_type, lang)}",
                f"{label('outcome', 'killed', lang)}: {fmt_int(r.killed, lang)} · {label('outcome', 'injured', lang)}: {fmt_int(r.injured, lang)}",
            ]
        )
        for r in points.itertuples()
    ]
    layers.append(maps.points_layer(points))
    framing = points
else:
    points = points.copy()
    points["persons"] = sum(
        pd.to_numeric(points[c], errors="coerce").fillna(0)
        for c in ("killed", "injured", "detained", "abducted")
    )
    layers.append(maps.hexagon_layer(points))
    framing = points
if not hq.empty:
    hq["tip"] = [
        tip([f"<b>{r.mission_code}</b>", page.t("map.hq_of", place=r.hq_name)])
        for r in hq.itertuples()
    ]
    layers.extend(maps.hq_layers(hq))

view = maps.view_for(
    framing["lat"] if len(framing) else hq.get("lat", pd.Series(dtype=float)),
    framing["lon"] if len(framing) else hq.get("lon", pd.Series(dtype=float)),
)
deck = maps.deck(layers, view, {"html": "{tip}", "style": {"fontSize": "15px"}})


def on_map_click() -> None:
    event = st.session_state.get("incident_map")
    objects = (event.selection.get("objects") if event else None) or {}
    if objects.get(maps.LAYER_HQ):
        apply_selection(mission=[objects[maps.LAYER_HQ][0]["mission_code"]])
    elif objects.get(maps.LAYER_POINTS):
        apply_selection(mission=[objects[maps.LAYER_POINTS][0]["mission_code"]])
    elif objects.get(maps.LAYER_AREAS):
        cell = objects[maps.LAYER_AREAS][0]
        iso3 = iso3_for_m49(country_at(float(cell["lon"]), float(cell["lat"])))
        if iso3:
            apply_selection(host=[iso3])


st.pydeck_chart(
    deck, height=640, on_select=on_map_click, selection_mode="single-object", key="incident_map"
)
st.caption(page.t("map.disclaimer"))
st.caption(page.t("map.legend_areas") if mode == "areas" else page.t("map.legend_points"))

# ------------------------------------------------------------------ the table behind the map
with st.expander(page.t("common.show_table")):
    if mode == "areas":
        shown = areas[
            ["lat", "lon", "incidents", "killed", "injured", "detained", "abducted"]
        ].copy()
        shown.insert(
            0,
            page.t("map.country"),
            [
                country_name(iso3_for_m49(country_at(float(r.lon), float(r.lat))) or "", lang)
                for r in shown.itertuples()
            ],
        )
    else:
        shown = points[
            [
                c
                for c in (
                    "incident_id",
                    "incident_date",
                    "mission_code",
                    "host_state",
                    "admin_area",
                    "act_type",
                    "killed",
                    "injured",
                    "detained",
                    "abducted",
                )
                if c in points.columns
            ]
        ].copy()
        shown["act_type"] = [label("act", a, lang) for a in shown["act_type"]]
    names = {
        "lat": page.t("map.lat"),
        "lon": page.t("map.lon"),
        "incidents": page.t("map.incidents"),
        "killed": label("outcome", "killed", lang),
        "injured": label("outcome", "injured", lang),
        "detained": label("outcome", "detained", lang),
        "abducted": label("outcome", "abducted", lang),
        "incident_id": "ID",
        "incident_date": page.t("common.date"),
        "mission_code": page.t("common.mission"),
        "host_state": page.t("common.host_state"),
        "admin_area": page.t("map.admin_area"),
        "act_type": page.t("filters.act_types"),
    }
    table(shown, f"map-{mode}", lang, key="map_table", names=names)
definitions_popover(["incidents", "killed", "injured", "detained", "abducted"], lang)
