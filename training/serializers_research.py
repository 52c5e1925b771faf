from django.utils.translation import gettext as _
from rest_framework import serializers

from cadres.models import Cadre
from cadres.selectors import serving_cadres_visible_to, units_visible_to
from core.api.serializers import ScopedFieldsMixin
from training.choices import MemberRole, ResearchField
from training.models import Defense, DefenseCriterion, Milestone, ResearchMember, ResearchTopic
from training.selectors.research import TopicStatus


class ResearchMemberSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = ResearchMember
        fields = ["id", "cadre", "cadre_name", "role"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "note"]
        read_only_fields = ["id", "done_on", "note"]


class MilestoneDoneSerializer(serializers.Serializer):
    """`{"done_on": "2025-05-01", "note": "…"}`; `done_on: null` marks it not done again."""

    done_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ResearchTopicSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    status = serializers.ChoiceField(choices=TopicStatus.choices, read_only=True)
    leader_name = serializers.CharField(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True)
    milestone_count = serializers.IntegerField(read_only=True)
    overdue_count = serializers.IntegerField(read_only=True)
    has_report = serializers.SerializerMethodField()
    members = ResearchMemberSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.none(), write_only=True, required=False
    )
    member_ids = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.none(), many=True, write_only=True, required=False
    )

    class Meta:
        model = ResearchTopic
        fields = [
            "id", "title", "field", "unit", "unit_name", "summary", "starts_on", "due_on",
            "status", "leader_name", "member_count", "milestone_count", "overdue_count",
            "has_report", "report_submitted_at", "defense", "members", "milestones", "leader",
            "member_ids",
        ]  # fmt: skip
        read_only_fields = ["id", "report_submitted_at", "defense"]

    scoped_fields = {
        "unit": units_visible_to,
        "leader": serving_cadres_visible_to,
        "member_ids": serving_cadres_visible_to,
    }

    def get_has_report(self, topic) -> bool:
        return bool(topic.report)


class MemberAddSerializer(ScopedFieldsMixin, serializers.Serializer):
    """Add a cadre in scope to the group; `role: "leader"` makes them the leader (the
    previous leader stays as a member)."""

    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none())
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)

    scoped_fields = {"cadre": serving_cadres_visible_to}


class ReportUploadSerializer(serializers.Serializer):
    report = serializers.FileField()


class DefenseCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DefenseCriterion
        fields = ["id", "name", "max_score", "position"]
        read_only_fields = ["id"]


class CriteriaSerializer(serializers.Serializer):
    criteria = DefenseCriterionSerializer(many=True)


class DefenseSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    topic_count = serializers.IntegerField(read_only=True)
    judge_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Defense
        fields = [
            "id", "title", "unit", "unit_name", "held_at", "place", "topic_count",
            "judge_count", "results_published_at", "results_version",
        ]  # fmt: skip
        read_only_fields = ["id", "results_published_at", "results_version"]

    scoped_fields = {"unit": units_visible_to}


class DefenseDetailSerializer(DefenseSerializer):
    criteria = DefenseCriterionSerializer(many=True, read_only=True)
    topics = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    judges = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(DefenseSerializer.Meta):
        fields = [*DefenseSerializer.Meta.fields, "criteria", "topics", "judges"]


class TopicIdsSerializer(serializers.Serializer):
    topics = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class JudgeIdsSerializer(serializers.Serializer):
    judges = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class DefenseScoreCardSerializer(serializers.Serializer):
    """A judge's card for one topic: `{"topic": 12, "scores": {"<criterion id>": 18.5}}`."""

    topic = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.CharField(allow_blank=True))

    def validate_scores(self, scores):
        try:
            return {int(key): value for key, value in scores.items()}
        except ValueError:
            raise serializers.ValidationError(_("评分项编号须为数字。")) from None


class DefenseResultSerializer(serializers.Serializer):
    topic = serializers.IntegerField(source="topic.pk")
    title = serializers.CharField(source="topic.title")
    field = serializers.ChoiceField(source="topic.field", choices=ResearchField.choices)
    rank = serializers.IntegerField(source="result.rank", allow_null=True)
    mean = serializers.DecimalField(
        source="result.mean", max_digits=7, decimal_places=2, allow_null=True
    )
    judges = serializers.IntegerField(source="result.judges")
    by_criterion = serializers.SerializerMethodField()

    def get_by_criterion(self, row) -> dict[str, str | None]:
        return {
            str(criterion_id): str(mean)
            for criterion_id, mean in row["result"].by_criterion.items()
        }


class JudgeProgressSerializer(serializers.Serializer):
    judge = serializers.IntegerField(source="judge.pk")
    name = serializers.SerializerMethodField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()

    def get_name(self, row) -> str:
        return str(row["judge"])


class ResultsSerializer(serializers.Serializer):
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    rows = DefenseResultSerializer(many=True)
    judges = JudgeProgressSerializer(many=True)
