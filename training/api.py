"""API of training activities, `/api/v1/activities/`: scoped reads with counts, staff create
and change through the services, the roll, and attendance for many participants at once."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from training import selectors, services
from training.models import Activity
from training.serializers import ActivitySerializer, AttendanceSerializer, ParticipantSerializer


class ActivityViewSet(viewsets.ModelViewSet):
    """培训活动 the caller may see (staff: organised in their subtree; others: the ones a
    cadre they may see is invited to), with `invited` and `attended` counts."""

    queryset = Activity.objects.none()  # the model, for permissions and the schema
    serializer_class = ActivitySerializer
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
