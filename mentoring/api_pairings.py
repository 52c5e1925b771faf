"""API of the mentor pool and pairings: `/api/v1/mentors/` (read, scoped, with free capacity)
and `/api/v1/pairings/` (staff their subtree, a mentor their own pairings, a cadre their own;
create, change and `{id}/end/` and `2plus1/` through the services)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.permissions import ScopedModelPermissions
from mentoring.models import Mentor, Pairing
from mentoring.selectors import pairings as selectors
from mentoring.serializers_pairings import (
    MentorSerializer,
    PairingEndSerializer,
    PairingSerializer,
    PairingUpdateSerializer,
    TwoPlusOneSerializer,
)
from mentoring.services import pairings as services


def _drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class MentorViewSet(viewsets.ReadOnlyModelViewSet):
    """导师库 the caller may see, with active pairings and free capacity."""

    queryset = Mentor.objects.none()
    serializer_class = MentorSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = {"mentor_type": ["exact"], "unit": ["exact"], "is_active": ["exact"]}
    ordering_fields = ["name", "capacity"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mentor.objects.none()
        return selectors.mentor_list(self.request.user)


class PairingPermissions(ScopedModelPermissions):
    def has_permission(self, request, view):
        if getattr(view, "action", None) == "two_plus_one":
            return bool(request.user and request.user.is_authenticated) and request.user.has_perm(
                "mentoring.add_pairing"
            )
        return super().has_permission(request, view)


class PairingViewSet(viewsets.ModelViewSet):
    """帮带结对 the caller may see."""

    queryset = Pairing.objects.none()
    serializer_class = PairingSerializer
    permission_classes = [PairingPermissions]
    filterset_fields = {
        "status": ["exact"],
        "role": ["exact"],
        "mentor": ["exact"],
        "cadre": ["exact"],
    }
    ordering_fields = ["start_date"]
    ordering = ["-start_date", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Pairing.objects.none()
        return selectors.pairing_list(self.request.user)

    def get_serializer_class(self):
        if self.action in ("partial_update", "update"):
            return PairingUpdateSerializer
        return super().get_serializer_class()

    def _pick(self, queryset, pk, field):
        found = queryset.filter(pk=pk).first()
        if found is None:
            raise ValidationError({field: [_("找不到该对象或无权操作。")]})
        return found

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cadre = self._pick(
            selectors.cadres_pairable_by(request.user), data.pop("cadre").pk, "cadre"
        )
        mentor = self._pick(
            selectors.mentors_pairable_by(request.user), data.pop("mentor").pk, "mentor"
        )
        try:
            pairing = services.pairing_create(
                actor=request.user, mentor=mentor, cadre=cadre, **data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(PairingSerializer(pairing).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PairingUpdateSerializer, responses=PairingSerializer)
    def partial_update(self, request, *args, **kwargs):
        pairing = get_object_or_404(selectors.pairings_manageable_by(request.user), pk=kwargs["pk"])
        serializer = PairingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            pairing = services.pairing_update(
                actor=request.user, pairing=pairing, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(PairingSerializer(self.get_queryset().get(pk=pairing.pk)).data)

    @extend_schema(request=PairingEndSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End an active pairing with a reason (the mentor's place frees up)."""
        pairing = get_object_or_404(selectors.pairings_manageable_by(request.user), pk=pk)
        serializer = PairingEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pairing = services.pairing_end(
                actor=request.user, pairing=pairing, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(PairingSerializer(self.get_queryset().get(pk=pairing.pk)).data)

    @extend_schema(request=TwoPlusOneSerializer, responses=PairingSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="2plus1", url_name="two-plus-one")
    def two_plus_one(self, request):
        """The "2+1" template: three pairings checked against their roles, all or none."""
        serializer = TwoPlusOneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cadre = self._pick(selectors.cadres_pairable_by(request.user), data.pop("cadre"), "cadre")
        mentors = selectors.mentors_pairable_by(request.user)
        for field in ("town_secretary", "village_secretary", "peer"):
            data[field] = self._pick(mentors, data[field], field)
        try:
            created = services.pairings_apply_2plus1(actor=request.user, cadre=cadre, **data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        rows = self.get_queryset().filter(pk__in=[p.pk for p in created])
        return Response(PairingSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)
