"""Upload -> fit -> sample -> metrics in one process, on real tables from ../shared/data."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.synthesis.conftest import fit_now, generate_now, needs_learned_specs, upload


@pytest.mark.parametrize(
    "synthesizer", ["gaussian_copula", pytest.param("spec", marks=needs_learned_specs)]
)
def test_it_learns_a_real_table_and_makes_new_rows(
    alice_client: Any, credit: pd.DataFrame, synthesizer: str
) -> None:
    dataset = upload(alice_client, credit, "credit.csv")
    assert dataset["rows"] == 800
    assert dataset["metadata"]["columns"]["Status"]["sdtype"] == "categorical"
    fit = fit_now(alice_client, dataset["id"], synthesizer, seed=3)
    job, rows = generate_now(alice_client, fit["model_id"], rows=500, seed=9)
    assert len(rows) == 500
    assert list(rows.columns) == list(credit.columns)
    assert set(rows["Status"].dropna()) <= {"good", "bad"}
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    assert metrics["kind"] == "model"
    summary = metrics["summary"]
    assert summary["exact_copy_rate"] == 0
    assert summary["quality"] > 0.7
    assert summary["identifier_leaks"] == 0
