"""Country outlines for the offline map: TopoJSON (Natural Earth via npm `world-atlas`) to GeoJSON.

The vendored TopoJSON is `static/vendor/world-atlas/countries-50m.json`; the GeoJSON that the map
loads from `/app/static/countries-50m.geojson` is generated from it once with

    python -m ui.geo static/vendor/world-atlas/countries-50m.json static/countries-50m.geojson

and committed, so the browser fetches it from the app's own host only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"
COUNTRIES_GEOJSON_URL = "/app/static/countries-50m.geojson"
MAP_STYLE_URL = "/app/static/map-style.json"


def _decode_arcs(topology: dict) -> list[list[list[float]]]:
    """Absolute coordinates of every arc (delta-decoded and un-quantized)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append([x * sx + tx, y * sy + ty])
        else:
            points = [list(p) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[list[float]]], digits: int) -> list[list[float]]:
    ring: list[list[float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        # consecutive arcs share their end point: drop the duplicate
        for p in points[1:] if ring else points:
            ring.append([round(p[0], digits), round(p[1], digits)])
    return _unwrap_antimeridian(ring)


def _unwrap_antimeridian(ring: list[list[float]]) -> list[list[float]]:
    """Shift a ring that crosses the antimeridian so it is drawn without a world-wide stripe."""
    lons = [p[0] for p in ring]
    if max(lons) - min(lons) <= 180:
        return ring
    return [[p[0] + 360 if p[0] < 0 else p[0], p[1]] for p in ring]


def topojson_to_geojson(topology: dict, object_name: str = "countries", digits: int = 2) -> dict:
    """A GeoJSON FeatureCollection of one TopoJSON object (Polygon/MultiPolygon geometries)."""
    arcs = _decode_arcs(topology)
    features = []
    for geom in topology["objects"][object_name]["geometries"]:
        kind = geom.get("type")
        if kind == "Polygon":
            coords = [_ring(r, arcs, digits) for r in geom["arcs"]]
        elif kind == "MultiPolygon":
            coords = [[_ring(r, arcs, digits) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        props = dict(geom.get("properties") or {})
        if "id" in geom:
            props["id"] = geom["id"]
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": kind, "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> int:
    src, dst = Path(argv[0]), Path(argv[1])
    geo = topojson_to_geojson(json.loads(src.read_text(encoding="utf-8")))
    dst.write_text(json.dumps(geo, separators=(",", ":")), encoding="utf-8")
    print(f"{len(geo['features'])} features -> {dst} ({dst.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / ((yj - yi) or 1e-12) + xi:
            inside = not inside
        j = i
    return inside


def _in_polygon(lon: float, lat: float, polygon: list[list[list[float]]]) -> bool:
    return (
        bool(polygon)
        and _in_ring(lon, lat, polygon[0])
        and not any(_in_ring(lon, lat, h) for h in polygon[1:])
    )


_COUNTRIES: dict | None = None


def country_at(lon: float, lat: float) -> str | None:
    """The M49 code (as in world-atlas ids, e.g. '140') of the country containing the point."""
    global _COUNTRIES
    if _COUNTRIES is None:
        _COUNTRIES = json.loads((STATIC / "countries-50m.geojson").read_text(encoding="utf-8"))
    for feature in _COUNTRIES["features"]:
        geom = feature["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for poly in polys:
            for lon_try in (lon, lon + 360):
                if _in_polygon(lon_try, lat, poly):
                    return feature["properties"].get("id")
    return None
