"""API of collective activities, `/api/v1/collective-activities/`: scoped reads with
participant counts, staff create and change through the services, the participants, and
recording or removing participants (points follow)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.permissions import ScopedModelPermissions
from training.models import CollectiveActivity
from training.selectors import collective as selectors
from training.serializers_collective import (
    CollectiveActivitySerializer,
    CollectiveParticipationSerializer,
    ParticipantsAddSerializer,
    ParticipantsRemoveSerializer,
)
from training.services import collective as services

PARTICIPANT_ACTIONS = ("participants_add", "participants_remove")


class CollectivePermissions(ScopedModelPermissions):
    """Model permissions; recording and removing participants is changing the activity."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) in PARTICIPANT_ACTIONS:
            return bool(
                request.user
                and request.user.is_authenticated
                and request.user.has_perm("training.change_collectiveactivity")
            )
        return super().has_permission(request, view)


class CollectiveActivityViewSet(viewsets.ModelViewSet):
    """集体活动 the caller may see (staff and leaders: organised in their subtree; others:
    those a cadre they may see took part in), with the participant count."""

    queryset = CollectiveActivity.objects.none()
    serializer_class = CollectiveActivitySerializer
    permission_classes = [CollectivePermissions]
    filterset_fields = {"kind": ["exact"], "unit": ["exact"], "held_on": ["gte", "lte"]}
    ordering_fields = ["held_on", "title"]
    ordering = ["-held_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CollectiveActivity.objects.none()
        return selectors.collective_list(self.request.user)

    def _managed(self, pk) -> CollectiveActivity:
        return get_object_or_404(selectors.collectives_managed_by(self.request.user), pk=pk)

    def perform_create(self, serializer):
        serializer.instance = services.collective_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        activity = self._managed(serializer.instance.pk)
        serializer.instance = services.collective_update(
            activity=activity, actor=self.request.user, **serializer.validated_data
        )

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self._fresh(response.data["id"])
        return response

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response.data = self._fresh(kwargs["pk"])
        return response

    @extend_schema(responses=CollectiveParticipationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def participants(self, request, pk=None):
        """The participants the caller may see."""
        rows = selectors.collective_roll(self.get_object(), request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CollectiveParticipationSerializer(page, many=True).data)

    @extend_schema(
        request=ParticipantsAddSerializer,
        responses=CollectiveParticipationSerializer(many=True),
    )
    @action(detail=True, methods=["post"], url_path="participants/add")
    def participants_add(self, request, pk=None):
        """Record participants (those already recorded are kept); returns the new ones."""
        activity = self._managed(pk)
        serializer = ParticipantsAddSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        added = services.participants_record(
            activity=activity,
            cadres=serializer.validated_data["cadres"],
            actor=request.user,
            note=serializer.validated_data.get("note", ""),
        )
        rows = selectors.collective_roll(activity, request.user).filter(
            pk__in=[row.pk for row in added]
        )
        return Response(CollectiveParticipationSerializer(rows, many=True).data)

    @extend_schema(request=ParticipantsRemoveSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="participants/remove")
    def participants_remove(self, request, pk=None):
        """Remove participations of this activity (their points are withdrawn)."""
        activity = self._managed(pk)
        serializer = ParticipantsRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = selectors.collective_roll(activity, request.user).filter(
            pk__in=serializer.validated_data["participations"]
        )
        services.participants_remove(activity=activity, participations=rows, actor=request.user)
        return Response(status=204)
