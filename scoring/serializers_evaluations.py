"""Serializers of `/api/v1/evaluation-rounds/`: rounds with progress, input for the services,
and scored results (composite and dimension scores only, never a single form)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cadres.models import Cohort
from cadres.selectors import cohorts_managed_by, units_visible_to
from scoring.choices import Dimension, EvaluatorGroup
from scoring.models import EvaluationResult, EvaluationRound
from scoring.models.evaluations import SCORE_MAX


def _keyed(name: str, choices, field) -> type[serializers.Serializer]:
    """A serializer with one field per choice (the JSON object the model stores)."""
    return type(name, (serializers.Serializer,), {c.value: field(c.label) for c in choices})


def _weight(label) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=1000, help_text=label)


DimensionWeightsSerializer = _keyed("DimensionWeightsSerializer", Dimension, _weight)
GroupWeightsSerializer = _keyed("GroupWeightsSerializer", EvaluatorGroup, _weight)
DimensionScoresSerializer = _keyed(
    "DimensionScoresSerializer",
    Dimension,
    lambda label: serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=SCORE_MAX,
        required=False,
        help_text=label,
    ),
)


class EvaluationRoundSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    cohort_name = serializers.CharField(source="cohort.name", read_only=True, default=None)
    dimension_weights = DimensionWeightsSerializer(read_only=True)
    group_weights = GroupWeightsSerializer(read_only=True)
    formula = serializers.SerializerMethodField()
    assigned = serializers.IntegerField(read_only=True, help_text=_("评价任务份数"))
    submitted = serializers.IntegerField(read_only=True, help_text=_("已提交份数"))

    class Meta:
        model = EvaluationRound
        fields = [
            "id", "name", "kind", "unit", "unit_name", "cohort", "cohort_name", "period_start",
            "period_end", "opens_on", "closes_on", "status", "dimension_weights",
            "group_weights", "trim_extremes", "trim_min_ratings", "points_factor",
            "points_baseline", "formula", "assigned", "submitted", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_formula(self, round_: EvaluationRound) -> str:
        return round_.formula()


class EvaluationRoundWriteSerializer(serializers.ModelSerializer):
    """Parses a new round or changed settings; `round_create` / `round_update` validate.

    Weights left out of a new round get the model's defaults; in a PATCH, the weights sent
    replace only those keys."""

    dimension_weights = DimensionWeightsSerializer(required=False)
    group_weights = GroupWeightsSerializer(required=False)

    class Meta:
        model = EvaluationRound
        fields = [
            "name", "kind", "unit", "cohort", "period_start", "period_end", "opens_on",
            "closes_on", "dimension_weights", "group_weights", "trim_extremes",
            "trim_min_ratings", "points_factor", "points_baseline",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent while the OpenAPI schema is generated
        if request is not None:
            self.fields["unit"].queryset = units_visible_to(request.user)
            cohorts = cohorts_managed_by(request.user)
            if self.instance is not None and self.instance.cohort_id:
                cohorts = cohorts | Cohort.objects.filter(pk=self.instance.cohort_id)
            self.fields["cohort"].queryset = cohorts


class EvaluationResultSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.full_name", read_only=True)
    dimension_scores = DimensionScoresSerializer(read_only=True)
    points = serializers.DecimalField(
        source="entry.points", max_digits=8, decimal_places=2, read_only=True, default=None
    )

    class Meta:
        model = EvaluationResult
        fields = [
            "cadre", "cadre_name", "unit_name", "dimension_scores", "score", "ratings", "points",
            "entry",
        ]  # fmt: skip
        read_only_fields = fields
