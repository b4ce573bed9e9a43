from __future__ import annotations

from django.urls import path

from generation.api import datasets, views

urlpatterns = [
    path("generate", views.GenerateView.as_view(), name="generate"),
    path("generate/estimate", views.GenerateEstimateView.as_view(), name="generate-estimate"),
    path("jobs", views.JobListView.as_view(), name="job-list"),
    path("jobs/<str:job_id>", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<str:job_id>/cancel", views.JobCancelView.as_view(), name="job-cancel"),
    path("jobs/<str:job_id>/spec", views.JobSpecView.as_view(), name="job-spec"),
    path("preview/<str:job_id>", views.PreviewView.as_view(), name="preview"),
    path("download/<str:job_id>", views.DownloadView.as_view(), name="download"),
    path("schemas", views.SchemaListView.as_view(), name="schema-list"),
    path("schemas/validate", views.SchemaValidateView.as_view(), name="schema-validate"),
    path("schemas/jsonschema", views.SchemaJsonSchemaView.as_view(), name="schema-jsonschema"),
    path("schemas/<str:schema_id>", views.SchemaDetailView.as_view(), name="schema-detail"),
    path("datasets", datasets.DatasetListView.as_view(), name="dataset-list"),
    path("datasets/<str:dataset_id>", datasets.DatasetDetailView.as_view(), name="dataset-detail"),
    path("datasets/<str:dataset_id>/fit", datasets.DatasetFitView.as_view(), name="dataset-fit"),
    path("models", datasets.ModelListView.as_view(), name="model-list"),
    path("models/<str:model_id>", datasets.ModelDetailView.as_view(), name="model-detail"),
    path("synthesizers", datasets.SynthesizerListView.as_view(), name="synthesizer-list"),
]
