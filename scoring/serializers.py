from rest_framework import serializers

from cadres.models import Cadre
from cadres.selectors import cadres_visible_to
from scoring.models import PeriodStanding, PointEntry, PointRule, ScoringPeriod


class PointRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointRule
        fields = [
            "id", "code", "name", "category", "event_kind", "points", "cap_period", "cap_points",
            "needs_evidence", "needs_approval", "valid_from", "valid_to",
        ]  # fmt: skip


class PointEntrySerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True, default=None)
    reversed = serializers.SerializerMethodField()

    class Meta:
        model = PointEntry
        fields = [
            "id", "cadre", "cadre_name", "points", "kind", "rule", "rule_code", "event_kind",
            "source", "occurred_on", "reason", "reverses", "reversed", "author", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_reversed(self, entry: PointEntry) -> bool:
        return getattr(entry, "reversal_id", None) is not None


class PointAwardSerializer(serializers.Serializer):
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none())
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    reason = serializers.CharField(max_length=300)
    occurred_on = serializers.DateField()
    rule = serializers.PrimaryKeyRelatedField(
        queryset=PointRule.objects.all(), required=False, allow_null=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent while the OpenAPI schema is generated
        if request is not None:
            from cadres.selectors import units_visible_to

            self.fields["cadre"].queryset = cadres_visible_to(request.user).filter(
                unit__in=units_visible_to(request.user)
            )


class PointReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class StandingSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    unit = serializers.CharField(source="unit_name")
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    previous_total = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    rank = serializers.IntegerField(source="overall_rank")
    unit_rank = serializers.IntegerField()
    percentile = serializers.FloatField()


class ScoringPeriodSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)

    class Meta:
        model = ScoringPeriod
        fields = [
            "id", "name", "unit", "unit_name", "start", "end", "status", "window_days",
            "published_at", "window_ends_on", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields


class PublishedStandingSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    trend = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)

    class Meta:
        model = PeriodStanding
        fields = [
            "cadre", "name", "unit", "unit_name", "cohort", "total", "previous_total", "trend",
            "rank", "unit_rank", "cohort_rank", "percentile", "population", "dimension_scores",
        ]  # fmt: skip
        read_only_fields = fields
