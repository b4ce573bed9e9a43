from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation.api.serializers import MetricsDocumentSerializer
from evaluation.models import MetricsReport
from generation import selectors
from generation.api.serializers import ErrorSerializer
from syndata_site.errors import ApiError


class MetricsView(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=html`` asks for the report page, not one of DRF's renderers.
        renderer = self.get_renderers()[0]
        return (renderer, renderer.media_type)

    @extend_schema(
        operation_id="metrics",
        summary="The job's metrics document (JSON), or a self-contained report page.",
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
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def get(self, request: Request, job_id: str) -> Response | HttpResponse:
        job = selectors.job_get_for(user=request.user, job_id=job_id)
        try:
            report = job.metrics
        except MetricsReport.DoesNotExist:
            raise ApiError(
                f"metrics are not ready: the job is {job.status}", code="not_ready", status_code=409
            ) from None
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "html"):
            raise ApiError(f"format: must be json or html, not {fmt[:40]!r}")
        if fmt == "html":
            from evaluation.report_html import REPORT_CSP, render_html

            return HttpResponse(
                render_html(report.document),
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": REPORT_CSP},
            )
        return Response(report.document)
