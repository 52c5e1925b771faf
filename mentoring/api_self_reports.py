"""API of self-reports (思想汇报, 月小结), `/api/v1/self-reports/`: the reports of the cadres
the caller may see (filters `cadre`, `kind`, `status`); the cadre files (POST, JSON or multipart
with `attachment`) and revises (PATCH) their own; a current mentor of the cadre or staff in
scope `{id}/review/`. Writes call `mentoring.services.self_reports`."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.permissions import ScopedModelPermissions
from mentoring.models import SelfReport
from mentoring.selectors import self_reports as selectors
from mentoring.serializers_self_reports import SelfReportReviewSerializer, SelfReportSerializer
from mentoring.services import self_reports as services


class SelfReportPermissions(ScopedModelPermissions):
    """Model permissions; the cadre revises with the add permission, reviewers review with the
    change permission (which rows: the scoped queryset and the services decide)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        action_name = getattr(view, "action", None)
        if action_name == "review":
            return request.user.has_perm("mentoring.change_selfreport")
        if action_name in ("partial_update", "update"):
            return request.user.has_perm("mentoring.add_selfreport")
        return super().has_permission(request, view)


class SelfReportViewSet(viewsets.ModelViewSet):
    """思想汇报 and 月小结 of the cadres the caller may see (staff and leaders: their unit
    subtree; a mentor: their mentees; a cadre: themself)."""

    queryset = SelfReport.objects.none()
    serializer_class = SelfReportSerializer
    permission_classes = [SelfReportPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = {"cadre": ["exact"], "kind": ["exact"], "status": ["exact"]}
    ordering_fields = ["period_start", "submitted_at"]
    ordering = ["-period_start", "kind", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SelfReport.objects.none()
        return selectors.self_report_list(self.request.user)

    def _fresh(self, pk: int) -> SelfReport:
        return self.get_queryset().get(pk=pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        report = services.self_report_submit(
            actor=self.request.user,
            kind=data.get("kind"),
            period_start=data.get("period_start"),
            title=data.get("title", ""),
            content=data.get("content", ""),
            attachment=data.get("attachment"),
        )
        serializer.instance = self._fresh(report.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if serializer.instance.cadre.user_id != self.request.user.pk:
            raise PermissionDenied
        report = services.self_report_revise(
            report=serializer.instance,
            attachment=data.pop("attachment", None),
            actor=self.request.user,
            **data,
        )
        serializer.instance = self._fresh(report.pk)

    @extend_schema(request=SelfReportReviewSerializer, responses=SelfReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Accept (scored) or return with a reason (withdrawing an earlier acceptance)."""
        report = self.get_object()
        if not selectors.may_review(request.user, report):
            raise PermissionDenied
        serializer = SelfReportReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.self_report_review(
            report=report, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(self._fresh(report.pk)).data)
