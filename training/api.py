"""API of training activities, `/api/v1/activities/`: scoped reads with counts, staff create
and change through the services, the roll, attendance for many participants at once, and the
study-trip reports (`{id}/trip-reports/` to read, `{id}/trip-report/` to upload one's own)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api.permissions import ScopedModelPermissions
from training import selectors, services
from training.models import Activity, TripReport
from training.selectors.trip_reports import trip_reports_visible_to
from training.serializers import ActivitySerializer, AttendanceSerializer, ParticipantSerializer
from training.serializers_trip_reports import TripReportSerializer, TripReportUploadSerializer
from training.services.trip_reports import trip_report_submit

# Actions on an activity that need a permission on another model than Activity.
ACTION_PERMISSIONS = {
    "trip_reports": "training.view_tripreport",
    "trip_report": "training.add_tripreport",
}


class ActivityPermissions(ScopedModelPermissions):
    """Activity model permissions; the study-trip report actions need the report's instead
    (reading: training.view_tripreport; uploading: training.add_tripreport)."""

    def has_permission(self, request, view):
        needed = ACTION_PERMISSIONS.get(getattr(view, "action", None))
        if needed is None:
            return super().has_permission(request, view)
        return bool(
            request.user and request.user.is_authenticated and request.user.has_perm(needed)
        )


class ActivityViewSet(viewsets.ModelViewSet):
    """培训活动 the caller may see (staff: organised in their subtree; others: the ones a
    cadre they may see is invited to), with `invited` and `attended` counts."""

    queryset = Activity.objects.none()  # the model, for permissions and the schema
    serializer_class = ActivitySerializer
    permission_classes = [ActivityPermissions]
    filterset_fields = {"type": ["exact"], "theme": ["exact"], "starts_at": ["gte", "lte"]}
    ordering_fields = ["starts_at", "title"]
    ordering = ["-starts_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return selectors.activity_list(self.request.user)

    def _managed(self, pk) -> Activity:
        if not self.request.user.has_perm("training.change_activity"):
            raise PermissionDenied
        return get_object_or_404(selectors.activities_managed_by(self.request.user), pk=pk)

    def perform_create(self, serializer):
        serializer.instance = services.activity_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        activity = self._managed(serializer.instance.pk)
        serializer.instance = services.activity_update(
            activity=activity, actor=self.request.user, **serializer.validated_data
        )

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = ActivitySerializer(
            self.get_queryset().get(pk=response.data["id"]), context={"request": request}
        ).data
        return response

    @extend_schema(responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def participants(self, request, pk=None):
        """The roll: participants the caller may see, with attendance."""
        rows = selectors.roll(self.get_object(), request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ParticipantSerializer(page, many=True).data)

    @extend_schema(request=AttendanceSerializer, responses={200: ParticipantSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Mark attendance for many participants at once; only changes are recorded (and
        reported to points)."""
        activity = self._managed(pk)
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.attendance_mark(
            activity=activity, marks=serializer.validated_data["marks"], actor=request.user
        )
        rows = selectors.roll(activity, request.user)
        return Response(ParticipantSerializer(rows, many=True).data, status=status.HTTP_200_OK)

    def _visible(self, pk) -> Activity:
        return get_object_or_404(selectors.activities_visible_to(self.request.user), pk=pk)

    @extend_schema(responses=TripReportSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="trip-reports", filter_backends=[])
    def trip_reports(self, request, pk=None):
        """The study-trip reports of this activity the caller may see (staff and leaders:
        their subtree's; a mentor: their mentees'; a cadre: their own), each with a link to
        the scoped download."""
        activity = self._visible(pk)
        rows = (
            trip_reports_visible_to(request.user)
            .filter(participant__activity=activity)
            .select_related("participant__cadre")
            .order_by("participant__cadre__name_pinyin", "id")
        )
        page = self.paginate_queryset(rows)
        context = {"request": request}
        return self.get_paginated_response(
            TripReportSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        request={"multipart/form-data": TripReportUploadSerializer},
        responses={201: TripReportSerializer, 200: TripReportSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="trip-report",
        parser_classes=[MultiPartParser],
        filter_backends=[],
    )
    def trip_report(self, request, pk=None):
        """Upload (201) or replace (200) the caller's own report on a study trip they were
        invited to and not marked absent from, once it has started. Points are reported on
        the first upload only. Refusals are 400s keyed by `title` or `file`."""
        activity = self._visible(pk)
        replacing = TripReport.objects.filter(
            participant__activity=activity, participant__cadre__user=request.user
        ).exists()
        report = trip_report_submit(
            activity=activity,
            user=request.user,
            title=request.data.get("title", ""),
            file=request.FILES.get("file"),
        )
        return Response(
            TripReportSerializer(report, context={"request": request}).data,
            status=status.HTTP_200_OK if replacing else status.HTTP_201_CREATED,
        )
