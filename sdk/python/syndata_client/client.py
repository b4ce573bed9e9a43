"""A small hand-written layer over the generated client (``syndata_client.generated``).

    from syndata_client import Client

    client = Client("http://127.0.0.1:8000", token)
    frame = client.generate(template="finance_transactions", rows=100_000, seed=7).wait(
        progress=True
    ).to_pandas()

Every call goes through the generated, typed operations; only the streamed download reads the
HTTP response itself, so that a file of any size never sits in memory.
"""

from __future__ import annotations

import json
import sys
import time
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from syndata_client.generated import AuthenticatedClient
from syndata_client.generated.api.datasets import datasets_create, datasets_fit, datasets_retrieve
from syndata_client.generated.api.generate import generate as generate_op
from syndata_client.generated.api.jobs import jobs_cancel, jobs_destroy, jobs_list, jobs_retrieve
from syndata_client.generated.api.metrics import metrics as metrics_op
from syndata_client.generated.api.models import models_list
from syndata_client.generated.api.preview import preview as preview_op
from syndata_client.generated.api.schemas import schemas_create, schemas_validate
from syndata_client.generated.api.templates import templates_list
from syndata_client.generated.models import (
    DatasetUploadRequest,
    FitRequestRequest,
    GenerateRequest,
    SchemaRequest,
    SpecValidateRequest,
)
from syndata_client.generated.types import UNSET, File, Response

__all__ = ["ApiError", "Client", "Job", "JobFailed"]

FINISHED = ("succeeded", "failed", "cancelled")


class ApiError(Exception):
    """The server answered with its error shape ``{"error": {"code", "message", "details"}}``."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class JobFailed(Exception):
    """A job ended failed or cancelled."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"job {job.id} {job.status}: {job.data.get('error') or ''}".strip())
        self.job = job


def _unset(value: Any) -> Any:
    return UNSET if value is None else value


def _check(response: Response[Any]) -> Any:
    """The parsed body of a 2xx answer; anything else raises ApiError."""
    status = int(response.status_code)
    if 200 <= status < 300:
        return response.parsed
    try:
        error = json.loads(response.content)["error"]
        raise ApiError(status, error["code"], error["message"], error.get("details"))
    except (ValueError, KeyError, TypeError):
        text = response.content[:200].decode(errors="replace")
        raise ApiError(status, "http_error", text) from None


def _dict(model: Any) -> dict[str, Any]:
    return model.to_dict() if hasattr(model, "to_dict") else dict(model)


