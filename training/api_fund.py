"""API of the training fund: `/api/v1/budgets/` (with computed `spent` and `balance`) and
`/api/v1/spendings/`. Leaders read, staff write through the services; a spend past the
budget answers 400 with a `confirm_overrun` error unless `confirm_overrun: true`."""

from django.shortcuts import get_object_or_404
from rest_framework import mixins, viewsets

from core.api.permissions import ScopedModelPermissions
from training.models import Budget, Spending
from training.selectors import fund as selectors
from training.serializers_fund import BudgetSerializer, SpendingSerializer
from training.services import fund as services


class BudgetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """培训基金预算 of units in the caller's subtree."""

    queryset = Budget.objects.none()
    serializer_class = BudgetSerializer
    filterset_fields = {"year": ["exact"], "source": ["exact"], "unit": ["exact"]}
    ordering_fields = ["year", "amount"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Budget.objects.none()
        return selectors.budget_list(self.request.user)

    def perform_create(self, serializer):
        budget = services.budget_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=budget.pk)

    def perform_update(self, serializer):
        budget = get_object_or_404(
            selectors.budgets_managed_by(self.request.user), pk=serializer.instance.pk
        )
        data = serializer.validated_data
        services.budget_update(
            budget=budget, actor=self.request.user, amount=data.get("amount"), note=data.get("note")
        )
        serializer.instance = self.get_queryset().get(pk=budget.pk)


class SpendingPermissions(ScopedModelPermissions):
    # The roles give staff no delete permission on spending: deleting one recorded in error
    # is a correction.
    perms_map = {
        **ScopedModelPermissions.perms_map,
        "DELETE": ["%(app_label)s.change_%(model_name)s"],
    }


class SpendingViewSet(viewsets.ModelViewSet):
    """培训基金支出 from budgets of units in the caller's subtree."""

    queryset = Spending.objects.none()
    serializer_class = SpendingSerializer
    permission_classes = [SpendingPermissions]
    filterset_fields = {
        "budget": ["exact"],
        "budget__year": ["exact"],
        "budget__source": ["exact"],
        "activity": ["exact", "isnull"],
        "spent_on": ["gte", "lte"],
    }
    ordering_fields = ["spent_on", "amount"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Spending.objects.none()
        return selectors.spending_list(self.request.user).order_by("-spent_on", "-id")

    def _managed(self, pk) -> Spending:
        return get_object_or_404(selectors.spendings_managed_by(self.request.user), pk=pk)

    def perform_create(self, serializer):
        spending = services.spending_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=spending.pk)

    def perform_update(self, serializer):
        spending = self._managed(serializer.instance.pk)
        data = dict(serializer.validated_data)
        data.pop("budget", None)
        spending = services.spending_update(spending=spending, actor=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=spending.pk)

    def perform_destroy(self, instance):
        services.spending_delete(spending=self._managed(instance.pk), actor=self.request.user)
