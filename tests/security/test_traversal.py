"""No parameter reaches a file outside the caller's own job: table=, format=, ids, table names
in a spec, template names, uploaded file names."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.conftest import PEOPLE_SPEC
from tests.security.conftest import make_job

pytestmark = pytest.mark.django_db

SECRET = "top-secret-content"
EVIL = [
    "../../../../../../etc/passwd",
    "..",
    "../people",
    "/etc/passwd",
    "people/../../x",
    "..\\..\\x",
    "people\x00.csv",
    "%2e%2e%2fpeople",
]


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A file beside MEDIA_ROOT that no request may ever read."""
    path = Path(settings.MEDIA_ROOT).parent / "secret.csv"
    path.write_text(SECRET)
    return path


def _no_secret(resp: Any) -> None:
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    assert SECRET.encode() not in body
    assert b"root:" not in body


@pytest.mark.parametrize("value", EVIL)
def test_download_table_and_format_cannot_leave_the_job(
    value: str, alice: Any, alice_client: APIClient, secret_file: Path
) -> None:
    job = make_job(alice)
    for params in ({"table": value}, {"format": value}, {"table": "people", "format": value}):
        resp = alice_client.get(f"/api/download/{job.id}", params)
        assert resp.status_code in (400, 404), (params, resp.status_code)
        assert resp.json()["error"]["code"]
        _no_secret(resp)


@pytest.mark.parametrize("value", EVIL)
def test_preview_table_cannot_leave_the_job(
    value: str, alice: Any, alice_client: APIClient, secret_file: Path
) -> None:
    job = make_job(alice)
    resp = alice_client.get(f"/api/preview/{job.id}", {"table": value})
    assert resp.status_code == 400, resp.content
    _no_secret(resp)


@pytest.mark.parametrize(
    "name", ["../../../escaped", "a/b", "/tmp/abs", "..", "x\x00y", "people\n", ".people"]
)
def test_a_table_name_cannot_become_a_path(name: str, alice_client: APIClient) -> None:
    spec = copy.deepcopy(PEOPLE_SPEC)
    spec["tables"] = {name: spec["tables"]["people"]}
    resp = alice_client.post(
        "/api/generate", {"schema": spec, "rows": 10, "format": "csv"}, format="json"
    )
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["code"] == "invalid_spec"
    assert "tables" in resp.json()["error"]["message"]


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "../specs/x", "/etc/passwd", "..."])
def test_a_template_name_cannot_become_a_path(name: str, alice_client: APIClient) -> None:
    resp = alice_client.post(
        "/api/generate", {"template": name, "rows": 10, "format": "csv"}, format="json"
    )
    assert resp.status_code in (400, 404), resp.content
    assert "root:" not in resp.content.decode()


def _found_outside_datasets(name: str) -> list[Path]:
    datasets = (Path(settings.MEDIA_ROOT) / "datasets").resolve()
    root = Path(settings.MEDIA_ROOT).resolve().parent
    return [p for p in root.rglob(name) if datasets not in p.resolve().parents]


@pytest.mark.parametrize("name", ["../../escape.csv", "/tmp/escape.csv", "..\\..\\escape.csv"])
def test_an_uploaded_file_name_cannot_become_a_path(name: str, alice_client: APIClient) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    table = b"a,b\n" + b"".join(f"{i},{i % 3}\n".encode() for i in range(50))
    upload = SimpleUploadedFile(name, table, content_type="text/csv")
    resp = alice_client.post("/api/datasets", {"file": upload}, format="multipart")
    assert resp.status_code in (201, 400), resp.content
    assert _found_outside_datasets("escape.csv") == []
    assert not Path("/tmp/escape.csv").exists()


def test_a_zip_member_cannot_become_a_path(alice_client: APIClient) -> None:
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.csv", "id,x\n" + "".join(f"{i},{i}\n" for i in range(30)))
        archive.writestr("/abs-escape.csv", "id,y\n" + "".join(f"{i},{i}\n" for i in range(30)))
    upload = SimpleUploadedFile("tables.zip", buffer.getvalue(), content_type="application/zip")
    resp = alice_client.post("/api/datasets", {"file": upload}, format="multipart")
    assert resp.status_code in (201, 400), resp.content
    assert _found_outside_datasets("escape.csv") == []
    assert _found_outside_datasets("abs-escape.csv") == []
    assert not Path("/abs-escape.csv").exists()
