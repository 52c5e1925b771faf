from django.utils.translation import gettext as _
from rest_framework import serializers

from cadres.selectors import units_visible_to
from core.api.serializers import ScopedFieldsMixin
from training.choices import Attendance
from training.models import Activity, Participant


class ActivitySerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    invited = serializers.IntegerField(read_only=True)
    attended = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id", "title", "type", "theme", "unit", "unit_name", "starts_at", "ends_at", "place",
            "speaker", "hours", "capacity", "cost", "signin_opens_before", "signin_closes_after",
            "late_after", "invited", "attended",
        ]  # fmt: skip
        read_only_fields = ["id", "unit_name", "invited", "attended"]

    scoped_fields = {"unit": units_visible_to}


class ParticipantSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.full_name", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "cadre", "cadre_name", "unit_name", "attendance", "signed_in_at"]
        read_only_fields = fields


class AttendanceSerializer(serializers.Serializer):
    """`{"marks": {"<participant id>": "present" | "late" | "leave" | "absent" | ""}}`"""

    marks = serializers.DictField(child=serializers.ChoiceField(choices=Attendance.choices))

    def validate_marks(self, marks):
        try:
            return {int(key): value for key, value in marks.items()}
        except ValueError:
            raise serializers.ValidationError(_("参训人员编号须为数字。")) from None
