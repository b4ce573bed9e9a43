"""Uploading real tables: metadata detected and editable; bad or hostile files refused cleanly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from generation.models import Dataset
from tests.conftest import SAMPLE_DATA
from tests.synthesis.conftest import csv_upload, real_table, upload


def _nothing_left() -> None:
    assert Dataset.objects.count() == 0
    root = Path(settings.MEDIA_ROOT) / "datasets"
    assert not root.exists() or not any(root.iterdir())


def test_it_detects_types_datetimes_and_keys_of_real_tables(alice_client: Any) -> None:
    frame = pd.read_csv(SAMPLE_DATA / "flights_jan2013.csv").head(300)
    meta = upload(alice_client, frame, "flights.csv")["metadata"]
    assert meta["columns"]["time_hour"]["sdtype"] == "datetime"
    assert meta["columns"]["time_hour"]["datetime_format"] == "%Y-%m-%dT%H:%M:%SZ"
    assert meta["columns"]["carrier"]["sdtype"] == "categorical"
    assert meta["columns"]["dep_delay"]["sdtype"] == "numerical"
    clinical = pd.read_csv(SAMPLE_DATA / "clinical_rotterdam.csv").head(300)
    meta = upload(alice_client, clinical, "clinical.csv")["metadata"]
    assert meta["primary_key"] == "pid"
    assert meta["columns"]["pid"]["sdtype"] == "id"
    # integers of a few levels are categories (kept as ints), counts of many are numbers
    planes = pd.read_csv(SAMPLE_DATA / "planes.csv").head(400)
    assert planes["seats"].nunique() <= 10 < planes["year"].nunique()
    meta = upload(alice_client, planes, "planes.csv")["metadata"]
    for name in ("engines", "seats"):
        assert meta["columns"][name]["sdtype"] == "categorical", name
        assert meta["columns"][name]["representation"] == "int", name
    assert meta["columns"]["year"]["sdtype"] == "numerical"


def test_it_accepts_parquet(alice_client: Any, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(100)
    path = tmp_path / "credit.parquet"
    pq.write_table(pa.Table.from_pandas(frame), path)
    resp = alice_client.post(
        "/api/datasets",
        {"file": SimpleUploadedFile("credit.parquet", path.read_bytes())},
        format="multipart",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["format"] == "parquet"
    assert resp.json()["rows"] == 100


def test_it_flags_planted_identifiers(alice_client: Any) -> None:
    from faker import Faker

    fake = Faker()
    Faker.seed(5)
    frame = pd.read_csv(SAMPLE_DATA / "credit_scoring.csv").head(200)
    frame["email"] = [fake.unique.email() for _ in range(len(frame))]
    frame["customer_name"] = [fake.name() for _ in range(len(frame))]
    frame["phone"] = [fake.phone_number() for _ in range(len(frame))]
    frame["ssn"] = [fake.ssn() for _ in range(len(frame))]
    frame["account_no"] = [fake.bothify("AC-########") for _ in range(len(frame))]
    columns = upload(alice_client, frame)["metadata"]["columns"]
    assert columns["email"]["identifier"] == "email"
    assert columns["customer_name"]["identifier"] == "person_name"
    assert columns["phone"]["identifier"] == "phone"
    assert columns["ssn"]["identifier"] == "ssn"
    assert columns["account_no"]["identifier"] == "account_id"
    assert columns["Status"]["identifier"] is None


def test_it_lets_the_owner_edit_metadata_with_checked_values(
    alice_client: Any, bob_client: Any, credit: pd.DataFrame
) -> None:
    dataset = upload(alice_client, credit)
    url = f"/api/datasets/{dataset['id']}"
    resp = alice_client.patch(
        url,
        {"name": "credit", "metadata": {"columns": {"Seniority": {"sdtype": "categorical"}}}},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["metadata"]["columns"]["Seniority"]["sdtype"] == "categorical"
    resp = alice_client.patch(
        url, {"metadata": {"columns": {"Age": {"sdtype": "banana"}}}}, format="json"
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["message"].startswith("metadata.columns.Age.sdtype:")
    resp = alice_client.patch(url, {"metadata": {"primary_key": "nope"}}, format="json")
    assert resp.status_code == 400
    assert bob_client.get(url).status_code == 404
    assert bob_client.delete(url).status_code == 404
    assert alice_client.delete(url).status_code == 204
    _nothing_left()


def _bad(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"a,b,c\n", "empty"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 200, "not a table"),
        ("latin1.csv", "name,city\nJos\xe9,M\xfcnchen\n".encode("latin-1") * 20, "encoding"),
        ("fake.parquet", b"a,b\n1,2\n" * 20, "Parquet"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5,6\n" + b"7,8\n" * 20, "CSV"),
        ("prose.txt", ("This is a letter, not a table. " * 10 + "\n").encode() * 30, "table"),
    ],
)
def test_it_refuses_bad_files_and_leaves_nothing_behind(
    alice_client: Any, name: str, content: bytes, says: str
) -> None:
    resp = alice_client.post("/api/datasets", {"file": _bad(name, content)}, format="multipart")
    assert resp.status_code == 400, resp.json()
    message = resp.json()["error"]["message"]
    assert message.startswith("file:")
    assert says.lower() in message.lower()
    _nothing_left()


def test_it_refuses_too_large_and_too_wide_files(
    alice_client: Any, settings: Any, credit: pd.DataFrame
) -> None:
    settings.SYNDATA_DATASET_MAX_BYTES = 1000
    resp = alice_client.post(
        "/api/datasets", {"file": _bad("big.csv", b"a,b\n" + b"1,2\n" * 2000)}, format="multipart"
    )
    assert resp.status_code == 400
    assert "limit" in resp.json()["error"]["message"]
    settings.SYNDATA_DATASET_MAX_BYTES = 10_000_000
    settings.SYNDATA_DATASET_MAX_COLUMNS = 5
    resp = alice_client.post(
        "/api/datasets",
        {"file": _bad("wide.csv", credit.to_csv(index=False).encode())},
        format="multipart",
    )
    assert resp.status_code == 400
    assert "14 columns" in resp.json()["error"]["message"]
    _nothing_left()


def test_it_needs_a_file_and_a_user(alice_client: Any, anon_client: Any) -> None:
    resp = alice_client.post("/api/datasets", {}, format="multipart")
    assert resp.status_code == 400
    assert resp.json()["error"]["message"].startswith("file:")
    assert anon_client.get("/api/datasets").status_code in (401, 403)


def test_a_name_is_one_text_of_at_most_200_characters(alice_client: Any) -> None:
    """schemathesis found a list of names accepted (the last one kept, unchecked)."""
    frame = real_table("credit_scoring", rows=50)
    for name, message in (("x" * 201, "name: Ensure"), (["a", "b"], "name: give one name")):
        resp = alice_client.post(
            "/api/datasets", {"file": csv_upload(frame), "name": name}, format="multipart"
        )
        assert resp.status_code == 400
        assert resp.json()["error"]["message"].startswith(message)
    _nothing_left()
    resp = alice_client.post(
        "/api/datasets", {"file": csv_upload(frame), "name": "loans"}, format="multipart"
    )
    assert resp.status_code == 201 and resp.json()["name"] == "loans"


def test_it_lists_synthesizers_with_their_licences(alice_client: Any, settings: Any) -> None:
    names = {s["name"]: s for s in alice_client.get("/api/synthesizers").json()}
    assert names["spec"]["bsl"] is False
    assert names["gaussian_copula"]["bsl"] is True
    assert "Business Source License" in names["ctgan"]["license"]
    settings.SYNDATA_SYNTHESIZERS = ["spec"]
    assert [s["name"] for s in alice_client.get("/api/synthesizers").json()] == ["spec"]


# --- metadata edits are checked against the data they describe -----------------------------
def _patch(client: Any, dataset_id: str, metadata: dict[str, Any]) -> Any:
    return client.patch(f"/api/datasets/{dataset_id}", {"metadata": metadata}, format="json")


def test_it_accepts_a_datetime_format_the_values_read_in(alice_client: Any) -> None:
    # Days never above 12: detection guesses month first; the owner knows it is day first.
    days = pd.date_range("2021-01-01", periods=12, freq="D").strftime("%d/%m/%Y")
    frame = pd.DataFrame({"visit": list(days) * 10, "x": range(120)})
    dataset = upload(alice_client, frame)
    assert dataset["metadata"]["columns"]["visit"]["datetime_format"] == "%m/%d/%Y"
    resp = _patch(
        alice_client, dataset["id"], {"columns": {"visit": {"datetime_format": "%d/%m/%Y"}}}
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["metadata"]["columns"]["visit"]["datetime_format"] == "%d/%m/%Y"


def test_it_refuses_a_datetime_format_the_values_do_not_read_in(alice_client: Any) -> None:
    real = real_table("sensor_nyc_weather", rows=300, seed=1)
    dataset = upload(alice_client, real)
    resp = _patch(
        alice_client, dataset["id"], {"columns": {"time_hour": {"datetime_format": "%d/%m/%Y"}}}
    )
    assert resp.status_code == 400, resp.json()
    error = resp.json()["error"]
    assert set(error) == {"code", "message", "details"}
    message = error["message"]
    assert message.startswith("metadata.columns.time_hour.datetime_format:")
    assert "0.0% of the 300 values" in message
    assert "'%d/%m/%Y'" in message
    example = re.search(r"e\.g\. '([^']+)'", message)
    assert example and example.group(1) in set(real["time_hour"])
    # nothing was saved: the detected format stands
    meta = alice_client.get(f"/api/datasets/{dataset['id']}").json()["metadata"]
    assert meta["columns"]["time_hour"]["datetime_format"] == "%Y-%m-%dT%H:%M:%SZ"


def test_it_refuses_to_read_a_categorical_column_as_datetimes(alice_client: Any) -> None:
    real = real_table("credit_scoring", rows=300, seed=1)
    dataset = upload(alice_client, real)
    resp = _patch(alice_client, dataset["id"], {"columns": {"Home": {"sdtype": "datetime"}}})
    assert resp.status_code == 400, resp.json()
    message = resp.json()["error"]["message"]
    assert message.startswith("metadata.columns.Home.sdtype:")
    assert "0.0% of the" in message and "'Home'" in message
    example = re.search(r"e\.g\. '([^']+)'", message)
    assert example and example.group(1) in set(real["Home"].astype(str))
    assert (
        alice_client.get(f"/api/datasets/{dataset['id']}").json()["metadata"]["columns"]["Home"][
            "sdtype"
        ]
        == "categorical"
    )


def test_a_column_made_datetime_gets_the_format_its_values_have(alice_client: Any) -> None:
    frame = pd.DataFrame({"code": [f"2020-01-{i % 28 + 1:02d}" for i in range(100)]})
    frame["n"] = range(100)
    dataset = upload(alice_client, frame)
    edit = {"code": {"sdtype": "categorical", "datetime_format": None}}
    resp = _patch(alice_client, dataset["id"], {"columns": edit})
    assert resp.status_code == 200, resp.json()
    resp = _patch(alice_client, dataset["id"], {"columns": {"code": {"sdtype": "datetime"}}})
    assert resp.status_code == 200, resp.json()
    assert resp.json()["metadata"]["columns"]["code"]["datetime_format"] == "%Y-%m-%d"
    # a null format means "the data's own" too
    edit = {"code": {"sdtype": "datetime", "datetime_format": None}}
    resp = _patch(alice_client, dataset["id"], {"columns": edit})
    assert resp.json()["metadata"]["columns"]["code"]["datetime_format"] == "%Y-%m-%d"


def test_it_accepts_a_unique_primary_key_and_refuses_a_repeating_one(alice_client: Any) -> None:
    real = real_table("credit_scoring", rows=300, seed=1)
    real.insert(0, "ref", [f"R{i:05d}" for i in range(len(real))])
    real["ref"] = real["ref"].sample(frac=1, random_state=0).to_numpy()
    dataset = upload(alice_client, real)
    resp = _patch(alice_client, dataset["id"], {"primary_key": "ref"})
    assert resp.status_code == 200, resp.json()
    assert resp.json()["metadata"]["primary_key"] == "ref"
    assert resp.json()["metadata"]["columns"]["ref"]["sdtype"] == "id"
    resp = _patch(alice_client, dataset["id"], {"primary_key": "Status"})
    assert resp.status_code == 400, resp.json()
    message = resp.json()["error"]["message"]
    assert message.startswith("metadata.primary_key:")
    assert "'Status'" in message and "not unique" in message
    assert (
        alice_client.get(f"/api/datasets/{dataset['id']}").json()["metadata"]["primary_key"]
        == "ref"
    )


def test_it_refuses_a_primary_key_with_empty_values(alice_client: Any) -> None:
    frame = pd.DataFrame({"ref": [f"K{i}" for i in range(99)] + [None], "x": range(100)})
    dataset = upload(alice_client, frame)
    resp = _patch(alice_client, dataset["id"], {"primary_key": "ref"})
    assert resp.status_code == 400, resp.json()
    message = resp.json()["error"]["message"]
    assert message.startswith("metadata.primary_key:") and "1 empty values" in message


@pytest.mark.parametrize(
    ("metadata", "where"),
    [
        ({"columns": {"Status": {"datetime_format": "%Y%Y"}}}, "columns.Status.datetime_format"),
        ({"columns": {"Status": {"datetime_format": "%Q"}}}, "columns.Status.datetime_format"),
        ({"columns": [1]}, "columns"),
        ({"primary_key": {"a": 1}}, "primary_key"),
        ({"primary_key": ["Status"]}, "primary_key"),
    ],
    ids=["format-regex", "format-directive", "columns-list", "pk-object", "pk-list"],
)
def test_malformed_metadata_edits_are_a_400_naming_the_field(
    alice_client: Any, metadata: dict[str, Any], where: str
) -> None:
    """Each of these was a 500 (re.error, AttributeError, TypeError); nothing is saved."""
    dataset = upload(alice_client, real_table("credit_scoring", rows=100, seed=1))
    resp = _patch(alice_client, dataset["id"], metadata)
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["message"].startswith(f"metadata.{where}: ")
    assert (
        alice_client.get(f"/api/datasets/{dataset['id']}").json()["metadata"]
        == (dataset["metadata"])
    )
