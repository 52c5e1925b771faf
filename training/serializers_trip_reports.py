"""Study-trip reports (调研报告) in the API: read back with a link to the scoped download view;
uploaded as multipart `title` + `file`."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from training.models import TripReport


class TripReportSerializer(serializers.ModelSerializer):
    """A report; `download` serves the file only to those who may see the report."""

    cadre = serializers.IntegerField(source="participant.cadre_id", read_only=True)
    cadre_name = serializers.CharField(source="participant.cadre.name", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = TripReport
        fields = ["id", "cadre", "cadre_name", "title", "created_at", "updated_at", "download"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, report) -> str:
        url = reverse("trip_report_download", args=[report.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class TripReportUploadSerializer(serializers.Serializer):
    """The upload (multipart). The service checks both fields, with the same messages as the
    page: a PDF or .docx of at most 10 MB, checked by content."""

    title = serializers.CharField(max_length=200)
    file = serializers.FileField()
