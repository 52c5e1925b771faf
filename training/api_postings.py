"""API of practice postings: `/api/v1/task-forces/`, `/api/v1/postings/` (+ `{id}/assess/`)
and `/api/v1/monthly-reports/` (the cadre files and revises, the supervisor or staff
`{id}/review/`; `?overdue=true` lists the caller's overdue months instead). Scoped by
`training.selectors.postings`; writes call `training.services.postings`."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.permissions import ScopedModelPermissions
from training.models import MonthlyReport, Posting, TaskForce
from training.selectors import postings as selectors
from training.serializers_postings import (
    AssessSerializer,
    MonthlyReportSerializer,
    PostingSerializer,
    ReviewSerializer,
    TaskForceSerializer,
)
from training.services import postings as services


class SupervisorOrModelPermissions(ScopedModelPermissions):
    """Model permissions, but a posting's supervisor (指导人) may read postings and reports and
    review reports without any role; the cadre revises their report with the add permission
    (which rows: the scoped queryset and the services decide)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        action_name = getattr(view, "action", None)
        supervising = request.user.supervised_postings.exists()
        if action_name == "review":
            return supervising or request.user.has_perm("training.change_monthlyreport")
        if action_name in ("partial_update", "update") and view.basename == "monthly-report":
            return request.user.has_perm("training.add_monthlyreport")
        if super().has_permission(request, view):
            return True
        return supervising and request.method in ("GET", "HEAD", "OPTIONS")


class TaskForceViewSet(viewsets.ModelViewSet):
    """攻坚专班 the caller may see, with the number of members (postings into it)."""

    queryset = TaskForce.objects.none()
    serializer_class = TaskForceSerializer
    filterset_fields = {"unit": ["exact"], "starts_on": ["gte", "lte"]}
    ordering = ["-starts_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TaskForce.objects.none()
        return selectors.task_force_list(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.task_force_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        task_force = get_object_or_404(
            selectors.task_forces_managed_by(self.request.user), pk=serializer.instance.pk
        )
        serializer.instance = services.task_force_update(
            task_force=task_force, actor=self.request.user, **serializer.validated_data
        )

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self.get_queryset().get(pk=response.data["id"])).data
        return response


class PostingViewSet(viewsets.ModelViewSet):
    """实践锻炼 the caller may see (staff: cadre or host unit in their subtree; mentors: their
    mentees'; a cadre: their own; a supervisor: those they supervise), with derived `status`
    and report counts. `?status=planned|ongoing|ended|assessed`."""

    queryset = Posting.objects.none()
    serializer_class = PostingSerializer
    permission_classes = [SupervisorOrModelPermissions]
    filterset_fields = {"type": ["exact"], "cadre": ["exact"], "task_force": ["exact"]}
    ordering = ["-starts_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Posting.objects.none()
        postings = selectors.posting_list(self.request.user)
        status = self.request.query_params.get("status", "")
        if status in services.PostingStatus.values:
            postings = selectors.filter_postings(
                postings, today=timezone.localdate(), status=status
            )
        return postings

    def _with_status(self, posting):
        posting.status = services.posting_status(posting, timezone.localdate())
        return posting

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return [self._with_status(p) for p in page] if page is not None else None

    def get_object(self):
        return self._with_status(super().get_object())

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=services.PostingStatus.values, required=False
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _managed(self, pk) -> Posting:
        if not self.request.user.has_perm("training.change_posting"):
            raise PermissionDenied
        return get_object_or_404(selectors.postings_managed_by(self.request.user), pk=pk)

    def perform_create(self, serializer):
        serializer.instance = services.posting_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        posting = self._managed(serializer.instance.pk)
        serializer.instance = services.posting_update(
            posting=posting, actor=self.request.user, **serializer.validated_data
        )

    def _fresh(self, pk):
        return self._with_status(self.get_queryset().get(pk=pk))

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self._fresh(response.data["id"])).data
        return response

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response.data = self.get_serializer(self._fresh(response.data["id"])).data
        return response

    @extend_schema(request=AssessSerializer, responses=PostingSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """期满考核: grade and comment, on or after the end date; a new grade replaces the
        earlier one's points."""
        posting = self._managed(pk)
        serializer = AssessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.posting_assess(posting=posting, actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self._fresh(posting.pk)).data)


OverdueSerializer = inline_serializer(
    name="OverdueMonthlyReport",
    fields={
        "posting": serializers.IntegerField(),
        "cadre": serializers.IntegerField(),
        "cadre_name": serializers.CharField(),
        "month": serializers.DateField(),
        "deadline": serializers.DateField(),
        "days_overdue": serializers.IntegerField(),
        "returned": serializers.BooleanField(),
    },
)


class MonthlyReportViewSet(viewsets.ModelViewSet):
    """挂职月报 of the postings the caller may see. The posting's cadre files (POST, JSON or
    multipart with `attachment`) and revises (PATCH) until accepted; the supervisor or staff
    `review`."""

    queryset = MonthlyReport.objects.none()
    serializer_class = MonthlyReportSerializer
    permission_classes = [SupervisorOrModelPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = {"posting": ["exact"], "status": ["exact"], "month": ["gte", "lte"]}
    ordering = ["-month", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonthlyReport.objects.none()
        return selectors.report_list(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "overdue",
                OpenApiTypes.BOOL,
                required=False,
                description="true: the overdue months of the caller's postings instead",
            )
        ],
        responses=MonthlyReportSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        if request.query_params.get("overdue") in ("true", "1"):
            return self._overdue(request)
        return super().list(request, *args, **kwargs)

    def _overdue(self, request):
        rows = selectors.overdue_reports(
            selectors.postings_visible_to(request.user), today=timezone.localdate()
        )
        page = self.paginate_queryset(rows)
        data = [
            {
                "posting": r.posting.pk,
                "cadre": r.posting.cadre_id,
                "cadre_name": r.posting.cadre.name,
                "month": r.month,
                "deadline": r.deadline,
                "days_overdue": r.days_overdue,
                "returned": r.returned,
            }
            for r in page
        ]
        return self.get_paginated_response(data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.monthly_report_file(
            posting=data.pop("posting"),
            month=data.pop("month"),
            attachment=data.pop("attachment", None),
            actor=self.request.user,
            **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.monthly_report_update(
            report=serializer.instance,
            attachment=data.pop("attachment", None),
            actor=self.request.user,
            **data,
        )

    @extend_schema(request=ReviewSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Accept (scored) or return with a comment (withdrawing an earlier acceptance)."""
        report = self.get_object()
        if not selectors.reports_reviewable_by(request.user).filter(pk=report.pk).exists():
            raise PermissionDenied
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.monthly_report_review(
            report=report, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)
