from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from cadres.selectors import cadres_visible_to, units_visible_to
from core.api.serializers import ScopedFieldsMixin
from training.choices import Assessment
from training.models import MonthlyReport, Posting, TaskForce
from training.selectors.postings import postings_visible_to, task_forces_managed_by


class TaskForceSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    members = serializers.IntegerField(read_only=True)

    class Meta:
        model = TaskForce
        fields = ["id", "name", "goal", "unit", "unit_name", "starts_on", "ends_on", "members"]
        read_only_fields = ["id", "unit_name", "members"]

    scoped_fields = {"unit": units_visible_to}


class PostingSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    host_unit_name = serializers.CharField(source="host_unit.full_name", read_only=True)
    status = serializers.CharField(read_only=True)
    reports_filed = serializers.IntegerField(read_only=True)
    reports_accepted = serializers.IntegerField(read_only=True)

    class Meta:
        model = Posting
        fields = [
            "id", "cadre", "cadre_name", "type", "host_unit", "host_unit_name", "role",
            "task_force", "starts_on", "ends_on", "supervisor", "goals", "needs_monthly_reports",
            "status", "assessment", "assessment_comment", "assessed_at", "reports_filed",
            "reports_accepted",
        ]  # fmt: skip
        read_only_fields = [
            "id", "cadre_name", "host_unit_name", "status", "assessment", "assessment_comment",
            "assessed_at", "reports_filed", "reports_accepted",
        ]  # fmt: skip
        # The service checks the fields together and names each one in its errors.
        extra_kwargs = {"goals": {"required": False, "allow_blank": True}}

    scoped_fields = {
        "cadre": cadres_visible_to,
        "host_unit": units_visible_to,
        "task_force": task_forces_managed_by,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = get_user_model().objects.filter(is_active=True)


class AssessSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Assessment.choices)  # "" refused by the service
    comment = serializers.CharField()


class MonthlyReportSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="posting.cadre.name", read_only=True)
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyReport
        fields = [
            "id", "posting", "cadre_name", "month", "work_done", "lessons", "next_plan",
            "attachment", "has_attachment", "status", "submitted_at", "review_comment",
            "reviewed_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "cadre_name", "has_attachment", "status", "submitted_at", "review_comment",
            "reviewed_at",
        ]  # fmt: skip
        extra_kwargs = {
            "attachment": {"write_only": True, "required": False},
            "work_done": {"required": False, "allow_blank": True},
        }
        validators = []  # one report per month: the service says so, naming the month

    scoped_fields = {"posting": postings_visible_to}

    def get_has_attachment(self, report) -> bool:
        return bool(report.attachment)

    def validate_month(self, month):
        return month.replace(day=1)

    def validate(self, attrs):
        if self.instance is not None and ("posting" in attrs or "month" in attrs):
            raise serializers.ValidationError({"month": _("不能更改月报的锻炼或月份。")})
        return attrs


class ReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
