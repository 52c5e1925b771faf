from rest_framework import serializers

from cadres.models import Cadre, Unit
from cadres.selectors import cadres_visible_to, units_visible_to
from training.models import CollectiveActivity, CollectiveParticipation


class CollectiveActivitySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    participants = serializers.IntegerField(read_only=True)

    class Meta:
        model = CollectiveActivity
        fields = [
            "id", "title", "kind", "unit", "unit_name", "held_on", "place", "hours",
            "description", "participants",
        ]  # fmt: skip
        read_only_fields = ["id", "unit_name", "participants"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent while the schema is generated
        self.fields["unit"].queryset = (
            units_visible_to(request.user) if request is not None else Unit.objects.none()
        )


class CollectiveParticipationSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.full_name", read_only=True)

    class Meta:
        model = CollectiveParticipation
        fields = ["id", "cadre", "cadre_name", "unit_name", "note"]
        read_only_fields = fields


class ParticipantsAddSerializer(serializers.Serializer):
    """`{"cadres": [<cadre id>, …], "note": "…"}`: cadres the caller may see."""

    cadres = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Cadre.objects.none(), allow_empty=False
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["cadres"].child_relation.queryset = cadres_visible_to(request.user)


class ParticipantsRemoveSerializer(serializers.Serializer):
    """`{"participations": [<participation id>, …]}`"""

    participations = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
