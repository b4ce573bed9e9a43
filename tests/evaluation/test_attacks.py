"""Attack-based privacy risk: a leaky synthesizer is flagged by every attack, the `spec`
synthesizer on the same rows is not, and the attacks are deterministic by seed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from evaluation.metrics.attacks import (
    attack_report,
    default_quasi_identifiers,
    membership_inference,
    singling_out,
)
from generation.synthesis.spec_synth import learn_spec, spec_sampler
from generation.synthesis.tables import detect_metadata
from tests.conftest import SAMPLE_DATA

THRESHOLDS = {
    name: (0.1, 0.3) for name in ("membership_inference", "attribute_inference", "singling_out")
}


def split(name: str, rows: int = 1500) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """A head of a shared table, 20% held out (seeded), and its learned columns' sdtypes."""
    frame = pd.read_csv(SAMPLE_DATA / f"{name}.csv").head(rows)
    meta = detect_metadata(frame, table="t", info={"format": "csv"})
    learned = [c for c, e in meta["columns"].items() if e["sdtype"] != "id" and not e["identifier"]]
    order = np.random.default_rng(0).permutation(len(frame))
    cut = len(frame) // 5
    holdout = frame.iloc[order[:cut]].reset_index(drop=True)[learned]
    train = frame.iloc[order[cut:]].reset_index(drop=True)[learned]
    return train, holdout, {c: meta["columns"][c]["sdtype"] for c in learned}


def leaky(train: pd.DataFrame, sdtypes: dict[str, str], seed: int = 0) -> pd.DataFrame:
    """A synthesizer that memorises: every training row back, numbers jittered by a hair."""
    rng = np.random.default_rng(seed)
    out = train.copy()
    for name, kind in sdtypes.items():
        if kind == "numerical":
            values = pd.to_numeric(out[name], errors="coerce")
            out[name] = values + rng.normal(0, 1e-4, len(values)) * (values.std() or 1.0)
    return out.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def spec_output(train: pd.DataFrame, name: str) -> pd.DataFrame:
    meta = detect_metadata(train, table="t", info={"format": "csv"})
    learned = list(train.columns)
    spec, names = learn_spec(train, meta, table="t", learned=learned, rows=len(train))
    return spec_sampler(spec, names)(len(train), 1, [])[learned]


TABLES = ["credit_scoring", "clinical_rotterdam", "retail_diamonds"]


@pytest.mark.parametrize("table", TABLES)
def test_a_leaky_synthesizer_is_flagged_by_every_attack(table: str) -> None:
    train, holdout, sdtypes = split(table)
    report = attack_report(train, holdout, leaky(train, sdtypes), sdtypes, thresholds=THRESHOLDS)
    attacks = report["attacks"]
    assert attacks["membership_inference"]["advantage"] > 0.9
    assert attacks["membership_inference"]["ci"][0] > 0.5
    assert attacks["attribute_inference"]["risk"] > 0.3
    assert attacks["attribute_inference"]["ci"][0] > 0.3
    assert attacks["singling_out"]["risk"] > 0.9
    assert all(a["level"] == "high" for a in attacks.values())
    assert report["verdict"] == "high"
    assert "training" in report["sentences"]["membership_inference"]


@pytest.mark.parametrize("table", TABLES)
def test_the_spec_synthesizer_on_the_same_rows_is_not_flagged(table: str) -> None:
    train, holdout, sdtypes = split(table)
    report = attack_report(
        train, holdout, spec_output(train, table), sdtypes, thresholds=THRESHOLDS
    )
    attacks = report["attacks"]
    assert attacks["membership_inference"]["advantage"] < 0.15
    assert attacks["attribute_inference"]["risk"] < 0.3
    assert attacks["singling_out"]["risk"] < 0.3
    assert report["verdict"] != "high"


def test_attacks_are_deterministic_by_seed() -> None:
    train, holdout, sdtypes = split("credit_scoring", rows=600)
    synthetic = leaky(train, sdtypes)
    first = attack_report(train, holdout, synthetic, sdtypes, thresholds=THRESHOLDS, seed=3)
    second = attack_report(train, holdout, synthetic, sdtypes, thresholds=THRESHOLDS, seed=3)
    for report in (first, second):
        for attack in report["attacks"].values():
            attack.pop("seconds")
        report.pop("attack_seconds")
    assert first == second


def test_membership_auc_of_known_distances() -> None:
    # members sit on synthetic rows, non-members far: AUC 1; the same rows on both sides: 0.5
    sdtypes = {"x": "numerical"}
    synthetic = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    members = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0] * 5})
    far = pd.DataFrame({"x": [0.5, 1.5, 2.5, 3.5] * 5})
    assert membership_inference(members, far, synthetic, sdtypes)["auc"] == 1.0
    same = membership_inference(members, members, synthetic, sdtypes)
    assert same["auc"] == 0.5 and same["advantage"] == 0.0


