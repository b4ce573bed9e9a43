"""Contains all the data models used in inputs/outputs"""

from .artifact import Artifact
from .attacks import Attacks
from .attribute_inference import AttributeInference
from .attribute_inference_columns import AttributeInferenceColumns
from .attribute_inference_columns_additional_property import (
    AttributeInferenceColumnsAdditionalProperty,
)
from .attribute_inference_n import AttributeInferenceN
from .dataset import Dataset
from .dataset_upload_request import DatasetUploadRequest
from .differential_privacy import DifferentialPrivacy
from .differential_privacy_releases_item import DifferentialPrivacyReleasesItem
from .download_acknowledge_privacy_risk import DownloadAcknowledgePrivacyRisk
from .download_format import DownloadFormat
from .download_response_200_item import DownloadResponse200Item
from .download_response_206_item import DownloadResponse206Item
from .error import Error
from .error_body import ErrorBody
from .error_item import ErrorItem
from .evaluate_upload_request import EvaluateUploadRequest
from .fit_request_request import FitRequestRequest
from .fit_request_request_options import FitRequestRequestOptions
from .format_enum import FormatEnum
from .generate_estimate import GenerateEstimate
from .generate_estimate_tables import GenerateEstimateTables
from .generate_request import GenerateRequest
from .generate_request_conditions_item import GenerateRequestConditionsItem
from .generate_request_params import GenerateRequestParams
from .job import Job
from .job_column import JobColumn
from .job_links import JobLinks
from .job_metrics import JobMetrics
from .job_params import JobParams
from .job_privacy import JobPrivacy
from .job_spec import JobSpec
from .job_table import JobTable
from .job_tables import JobTables
from .job_waiting import JobWaiting
from .kind_enum import KindEnum
from .knob import Knob
from .lane_enum import LaneEnum
from .login_request import LoginRequest
from .me import Me
from .membership_inference import MembershipInference
from .membership_inference_n import MembershipInferenceN
from .metrics_document import MetricsDocument
from .metrics_document_differential_privacy import MetricsDocumentDifferentialPrivacy
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
from .privacy import Privacy
from .privacy_gate_enum import PrivacyGateEnum
from .privacy_level_enum import PrivacyLevelEnum
from .privacy_sentences import PrivacySentences
from .privacy_tables import PrivacyTables
from .schema import Schema
from .schema_request import SchemaRequest
from .schemas_jsonschema_response_200 import SchemasJsonschemaResponse200
from .singling_out import SinglingOut
from .singling_out_n import SinglingOutN
from .spec_validate_request import SpecValidateRequest
from .spec_validation import SpecValidation
from .spec_validation_tables import SpecValidationTables
from .status_enum import StatusEnum
from .synth_model import SynthModel
from .synthesizer import Synthesizer
from .takes_enum import TakesEnum
from .template import Template
from .token_created import TokenCreated
from .token_info import TokenInfo
from .user import User

__all__ = (
    "Artifact",
    "Attacks",
    "AttributeInference",
    "AttributeInferenceColumns",
    "AttributeInferenceColumnsAdditionalProperty",
    "AttributeInferenceN",
    "Dataset",
    "DatasetUploadRequest",
    "DifferentialPrivacy",
    "DifferentialPrivacyReleasesItem",
    "DownloadAcknowledgePrivacyRisk",
    "DownloadFormat",
    "DownloadResponse200Item",
    "DownloadResponse206Item",
    "Error",
    "ErrorBody",
    "ErrorItem",
    "EvaluateUploadRequest",
    "FitRequestRequest",
    "FitRequestRequestOptions",
    "FormatEnum",
    "GenerateEstimate",
    "GenerateEstimateTables",
    "GenerateRequest",
    "GenerateRequestConditionsItem",
    "GenerateRequestParams",
    "Job",
    "JobColumn",
    "JobLinks",
    "JobMetrics",
    "JobParams",
    "JobPrivacy",
    "JobSpec",
    "JobTable",
    "JobTables",
    "JobWaiting",
    "KindEnum",
    "Knob",
    "LaneEnum",
    "LoginRequest",
    "Me",
    "MembershipInference",
    "MembershipInferenceN",
    "MetricsDocument",
    "MetricsDocumentDifferentialPrivacy",
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
    "Privacy",
    "PrivacyGateEnum",
    "PrivacyLevelEnum",
    "PrivacySentences",
    "PrivacyTables",
    "Schema",
    "SchemaRequest",
    "SchemasJsonschemaResponse200",
    "SinglingOut",
    "SinglingOutN",
    "SpecValidateRequest",
    "SpecValidation",
    "SpecValidationTables",
    "StatusEnum",
    "SynthModel",
    "Synthesizer",
    "TakesEnum",
    "Template",
    "TokenCreated",
    "TokenInfo",
    "User",
)
