"""Building blocks that pages compose: KPI tiles with their definition one click away, tables
with CSV/XLSX downloads, and charts that always come with their table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from numbers import Number
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics.catalogue import term
from ui.charts import PLOTLY_CONFIG
from ui.export import file_stem, mark_synthetic, to_csv_bytes, to_xlsx_bytes
from ui.formatting import colon, fmt_number, fmt_pct
from ui.i18n import t

UNIT_LABELS = {
    "en": {
        "incident": "incident",
        "person": "person",
        "case": "case file",
        "activity": "activity",
        "notification": "notification",
    },
    "fr": {
        "incident": "incident",
        "person": "personne",
        "case": "dossier",
        "activity": "activité",
        "notification": "notification",
    },
}


def metric_entry(key: str) -> Any | None:
    try:
        from metrics.catalogue import BY_KEY
    except ImportError:
        return None
    return BY_KEY.get(key)


def metric_label(key: str, lang: str) -> str:
    m = metric_entry(key)
    if m is None:
        return t(key, lang)
    return m.label_fr if lang == "fr" else m.label_en


def unit_label(unit: str, lang: str) -> str:
    """What a metric counts (incident, case, person...) in the reader's language."""
    return UNIT_LABELS.get(lang, UNIT_LABELS["en"]).get(unit, unit)


def definition_text(key: str, lang: str) -> str:
    """The catalogue's definition of a metric: description, numerator, denominator, unit."""
    m = metric_entry(key)
    if m is None:
        return ""
    desc = m.description_fr if lang == "fr" else m.description_en
    c = colon(lang)
    lines = [desc, "", f"- {t('common.numerator', lang)}{c}{term(m.numerator, lang)}"]
    if m.denominator:
        lines.append(f"- {t('common.denominator', lang)}{c}{term(m.denominator, lang)}")
    lines.append(f"- {t('common.unit', lang)}{c}{unit_label(m.unit, lang)}")
    return "\n".join(lines)


def kpi(
    key: str,
    value_text: str,
    lang: str,
    *,
    delta_text: str | None = None,
    delta_color: str = "off",
    label_text: str | None = None,
    large: bool = False,
    delta_sign: float | None = None,
) -> None:
    """A KPI tile; its definition (hover or tap the ? icon) comes from the metric catalogue.

    The change is written out with its sign (+3, −2) and an arrow that follows the sign; its
    colour stays neutral (a rise is good for convictions and bad for incidents)."""
    arrow = "off" if not delta_sign else ("up" if delta_sign > 0 else "down")
    st.metric(
        label_text or metric_label(key, lang),
        value_text,
        delta=delta_text,
        delta_color=delta_color,
        help=definition_text(key, lang) or None,
        border=True,
        delta_arrow=arrow,
    )


def definitions_popover(keys: Sequence[str], lang: str, *, label_text: str | None = None) -> None:
    """'Definition' button listing the catalogue entries behind a chart or table."""
    with st.popover(label_text or t("common.definition", lang)):
        for key in keys:
            st.markdown(f"**{metric_label(key, lang)}**")
            st.markdown(definition_text(key, lang))


def _reader() -> tuple[Any, str | None] | None:
    """The signed-in reader's Scope and user name, captured while the script runs (a download
    callable runs outside the script's context); None under the sign-in stub."""
    try:
        from ui import auth

        return auth.current_scope(), auth.current_user()
    except Exception:  # sign-in stub: nothing to log
        return None