def test_singling_out_needs_unique_rows_and_says_so() -> None:
    sdtypes = {"sex": "categorical", "x": "numerical"}
    rows = pd.DataFrame({"sex": ["f", "m"] * 50, "x": np.arange(100.0)})
    result = singling_out(rows, rows, rows, sdtypes, ["sex"])
    assert "skipped" in result and "unique" in result["skipped"]


def test_quasi_identifiers_are_detected_by_name_and_leave_a_column_to_guess() -> None:
    sdtypes = {"Income": "numerical", "zip_code": "categorical", "Age": "numerical"}
    chosen, source = default_quasi_identifiers(sdtypes)
    assert chosen[:2] == ["zip_code", "Age"] and "Income" not in chosen
    assert "detected" in source
    assert default_quasi_identifiers({"a": "numerical"})[0] == ["a"]


def test_a_spent_time_budget_skips_the_attacks_and_says_so() -> None:
    train, holdout, sdtypes = split("credit_scoring", rows=300)
    report: dict[str, Any] = attack_report(
        train, holdout, train, sdtypes, thresholds=THRESHOLDS, budget_seconds=-1
    )
    assert all("time budget" in a["skipped"] for a in report["attacks"].values())
    assert report["verdict"] is None  # not measured is not low
    assert report["sentences"]["singling_out"].startswith("Not measured")


def test_sequences_are_attacked_as_entities() -> None:
    from evaluation.metrics.attacks import flatten_sequences

    frame = pd.DataFrame(
        {"who": ["a", "a", "b"], "x": [1.0, 3.0, 5.0], "c": ["p", "p", "q"]},
    )
    flat, types = flatten_sequences(frame, "who", {"x": "numerical", "c": "categorical"})
    assert flat.to_dict("list") == {"x": [2.0, 5.0], "c": ["p", "q"], "sequence_length": [2.0, 1.0]}
    assert types["sequence_length"] == "numerical"


def _flights_by_plane() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """A child table (flights under their plane, ``tailnum``) in three disjoint groups of
    whole planes: trained on, held out, and fresh (never seen by anyone)."""
    flights = pd.read_csv(SAMPLE_DATA / "flights_jan2013.csv")
    columns = ["tailnum", "carrier", "origin", "dest", "dep_delay", "distance", "air_time"]
    flights = flights[columns].dropna()
    planes = flights["tailnum"].drop_duplicates().to_numpy()
    order = np.random.default_rng(1).permutation(planes)
    groups = [flights[flights["tailnum"].isin(order[a:b])] for a, b in ((0, 400), (400, 500))]
    fresh = flights[flights["tailnum"].isin(order[500:900])]
    sdtypes = {"carrier": "categorical", "origin": "categorical", "dest": "categorical"}
    sdtypes |= {c: "numerical" for c in ("dep_delay", "distance", "air_time")}
    return groups[0], groups[1], fresh, sdtypes


def _renamed(flights: pd.DataFrame) -> pd.DataFrame:
    """The synthetic side's keys: its own, not the real planes'."""
    codes = {k: f"S{i}" for i, k in enumerate(flights["tailnum"].drop_duplicates())}
    return flights.assign(tailnum=flights["tailnum"].map(codes))


def test_a_child_table_is_attacked_per_parent_and_a_copy_of_it_is_flagged() -> None:
    """Related data: each child row belongs to a parent (the person), so the flights of one
    plane are attacked as one entity; flights copied from the trained planes are flagged by
    every attack, flights of planes nobody trained on are not."""
    from evaluation.report import attacks_of

    train, holdout, fresh, sdtypes = _flights_by_plane()
    learned = list(sdtypes)
    leaked = attacks_of(
        train, holdout, _renamed(leaky(train, sdtypes)), learned, sdtypes, {}, "tailnum"
    )
    assert leaked["entities"].startswith("one row per tailnum")
    members = leaked["attacks"]["membership_inference"]["n"]
    assert members == {"members": 400, "non_members": 100}  # planes, not flights
    assert leaked["attacks"]["membership_inference"]["advantage"] > 0.5
    assert leaked["attacks"]["attribute_inference"]["risk"] > 0.3
    assert leaked["attacks"]["singling_out"]["risk"] > 0.5
    assert leaked["verdict"] == "high"
    clean = attacks_of(train, holdout, _renamed(fresh), learned, sdtypes, {}, "tailnum")
    assert clean["attacks"]["membership_inference"]["advantage"] < 0.15
    assert clean["attacks"]["singling_out"]["risk"] < 0.1
    assert clean["verdict"] != "high"
