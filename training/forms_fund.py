"""Forms of the training fund (培训基金): they parse; the services check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from training.choices import FundSource
from training.forms import DATE_INPUT


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.starts_at:%Y-%m-%d} {obj.title}"


class BudgetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.year} · {obj.unit.full_name} · {obj.get_source_display()}"


class BudgetForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    source = forms.ChoiceField(label=_("经费来源"), choices=FundSource.choices)
    amount = forms.DecimalField(label=_("预算金额（元）"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")


class BudgetEditForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("预算金额（元）"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class SpendingForm(BootstrapMixin, forms.Form):
    budget = BudgetChoiceField(label=_("预算"), queryset=None)
    spent_on = forms.DateField(label=_("支出日期"), widget=DATE_INPUT)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    activity = ActivityChoiceField(label=_("培训活动"), queryset=None, required=False)
    # Offered only once the service has warned of an overrun (see `show_confirm`).
    confirm_overrun = forms.BooleanField(
        label=_("确认超支"), required=False, widget=forms.HiddenInput()
    )

    def __init__(self, *args, budgets, activities, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].queryset = budgets.select_related("unit").order_by(
            "-year", "unit__path", "source"
        )
        self.fields["activity"].queryset = activities.order_by("-starts_at", "-id")
        if self.is_bound and self.data.get("confirm_overrun") in ("on", "true", "True", "1"):
            self.show_confirm()  # a confirmation given stays visible while errors are fixed
        if editing:  # a spend stays on its budget; correct it by deleting and recording again
            self.fields["budget"].disabled = True

    def service_fields(self) -> dict:
        data = self.cleaned_data
        names = ("spent_on", "amount", "purpose", "activity", "confirm_overrun")
        return {name: data[name] for name in names}

    @property
    def overrun(self) -> bool:
        return "confirm_overrun" in self.errors

    def show_confirm(self) -> None:
        self.fields["confirm_overrun"].widget = forms.CheckboxInput()


class SpendingFilterForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(
        label=_("经费来源"), required=False, choices=[("", _("全部")), *FundSource.choices]
    )
    unit = forms.ModelChoiceField(label=_("单位"), required=False, queryset=None)
    linked = forms.ChoiceField(
        label=_("关联活动"),
        required=False,
        choices=[("", _("全部")), ("yes", _("已关联")), ("no", _("未关联"))],
    )
    start = forms.DateField(label=_("开始日期"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("结束日期"), required=False, widget=DATE_INPUT)
    q = forms.CharField(label=_("用途包含"), required=False, max_length=50)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")

    def filter(self, rows):
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        if data["source"]:
            rows = rows.filter(budget__source=data["source"])
        if data["unit"]:
            rows = rows.filter(data["unit"].subtree_q("budget__unit__"))
        if data["linked"]:
            rows = rows.filter(activity__isnull=data["linked"] == "no")
        if data["start"]:
            rows = rows.filter(spent_on__gte=data["start"])
        if data["end"]:
            rows = rows.filter(spent_on__lte=data["end"])
        if data["q"].strip():
            rows = rows.filter(purpose__contains=data["q"].strip())
        return rows
