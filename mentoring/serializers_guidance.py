from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from mentoring.models import GuidanceLog, GuidanceTask, Pairing
from mentoring.models.guidance import GuidanceFocus


class GuidanceTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidanceTask
        fields = ["id", "text", "due_on", "status", "follow_up", "followed_up_at"]
        read_only_fields = ["id", "status", "follow_up", "followed_up_at"]
        # The service says what is wrong with a task, in words naming it.
        extra_kwargs = {"text": {"allow_blank": True}}


class GuidanceLogSerializer(serializers.ModelSerializer):
    """A guidance log; `focus` is a list of focus values; `tasks` on create are new tasks."""

    pairing = serializers.PrimaryKeyRelatedField(queryset=Pairing.objects.none())
    focus = serializers.ListField(
        child=serializers.ChoiceField(choices=GuidanceFocus.choices), allow_empty=True
    )
    tasks = GuidanceTaskSerializer(many=True, required=False)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    mentor_name = serializers.CharField(source="pairing.mentor.name", read_only=True)

    class Meta:
        model = GuidanceLog
        fields = [
            "id", "pairing", "cadre", "cadre_name", "mentor_name", "date", "method", "focus",
            "content", "tasks", "response", "responded_at", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "cadre", "response", "responded_at", "created_at"]
        extra_kwargs = {"content": {"allow_blank": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            from mentoring.selectors.guidance import my_pairings

            self.fields["pairing"].queryset = my_pairings(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["pairing"].read_only = True

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["focus"] = instance.focus_list
        return data


class GuidanceResponseSerializer(serializers.Serializer):
    response = serializers.CharField(
        label=_("反馈内容"), max_length=2000, allow_blank=True, trim_whitespace=True
    )
