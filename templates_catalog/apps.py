from __future__ import annotations

from django.apps import AppConfig


class TemplatesCatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "templates_catalog"
    verbose_name = "Templates"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from templates_catalog.registry import sync_templates

        post_migrate.connect(sync_templates, sender=self)
