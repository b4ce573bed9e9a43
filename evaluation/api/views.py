from __future__ import annotations

import html
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation.api.serializers import MetricsDocumentSerializer, MetricsStateSerializer
from evaluation.models import MetricsReport
from generation import selectors
from generation.api.serializers import ErrorSerializer, JobSerializer, metrics_state
from generation.models import Job
from syndata_site.errors import ApiError

# Seconds a client should wait before asking again while the metrics are computed.
METRICS_RETRY_AFTER = 2


class MetricsView(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=html`` asks for the report page, not one of DRF's renderers.
        renderer = self.get_renderers()[0]
        return (renderer, renderer.media_type)

    @extend_schema(
        operation_id="metrics",
        summary="The job's metrics document (JSON), or a self-contained report page.",
        description="Metrics are computed after the data is ready (a job is succeeded, and "
        "downloadable, before them): while they are pending or running this answers 202 "
        "with their state and a Retry-After header; 200 with the document once ready; 409 "
        "`metrics_failed` (the data is intact) when computing them failed, `not_ready` for a "
        "job that failed or was cancelled, `no_metrics` for a fit job.",
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "html"],
                required=False,
                description="html: a self-contained report with charts, for people.",
            )
        ],
        responses={
            (200, "application/json"): MetricsDocumentSerializer,
            (200, "text/html"): OpenApiTypes.STR,
            (202, "application/json"): OpenApiResponse(
                MetricsStateSerializer, description="Still computing: ask again after Retry-After."
            ),
            (202, "text/html"): OpenApiTypes.STR,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def get(self, request: Request, job_id: str) -> Response | HttpResponse:
        job = selectors.job_get_for(user=request.user, job_id=job_id)
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "html"):
            raise ApiError(f"format: must be json or html, not {fmt[:40]!r}")
        state = job.metrics_state
        if job.kind == Job.Kind.FIT:
            raise ApiError(
                "a fit job has no metrics document: its model's scores are in "
                "/api/models/{model_id}; sample the model and ask for that job's metrics",
                code="no_metrics",
                status_code=409,
            )
        if state == Job.MetricsStatus.NONE:
            raise ApiError(
                f"metrics are not ready: the job is {job.status}", code="not_ready", status_code=409
            )
        if state == Job.MetricsStatus.FAILED:
            raise ApiError(
                f"computing the metrics failed: {job.metrics_error or 'no reason recorded'}; "
                "the job's data is intact and can be downloaded",
                code="metrics_failed",
                status_code=409,
            )
        report = None
        if state == Job.MetricsStatus.READY:
            report = MetricsReport.objects.filter(job=job).first()
        if report is None:  # pending or running (or ready a moment before its row is read)
            return _computing(job, fmt)
        if fmt == "html":
            from evaluation.report_html import REPORT_CSP, render_html

            return HttpResponse(
                render_html(report.document),
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": REPORT_CSP},
            )
        return Response(report.document)


def _computing(job: Job, fmt: str) -> Response | HttpResponse:
    """202: the metrics state, and when to ask again (the page refreshes itself)."""
    body = {**metrics_state(job), "job": str(job.id), "retry_after": METRICS_RETRY_AFTER}
    headers = {"Retry-After": str(METRICS_RETRY_AFTER)}
    if fmt == "html":
        waiting = "the data is still being made" if not job.is_finished else "computing metrics"
        page = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<meta http-equiv='refresh' content='{METRICS_RETRY_AFTER}'>"
            f"<title>Metrics of job {html.escape(str(job.id))}</title></head><body>"
            f"<p>{waiting} ({body['status']}, {body['progress']:.0%}); "
            "this page reloads itself.</p></body></html>"
        )
        return HttpResponse(
            page, status=202, content_type="text/html; charset=utf-8", headers=headers
        )
    return Response(body, status=202, headers=headers)


class EvaluateUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="Synthetic rows (CSV or Parquet) with exactly the dataset's columns."
    )
    seed = serializers.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, help_text="Of the holdout split."
    )


class DatasetEvaluateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="datasets_evaluate",
        request={"multipart/form-data": EvaluateUploadSerializer},
        responses={202: JobSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Judge synthetic data made by any tool against this dataset.",
        description="The upload becomes an `evaluation` job (in the jobs list) whose metrics "
        "document (GET /api/metrics/{job}) has the quality, privacy (attacks, verdict) and "
        "diversity of a model job's; the attacks' control is a seeded 10% of the dataset's "
        "rows (the document says which). Columns other than the dataset's are a 400 naming "
        "them.",
    )
    def post(self, request: Request, dataset_id: str) -> Response:
        from evaluation.uploads import evaluation_submit
        from generation.api.datasets import _dataset_for
        from generation.specs import upload_size_check

        dataset = _dataset_for(request.user, dataset_id)
        length = request.META.get("CONTENT_LENGTH")
        if length and length.isdigit():  # refused before the body is read, as an upload
            upload_size_check(
                size=max(0, int(length) - 64 * 1024), what="the request body", exact=False
            )
        uploads = request.FILES.getlist("file")
        if len(uploads) != 1:
            raise ApiError("file: is required, once (a CSV or Parquet file of synthetic rows)")
        seed = request.data.get("seed", 0)
        try:
            seed = int(seed)
            if not 0 <= seed < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            raise ApiError("seed: must be an integer 0..2^31-1") from None
        job = evaluation_submit(user=request.user, dataset=dataset, upload=uploads[0], seed=seed)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
