"""API of evaluation rounds (多维评价), `/api/v1/evaluation-rounds/`: scoped reads with
progress, staff set-up and the open → close → finalise workflow through the services, and
each round's scored results for the cadres the caller may see."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from scoring import selectors, services
from scoring.models import EvaluationRound
from scoring.serializers_evaluations import (
    EvaluationResultSerializer,
    EvaluationRoundSerializer,
    EvaluationRoundWriteSerializer,
)

WEIGHTS = ("dimension_weights", "group_weights")


class EvaluationRoundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """评价轮次 in the caller's subtree, with `assigned` and `submitted` form counts."""

    queryset = EvaluationRound.objects.none()  # the model, for permissions and the schema
    serializer_class = EvaluationRoundSerializer
    filterset_fields = ["status", "kind", "unit", "cohort"]
    ordering_fields = ["period_end", "opens_on", "closes_on", "name"]
    ordering = ["-period_end", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EvaluationRound.objects.none()
        return selectors.round_list(self.request.user).select_related("cohort")

    def _managed(self, pk) -> EvaluationRound:
        """A round the caller may change: 403 without the permission, 404 outside scope."""
        if not self.request.user.has_perm("scoring.change_evaluationround"):
            raise PermissionDenied
        return get_object_or_404(selectors.rounds_managed_by(self.request.user), pk=pk)

    def _shown(self, round_: EvaluationRound) -> dict:
        return EvaluationRoundSerializer(self.get_queryset().get(pk=round_.pk)).data

    @extend_schema(
        request=EvaluationRoundWriteSerializer, responses={201: EvaluationRoundSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = EvaluationRoundWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        # Weights left out get the model's defaults (the service's rule).
        fields = {k: dict(v) if k in WEIGHTS else v for k, v in serializer.validated_data.items()}
        round_ = services.round_create(actor=request.user, **fields)
        return Response(self._shown(round_), status=status.HTTP_201_CREATED)

    @extend_schema(request=EvaluationRoundWriteSerializer, responses=EvaluationRoundSerializer)
    def partial_update(self, request, *args, **kwargs):
        round_ = self._managed(kwargs["pk"])
        serializer = EvaluationRoundWriteSerializer(
            round_, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        for key in WEIGHTS:
            if key in fields:
                fields[key] = {**getattr(round_, key), **fields[key]}
        round_ = services.round_update(round_=round_, actor=request.user, **fields)
        return Response(self._shown(round_))

    def _transition(self, pk, service) -> Response:
        round_ = self._managed(pk)
        service(round_=round_, actor=self.request.user)
        return Response(self._shown(round_))

    @extend_schema(request=None, responses=EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open a prepared round with evaluators assigned: forms can be filled."""
        return self._transition(pk, services.round_open)

    @extend_schema(request=None, responses=EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close an open round: no form can be filled or changed any more."""
        return self._transition(pk, services.round_close)

    @extend_schema(request=None, responses=EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        """Score a closed round: one ledger entry per cadre rated, by the round's formula."""
        return self._transition(pk, services.round_finalise)

    @extend_schema(responses=EvaluationResultSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def results(self, request, pk=None):
        """Scored results (composite and six dimension scores, forms counted, points) of the
        cadres visible to the caller; empty until the round is finalised."""
        if not request.user.has_perm("scoring.view_evaluationresult"):
            raise PermissionDenied
        round_ = self.get_object()
        results = (
            selectors.results_visible_to(request.user)
            .filter(round=round_)
            .select_related("cadre__unit", "entry")
            .order_by("-score", "cadre__name_pinyin", "pk")
        )
        page = self.paginate_queryset(results)
        return self.get_paginated_response(EvaluationResultSerializer(page, many=True).data)
