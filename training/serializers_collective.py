from rest_framework import serializers

from cadres.models import Cadre
from cadres.selectors import serving_cadres_visible_to, units_visible_to
from core.api.serializers import ScopedFieldsMixin
from training.models import CollectiveActivity, CollectiveParticipation


class CollectiveActivitySerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    participants = serializers.IntegerField(read_only=True)

    class Meta:
        model = CollectiveActivity
        fields = [
            "id", "title", "kind", "unit", "unit_name", "held_on", "place", "hours",
            "description", "participants",
        ]  # fmt: skip
        read_only_fields = ["id", "unit_name", "participants"]

    scoped_fields = {"unit": units_visible_to}


class CollectiveParticipationSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.full_name", read_only=True)

    class Meta:
        model = CollectiveParticipation
        fields = ["id", "cadre", "cadre_name", "unit_name", "note"]
        read_only_fields = fields


class ParticipantsAddSerializer(ScopedFieldsMixin, serializers.Serializer):
    """`{"cadres": [<cadre id>, …], "note": "…"}`: cadres the caller may see."""

    cadres = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Cadre.objects.none(), allow_empty=False
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    scoped_fields = {"cadres": serving_cadres_visible_to}


class ParticipantsRemoveSerializer(serializers.Serializer):
    """`{"participations": [<participation id>, …]}`"""

    participations = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
