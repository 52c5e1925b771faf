"""API of guidance logs, `/api/v1/guidance-logs/`: mentors create and change logs for their
own current mentees (and delete their own within 7 days); a cadre reads their own and answers
through `{id}/respond/`; staff and leaders read their subtree's. Writes call the services."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.permissions import ScopedModelPermissions
from mentoring.models import GuidanceLog
from mentoring.selectors import guidance as selectors
from mentoring.serializers_guidance import GuidanceLogSerializer, GuidanceResponseSerializer
from mentoring.services import guidance as services


class GuidancePermissions(ScopedModelPermissions):
    """Model permissions; answering a log needs only to see it (the service checks it is the
    caller's own)."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "respond":
            return bool(
                request.user
                and request.user.is_authenticated
                and request.user.has_perm("mentoring.view_guidancelog")
            )
        return super().has_permission(request, view)


class GuidanceLogViewSet(viewsets.ModelViewSet):
    """帮带记录 the caller may see, with their tasks."""

    queryset = GuidanceLog.objects.none()
    serializer_class = GuidanceLogSerializer
    permission_classes = [GuidancePermissions]
    filterset_fields = {"cadre": ["exact"], "method": ["exact"], "date": ["gte", "lte"]}
    ordering_fields = ["date"]
    ordering = ["-date", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GuidanceLog.objects.none()
        return selectors.guidance_log_list(self.request.user)

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        pairing = data.pop("pairing")
        tasks = data.pop("tasks", [])
        serializer.instance = services.guidance_log_create(
            pairing=pairing, actor=self.request.user, tasks=tasks, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("pairing", None)
        tasks = data.pop("tasks", None)
        serializer.instance = services.guidance_log_update(
            log=serializer.instance, actor=self.request.user, tasks=tasks, **data
        )

    def perform_destroy(self, instance):
        services.guidance_log_delete(log=instance, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self._fresh(response.data["id"])
        return response

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response.data = self._fresh(kwargs["pk"])
        return response

    @extend_schema(request=GuidanceResponseSerializer, responses=GuidanceLogSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The cadre themself answers the log (answering again replaces the answer)."""
        log = self.get_object()
        serializer = GuidanceResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.guidance_log_respond(
            log=log, actor=request.user, response=serializer.validated_data["response"]
        )
        return Response(self._fresh(log.pk))
