"""API: point rules (reference data) and the ledger (read, award, reverse)."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cadres.selectors import units_visible_to
from core.roles import Role, has_role
from scoring import services
from scoring.models import PointEntry, PointRule, ScoringPeriod
from scoring.selectors import (
    entries_visible_to,
    period_list,
    previous_period,
    published_table,
    standings,
)
from scoring.serializers import (
    PointAwardSerializer,
    PointEntrySerializer,
    PointReverseSerializer,
    PointRuleSerializer,
    PublishedStandingSerializer,
    ScoringPeriodSerializer,
    StandingSerializer,
)
from scoring.services import rules


class PointRuleViewSet(viewsets.ModelViewSet):
    """积分规则. Editing a rule never changes points already awarded (entries keep theirs)."""

    queryset = PointRule.objects.all()
    serializer_class = PointRuleSerializer
    filterset_fields = ["category", "event_kind", "cap_period"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = rules.rule_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = rules.rule_update(
            rule=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class PointEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """积分明细, append-only: list, a manual award or deduction, and reversal."""

    serializer_class = PointEntrySerializer
    filterset_fields = {
        "cadre": ["exact"],
        "kind": ["exact"],
        "rule": ["exact"],
        "occurred_on": ["gte", "lte"],
    }
    ordering_fields = ["occurred_on", "points", "created_at"]
    ordering = ["-occurred_on", "-id"]

    def get_queryset(self):
        reversal = PointEntry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
        return (
            entries_visible_to(self.request.user)
            .select_related("cadre", "rule")
            .annotate(reversal_id=Subquery(reversal))
        )

    @extend_schema(request=PointAwardSerializer, responses={201: PointEntrySerializer})
    def create(self, request, *args, **kwargs):
        serializer = PointAwardSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        entry = services.points_award(actor=request.user, **serializer.validated_data)
        return Response(PointEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PointReverseSerializer, responses={201: PointEntrySerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Correct an entry with its opposite (a reason is required)."""
        if not request.user.has_perm("scoring.add_pointentry"):
            raise PermissionDenied
        entry = self.get_object()
        if not units_visible_to(request.user).filter(pk=entry.cadre.unit_id).exists():
            raise PermissionDenied
        serializer = PointReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reversal = services.entry_reverse(
            entry=entry, actor=request.user, **serializer.validated_data
        )
        return Response(PointEntrySerializer(reversal).data, status=status.HTTP_201_CREATED)


class StandingsView(generics.ListAPIView):
    """`/api/v1/standings/?start=2024-01-01&end=2024-03-31[&cohort=ID]`: totals and ranks
    for the period over the caller's scope; the previous period of equal length is the
    trend baseline."""

    serializer_class = StandingSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        # Live standings are for the office; a cadre reads their published line instead
        # (`/api/v1/scoring-periods/{id}/standings/`), mentors their mentees' points.
        if not has_role(self.request.user, Role.ADMIN, Role.STAFF, Role.LEADER):
            raise PermissionDenied
        params = StandingsQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        start, end = params.validated_data["start"], params.validated_data["end"]
        previous = previous_period(start, end)
        return standings(
            user=self.request.user,
            start=start,
            end=end,
            previous=previous,
            cohort_id=params.validated_data.get("cohort"),
        )


class StandingsQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    cohort = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("结束日期不能早于开始日期。")})
        return attrs


class ScoringPeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """积分周期 and their published standings (公示). Staff and leaders see the periods of
    their subtree and every published line in it; a cadre sees the periods published to
    them and only their own line."""

    serializer_class = ScoringPeriodSerializer
    filterset_fields = ["status", "unit"]
    ordering = ["-end", "-id"]

    def get_queryset(self):
        return period_list(self.request.user)

    @extend_schema(responses=PublishedStandingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def standings(self, request, pk=None):
        period: ScoringPeriod = self.get_object()
        rows = published_table(period, request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PublishedStandingSerializer(page, many=True).data)
