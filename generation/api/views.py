from __future__ import annotations

import dataclasses
from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from generation import downloads, engine, privacy_gate, selectors, services, specs
from generation.api import paging
from generation.api.serializers import (
    ErrorSerializer,
    GenerateEstimateSerializer,
    GenerateRequestSerializer,
    JobSerializer,
    JobSpecSerializer,
    PreviewSerializer,
    SchemaSerializer,
    SpecValidateSerializer,
    SpecValidationSerializer,
)
from generation.models import Job
from syndata_site.errors import ApiError

# 400/401/403/404/429/500 are added to every operation by syndata_site.openapi.AutoSchema.
JSON_ROWS = {"type": "array", "items": {"type": "object", "additionalProperties": {}}}
CONFLICT = {409: ErrorSerializer}


class GenerateView(APIView):
    @extend_schema(
        operation_id="generate",
        request=GenerateRequestSerializer,
        responses={202: JobSerializer, 503: ErrorSerializer},
        summary="Start a generation job from a schema, template, saved schema or model.",
    )
    def post(self, request: Request) -> Response:
        body = GenerateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = body.validated_data
        job_request = _job_request(request.user, data)
        job = services.job_submit(user=request.user, request=job_request)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class GenerateEstimateView(APIView):
    @extend_schema(
        operation_id="generate_estimate",
        request=GenerateRequestSerializer,
        responses={200: GenerateEstimateSerializer},
        summary=(
            "What POST /api/generate would make with this body (rows per table, in total), "
            "checked the same way (400s alike) but nothing started or sampled."
        ),
    )
    def post(self, request: Request) -> Response:
        body = GenerateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job_request = _job_request(request.user, body.validated_data)
        return Response(services.job_estimate(user=request.user, request=job_request))


def _job_request(user: Any, data: dict[str, Any]) -> services.JobRequest:
    if "privacy_gate" in data and "model_id" not in data:
        raise ApiError("privacy_gate: only a model_id job has a privacy verdict to gate")
    common = {"rows": data.get("rows"), "format": data["format"], "seed": data.get("seed")}
    if "schema" in data:
        return services.JobRequest(kind=Job.Kind.SCHEMA, spec=data["schema"], **common)
    if "schema_id" in data:
        saved = selectors.schema_get_for(user=user, schema_id=data["schema_id"])
        return services.JobRequest(kind=Job.Kind.SCHEMA, spec=saved.spec, schema=saved, **common)
    if "template" in data:
        from templates_catalog.registry import check_rows_and_knobs, template_spec

        check_rows_and_knobs(data["template"], data.get("params") or {}, data.get("rows"))
        spec = template_spec(data["template"], data.get("params") or {})
        return services.JobRequest(
            kind=Job.Kind.TEMPLATE,
            spec=spec,
            template=data["template"],
            params={"template_params": data.get("params") or {}},
            **common,
        )
    # pandas and the synthesizers load on a model request only, not in every web process
    from generation.synthesis.model_requests import model_job_request

    job_request = model_job_request(user=user, data=data)
    if "privacy_gate" in data:
        params = {**(job_request.params or {}), "privacy_gate": data["privacy_gate"]}
        job_request = dataclasses.replace(job_request, params=params)
    from generation.synthesis.models import SynthModel

    model = SynthModel.objects.filter(id=data["model_id"]).only("metrics").first()
    dp = ((model.metrics if model else None) or {}).get("differential_privacy")
    if dp:  # the rows come from a DP fit: say what it spent
        spent = {k: dp[k] for k in ("epsilon", "delta", "epsilon_spent", "delta_spent")}
        params = {**(job_request.params or {}), "differential_privacy": spent}
        job_request = dataclasses.replace(job_request, params=params)
    return job_request


