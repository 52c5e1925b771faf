from rest_framework import serializers

from mentoring.models import Mentor, Pairing


class MentorSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    active_count = serializers.IntegerField(read_only=True)
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = Mentor
        fields = [
            "id", "name", "mentor_type", "unit", "unit_name", "position", "expertise",
            "capacity", "is_active", "active_count", "free",
        ]  # fmt: skip
        read_only_fields = fields


class PairingSerializer(serializers.ModelSerializer):
    mentor_name = serializers.CharField(source="mentor.name", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id", "mentor", "mentor_name", "cadre", "cadre_name", "role", "start_date",
            "end_date", "status", "end_reason", "goals",
        ]  # fmt: skip
        read_only_fields = ["end_date", "status", "end_reason"]
        extra_kwargs = {"start_date": {"required": False}}
        validators = []  # the service checks duplicates, with a message naming both people


class PairingUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pairing
        fields = ["role", "start_date", "goals"]


class PairingEndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
    end_date = serializers.DateField(required=False, allow_null=True)


class TwoPlusOneSerializer(serializers.Serializer):
    cadre = serializers.IntegerField()
    town_secretary = serializers.IntegerField()
    village_secretary = serializers.IntegerField()
    peer = serializers.IntegerField()
    start_date = serializers.DateField(required=False, allow_null=True)
    goals = serializers.CharField(required=False, allow_blank=True, default="")
