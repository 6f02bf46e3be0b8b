"""pydeck maps that never leave the app's host: a MapLibre style from static/ that draws the
Natural Earth country outlines itself, and deck.gl layers for mission headquarters, incidents or
area aggregates.

Exact incident points are drawn only when the caller's role may see them and the volume is
small; otherwise metrics returns aggregates per area and the map draws one circle per area.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import pydeck as pdk

from ui.geo import MAP_STYLE_URL

# Okabe-Ito as RGB, one per act type, so colour matches the legend table
ACT_COLOURS = {
    "killing": [0, 0, 0],
    "armed_attack": [213, 94, 0],
    "ied_mine": [230, 159, 0],
    "indirect_fire": [204, 121, 167],
    "ambush": [0, 114, 178],
    "detention": [86, 180, 233],
    "abduction": [0, 158, 115],
    "assault": [240, 228, 66],
    "attack_on_premises": [153, 153, 153],
    "other": [51, 34, 136],
}
# pydeck turns plain strings into expressions ("@@=pixels"); a quoted string stays a string
PIXELS = '"pixels"'
AREA_COLOUR = [213, 94, 0]
HQ_COLOUR = [0, 114, 178]
LAYER_POINTS = "incidents"
LAYER_AREAS = "areas"
LAYER_HEX = "hexagons"
LAYER_HQ = "hq"


def _radius(values: pd.Series, smallest: float, largest: float) -> pd.Series:
    """Circle radius in pixels, area proportional to the value, capped for legibility."""
    v = pd.to_numeric(values, errors="coerce").fillna(0).clip(lower=0)
    top = float(v.max()) if len(v) and v.max() > 0 else 1.0
    return smallest + (largest - smallest) * (v / top).pow(0.5)


def view_for(lats: pd.Series, lons: pd.Series) -> pdk.ViewState:
    """A view that frames the given coordinates (Africa-centred when there are none)."""
    lats, lons = lats.dropna(), lons.dropna()
    if lats.empty:
        return pdk.ViewState(latitude=8.0, longitude=15.0, zoom=2.6)
    lat_span = max(float(lats.max() - lats.min()), 1.0)
    lon_span = max(float(lons.max() - lons.min()), 1.0)
    zoom = max(1.5, min(7.0, math.log2(360 / max(lon_span, lat_span * 1.6)) + 0.6))
    return pdk.ViewState(
        latitude=float((lats.max() + lats.min()) / 2),
        longitude=float((lons.max() + lons.min()) / 2),
        zoom=zoom,
    )


def hq_layers(hq: pd.DataFrame) -> list[pdk.Layer]:
    """Mission headquarters: a square-ish marker (outlined) and its name."""
    if hq.empty:
        return []
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id=LAYER_HQ,
            data=hq,
            get_position=["lon", "lat"],
            get_radius=9,
            radius_units=PIXELS,
            get_fill_color=[255, 255, 255],
            get_line_color=HQ_COLOUR,
            line_width_min_pixels=3,
            stroked=True,
            pickable=True,
        ),
        pdk.Layer(
            "TextLayer",
            id="hq-labels",
            data=hq,
            get_position=["lon", "lat"],
            get_text="mission_code",
            get_size=14,
            get_color=[0, 60, 110],
            get_pixel_offset=[0, -18],
            font_weight=700,
            font_family='"Source Sans Pro, Arial, sans-serif"',
            outline_width=3,
            outline_color=[255, 255, 255],
            font_settings={"sdf": True},
        ),
    ]


def points_layer(points: pd.DataFrame) -> pdk.Layer:
    df = points.copy()
    df["colour"] = df["act_type"].map(lambda a: ACT_COLOURS.get(a, [90, 90, 90]))
    df["radius"] = _radius(df["persons"], 3, 18)
    return pdk.Layer(
        "ScatterplotLayer",
        id=LAYER_POINTS,
        data=df,
        get_position=["lon", "lat"],
        get_radius="radius",
        radius_units=PIXELS,
        get_fill_color="colour",
        opacity=0.75,
        stroked=True,
        get_line_color=[255, 255, 255],
        line_width_min_pixels=1,
        pickable=True,
        auto_highlight=True,
    )


def hexagon_layer(points: pd.DataFrame) -> pdk.Layer:
    return pdk.Layer(
        "HexagonLayer",
        id=LAYER_HEX,
        data=points[["lon", "lat", "persons"]],
        get_position=["lon", "lat"],
        get_elevation_weight="persons",
        get_color_weight="persons",
        radius=40_000,
        extruded=False,
        coverage=0.9,
        opacity=0.7,
        pickable=True,
        color_range=[[255, 255, 204], [254, 217, 118], [253, 141, 60], [227, 26, 28], [128, 0, 38]],
    )


def areas_layer(areas: pd.DataFrame) -> pdk.Layer:
    df = areas.copy()
    df["radius"] = _radius(df["persons_num"], 5, 34)
    return pdk.Layer(
        "ScatterplotLayer",
        id=LAYER_AREAS,
        data=df,
        get_position=["lon", "lat"],
        get_radius="radius",
        radius_units=PIXELS,
        get_fill_color=AREA_COLOUR,
        opacity=0.55,
        stroked=True,
        get_line_color=[120, 40, 0],
        line_width_min_pixels=1.5,
        pickable=True,
        auto_highlight=True,
    )


def deck(layers: list[pdk.Layer], view: pdk.ViewState, tooltip: Mapping[str, object]) -> pdk.Deck:
    return pdk.Deck(
        layers=list(layers),
        initial_view_state=view,
        # Land and borders come from the style on our host (static/map-style.json: the GeoJSON
        # as a MapLibre source, no tiles from anywhere). MapLibre cuts the GeoJSON in a web
        # worker; as a deck.gl GeoJsonLayer its outlines blocked the page ~3.8 s per visit in
        # headless chromium (map ready 5.8-7.6 s, now 2.1-2.5 s).
        map_style=MAP_STYLE_URL,
        map_provider="carto",  # "use a MapLibre base map": the style is ours, Carto is not asked
        tooltip=dict(tooltip),
    )