def _about(status: dict, scope: Any, lang: str) -> list[tuple[str, str]]:
    """The "about" sheet of an XLSX export: source (or the demo notice), data status, the
    reader's scope, when it was exported, what the markers mean."""
    from datetime import UTC, datetime

    source = t("banner.demo", lang) if status.get("synthetic") else t("app.title", lang)
    return [
        (t("export.source", lang), source),
        (t("status.last_updated", lang), str(status.get("last_updated") or "")),
        (t("status.register_snapshot", lang), str(status.get("register_snapshot") or "")),
        (t("export.scope", lang), (scope.label or scope.role) if scope else ""),
        (t("export.exported", lang), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        (t("export.markers", lang), t("export.markers_text", lang)),
    ]


def downloads(df: pd.DataFrame, name: str, lang: str, *, key: str) -> None:
    """CSV (UTF-8 with BOM) and XLSX of exactly the table shown (formulas neutralised).

    The bytes are made only when clicked (callable data, on_click='ignore': no rerun), and the
    export is written to the audit log then. Demonstration data say so in the file: a first
    column in CSV, an "about" sheet in XLSX (built at the click, with its time).
    """
    from access import audit
    from ui import data

    stem = file_stem(name)
    reader = _reader()
    scope = reader[0] if reader else None
    status = data.status()

    def log(fmt: str) -> None:
        if reader is not None:
            detail = {"what": stem, "rows": len(df), "format": fmt}
            audit.log_event("export", user=reader[1], scope=scope, detail=detail)

    def csv() -> bytes:
        log("csv")
        return to_csv_bytes(mark_synthetic(df) if status.get("synthetic") else df)

    def xlsx() -> bytes:
        log("xlsx")
        return to_xlsx_bytes(df, sheet_name=stem, about=_about(status, scope, lang))

    with st.container(horizontal=True, gap="small"):
        st.download_button(
            t("common.download_csv", lang),
            data=csv,
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}-csv",
            on_click="ignore",
        )
        st.download_button(
            t("common.download_xlsx", lang),
            data=xlsx,
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            on_click="ignore",
        )


def _blank(value: object) -> bool:
    """None, <NA>, NaN (missing or withheld) or a "–" already written for one."""
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and value != value)
        or (isinstance(value, str) and value == "–")
    )


def _dash(value: object) -> object:
    return "–" if _blank(value) else value


def _counts_as_text(series: pd.Series) -> bool:
    """An object column of counts that must be written as text: numbers beside markers ("<5",
    "x") or beside gaps. (Arrow cannot hold numbers and text in one column.)"""
    from access.disclosure import is_marker

    if not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
        return False
    values = series.tolist()
    present = [v for v in values if not _blank(v)]
    numbers = [v for v in present if isinstance(v, Number) and not isinstance(v, bool)]
    markers = [v for v in present if is_marker(v)]
    if len(numbers) + len(markers) != len(present):
        return False  # a text column (that may happen to contain an "x")
    return bool(markers) or (bool(numbers) and len(present) < len(values))


def _count_text(value: object, lang: str) -> str:
    """A cell of a count column that holds markers: the marker, "–", or the number written for
    the language (1,234 / 1 234)."""
    from access.disclosure import is_marker

    if is_marker(value):
        return str(value)
    if _blank(value):
        return "–"
    if isinstance(value, str):
        return value
    return fmt_number(value, lang, 0 if float(value).is_integer() else 1)


