"""API for units, cadres, programmes, cohorts and enrolments (/api/v1/…).

Reads start from the scoping selectors; writes call the same services as the pages.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cadres import selectors, services
from cadres.filters import CadreFilter, CohortFilter, EnrolmentFilter, UnitFilter
from cadres.models import Unit
from cadres.serializers import (
    CadreSerializer,
    CohortSerializer,
    EnrolmentCreateSerializer,
    EnrolmentEndSerializer,
    EnrolmentSerializer,
    ProgrammeSerializer,
    UnitCreateSerializer,
    UnitSerializer,
)
from core.roles import is_admin


class UnitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["path", "name"]
    ordering = ["path"]

    def get_queryset(self):
        return selectors.units_visible_to(self.request.user).annotate(
            cadre_count=Count("cadres", filter=Q(cadres__status="active"))
        )

    def _with_parents(self, units: list[Unit]) -> dict:
        parent_paths = {u.path[: -u.steplen] for u in units if u.depth > 1}
        ids = dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "id"))
        return {**self.get_serializer_context(), "ids_by_path": ids}

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        units = list(page if page is not None else queryset)
        data = UnitSerializer(units, many=True, context=self._with_parents(units)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        unit = self.get_object()
        return Response(UnitSerializer(unit, context=self._with_parents([unit])).data)

    @extend_schema(request=UnitCreateSerializer, responses={201: UnitSerializer})
    def create(self, request, *args, **kwargs):
        serializer = UnitCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent = serializer.validated_data["parent"]
        allowed = selectors.units_visible_to(request.user)
        if parent is None and not is_admin(request.user):
            return Response(
                {"parent": [_("只有系统管理员可以新增顶级单位。")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if parent is not None and not allowed.filter(pk=parent.pk).exists():
            return Response(
                {"parent": [_("无权在该单位下新增单位。")]}, status=status.HTTP_400_BAD_REQUEST
            )
        unit = services.unit_create(**serializer.validated_data)
        data = UnitSerializer(unit, context=self._with_parents([unit])).data
        return Response(data, status=status.HTTP_201_CREATED)


class CadreViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CadreSerializer
    filterset_class = CadreFilter
    ordering_fields = ["name_pinyin", "birth_date", "work_start_date", "updated_at"]
    ordering = ["name_pinyin", "id"]

    def get_queryset(self):
        return selectors.cadre_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.cadre_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        cadre = serializer.instance
        if not selectors.units_visible_to(self.request.user).filter(pk=cadre.unit_id).exists():
            raise PermissionDenied
        serializer.instance = services.cadre_update(
            cadre=cadre, actor=self.request.user, **serializer.validated_data
        )


class ProgrammeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgrammeSerializer
    filterset_fields = ["owner_unit"]

    def get_queryset(self):
        return selectors.programmes_visible_to(self.request.user).prefetch_related("eligibility")

    def perform_create(self, serializer):
        serializer.instance = services.programme_create(**serializer.validated_data)


class CohortViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CohortSerializer
    filterset_class = CohortFilter

    def get_queryset(self):
        return selectors.cohorts_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.cohort_create(**serializer.validated_data)


class EnrolmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter

    def get_queryset(self):
        return selectors.enrolments_visible_to(self.request.user).select_related("cadre")

    @extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = EnrolmentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrolment_create(actor=request.user, **serializer.validated_data)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnrolmentEndSerializer, responses={200: EnrolmentSerializer})
    @action(detail=True, methods=["post"], url_path="end")
    def end(self, request, pk=None):
        """End a membership: graduated, left, or withdrawn (with a reason)."""
        if not request.user.has_perm("cadres.change_enrolment"):
            raise PermissionDenied
        enrolment = self.get_object()
        if not selectors.cohorts_managed_by(request.user).filter(pk=enrolment.cohort_id).exists():
            raise PermissionDenied
        serializer = EnrolmentEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrolment_end(
            enrolment=enrolment, actor=request.user, **serializer.validated_data
        )
        return Response(EnrolmentSerializer(enrolment).data)
