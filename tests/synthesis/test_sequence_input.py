"""Broken sequences are a 400 at the fit's submission (not a job that dies later), for every
synthesizer that learns sequences, naming the field, the entity and the row."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from generation.models import Job
from tests.synthesis.conftest import upload
from tests.synthesis.test_sequence_spec import known_table


def _dataset(client: Any, frame: pd.DataFrame, **metadata: Any) -> str:
    dataset = upload(client, frame, "known.csv")
    resp = client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"sequence_key": "site", "sequence_index": "day", **metadata}},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    return dataset["id"]


def _fit(client: Any, dataset_id: str, synthesizer: str) -> Any:
    before = Job.objects.count()
    resp = client.post(
        f"/api/datasets/{dataset_id}/fit", {"synthesizer": synthesizer}, format="json"
    )
    if resp.status_code == 400:
        assert Job.objects.count() == before  # nothing queued to die later
    return resp


@pytest.mark.parametrize("synthesizer", ["spec", "par"])
def test_one_row_per_entity_is_a_400_naming_the_sequence_key(
    alice_client: Any, synthesizer: str
) -> None:
    frame = known_table(entities=12, days=2).drop_duplicates("site")
    dataset_id = _dataset(alice_client, frame)
    resp = _fit(alice_client, dataset_id, synthesizer)
    assert resp.status_code == 400, resp.json()
    message = resp.json()["error"]["message"]
    assert message.startswith("metadata.sequence_key:") and "'S0'" in message, message


@pytest.mark.parametrize("synthesizer", ["spec", "par"])
def test_an_order_repeated_within_an_entity_is_a_400_naming_entity_and_row(
    alice_client: Any, synthesizer: str
) -> None:
    frame = known_table(entities=3, days=20)
    frame = pd.concat([frame, frame.iloc[[25]]], ignore_index=True)  # S1 repeats a day
    dataset_id = _dataset(alice_client, frame)
    resp = _fit(alice_client, dataset_id, synthesizer)
    assert resp.status_code == 400, resp.json()
    message = resp.json()["error"]["message"]
    assert message.startswith("metadata.sequence_index:"), message
    assert "entity 'S1'" in message and "at row 25" in message, message


def test_irregular_steps_where_regular_ones_are_declared_are_a_400(alice_client: Any) -> None:
    frame = known_table(entities=3, days=20).drop(index=[45])  # S2 skips a day after row 44
    dataset_id = _dataset(alice_client, frame, sequence_regular=True)
    resp = _fit(alice_client, dataset_id, "spec")
    assert resp.status_code == 400, resp.json()
    message = resp.json()["error"]["message"]
    assert message.startswith("metadata.sequence_index:"), message
    assert "entity 'S2' steps by 172800s at row 45, not the regular 86400s" in message, message
    # not declared: the same gaps are learned (a 202 and a queued fit)
    resp = alice_client.patch(
        f"/api/datasets/{dataset_id}", {"metadata": {"sequence_regular": False}}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    assert _fit(alice_client, dataset_id, "spec").status_code in (201, 202)


def test_sequence_regular_must_be_a_boolean_with_an_order(alice_client: Any) -> None:
    dataset = upload(alice_client, known_table(entities=2, days=10), "known.csv")
    for metadata, field in (
        ({"sequence_key": "site", "sequence_index": "day", "sequence_regular": "yes"}, "must be"),
        ({"sequence_key": "site", "sequence_index": None, "sequence_regular": True}, "needs"),
    ):
        resp = alice_client.patch(
            f"/api/datasets/{dataset['id']}", {"metadata": metadata}, format="json"
        )
        assert resp.status_code == 400, resp.json()
        message = resp.json()["error"]["message"]
        assert message.startswith("metadata.sequence_regular:") and field in message, message


def test_the_dataset_review_warns_of_broken_sequences_before_any_fit(alice_client: Any) -> None:
    frame = known_table(entities=3, days=20)
    frame = pd.concat([frame, frame.iloc[[25]]], ignore_index=True)  # S1 repeats a day
    dataset = upload(alice_client, frame, "known.csv")
    resp = alice_client.patch(
        f"/api/datasets/{dataset['id']}",
        {"metadata": {"sequence_key": "site", "sequence_index": "day"}},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    (warning,) = resp.json()["metadata"]["sequence_warnings"]
    assert "entity 'S1'" in warning and "at row 25" in warning, warning
    again = alice_client.get(f"/api/datasets/{dataset['id']}").json()
    assert again["metadata"]["sequence_warnings"] == [warning]
    # no sequence key, no warning
    resp = alice_client.patch(
        f"/api/datasets/{dataset['id']}", {"metadata": {"sequence_key": None}}, format="json"
    )
    assert "sequence_warnings" not in resp.json()["metadata"]


def test_an_upload_whose_sequence_key_is_detected_records_its_warnings(
    alice_client: Any,
) -> None:
    """No PATCH: the upload detects site/day as the sequences, and the review already says
    that one entity is a single row (what a sequence fit would refuse)."""
    frame = known_table(entities=3, days=20)
    frame = pd.concat([frame, frame.iloc[[0]].assign(site="S9")], ignore_index=True)
    dataset = upload(alice_client, frame, "known.csv")
    meta = dataset["metadata"]
    assert (meta["sequence_key"], meta["sequence_index"]) == ("site", "day")
    (warning,) = meta["sequence_warnings"]
    assert "'S9'" in warning and "single row" in warning, warning
    again = alice_client.get(f"/api/datasets/{dataset['id']}").json()
    assert again["metadata"]["sequence_warnings"] == [warning]
    clean = upload(alice_client, known_table(entities=3, days=20), "clean.csv")
    assert clean["metadata"]["sequence_key"] == "site"
    assert "sequence_warnings" not in clean["metadata"]
