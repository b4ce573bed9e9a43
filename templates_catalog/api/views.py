from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from templates_catalog.models import Template


class KnobSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    default = serializers.JSONField()
    help = serializers.CharField()
    min = serializers.JSONField(allow_null=True)
    max = serializers.JSONField(allow_null=True)
    choices = serializers.ListField(child=serializers.JSONField(), allow_null=True)


class TemplateSerializer(serializers.ModelSerializer):
    knobs = KnobSerializer(many=True)
    tables = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Template
        fields = ["name", "title", "description", "tables", "knobs"]


class TemplateListView(APIView):
    @extend_schema(operation_id="templates_list", responses={200: TemplateSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(TemplateSerializer(Template.objects.all(), many=True).data)
