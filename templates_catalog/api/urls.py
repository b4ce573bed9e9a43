from __future__ import annotations

from django.urls import path

from templates_catalog.api import views

urlpatterns = [path("templates", views.TemplateListView.as_view(), name="template-list")]