class JobListView(APIView):
    @extend_schema(
        operation_id="jobs_list",
        parameters=[
            OpenApiParameter("status", str, description="Comma-separated statuses to keep."),
            OpenApiParameter(
                "dataset", str, description="A dataset's id: only its fit and sample jobs."
            ),
            *paging.PARAMETERS,
        ],
        responses={200: JobSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        jobs = selectors.job_list_for(
            user=request.user,
            status=request.query_params.get("status"),
            dataset=request.query_params.get("dataset"),
        )
        jobs = jobs.defer("spec").prefetch_related("artifacts")
        return paging.paged(request, jobs, JobSerializer)


class JobDetailView(APIView):
    @extend_schema(operation_id="jobs_retrieve", responses={200: JobSerializer})
    def get(self, request: Request, job_id: str) -> Response:
        job = selectors.job_status_for(user=request.user, job_id=job_id)
        return Response(JobSerializer(job).data)

    @extend_schema(operation_id="jobs_destroy", responses={204: None})
    def delete(self, request: Request, job_id: str) -> Response:
        job = selectors.job_get_for(user=request.user, job_id=job_id)
        services.job_delete(job=job)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JobCancelView(APIView):
    @extend_schema(
        operation_id="jobs_cancel",
        request=None,
        responses={200: JobSerializer, **CONFLICT},
    )
    def post(self, request: Request, job_id: str) -> Response:
        job = selectors.job_get_for(user=request.user, job_id=job_id)
        return Response(JobSerializer(services.job_cancel(job=job)).data)


class JobSpecView(APIView):
    @extend_schema(
        operation_id="jobs_spec",
        summary="The spec a schema or template job ran (to edit it or run it again).",
        responses={200: JobSpecSerializer},
    )
    def get(self, request: Request, job_id: str) -> Response:
        job = selectors.job_get_for(user=request.user, job_id=job_id)
        learned_spec = job.kind == Job.Kind.MODEL and job.params.get("synthesizer") == "spec"
        if (
            not job.spec
            or job.kind == Job.Kind.FIT
            or (job.kind == Job.Kind.MODEL and not learned_spec)
        ):
            raise ApiError(
                f"this {job.kind} job has no spec: a fitted model makes its rows",
                code="not_found",
                status_code=404,
            )
        return Response({"spec": job.spec})


class PreviewView(APIView):
    @extend_schema(
        operation_id="preview",
        parameters=[
            OpenApiParameter("table", str, description="Table to show (default: the first)."),
            OpenApiParameter("limit", int, description="Rows to return (1..1000, default 20)."),
        ],
        responses={200: PreviewSerializer, **CONFLICT},
    )
    def get(self, request: Request, job_id: str) -> Response:
        job = selectors.job_get_for(user=request.user, job_id=job_id)
        raw_limit = request.query_params.get("limit", "20")
        try:
            limit = int(raw_limit)
        except ValueError:
            raise ApiError(f"limit: must be an integer, got {raw_limit!r}") from None
        if not 1 <= limit <= services.PREVIEW_FILE_ROWS:
            raise ApiError(f"limit: must be between 1 and {services.PREVIEW_FILE_ROWS}")
        data = services.job_preview(job=job, table=request.query_params.get("table"), limit=limit)
        return Response(data)


class DownloadView(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=`` names the file format here, not one of DRF's renderers.
        renderer = self.get_renderers()[0]
        return (renderer, renderer.media_type)

    @extend_schema(
        operation_id="download",
        summary="Download a job's file: streamed, with ETag, Range and format conversion.",
        description=(
            "Without `table`, a one-table job gives its table and a multi-table job a zip of "
            "all tables. `format` other than the job's converts block by block while streaming "
            "(needs `table` for a multi-table job; no Content-Length or Range then). "
            "Stored files answer `Range: bytes=a-b` with 206 (416 outside the file) and "
            "`If-None-Match` with 304."
        ),
        parameters=[
            OpenApiParameter("table", str, description="One table of a multi-table job."),
            OpenApiParameter(
                "format",
                str,
                enum=list(engine.FORMATS),
                description="File format (the job's by default).",
            ),
            OpenApiParameter(
                "Range", str, OpenApiParameter.HEADER, description="One byte range: bytes=a-b"
            ),
            OpenApiParameter(
                "acknowledge_privacy_risk",
                str,
                enum=["1"],
                description="1: download a job whose privacy verdict is high under the warn "
                "gate (without it: 409 privacy_risk).",
            ),
        ],
        responses={
            # Each file answers with its own media type (text/csv, application/zip...); a
            # JSON download is an array of row objects, everything else is bytes.
            **{
                (code, media): OpenApiResponse(
                    JSON_ROWS if media == "application/json" else OpenApiTypes.BINARY,
                    description=text,
                )
                for media in sorted({*downloads.CONTENT_TYPES.values(), "application/octet-stream"})
                for code, text in ((200, "The whole file."), (206, "The requested byte range."))
            },
            304: OpenApiResponse(description="Not modified (If-None-Match matched the ETag)."),
            403: OpenApiResponse(
                ErrorSerializer, description="privacy_blocked: the block gate refuses it."
            ),
            409: ErrorSerializer,
            410: ErrorSerializer,
            416: ErrorSerializer,
        },
    )
    def get(self, request: Request, job_id: str) -> HttpResponse:
        job = selectors.job_get_for(user=request.user, job_id=job_id)
        if job.status != Job.Status.SUCCEEDED:
            raise ApiError(
                f"job is {job.status}; files are ready when it has succeeded",
                code="not_ready",
                status_code=409,
            )
        acknowledged = request.query_params.get("acknowledge_privacy_risk")
        if acknowledged not in (None, "1"):
            raise ApiError("acknowledge_privacy_risk: must be 1 (or left out)")
        privacy_gate.download_check(job, acknowledged=acknowledged == "1")
        table = request.query_params.get("table") or None
        fmt = request.query_params.get("format", job.format)  # "format=" is not a format
        if fmt not in engine.FORMATS:
            raise ApiError(f"format: must be one of {', '.join(engine.FORMATS)}")
        if table and table not in (job.tables or {}):
            raise ApiError(
                f"table: unknown table {table!r}; this job has {', '.join(job.tables or {})}"
            )
        if job.params.get("expired_at"):
            raise ApiError(
                f"the files of this job expired on {job.params['expired_at']} "
                "(SYNDATA_RETENTION_DAYS); submit the same request again for the same bytes",
                code="expired",
                status_code=410,
            )
        if fmt != job.format:
            if table is None:
                if len(job.tables or {}) != 1:
                    raise ApiError("table: give a table to convert a multi-table job")
                table = next(iter(job.tables))
            kept = selectors.artifact_for(job=job, table=table, fmt=fmt)
            if kept is None or not kept.absolute_path.exists():
                source = selectors.artifact_for(job=job, table=table, fmt=job.format)
                if source is None:
                    raise Http404
                problem = downloads.conversion_problem(job)
                if problem:
                    raise ApiError(problem, code="cannot_convert", status_code=409)
                return downloads.converted_response(job, table, fmt, source)
        artifact = selectors.artifact_for(job=job, table=table, fmt=fmt)
        if artifact is None or not artifact.absolute_path.exists():
            raise Http404
        name = artifact.absolute_path.name
        filename = f"{job.id}-{name}" if artifact.table else f"{job.id}.zip"
        return downloads.artifact_response(request, artifact, filename)


class SchemaListView(APIView):
    @extend_schema(
        operation_id="schemas_list",
        summary="The caller's saved schemas, newest first.",
        parameters=paging.PARAMETERS,
        responses={200: SchemaSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        schemas = selectors.schema_list_for(user=request.user)
        return paging.paged(request, schemas, SchemaSerializer)

    @extend_schema(
        operation_id="schemas_create",
        summary="Save a spec (validated with the engine).",
        request=SchemaSerializer,
        responses={201: SchemaSerializer},
    )
    def post(self, request: Request) -> Response:
        body = SchemaSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        schema = specs.schema_create(user=request.user, **body.validated_data)
        return Response(SchemaSerializer(schema).data, status=status.HTTP_201_CREATED)


class SchemaDetailView(APIView):
    @extend_schema(operation_id="schemas_retrieve", responses={200: SchemaSerializer})
    def get(self, request: Request, schema_id: str) -> Response:
        schema = selectors.schema_get_for(user=request.user, schema_id=schema_id)
        return Response(SchemaSerializer(schema).data)

    @extend_schema(
        operation_id="schemas_update",
        summary="Replace a saved schema.",
        request=SchemaSerializer,
        responses={200: SchemaSerializer},
    )
    def put(self, request: Request, schema_id: str) -> Response:
        return self._update(request, schema_id, partial=False)

    @extend_schema(
        operation_id="schemas_partial_update",
        summary="Change some fields of a saved schema.",
        request=SchemaSerializer,
        responses={200: SchemaSerializer},
    )
    def patch(self, request: Request, schema_id: str) -> Response:
        return self._update(request, schema_id, partial=True)

    def _update(self, request: Request, schema_id: str, *, partial: bool) -> Response:
        schema = selectors.schema_get_for(user=request.user, schema_id=schema_id)
        body = SchemaSerializer(schema, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        schema = specs.schema_update(schema=schema, **body.validated_data)
        return Response(SchemaSerializer(schema).data)

    @extend_schema(operation_id="schemas_destroy", responses={204: None})
    def delete(self, request: Request, schema_id: str) -> Response:
        schema = selectors.schema_get_for(user=request.user, schema_id=schema_id)
        specs.schema_delete(schema=schema)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SchemaValidateView(APIView):
    @extend_schema(
        operation_id="schemas_validate",
        summary="Check a spec without saving it; every error names its JSON path.",
        request=SpecValidateSerializer,
        responses={200: SpecValidationSerializer},
    )
    def post(self, request: Request) -> Response:
        body = SpecValidateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(specs.spec_check(spec=body.validated_data["spec"]))


class SchemaJsonSchemaView(APIView):
    @extend_schema(
        operation_id="schemas_jsonschema",
        summary="The JSON Schema (draft 2020-12) of the spec language, for editors.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(engine.json_schema())
