from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentoring.models import SelfReport


class SelfReportSerializer(serializers.ModelSerializer):
    """A self-report (思想汇报 yearly, 月小结 monthly) of a cadre. The cadre is the caller
    (set by the service); `period_start` is the first day of the month or year."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    has_attachment = serializers.SerializerMethodField()
    reviewer_name = serializers.SerializerMethodField()

    class Meta:
        model = SelfReport
        fields = [
            "id", "cadre", "cadre_name", "kind", "period_start", "title", "content",
            "attachment", "has_attachment", "status", "submitted_at", "review_note",
            "review_version", "reviewed_at", "reviewer_name",
        ]  # fmt: skip
        read_only_fields = [
            "id", "cadre", "cadre_name", "has_attachment", "status", "submitted_at",
            "review_note", "review_version", "reviewed_at", "reviewer_name",
        ]  # fmt: skip
        extra_kwargs = {
            "attachment": {"write_only": True, "required": False},
            "title": {"required": False, "allow_blank": True},
            "content": {"required": False, "allow_blank": True},
        }
        validators = []  # one report per period: the service says so, naming the period

    def get_has_attachment(self, report) -> bool:
        return bool(report.attachment)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewer_name(self, report):
        user = report.reviewed_by
        return None if user is None else (user.get_full_name() or user.username)

    def validate(self, attrs):
        if self.instance is not None and ("kind" in attrs or "period_start" in attrs):
            raise serializers.ValidationError({"period_start": _("不能更改报告的类别或所属期间。")})
        return attrs


class SelfReportReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
