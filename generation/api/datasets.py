"""API for learning from real data: datasets, fits, models, synthesizers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from generation.api import paging
from generation.api.serializers import ErrorSerializer, JobSerializer
from generation.selectors import dataset_id_param
from generation.specs import upload_size_check
from generation.synthesis.models import Dataset, SynthModel
from syndata_site.errors import ApiError

# The views below import the synthesis layer where they use it: pandas and the synthesizers
# load with the first dataset request, not with every web process (tests/generation/
# test_web_imports.py).

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 404: ErrorSerializer}


class DatasetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dataset
        fields = [
            "id",
            "name",
            "format",
            "size",
            "rows",
            "columns",
            "metadata",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DatasetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "A CSV or Parquet file. For related tables (HMA), repeat the field with one file "
            "per table, or send one .zip of CSV/Parquet files; each table is named after its "
            "file's stem and the relationships are detected."
        )
    )
    name = serializers.CharField(required=False, max_length=200)


class DatasetPatchSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200)
    metadata = serializers.JSONField(
        required=False,
        help_text=(
            'Edits: {"primary_key": ..., "sequence_key": ..., "sequence_index": ..., '
            '"sequence_regular": true (every step one sampling step: checked at fit), '
            '"columns": {name: {sdtype, datetime_format, identifier}}, "quasi_identifiers": '
            '[columns an attacker knows], "sensitive": [columns to protect]}; multi-table '
            "datasets: "
            '{"tables": {table: <those edits>}, "relationships": [{parent_table, '
            "parent_primary_key, child_table, child_foreign_key}]}"
        ),
    )


class FitRequestSerializer(serializers.Serializer):
    synthesizer = serializers.CharField(help_text="See GET /api/synthesizers.")
    options = serializers.DictField(required=False, default=dict)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**63 - 1)
    differential_privacy = serializers.JSONField(
        required=False,
        help_text='spec and argn: {"epsilon": > 0, "delta": (0, 0.001], default 1e-6}: '
        "spec by noisy marginals and correlations, argn by DP-SGD; the epsilon spent is on "
        "the model.",
    )


class DifferentialPrivacySerializer(serializers.Serializer):
    epsilon = serializers.FloatField(help_text="Asked.")
    delta = serializers.FloatField(help_text="Asked.")
    epsilon_spent = serializers.FloatField(
        allow_null=True,
        help_text="spec: zCDP over the releases, converted; argn: the RDP accountant of "
        "DP-SGD plus value protection; null until fitted.",
    )
    delta_spent = serializers.FloatField(required=False)
    rho_spent = serializers.FloatField(
        required=False, help_text="spec: the zCDP budget the releases spent (they add up)."
    )
    composition = serializers.CharField(required=False)
    neighbouring = serializers.CharField(required=False)
    mechanism = serializers.CharField(
        required=False, help_text="argn: the DP-SGD settings (noise, sampling rate, steps)."
    )
    releases = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="{what, epsilon[, delta]}; spec: also rho (epsilon is its share).",
    )
    not_covered = serializers.CharField(required=False)


class SynthModelSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    differential_privacy = serializers.SerializerMethodField()
    dataset_id = serializers.UUIDField(read_only=True)
    fit_job_id = serializers.UUIDField(read_only=True)
    schema_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = SynthModel
        fields = [
            "id",
            "dataset_id",
            "synthesizer",
            "chosen",
            "options",
            "seed",
            "status",
            "fit_job_id",
            "schema_id",
            "metrics",
            "differential_privacy",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(DifferentialPrivacySerializer(allow_null=True))
    def get_differential_privacy(self, obj: SynthModel) -> dict[str, Any] | None:
        """The fit's accounting once done; what was asked (nothing spent yet) before."""
        done = (obj.metrics or {}).get("differential_privacy")
        asked = (obj.options or {}).get("differential_privacy")
        if done:
            return done
        return {**asked, "epsilon_spent": None} if asked else None


class SynthesizerSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    license = serializers.CharField()
    bsl = serializers.BooleanField()
    epochs = serializers.BooleanField()
    takes = serializers.ListField(
        child=serializers.ChoiceField(["single_table", "sequences", "related_tables"]),
        help_text=(
            "What it learns: one table of independent rows (single_table), related tables (a "
            "multi-table dataset), sequences (a table with metadata.sequence_key)."
        ),
    )
    available = serializers.BooleanField()


def _dataset_for(user: Any, dataset_id: str) -> Dataset:
    try:
        return Dataset.objects.get(id=dataset_id, owner=user)
    except (Dataset.DoesNotExist, DjangoValidationError, ValueError):
        raise Http404 from None


def _model_for(user: Any, model_id: str) -> SynthModel:
    try:
        return SynthModel.objects.select_related("fit_job").get(id=model_id, owner=user)
    except (SynthModel.DoesNotExist, DjangoValidationError, ValueError):
        raise Http404 from None


