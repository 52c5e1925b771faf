from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import Cadre
from core.api.serializers import ScopedFieldsMixin
from training.choices import AdoptionLevel
from training.models import Writing
from training.selectors.writing import writing_submitter_cadres


class WritingSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A piece of written output. `cadre` may be left out by a cadre submitting their own;
    staff name a cadre they manage. `evidence` is uploaded (multipart) and read back through
    `evidence_url` (a scoped download)."""

    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none(), required=False)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_name = serializers.CharField(source="cadre.unit.full_name", read_only=True)
    evidence = serializers.FileField(write_only=True, required=False)
    evidence_url = serializers.SerializerMethodField()
    reviewed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Writing
        fields = [
            "id", "cadre", "cadre_name", "unit_name", "kind", "title", "outlet", "published_on",
            "level", "evidence", "evidence_url", "status", "review_comment", "reviewed_at",
            "reviewed_by_name", "verify_version",
        ]  # fmt: skip
        read_only_fields = ["status", "review_comment", "reviewed_at", "verify_version"]
        extra_kwargs = {"title": {"required": False}, "outlet": {"required": False}}

    scoped_fields = {"cadre": writing_submitter_cadres}

    @extend_schema_field(OpenApiTypes.URI)
    def get_evidence_url(self, writing) -> str | None:
        if not writing.evidence:
            return None
        url = reverse("writing_evidence", args=[writing.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_reviewed_by_name(self, writing) -> str:
        return str(writing.reviewed_by or "")


class WritingVerifySerializer(serializers.Serializer):
    """Confirm at the claimed level (leave `level` out) or at a corrected one ("" = 未采用)."""

    level = serializers.ChoiceField(choices=AdoptionLevel.choices, required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=300)


class WritingReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, max_length=300)
