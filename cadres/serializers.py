from rest_framework import serializers

from cadres import choices, selectors
from cadres.models import Cadre, Cohort, EligibilityRule, Enrolment, Programme, Unit


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "full_name", "depth", "parent", "is_active"]

    def get_parent(self, unit: Unit) -> int | None:
        parent_path = unit.path[: -unit.steplen]
        return self.context.get("ids_by_path", {}).get(parent_path)


class UnitCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=choices.UnitKind.choices)
    parent = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True)


class CadreSerializer(serializers.ModelSerializer):
    """A profile as the API shows it: the ID number masked unless the caller may see it."""

    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    age = serializers.SerializerMethodField()
    age_band = serializers.SerializerMethodField()
    years_of_service = serializers.IntegerField(read_only=True)
    id_number = serializers.CharField(max_length=18)
    birth_date = serializers.DateField(required=False)
    gender = serializers.ChoiceField(choices=choices.Gender.choices, required=False)

    class Meta:
        model = Cadre
        fields = [
            "id", "name", "name_pinyin", "gender", "ethnicity", "birth_date", "age", "age_band",
            "id_number", "political_status", "party_join_date", "education", "degree", "school",
            "elite_university", "major", "work_start_date", "years_of_service", "unit",
            "unit_name", "position", "rank", "category", "phone", "is_reserve",
            "in_talent_pool", "status", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["name_pinyin", "created_at", "updated_at"]
        # Uniqueness is checked by the service, which names the field.
        extra_kwargs = {"id_number": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "unit" in self.fields:
            self.fields["unit"].queryset = selectors.units_visible_to(request.user)

    def get_age(self, cadre: Cadre) -> int:
        return cadre.age()

    def get_age_band(self, cadre: Cadre) -> str:
        return cadre.age_band

    def to_representation(self, cadre: Cadre) -> dict:
        data = super().to_representation(cadre)
        request = self.context.get("request")
        if request is None or not selectors.cadre_may_see_full_id(request.user, cadre):
            data["id_number"] = cadre.id_number_masked
        return data


class EligibilityRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EligibilityRule
        fields = ["category", "max_age"]


class ProgrammeSerializer(serializers.ModelSerializer):
    eligibility = EligibilityRuleSerializer(many=True, read_only=True)
    framework = serializers.ListField(
        child=serializers.ChoiceField(choices=choices.Framework.choices), required=False
    )
    max_ages = serializers.DictField(
        child=serializers.IntegerField(min_value=16, max_value=70), write_only=True, required=False
    )

    class Meta:
        model = Programme
        fields = [
            "id", "name", "owner_unit", "start_date", "end_date", "framework", "description",
            "eligibility", "max_ages",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["owner_unit"].queryset = selectors.units_visible_to(request.user)


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "programme", "name", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["programme"].queryset = selectors.programmes_managed_by(request.user)


class EnrolmentSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id", "cohort", "cadre", "cadre_name", "joined_on", "left_on", "status",
            "age_at_enrolment", "exception_reason", "end_reason", "enrolled_by", "ended_by",
        ]  # fmt: skip
        read_only_fields = fields


class EnrolmentCreateSerializer(serializers.Serializer):
    cohort = serializers.PrimaryKeyRelatedField(queryset=Cohort.objects.none())
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none())
    joined_on = serializers.DateField()
    exception_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent while the OpenAPI schema is generated
        if request is not None:
            self.fields["cohort"].queryset = selectors.cohorts_managed_by(request.user)
            self.fields["cadre"].queryset = selectors.cadres_visible_to(request.user)


class EnrolmentEndSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[c for c in choices.EnrolmentStatus.choices if c[0] != "active"]
    )
    left_on = serializers.DateField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
