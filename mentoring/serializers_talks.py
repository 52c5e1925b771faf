from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.selectors import serving_cadres_visible_to
from core.api.serializers import ScopedFieldsMixin
from mentoring.forms_talks import open_follow_ups
from mentoring.models import Talk
from scoring.models import FollowUp


def _closable_follow_ups(user):
    return open_follow_ups(user, serving_cadres_visible_to(user)) or FollowUp.objects.none()


class TalkSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A talk (谈心谈话). `confidential_note` is present only for a reader who may read it
    (the talker, staff in scope); for anyone else the key is absent, not null."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    talker_name = serializers.SerializerMethodField()
    confidential_note = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Talk
        fields = [
            "id", "cadre", "cadre_name", "level", "talked_on", "talker", "talker_name",
            "topics", "concerns", "actions", "confidential_note", "follow_up",
        ]  # fmt: skip
        read_only_fields = ["id", "cadre_name", "talker", "talker_name"]
        extra_kwargs = {"follow_up": {"required": False, "allow_null": True, "validators": []}}

    scoped_fields = {"cadre": serving_cadres_visible_to, "follow_up": _closable_follow_ups}

    @extend_schema_field(serializers.CharField())
    def get_talker_name(self, talk) -> str:
        return talk.talker.get_full_name() or talk.talker.username

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not getattr(instance, "note_visible", False):
            data.pop("confidential_note", None)
        return data


class TalkUpdateSerializer(TalkSerializer):
    class Meta(TalkSerializer.Meta):
        read_only_fields = [*TalkSerializer.Meta.read_only_fields, "cadre"]
