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
from scoring import services
from scoring.models import PointEntry, PointRule
from scoring.selectors import entries_visible_to, previous_period, standings
from scoring.serializers import (
    PointAwardSerializer,
    PointEntrySerializer,
    PointReverseSerializer,
    PointRuleSerializer,
    StandingSerializer,
)


class PointRuleViewSet(viewsets.ModelViewSet):
    """积分规则. Editing a rule never changes points already awarded (entries keep theirs)."""

    queryset = PointRule.objects.all()
    serializer_class = PointRuleSerializer
    filterset_fields = ["category", "event_kind", "cap_period"]
    http_method_names = ["get", "post", "patch", "head", "options"]


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
        if not self.request.user.has_perm("scoring.view_pointentry"):
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
