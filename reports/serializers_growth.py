from rest_framework import serializers

from core.growth import GrowthKind


class GrowthCadreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField(source="unit.full_name")
    position = serializers.CharField()
    age = serializers.SerializerMethodField()
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    has_photo = serializers.SerializerMethodField()

    def get_age(self, cadre) -> int:
        return cadre.age()

    def get_has_photo(self, cadre) -> bool:
        return bool(cadre.photo)


class GrowthItemSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=GrowthKind.choices)
    title = serializers.CharField()
    detail = serializers.CharField()
    points = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    url = serializers.CharField()


class GrowthSectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GrowthKind.choices)
    label = serializers.CharField()
    items = GrowthItemSerializer(many=True)


class GrowthTrendPointSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    points = serializers.DecimalField(max_digits=10, decimal_places=2)


class GrowthAxisSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class GrowthRecordSerializer(serializers.Serializer):
    cadre = GrowthCadreSerializer()
    year = serializers.IntegerField(allow_null=True)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=GrowthKind.choices))
    sections = GrowthSectionSerializer(many=True)
    trend = GrowthTrendPointSerializer(many=True)
    profile = GrowthAxisSerializer(many=True, allow_null=True)
    generated_at = serializers.DateTimeField()
