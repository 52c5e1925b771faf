from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.cadence import PeriodStatus
from mentoring.models import DutyKind, DutyRecord, Pairing


class DutyRecordSerializer(serializers.ModelSerializer):
    """A duty done (导师履职记录). `attachment` is write-only (PDF, JPEG, PNG or .docx, sent
    as multipart); `attachment_url` is the scoped download."""

    pairing = serializers.PrimaryKeyRelatedField(queryset=Pairing.objects.none())
    kind = serializers.ChoiceField(choices=DutyKind.choices)
    attachment = serializers.FileField(write_only=True, required=False, allow_null=True)
    attachment_url = serializers.SerializerMethodField()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    mentor_name = serializers.CharField(source="pairing.mentor.name", read_only=True)

    class Meta:
        model = DutyRecord
        fields = [
            "id", "pairing", "cadre", "cadre_name", "mentor_name", "kind", "done_on", "title",
            "summary", "attachment", "attachment_url", "version", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "cadre", "version", "created_at"]
        # The service says what is missing, in words naming the field.
        extra_kwargs = {"title": {"allow_blank": True}, "summary": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            from mentoring.selectors.duties import pairings_with_duties_visible_to

            self.fields["pairing"].queryset = pairings_with_duties_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["pairing"].read_only = True

    @extend_schema_field(OpenApiTypes.URI)
    def get_attachment_url(self, record) -> str | None:
        if not record.attachment:
            return None
        return reverse("duty_attachment", args=[record.pk])


class DutyPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=PeriodStatus.choices)
    done_on = serializers.DateField(allow_null=True)
    days_overdue = serializers.IntegerField()
    records = serializers.ListField(child=serializers.IntegerField())


class DutyStandingSerializer(serializers.Serializer):
    """One duty of a pairing: where it stands today (`status` of `period`, null before the
    first period starts), lapsed periods, and every period newest first."""

    kind = serializers.ChoiceField(choices=DutyKind.choices)
    label = serializers.CharField()
    frequency = serializers.CharField()
    grace_days = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PeriodStatus.choices)
    days_overdue = serializers.IntegerField()
    missed = serializers.IntegerField()
    period = DutyPeriodSerializer(allow_null=True)
    periods = DutyPeriodSerializer(many=True)


def _period(row) -> dict:
    p = row.period
    return {
        "start": p.start, "end": p.end, "deadline": p.deadline, "status": p.status,
        "done_on": p.done_on, "days_overdue": p.days_overdue,
        "records": [r.pk for r in row.records],
    }  # fmt: skip


def standing_data(status) -> dict:
    """A `mentoring.selectors.duties.DutyStatus` as `DutyStandingSerializer` data."""
    current = None
    if status.standing is not None:
        match = next(
            (r for r in status.periods if r.period.index == status.standing.period.index), None
        )
        current = _period(match) if match else None
    return {
        "kind": status.kind,
        "label": status.label,
        "frequency": status.rule.frequency,
        "grace_days": status.rule.grace_days,
        "status": status.status,
        "days_overdue": status.days_overdue,
        "missed": status.standing.missed if status.standing else 0,
        "period": current,
        "periods": [_period(r) for r in status.periods],
    }
