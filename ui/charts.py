"""Plotly figures in the house style: Okabe–Ito colours, fixed gender colours, large type.

Nothing is encoded by colour alone: bars carry text labels, lines carry markers of different
shapes and the legend, and every chart is shown beside its table (ui.layout.chart_with_table).
Figures are offline: `PLOTLY_CONFIG` points Plotly's geo base maps at the local topojson and the
mode bar never offers a cloud upload.

`bars_html` draws simple horizontal bars as plain HTML instead: the first screen (Overview) uses
it so the browser neither downloads nor runs Plotly's 4.7 MB bundle before the headline is on
screen (about 1.2 s of JavaScript in headless chromium), and the server skips building figures.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
    "#999999",  # grey
    "#332288",  # indigo (Tol), an eleventh mission still gets a distinct colour
]
# Fixed across every chart: women, men, unknown (unknown is always shown, never dropped).
GENDER_COLOURS = {"F": "#CC79A7", "M": "#0072B2", "unknown": "#999999"}
GENDER_PATTERNS = {"F": "", "M": "/", "unknown": "."}
OUTCOME_COLOURS = {
    "full_justice": "#009E73",
    "partial_justice": "#56B4E9",
    "impunity": "#D55E00",
    "pending": "#999999",
}
VICTIM_COLOURS = {
    "killed": "#000000",
    "injured": "#E69F00",
    "detained": "#0072B2",
    "abducted": "#CC79A7",
}
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "triangle-down", "star", "cross"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]

PLOTLY_CONFIG = {
    "displaylogo": False,
    "topojsonURL": "/app/static/topojson/",
    "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def base_layout(
    fig: go.Figure, *, height: int = 380, large: bool = False, legend: bool = True
) -> go.Figure:
    size = 18 if large else 14
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
        font={"size": size, "family": "Source Sans Pro, Arial, sans-serif", "color": "#1f2328"},
        colorway=OKABE_ITO,
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        hoverlabel={"font_size": size},
        separators=None,
    )
    fig.update_xaxes(showgrid=False, linecolor="#888", ticks="outside", automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=True, zerolinecolor="#888", automargin=True)
    return fig


def separators(lang: str) -> str:
    """Plotly's decimal and thousands characters for the language (fr: ',' and U+202F)."""
    return ",\u202f" if lang == "fr" else ".,"


def colour_map(values: Sequence[object]) -> dict[object, str]:
    """A stable colour per category (sorted order), so a mission keeps its colour across charts."""
    return {v: OKABE_ITO[i % len(OKABE_ITO)] for i, v in enumerate(sorted(set(values), key=str))}