def display_frame(
    df: pd.DataFrame,
    lang: str,
    percent_cols: Sequence[str] = (),
    column_config: Mapping[str, Any] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """What the table shows: counts without a locale-dependent separator (sortable and never in
    the browser's language by mistake), rates as percentages written for the language, dates as
    DD/MM/YYYY. A count column holding small-number markers ("<5", "x") is text: the markers
    as they are, the numbers written for the language. Downloads keep the raw values."""
    shown = df.copy()
    config: dict[str, Any] = {}
    for col in shown.columns:
        if _counts_as_text(shown[col]):
            shown[col] = pd.Series(
                [_count_text(v, lang) for v in shown[col].tolist()], index=shown.index, dtype=object
            )
        elif shown[col].dtype == object and shown[col].isna().any():
            # a missing or withheld value reads "–", never "None"
            shown[col] = shown[col].map(_dash)
    pct = "%.0f\u202f%%" if lang == "fr" else "%.0f%%"
    for col in shown.columns:
        series = shown[col]
        if col in percent_cols and series.isna().any():
            # a withheld rate: text, so the gap reads "–" rather than "None"
            shown[col] = ["–" if _blank(v) else fmt_pct(v, lang) for v in series]
        elif col in percent_cols:
            shown[col] = pd.to_numeric(series, errors="coerce") * 100
            config[col] = st.column_config.NumberColumn(format=pct)
        elif (
            pd.api.types.is_numeric_dtype(series)
            and not pd.api.types.is_bool_dtype(series)
            and series.isna().any()
        ):
            shown[col] = [
                "–" if _blank(v) else fmt_number(v, lang, 0 if float(v).is_integer() else 1)
                for v in series
            ]
        elif pd.api.types.is_bool_dtype(series):
            continue
        elif pd.api.types.is_integer_dtype(series):
            config[col] = st.column_config.NumberColumn(format="%d")
        elif pd.api.types.is_float_dtype(series):
            whole = series.dropna()
            config[col] = st.column_config.NumberColumn(
                format="%d" if len(whole) and (whole == whole.round()).all() else "%.1f"
            )
        elif pd.api.types.is_datetime64_any_dtype(series):
            config[col] = st.column_config.DatetimeColumn(format="DD/MM/YYYY")
        elif len(series.dropna()) and all(
            type(v).__name__ == "date" for v in series.dropna().head(20)
        ):
            config[col] = st.column_config.DateColumn(format="DD/MM/YYYY")
    config.update(column_config or {})
    return shown, config


def table(
    df: pd.DataFrame,
    name: str,
    lang: str,
    *,
    key: str,
    column_config: Mapping[str, Any] | None = None,
    height: int | str = "auto",
    on_select: str | Callable | None = None,
    selection_mode: str = "single-row",
    percent_cols: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
) -> Any:
    """A table with its downloads. Returns the selection event when on_select is given.

    Counts protected by access.disclosure show their markers ("<5", "x") on screen and in the
    downloads alike: a protected frame is marked here, before `names` (column labels in the
    reader's language) are applied, so pass the frame from metrics with `names` rather than
    renaming it first. Frames a page built itself carry their markers in the values
    (access.disclosure.marked)."""
    df = localise_columns(df, names or {})
    shown, config = display_frame(df, lang, percent_cols, column_config)
    kwargs: dict[str, Any] = {
        "hide_index": True,
        "column_config": config,
        "height": height,
        "key": key,
    }
    if on_select is not None:
        kwargs.update(on_select=on_select, selection_mode=selection_mode)
    event = st.dataframe(shown, **kwargs)
    downloads(df, name, lang, key=f"dl-{key}")
    return event


def chart(
    fig: go.Figure,
    df: pd.DataFrame,
    name: str,
    lang: str,
    *,
    key: str,
    on_select: str | Callable | None = None,
    column_config: Mapping[str, Any] | None = None,
    selection_mode: Sequence[str] | str = ("points",),
    percent_cols: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
) -> Any:
    """A Plotly chart followed by its table (collapsed) with downloads (see `table`). A chart
    whose bars and lines are all zero or withheld is replaced by a note saying so (an empty
    axis from -1 to 1 says nothing); its table stays."""
    kwargs: dict[str, Any] = {"config": PLOTLY_CONFIG, "key": key, "theme": None}
    if on_select is not None:
        kwargs.update(on_select=on_select, selection_mode=selection_mode)
    event = None
    if nothing_to_draw(fig):
        st.info(t("common.nothing_to_draw", lang))
    else:
        event = st.plotly_chart(fig, **kwargs)
    with st.expander(t("common.show_table", lang)):
        table(
            df,
            name,
            lang,
            key=f"{key}-table",
            column_config=column_config,
            percent_cols=percent_cols,
            names=names,
        )
    return event


def nothing_to_draw(fig: go.Figure) -> bool:
    """True when the figure has bars or lines and every value they draw is 0 or missing (a
    withheld count is drawn as 0 or a gap)."""
    judged = False
    for trace in fig.data:
        if trace.type not in ("bar", "scatter"):
            return False
        values = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        if values is None:
            continue
        judged = True
        numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
        if (numbers.fillna(0) != 0).any():
            return False
    return judged


def localise_columns(df: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Rename columns to the reader's language (only those listed). A frame with protected
    counts is marked first (access.disclosure.marked), so its "<5" and "x" cells keep their
    markers under the new names."""
    info = df.attrs.get("disclosure")
    if info is not None and not info.get("marked"):
        from access.disclosure import marked

        df = marked(df)
    return df.rename(columns={k: v for k, v in names.items() if k in df.columns})
