from __future__ import annotations

from django.urls import path

from evaluation.api import views

urlpatterns = [
    path("metrics/<str:job_id>", views.MetricsView.as_view(), name="metrics"),
    path(
        "datasets/<str:dataset_id>/evaluate",
        views.DatasetEvaluateView.as_view(),
        name="dataset-evaluate",
    ),
]
