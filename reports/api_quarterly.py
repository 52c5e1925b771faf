"""API of quarterly reports: `/api/v1/quarterly-reports/` — list, create (= request: queue the
report of a year, quarter and unit or programme; again = regenerate the same row), retrieve (status and
progress), `{id}/retry/`, `{id}/pdf/`, `{id}/xlsx/`. Scoped as the pages
(`reports.services.quarterly`)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.models import Programme, Unit
from reports.models import QuarterlyReport
from reports.services.quarterly import (
    quarterly_report_request,
    quarterly_report_retry,
    quarterly_reports_visible_to,
)
from reports.views_quarterly import report_file_response


class QuarterlyReportSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), allow_null=True, required=False, default=None
    )
    unit_name = serializers.CharField(source="unit.full_name", read_only=True, default=None)
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.all(), allow_null=True, required=False, default=None
    )
    programme_name = serializers.CharField(source="programme.name", read_only=True, default=None)
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = QuarterlyReport
        fields = [
            "id", "year", "quarter", "unit", "unit_name", "programme", "programme_name", "status", "progress", "error",
            "attempts", "started_at", "finished_at", "pdf_url", "xlsx_url",
        ]  # fmt: skip
        read_only_fields = [
            "status", "progress", "error", "attempts", "started_at", "finished_at",
        ]  # fmt: skip
        validators = []  # the service decides: a second request regenerates the same row

    def _url(self, obj, kind) -> str | None:
        if obj.status != "done" or not getattr(obj, kind):
            return None
        request = self.context.get("request")
        path = f"/api/v1/quarterly-reports/{obj.pk}/{kind}/"
        return request.build_absolute_uri(path) if request else path

    def get_pdf_url(self, obj) -> str | None:
        return self._url(obj, "pdf")

    def get_xlsx_url(self, obj) -> str | None:
        return self._url(obj, "xlsx")


class QuarterlyReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """季度报告 the caller may read (administrators all; staff and leaders their subtree's)."""

    queryset = QuarterlyReport.objects.none()
    serializer_class = QuarterlyReportSerializer
    filterset_fields = {
        "year": ["exact"],
        "quarter": ["exact"],
        "unit": ["exact"],
        "programme": ["exact"],
        "status": ["exact"],
    }
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return QuarterlyReport.objects.none()
        return quarterly_reports_visible_to(self.request.user).select_related("unit", "programme")

    def perform_create(self, serializer):
        data = serializer.validated_data
        report = quarterly_report_request(
            year=data["year"],
            quarter=data["quarter"],
            unit=data.get("unit"),
            programme=data.get("programme"),
            actor=self.request.user,
        )
        serializer.instance = report

    @extend_schema(request=None, responses=QuarterlyReportSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue the report again (after a failure, or to regenerate it)."""
        report = quarterly_report_retry(report=self.get_object(), actor=request.user)
        return Response(self.get_serializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return report_file_response(self.get_object(), "pdf")

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY
        }
    )
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        return report_file_response(self.get_object(), "xlsx")