class DatasetListView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="datasets_list",
        parameters=paging.PARAMETERS,
        responses={200: DatasetSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        datasets = Dataset.objects.filter(owner=request.user)
        return paging.paged(request, datasets, DatasetSerializer)

    @extend_schema(
        operation_id="datasets_create",
        request={"multipart/form-data": DatasetUploadSerializer},
        responses={201: DatasetSerializer, **ERRORS},
        summary=(
            "Upload a real table (CSV or Parquet) in the multipart field `file`; several "
            "`file` fields or a .zip make a multi-table dataset."
        ),
    )
    def post(self, request: Request) -> Response:
        length = request.META.get("CONTENT_LENGTH")
        # Refused before the body is read; 64 KiB spare for the multipart framing and the name.
        if length and length.isdigit():
            upload_size_check(
                size=max(0, int(length) - 64 * 1024), what="the request body", exact=False
            )
        uploads = request.FILES.getlist("file")
        if not uploads:
            raise ApiError(
                "file: is required (a multipart form field holding a CSV or Parquet file)"
            )
        name = _upload_name(request)
        if len(uploads) > 1 or (uploads[0].name or "").lower().endswith(".zip"):
            from generation.synthesis.datasets import dataset_create_tables  # pandas: on first use

            dataset = dataset_create_tables(user=request.user, uploads=uploads, name=name)
        else:
            from generation.synthesis.datasets import dataset_create  # pandas: on first use

            dataset = dataset_create(user=request.user, upload=uploads[0], name=name)
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)


def _upload_name(request: Request) -> str | None:
    """The form's ``name``: one text of at most 200 characters, or none."""
    data = request.data
    names = data.getlist("name") if hasattr(data, "getlist") else [data.get("name")]
    names = [n for n in names if n not in (None, "")]
    if len(names) > 1:
        raise ApiError(f"name: give one name, not {len(names)}")
    if not names:
        return None
    try:
        return DatasetUploadSerializer().fields["name"].run_validation(names[0])
    except serializers.ValidationError as exc:
        raise ApiError(f"name: {' '.join(str(m) for m in exc.detail)}") from None


class DatasetDetailView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(operation_id="datasets_retrieve", responses={200: DatasetSerializer, **ERRORS})
    def get(self, request: Request, dataset_id: str) -> Response:
        return Response(DatasetSerializer(_dataset_for(request.user, dataset_id)).data)

    @extend_schema(
        operation_id="datasets_partial_update",
        request=DatasetPatchSerializer,
        responses={200: DatasetSerializer, **ERRORS},
        summary=(
            "Rename, or edit sdtypes, primary key, sequence key/index, datetime formats, "
            "identifier flags; tables and relationships of a multi-table dataset."
        ),
    )
    def patch(self, request: Request, dataset_id: str) -> Response:
        dataset = _dataset_for(request.user, dataset_id)
        if not isinstance(request.data, dict):
            raise ApiError("body: must be a JSON object")
        from generation.synthesis.datasets import dataset_update  # pandas: on first use

        dataset = dataset_update(dataset=dataset, changes=dict(request.data))
        return Response(DatasetSerializer(dataset).data)

    @extend_schema(operation_id="datasets_destroy", responses={204: None, **ERRORS})
    def delete(self, request: Request, dataset_id: str) -> Response:
        from generation.synthesis.datasets import dataset_delete  # pandas: on first use

        dataset_delete(dataset=_dataset_for(request.user, dataset_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatasetFitView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="datasets_fit",
        request=FitRequestSerializer,
        responses={202: JobSerializer, **ERRORS},
        summary="Fit a synthesizer on the dataset: a fit job whose params carry model_id.",
    )
    def post(self, request: Request, dataset_id: str) -> Response:
        dataset = _dataset_for(request.user, dataset_id)
        body = FitRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        from generation.synthesis.fits import model_fit_submit  # pandas: on first use

        job = model_fit_submit(
            user=request.user,
            dataset=dataset,
            synthesizer=data["synthesizer"],
            options=dict(data.get("options") or {}),
            seed=data.get("seed"),
            differential_privacy=data.get("differential_privacy"),
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ModelListView(APIView):
    @extend_schema(
        operation_id="models_list",
        parameters=[
            OpenApiParameter("dataset", str, description="A dataset's id: only its models."),
            *paging.PARAMETERS,
        ],
        responses={200: SynthModelSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        models = SynthModel.objects.filter(owner=request.user).select_related("fit_job")
        if (dataset := request.query_params.get("dataset")) is not None:
            models = models.filter(dataset_id=dataset_id_param(dataset))
        return paging.paged(request, models, SynthModelSerializer)


class ModelDetailView(APIView):
    @extend_schema(operation_id="models_retrieve", responses={200: SynthModelSerializer, **ERRORS})
    def get(self, request: Request, model_id: str) -> Response:
        return Response(SynthModelSerializer(_model_for(request.user, model_id)).data)


class SynthesizerListView(APIView):
    @extend_schema(
        operation_id="synthesizers_list", responses={200: SynthesizerSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        from generation.synthesis.fits import synthesizers_offered  # pandas: on first use

        return Response(synthesizers_offered())