class Client:
    """The Syn-Data API for one user (``Authorization: Token <token>``)."""

    def __init__(self, url: str, token: str, *, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.api = AuthenticatedClient(
            base_url=self.url,
            token=token,
            prefix="Token",
            timeout=httpx.Timeout(timeout),
            raise_on_unexpected_status=False,
        )

    # --- jobs ---------------------------------------------------------------------------
    def generate(
        self,
        *,
        template: str | None = None,
        schema: dict[str, Any] | None = None,
        schema_id: str | None = None,
        model_id: str | None = None,
        rows: int | None = None,
        seed: int | None = None,
        format: str = "csv",
        params: dict[str, Any] | None = None,
        conditions: list[dict[str, Any]] | None = None,
    ) -> Job:
        """Start a job from exactly one of a template, a spec, a saved schema or a model."""
        body: dict[str, Any] = {"format": format}
        for key, value in (
            ("template", template),
            ("schema", schema),
            ("schema_id", schema_id),
            ("model_id", model_id),
            ("rows", rows),
            ("seed", seed),
            ("params", params),
            ("conditions", conditions),
        ):
            if value is not None:
                body[key] = value
        job = _check(
            generate_op.sync_detailed(client=self.api, body=GenerateRequest.from_dict(body))
        )
        return Job(self, job.to_dict())

    def job(self, job_id: str) -> Job:
        return Job(self, _check(jobs_retrieve.sync_detailed(job_id, client=self.api)).to_dict())

    def jobs(self, status: str | None = None) -> list[Job]:
        found = _check(jobs_list.sync_detailed(client=self.api, status=_unset(status)))
        return [Job(self, j.to_dict()) for j in found]

    def templates(self) -> list[dict[str, Any]]:
        return [t.to_dict() for t in _check(templates_list.sync_detailed(client=self.api))]

    # --- schemas ------------------------------------------------------------------------
    def validate(self, spec: dict[str, Any]) -> dict[str, Any]:
        """``{"valid", "errors": [{"path", "message"}], "tables"}``; nothing is saved."""
        body = SpecValidateRequest.from_dict({"spec": spec})
        return _check(schemas_validate.sync_detailed(client=self.api, body=body)).to_dict()

    def save_schema(self, name: str, spec: dict[str, Any], description: str = "") -> dict[str, Any]:
        body = SchemaRequest.from_dict({"name": name, "spec": spec, "description": description})
        return _check(schemas_create.sync_detailed(client=self.api, body=body)).to_dict()

    # --- learning from real data --------------------------------------------------------
    def upload(self, path: str | Path, name: str | None = None) -> dict[str, Any]:
        """Upload a real table (CSV or Parquet); returns the dataset."""
        path = Path(path)
        with path.open("rb") as fh:
            body = DatasetUploadRequest(
                file=File(payload=fh, file_name=path.name), name=name or path.stem
            )
            return _check(datasets_create.sync_detailed(client=self.api, body=body)).to_dict()

    def dataset(self, dataset_id: str) -> dict[str, Any]:
        return _check(datasets_retrieve.sync_detailed(dataset_id, client=self.api)).to_dict()

    def fit(
        self,
        dataset_id: str,
        synthesizer: str = "spec",
        *,
        seed: int | None = None,
        options: dict[str, Any] | None = None,
    ) -> Job:
        """Fit a synthesizer on a dataset; returns the fit job (wait for it, then ``model_id``)."""
        body: dict[str, Any] = {"synthesizer": synthesizer}
        if seed is not None:
            body["seed"] = seed
        if options is not None:
            body["options"] = options
        job = _check(
            datasets_fit.sync_detailed(
                dataset_id, client=self.api, body=FitRequestRequest.from_dict(body)
            )
        )
        return Job(self, job.to_dict())

    def models(self) -> list[dict[str, Any]]:
        return [m.to_dict() for m in _check(models_list.sync_detailed(client=self.api))]

    def model_of(self, fit_job: Job) -> dict[str, Any]:
        """The model a finished fit job made."""
        for model in self.models():
            if model.get("fit_job_id") == fit_job.id:
                return model
        raise LookupError(f"no model for fit job {fit_job.id}")

    def sample(
        self,
        model_id: str,
        rows: int,
        *,
        seed: int | None = None,
        format: str = "csv",
        conditions: list[dict[str, Any]] | None = None,
    ) -> Job:
        """Rows from a fitted model (a model job)."""
        return self.generate(
            model_id=model_id, rows=rows, seed=seed, format=format, conditions=conditions
        )


class Job:
    """A job on the server; ``data`` is its last known JSON (``GET /api/jobs/{id}``)."""

    def __init__(self, client: Client, data: dict[str, Any]) -> None:
        self.client = client
        self.data = data

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.status} {self.progress:.0%}>"

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    @property
    def progress(self) -> float:
        return float(self.data.get("progress") or 0.0)

    @property
    def model_id(self) -> str:
        """The model a finished fit job made."""
        return str(self.client.model_of(self)["id"])

    def refresh(self) -> Job:
        self.data = self.client.job(self.id).data
        return self

    def wait(
        self,
        *,
        progress: bool = False,
        timeout: float | None = None,
        poll: float = 0.5,
        metrics: bool = False,
    ) -> Job:
        """Poll until the job ends, i.e. its data is ready (previewable, downloadable); raise
        JobFailed unless it succeeded. Its metrics follow on their own: ``metrics=True``
        waits for them too (``wait_metrics``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self.refresh()
            if progress:
                done, total = self.data.get("rows_done", 0), self.data.get("rows_total", 0)
                sys.stderr.write(f"\r{self.status:<10} {self.progress:6.1%}  {done}/{total} rows")
                sys.stderr.flush()
            if self.status in FINISHED:
                break
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {self.id} still {self.status} after {timeout}s")
            time.sleep(poll)
        if progress:
            sys.stderr.write("\n")
        if self.status != "succeeded":
            raise JobFailed(self)
        if metrics:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            self.wait_metrics(timeout=left, poll=poll)
        return self

    @property
    def metrics_status(self) -> str:
        """pending, running, ready, failed (the data is intact), or none (fit jobs)."""
        return str((self.data.get("metrics") or {}).get("status", "none"))

    def wait_metrics(self, *, timeout: float | None = None, poll: float = 0.5) -> dict[str, Any]:
        """Wait for the data and then the metrics; return the metrics document. Raises
        ApiError (``metrics_failed``) when computing them failed, JobFailed for the job."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self.wait(timeout=timeout, poll=poll)
        while True:
            found = metrics_op.sync_detailed(self.id, client=self.client.api)
            if int(found.status_code) != HTTPStatus.ACCEPTED:
                return _dict(_check(found))
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"metrics of job {self.id} not ready after {timeout}s")
            retry = found.headers.get("retry-after", "")
            time.sleep(min(float(retry), 5.0) if retry.isdigit() else poll)

    def cancel(self) -> Job:
        self.data = _check(jobs_cancel.sync_detailed(self.id, client=self.client.api)).to_dict()
        return self

    def delete(self) -> None:
        _check(jobs_destroy.sync_detailed(self.id, client=self.client.api))

    def preview(self, *, limit: int = 20, table: str | None = None) -> dict[str, Any]:
        found = preview_op.sync_detailed(
            self.id, client=self.client.api, limit=limit, table=_unset(table)
        )
        return _check(found).to_dict()

    def metrics(self, *, timeout: float | None = None) -> dict[str, Any]:
        """The metrics document, waiting for it while it is computed (``wait_metrics``)."""
        return self.wait_metrics(timeout=timeout)

    def download(
        self, path: str | Path | None = None, *, table: str | None = None, format: str | None = None
    ) -> Path:
        """Stream the job's file (or one table, in any format) to ``path``; returns the path."""
        params = {k: v for k, v in (("table", table), ("format", format)) if v}
        url = f"/api/download/{quote(self.id, safe='')}"  # operation "download", streamed
        http = self.client.api.get_httpx_client()
        with http.stream("GET", url, params=params) as resp:
            if resp.status_code != HTTPStatus.OK:
                resp.read()
                _check(
                    Response(
                        status_code=HTTPStatus(resp.status_code),
                        content=resp.content,
                        headers=resp.headers,
                        parsed=None,
                    )
                )
            if path is None:
                disposition = resp.headers.get("content-disposition", "")
                name = disposition.split('filename="')[-1].rstrip('"') or f"{self.id}.bin"
                path = Path(name)
            path = Path(path)
            with path.open("wb") as fh:
                for chunk in resp.iter_bytes(1 << 20):
                    fh.write(chunk)
        return path

    def to_pandas(self, table: str | None = None) -> Any:
        """One table's rows as a pandas DataFrame (streamed as Parquet, then read from disk).

        Without ``table``, a multi-table job gives its largest table (the facts, e.g. the
        transactions of finance_transactions); ``job.data["tables"]`` lists them all.
        """
        import tempfile

        import pandas as pd

        tables = self.data.get("tables") or {}
        if table is None and len(tables) > 1:
            table = max(tables, key=lambda name: tables[name].get("rows", 0))
        with tempfile.TemporaryDirectory() as tmp:
            file = self.download(Path(tmp) / "table.parquet", table=table, format="parquet")
            return pd.read_parquet(file)
