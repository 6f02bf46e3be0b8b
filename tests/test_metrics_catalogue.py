"""The catalogue is complete, and docs/metrics.md is generated from it and up to date."""

from __future__ import annotations

import dataclasses

import pytest

import metrics
from metrics import docs
from metrics.catalogue import FORMATS, METRICS, UNITS
from metrics.filters import Filters


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.key)
def test_every_metric_declares_every_field(metric):
    for field in dataclasses.fields(metric):
        value = getattr(metric, field.name)
        if field.name == "denominator" and metric.format == "count":
            assert value is None, f"{metric.key}: a count has no denominator"
            continue
        assert value, f"{metric.key}: {field.name} is empty"
    assert metric.unit in UNITS
    assert metric.format in FORMATS
    assert set(metric.filters) <= {f.name for f in dataclasses.fields(Filters)}


def test_rates_name_their_denominator():
    for m in METRICS:
        if m.format != "count":
            assert m.denominator, m.key


def test_keys_are_unique_and_cover_the_kpi_columns():
    keys = [m.key for m in METRICS]
    assert len(keys) == len(set(keys))
    # every headline KPI a page can show has a definition
    shown = [
        c
        for c in metrics.KPI_COLUMNS
        if c
        not in (
            "notified_24h",
            "notified_72h",
            "women",
            "unknown_gender",
            "persons_harmed",
            "killed_all_types",
        )
    ]
    assert set(shown) <= set(keys), set(shown) - set(keys)


def test_catalogue_frame_has_one_row_per_metric():
    df = metrics.catalogue()
    assert len(df) == len(METRICS)
    assert {"key", "label_en", "label_fr", "description_fr", "caveats"} <= set(df.columns)


def test_docs_metrics_md_is_up_to_date():
    assert not docs.is_stale(), "run: python -m metrics docs"


def test_every_public_function_is_documented():
    text = docs.DOC_PATH.read_text(encoding="utf-8")
    for name in metrics.__all__:
        obj = getattr(metrics, name)
        if callable(obj) and not isinstance(obj, type):
            assert f"### `{name}(" in text, name


def test_every_numerator_and_denominator_has_its_french():
    """The definition one click away reads in the reader's language, numerator and denominator
    included (they were English on French pages)."""
    from metrics.catalogue import TERMS_FR, term
    from ui.layout import definition_text

    for m in METRICS:
        for text in (m.numerator, m.denominator):
            if text:
                assert text in TERMS_FR, f"{m.key}: no French for {text!r}"
    assert term("cases", "fr") == "dossiers" and term("cases", "en") == "cases"
    fr = definition_text("conviction_rate", "fr")
    assert "Numérateur\u202f: dossiers avec au moins une condamnation" in fr
    assert "Dénominateur\u202f: dossiers" in fr
    assert "Numerator: cases with at least one conviction" in definition_text(
        "conviction_rate", "en"
    )
