"""Metrics of model jobs on known pairs of samples give the known values."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from evaluation.metrics.diversity import diversity_report
from evaluation.metrics.privacy import privacy_report
from evaluation.metrics.quality import column_histograms, quality_report
from evaluation.report_html import render_html

SDTYPES = {"x": "numerical", "c": "categorical"}
META = {"columns": {"x": {"sdtype": "numerical"}, "c": {"sdtype": "categorical"}}}


def test_dcr_exact_copies_and_holdout_baseline_have_known_values() -> None:
    train = pd.DataFrame({"x": [0.0, 10.0], "c": ["a", "b"]})
    # a copy of row 0 (distance 0), and x=5/'a': 5/10 from row 0
    synthetic = pd.DataFrame({"x": [0.0, 5.0], "c": ["a", "a"]})
    # fresh real rows: 1/10 from row 0 and from row 1
    holdout = pd.DataFrame({"x": [1.0, 9.0], "c": ["a", "b"]})
    report = privacy_report(train, synthetic, holdout, SDTYPES)
    assert report["exact_copy_rate"] == 0.5
    assert report["dcr_synthetic_median"] == pytest.approx(0.25)
    assert report["dcr_holdout_median"] == pytest.approx(0.1)
    assert report["dcr_ratio"] == pytest.approx(2.5)
    assert report["holdout_p5"] == pytest.approx(0.1)
    assert report["share_closer_than_holdout_p5"] == 0.5


def test_a_differing_category_or_a_null_counts_one() -> None:
    train = pd.DataFrame({"x": [0.0, 10.0], "c": ["a", "a"]})
    synthetic = pd.DataFrame({"x": [0.0, np.nan], "c": ["b", "a"]})
    report = privacy_report(train, synthetic, train.head(0), SDTYPES)
    assert report["dcr_synthetic_median"] == pytest.approx(1.0)
    assert report["dcr_ratio"] is None  # no holdout, no baseline


def test_dcr_handles_100k_by_100k_rows_in_bounded_memory() -> None:
    rng = np.random.default_rng(0)

    def rows(n: int) -> pd.DataFrame:
        return pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(list("wxyz"), n)})

    train, synthetic, holdout = rows(100_000), rows(100_000), rows(2_000)
    tracemalloc.start()
    try:
        report = privacy_report(train, synthetic, holdout, SDTYPES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300e6  # an all-pairs matrix would be 80 GB
    assert report["synthetic_rows"] == 100_000
    assert 0.5 < report["dcr_ratio"] < 2  # independent draws of one distribution


def test_quality_of_identical_samples_is_one_and_of_a_shifted_category_is_known() -> None:
    real = pd.DataFrame({"x": np.arange(100, dtype=float), "c": ["a", "b"] * 50})
    same = quality_report(real, real.copy(), META)
    assert same["score"] == pytest.approx(1.0)
    shifted = real.assign(c=["a"] * 100)  # TV distance 0.5
    report = quality_report(real, shifted, META)
    assert report["columns"]["c"]["metric"] == "TVComplement"
    assert report["columns"]["c"]["score"] == pytest.approx(0.5)
    assert report["columns"]["x"]["score"] == pytest.approx(1.0)


def test_histograms_and_diversity_have_known_values() -> None:
    real = pd.DataFrame({"x": [0.0, 0.0, 10.0, 10.0], "c": ["a", "a", "a", "b"]})
    synthetic = pd.DataFrame({"x": [0.0, 10.0, 10.0, 10.0], "c": ["b", "b", "a", "b"]})
    hist = column_histograms(real, synthetic, META, bins=2)
    assert hist["x"]["real"] == [0.5, 0.5]
    assert hist["x"]["synthetic"] == [0.25, 0.75]
    assert hist["c"]["labels"] == ["a", "b"]
    assert hist["c"]["synthetic"] == [0.25, 0.75]
    diversity = diversity_report(synthetic)
    assert diversity["uniqueness_rate"] == 0.5  # rows 1 and 3 are the same
    page = render_html(
        {
            "job": "j",
            "kind": "model",
            "summary": {"quality": 0.9},
            "tables": {"t": {"histograms": hist}},
        }
    )
    assert page.startswith("<!doctype html>") and page.count("<svg") == 2
    assert "<script" not in page


def test_native_scores_agree_with_sdmetrics_on_column_shapes() -> None:
    from evaluation.metrics.quality import native_quality_report
    from tests.conftest import SAMPLE_DATA

    real = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv")
    meta = {
        "columns": {
            c: {"sdtype": "numerical" if real[c].dtype != object else "categorical"} for c in real
        }
    }
    a, b = real.sample(1500, random_state=1), real.sample(1500, random_state=2)
    ours, theirs = native_quality_report(a, b, meta), quality_report(a, b, meta)
    assert ours["column_shapes"] == pytest.approx(theirs["column_shapes"], abs=1e-3)
    for column, entry in theirs["columns"].items():
        assert ours["columns"][column]["metric"] == entry["metric"]
        assert ours["columns"][column]["score"] == pytest.approx(entry["score"], abs=1e-3)
    assert 0.9 < ours["column_pair_trends"] <= 1


def test_contingency_similarity_bins_both_sides_on_the_real_bins_and_stays_in_0_1() -> None:
    """A synthetic column that collapsed to one value (a DP fit's, say) is binned in the
    real column's bins, as sdmetrics does: its pairs score in [0, 1] (they scored -3 when
    each side was binned on its own range and the tables were joined)."""
    from evaluation.metrics.quality import native_quality_report
    from tests.conftest import SAMPLE_DATA

    real = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(1500)
    meta = {
        "columns": {
            c: {"sdtype": "numerical" if real[c].dtype != object else "categorical"} for c in real
        }
    }
    collapsed = real.sample(frac=1.0, random_state=3).assign(Debt=0)
    report = native_quality_report(real, collapsed, meta)
    scores = {tuple(p["columns"]): p["score"] for p in report["pairs"]}
    assert all(0 <= v <= 1 for v in scores.values())
    # real Debt is 0 for about 80% of rows: binned on the real bins, all-zero Debt lands in
    # the first bin, so the pair with Home loses the share of rows with debt, not more
    share = float((real["Debt"] > real["Debt"].max() / 10).mean())
    assert scores["Home", "Debt"] == pytest.approx(1 - share, abs=0.05)