def hbar(
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    *,
    colours: Sequence[str] | str = "#0072B2",
    customdata: Sequence[object] | None = None,
    hover: str | None = None,
    height: int = 380,
    large: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Horizontal bars, first label on top, with the formatted value written on each bar.
    A bar of length 0 (zero, or a withheld count drawn as 0) has its text written beside it, so a
    "<5" or "x" marker shows on the chart too (Plotly draws no "auto" text on an empty bar)."""
    values = [0 if v is None or pd.isna(v) else v for v in values]
    fig = go.Figure(
        go.Bar(
            y=list(labels),
            x=values,
            orientation="h",
            text=list(texts),
            textposition=["outside" if v == 0 else "auto" for v in values],
            marker_color=colours,
            customdata=list(customdata) if customdata is not None else None,
            hovertemplate=hover or "%{y}: %{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    base_layout(fig, height=height, large=large, legend=False)
    fig.update_layout(separators=separators(lang))
    fig.update_yaxes(
        autorange="reversed", gridcolor="rgba(0,0,0,0)", automargin=True, ticksuffix="  "
    )
    fig.update_xaxes(showticklabels=False, showline=False, ticks="")
    return fig


def lines(
    df: pd.DataFrame,
    x: str,
    y: str,
    series: str | None,
    *,
    series_label: dict[object, str] | None = None,
    colours: dict[object, str] | None = None,
    y_title: str = "",
    x_title: str = "",
    percent: bool = False,
    height: int = 380,
    large: bool = False,
    lang: str = "en",
    step: bool = False,
) -> go.Figure:
    """One line per series, each with its own marker and dash so colour is not the only cue."""
    fig = go.Figure()
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=True))
    colours = colours or colour_map([g for g, _ in groups])
    for i, (key, part) in enumerate(groups):
        name = (series_label or {}).get(key, str(key)) if key is not None else y_title
        fig.add_trace(
            go.Scatter(
                x=part[x],
                y=part[y],
                name=name,
                mode="lines+markers" if len(part) <= 60 else "lines",
                line={
                    "color": colours.get(key, OKABE_ITO[i % len(OKABE_ITO)]),
                    "dash": DASHES[i % len(DASHES)],
                    "shape": "hv" if step else "linear",
                    "width": 3 if large else 2,
                },
                marker={"symbol": MARKERS[i % len(MARKERS)], "size": 8 if large else 6},
                customdata=[key] * len(part),
            )
        )
    base_layout(fig, height=height, large=large, legend=series is not None)
    fig.update_layout(separators=separators(lang), hovermode="x unified")
    fig.update_yaxes(title=y_title, rangemode="tozero", tickformat=".0%" if percent else ",d")
    top = pd.to_numeric(df[y], errors="coerce").astype("float64").max()  # NaN: none
    if not percent and not top >= 6:
        # counts below 6 (or none): Plotly's ticks fall between whole numbers, which ",d"
        # writes as "0 0 0 1 1 1"; one tick per unit instead
        fig.update_yaxes(dtick=1)
    fig.update_xaxes(title=x_title)
    return fig


def stacked_bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    stack: str,
    *,
    stack_label: dict[object, str],
    colours: dict[object, str],
    patterns: dict[object, str] | None = None,
    order: Sequence[object] | None = None,
    horizontal: bool = False,
    height: int = 380,
    large: bool = False,
    lang: str = "en",
    text: str | None = None,
) -> go.Figure:
    """Bars stacked by a category with fixed colours and (optionally) fill patterns."""
    fig = go.Figure()
    keys = list(order) if order is not None else sorted(df[stack].unique(), key=str)
    for key in keys:
        part = df[df[stack] == key]
        if part.empty:
            continue
        kwargs = (
            {"x": part[y], "y": part[x], "orientation": "h"}
            if horizontal
            else {"x": part[x], "y": part[y]}
        )
        fig.add_trace(
            go.Bar(
                name=stack_label.get(key, str(key)),
                marker_color=colours.get(key, "#999999"),
                marker_pattern={
                    "shape": (patterns or {}).get(key, ""),
                    "fgcolor": "white",
                    "fgopacity": 0.45,
                    "solidity": 0.25,
                    "fillmode": "overlay",
                },
                text=part[text] if text else None,
                textposition="inside",
                customdata=[key] * len(part),
                **kwargs,
            )
        )
    base_layout(fig, height=height, large=large)
    fig.update_layout(barmode="stack", separators=separators(lang), legend_traceorder="normal")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return fig


BARS_CSS = """
<style>
  .r2589-bars { display: grid; grid-template-columns: max-content minmax(0, 1fr);
                column-gap: 0.75rem; row-gap: 0.55rem; align-items: center;
                margin: 0.25rem 0 0.5rem 0; color: #1f2328; }
  .r2589-bars.large { font-size: 1.2rem; row-gap: 0.8rem; }
  .r2589-bar-label { text-align: right; white-space: nowrap; }
  .r2589-bar-track { display: flex; align-items: center; gap: 0.5rem; min-width: 0; }
  .r2589-bar-fill { flex: none; height: 1.75rem; border-radius: 2px; }
  .r2589-bars.large .r2589-bar-fill { height: 2.2rem; }
  .r2589-bar-value { white-space: nowrap; font-variant-numeric: tabular-nums; }
</style>
"""

# the longest bar takes this share of the track, so its number still fits beside it
BAR_SPAN = 0.76


def bars_html(
    labels: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    *,
    colours: Sequence[str] | str = "#0072B2",
    title: str = "",
    large: bool = False,
) -> str:
    """Horizontal bars as plain HTML: label on the left, bar, then the formatted value.

    The value is always written beside its bar (never told by colour or length alone) and each
    row carries a tooltip "label: value". Missing or negative values draw no bar; the text still
    says what the value is (e.g. "–" or "<5"). Pure function: the page passes the result to
    `st.html` (sanitised there) and shows the table behind it next to it.
    """
    labels, texts = [str(x) for x in labels], [str(x) for x in texts]
    numbers = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = 0.0
        numbers.append(f if math.isfinite(f) and f > 0 else 0.0)
    if not (len(labels) == len(numbers) == len(texts)):
        raise ValueError("labels, values and texts must have the same length")
    fills = [colours] * len(labels) if isinstance(colours, str) else list(colours)
    top = max(numbers, default=0.0)
    rows = []
    for label, n, text, colour in zip(labels, numbers, texts, fills, strict=True):
        width = 0.0 if top <= 0 or n <= 0 else max(0.4, 100 * BAR_SPAN * n / top)
        tip = html.escape(f"{label}: {text}", quote=True)
        rows.append(
            f'<span class="r2589-bar-label" title="{tip}">{html.escape(label)}</span>'
            f'<span class="r2589-bar-track" title="{tip}">'
            f'<span class="r2589-bar-fill" style="width:{width:.2f}%;'
            f'background:{html.escape(colour, quote=True)}"></span>'
            f'<span class="r2589-bar-value">{html.escape(text)}</span></span>'
        )
    aria = f' aria-label="{html.escape(title, quote=True)}"' if title else ""
    return (
        f'{BARS_CSS}<div class="r2589-bars{" large" if large else ""}" role="group"{aria}>'
        f"{''.join(rows)}</div>"
    )
