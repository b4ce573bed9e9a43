"""Contains all the data models used in inputs/outputs"""

from .artifact import Artifact
from .dataset import Dataset
from .dataset_upload_request import DatasetUploadRequest
from .download_format import DownloadFormat
from .download_response_200_item import DownloadResponse200Item
from .download_response_206_item import DownloadResponse206Item
from .error import Error
from .error_body import ErrorBody
from .error_item import ErrorItem
from .fit_request_request import FitRequestRequest
from .fit_request_request_options import FitRequestRequestOptions
from .format_enum import FormatEnum
from .generate_request import GenerateRequest
from .generate_request_conditions_item import GenerateRequestConditionsItem
from .generate_request_params import GenerateRequestParams
from .job import Job
from .job_column import JobColumn
from .job_links import JobLinks
from .job_metrics import JobMetrics
from .job_params import JobParams
from .job_spec import JobSpec
from .job_table import JobTable
from .job_tables import JobTables
from .job_waiting import JobWaiting
from .kind_enum import KindEnum
from .knob import Knob
from .lane_enum import LaneEnum
from .login_request import LoginRequest
from .me import Me
from .metrics_document import MetricsDocument
from .metrics_document_orphans_dropped_in_fit import MetricsDocumentOrphansDroppedInFit
from .metrics_document_referential_integrity import MetricsDocumentReferentialIntegrity
from .metrics_document_tables import MetricsDocumentTables
from .metrics_document_tables_additional_property import (
    MetricsDocumentTablesAdditionalProperty,
)
from .metrics_format import MetricsFormat
from .metrics_kind_enum import MetricsKindEnum
from .metrics_sample import MetricsSample
from .metrics_state import MetricsState
from .metrics_status_enum import MetricsStatusEnum
from .metrics_summary import MetricsSummary
from .patched_dataset_patch_request import PatchedDatasetPatchRequest
from .patched_schema_request import PatchedSchemaRequest
from .phase_enum import PhaseEnum
from .preview import Preview
from .preview_rows_item import PreviewRowsItem
from .schema import Schema
from .schema_request import SchemaRequest
from .schemas_jsonschema_response_200 import SchemasJsonschemaResponse200
from .spec_validate_request import SpecValidateRequest
from .spec_validation import SpecValidation
from .spec_validation_tables import SpecValidationTables
from .status_enum import StatusEnum
from .synth_model import SynthModel
from .synthesizer import Synthesizer
from .template import Template
from .token_created import TokenCreated
from .token_info import TokenInfo
from .user import User

__all__ = (
    "Artifact",
    "Dataset",
    "DatasetUploadRequest",
    "DownloadFormat",
    "DownloadResponse200Item",
    "DownloadResponse206Item",
    "Error",
    "ErrorBody",
    "ErrorItem",
    "FitRequestRequest",
    "FitRequestRequestOptions",
    "FormatEnum",
    "GenerateRequest",
    "GenerateRequestConditionsItem",
    "GenerateRequestParams",
    "Job",
    "JobColumn",
    "JobLinks",
    "JobMetrics",
    "JobParams",
    "JobSpec",
    "JobTable",
    "JobTables",
    "JobWaiting",
    "KindEnum",
    "Knob",
    "LaneEnum",
    "LoginRequest",
    "Me",
    "MetricsDocument",
    "MetricsDocumentOrphansDroppedInFit",
    "MetricsDocumentReferentialIntegrity",
    "MetricsDocumentTables",
    "MetricsDocumentTablesAdditionalProperty",
    "MetricsFormat",
    "MetricsKindEnum",
    "MetricsSample",
    "MetricsState",
    "MetricsStatusEnum",
    "MetricsSummary",
    "PatchedDatasetPatchRequest",
    "PatchedSchemaRequest",
    "PhaseEnum",
    "Preview",
    "PreviewRowsItem",
    "Schema",
    "SchemaRequest",
    "SchemasJsonschemaResponse200",
    "SpecValidateRequest",
    "SpecValidation",
    "SpecValidationTables",
    "StatusEnum",
    "SynthModel",
    "Synthesizer",
    "Template",
    "TokenCreated",
    "TokenInfo",
    "User",
)
