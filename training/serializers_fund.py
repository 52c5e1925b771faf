from rest_framework import serializers

from cadres.selectors import units_visible_to
from core.api.serializers import ScopedFieldsMixin
from training.models import Activity, Budget, Spending
from training.selectors.fund import budgets_managed_by

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


def _activities_in_scope(user):
    return Activity.objects.filter(unit__in=units_visible_to(user))


class BudgetSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A yearly budget with what has been spent from it and the balance."""

    unit_name = serializers.CharField(source="unit.full_name", read_only=True)
    spent = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)

    class Meta:
        model = Budget
        fields = ["id", "year", "unit", "unit_name", "source", "amount", "note", "spent",
                  "balance"]  # fmt: skip
        read_only_fields = ["id", "unit_name", "spent", "balance"]
        # One budget per (year, unit, source) and amount ≥ 0 are checked by the service.
        validators = []
        extra_kwargs = {"amount": {"validators": [], "min_value": None}}

    scoped_fields = {"unit": units_visible_to}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # year, unit and source of an existing budget are fixed
            for name in ("year", "unit", "source"):
                self.fields[name].read_only = True


class SpendingSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A spend; `confirm_overrun: true` records one that takes the budget past its amount."""

    unit_name = serializers.CharField(source="budget.unit.full_name", read_only=True)
    source = serializers.CharField(source="budget.source", read_only=True)
    activity_title = serializers.CharField(
        source="activity.title", read_only=True, allow_null=True, default=None
    )
    created_by_name = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, default=None
    )
    confirm_overrun = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Spending
        fields = [
            "id", "budget", "unit_name", "source", "activity", "activity_title", "spent_on",
            "amount", "purpose", "created_by_name", "created_at", "confirm_overrun",
        ]  # fmt: skip
        read_only_fields = ["id", "unit_name", "source", "activity_title", "created_by_name",
                            "created_at"]  # fmt: skip
        # Amount and purpose are checked by the service (its messages name the field).
        extra_kwargs = {
            "amount": {"validators": [], "min_value": None},
            "purpose": {"allow_blank": True},
        }

    scoped_fields = {"budget": budgets_managed_by, "activity": _activities_in_scope}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["budget"].read_only = True
