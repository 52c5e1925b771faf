from django.utils.translation import gettext as _
from rest_framework import serializers

from cadres.models import Cadre, Cohort, Unit
from cadres.selectors import (
    cohorts_managed_by,
    serving_cadres_visible_to,
    units_visible_to,
)
from core.api.serializers import ScopedFieldsMixin
from training.models import Forum, ForumAttendee, ForumSpeaker
from training.models.judging import POSITION_MAX


class ForumSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    speaker_count = serializers.IntegerField(read_only=True)
    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Forum
        fields = [
            "id", "series", "title", "format", "topic", "unit", "unit_name", "starts_at",
            "ends_at", "place", "hours", "results_published_at", "results_version",
            "speaker_count", "attendee_count",
        ]  # fmt: skip
        read_only_fields = [
            "id", "unit_name", "results_published_at", "results_version", "speaker_count",
            "attendee_count",
        ]  # fmt: skip
        extra_kwargs = {"series": {"required": False}}

    scoped_fields = {"unit": units_visible_to}

    def validate(self, attrs):
        # Cross-field checks are the service's (it raises ValidationError keyed by field).
        return attrs


class SpeakerSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.full_name", read_only=True)
    position = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=POSITION_MAX
    )

    class Meta:
        model = ForumSpeaker
        fields = ["id", "cadre", "cadre_name", "unit_name", "talk_title", "position"]
        read_only_fields = ["id", "cadre_name", "unit_name"]
        validators = []  # the service reports duplicates with a clear message

    scoped_fields = {"cadre": serving_cadres_visible_to}


class AttendeeSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.full_name", read_only=True)

    class Meta:
        model = ForumAttendee
        fields = ["id", "cadre", "cadre_name", "unit_name", "attended"]
        read_only_fields = fields


class AttendeesAddSerializer(ScopedFieldsMixin, serializers.Serializer):
    """Exactly one of: `cadres` (ids), `cohort`, `unit` (with its subtree)."""

    cadres = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Cadre.objects.none()
    )
    cohort = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=Cohort.objects.none()
    )
    unit = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=Unit.objects.none()
    )

    scoped_fields = {
        "cadres": serving_cadres_visible_to,
        "cohort": cohorts_managed_by,
        "unit": units_visible_to,
    }

    def validate(self, attrs):
        chosen = [k for k in ("cadres", "cohort", "unit") if attrs.get(k)]
        if len(chosen) != 1:
            raise serializers.ValidationError(
                {"cadres": _("请选择一个批次、一个单位或若干名干部。")}
            )
        return attrs


class ForumScoreCardSerializer(serializers.Serializer):
    """`{"speaker": <id>, "scores": {"<criterion id>": <score>, ...}}`"""

    speaker = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.CharField(allow_blank=True))


class ForumResultSerializer(serializers.Serializer):
    speaker = serializers.IntegerField(source="subject.pk")
    cadre = serializers.IntegerField(source="subject.cadre_id")
    cadre_name = serializers.CharField(source="subject.cadre.name")
    talk_title = serializers.CharField(source="subject.talk_title")
    rank = serializers.IntegerField(source="result.rank", allow_null=True)
    mean = serializers.DecimalField(
        source="result.mean", max_digits=7, decimal_places=2, allow_null=True
    )
    judges = serializers.IntegerField(source="result.judges")
    by_criterion = serializers.ListField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
