"""Forms and filters of the ledger pages: rules, the ledger, manual awards, reversals and
declarations. They only parse input; the services validate and write."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit
from cadres.selectors import cadre_search_q, cadres_visible_to, units_visible_to
from core.forms import BootstrapMixin
from scoring.choices import EntryKind, RuleCategory
from scoring.models import Declaration, PointEntry, PointRule
from scoring.services.rules import RULE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(BootstrapMixin, forms.Form):
    pass


class RuleForm(BootstrapMixin, forms.ModelForm):
    """Parses the rule form; `scoring.services.rules` does every check."""

    class Meta:
        model = PointRule
        fields = list(RULE_FIELDS)
        widgets = {"valid_from": DATE_INPUT, "valid_to": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cap_period"].required = False
        self.fields["event_kind"].widget.attrs["autocomplete"] = "off"

    def validate_unique(self):
        """Uniqueness is the service's job (it names the field in the user's language)."""

    def _post_clean(self):
        # Skip ModelForm's model.full_clean(): the service validates the complete rule.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in RULE_FIELDS}


class RuleFilterForm(FilterForm):
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部")), *RuleCategory.choices], required=False
    )
    current = forms.ChoiceField(
        label=_("有效性"),
        choices=[("", _("全部")), ("1", _("当前有效")), ("0", _("已失效或未生效"))],
        required=False,
    )


def _unit_choices(user):
    """Units offered in the ledger filter: the user's subtree, or, for mentors and cadres,
    the units of the cadres they may see."""
    units = units_visible_to(user)
    if units.exists():
        return units.order_by("path")
    return Unit.objects.filter(pk__in=cadres_visible_to(user).values("unit_id")).order_by("path")


class LedgerFilter(django_filters.FilterSet):
    """Filters of the ledger page, shared by its `.xlsx` export."""

    q = django_filters.CharFilter(label=_("干部姓名 / 拼音"), method="filter_q")
    cadre = django_filters.NumberFilter(label=_("干部"), method="filter_cadre")
    unit = django_filters.ModelChoiceFilter(
        label=_("单位（含下级）"),
        queryset=Unit.objects.none(),
        method="filter_unit",
        empty_label=_("全部"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("来源类型"), choices=EntryKind.choices, empty_label=_("全部")
    )
    rule = django_filters.ModelChoiceFilter(
        label=_("规则"), queryset=PointRule.objects.all(), empty_label=_("全部")
    )
    start = django_filters.DateFilter(
        label=_("发生日期自"), field_name="occurred_on", lookup_expr="gte", widget=DATE_INPUT
    )
    end = django_filters.DateFilter(
        label=_("至"), field_name="occurred_on", lookup_expr="lte", widget=DATE_INPUT
    )

    class Meta:
        model = PointEntry
        form = FilterForm
        fields = ["q", "cadre", "unit", "kind", "rule", "start", "end"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["unit"].queryset = _unit_choices(user)
        self.form.fields["cadre"].widget = forms.HiddenInput()

    def filter_q(self, queryset, name, value):
        matching = Cadre.objects.filter(cadre_search_q(value, user=self.user))
        return queryset.filter(cadre__in=matching.values("pk"))

    def filter_cadre(self, queryset, name, value):
        return queryset.filter(cadre_id=value)

    def filter_unit(self, queryset, name, value: Unit):
        return queryset.filter(value.subtree_q("cadre__unit__"))


class AwardForm(BootstrapMixin, forms.Form):
    """A manual award (positive) or deduction (negative); the cadre comes from the search
    on the page (never a select of thousands of cadres)."""

    cadre = forms.ModelChoiceField(
        label=_("干部"), queryset=Cadre.objects.none(), widget=forms.HiddenInput()
    )
    points = forms.DecimalField(
        label=_("分值"),
        max_digits=8,
        decimal_places=2,
        help_text=_("加分填正数，减分填负数。"),
    )
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE_INPUT)
    rule = forms.ModelChoiceField(
        label=_("对应规则（可选）"), queryset=PointRule.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("手工加减分必须填写理由。")},
    )

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        self.fields["rule"].queryset = PointRule.objects.order_by("category", "code")
        self.fields["rule"].empty_label = _("不对应规则")


class ReverseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("冲销理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("冲销必须填写理由。")},
    )


def declarable_rules(today):
    """Rules a cadre may declare under: those needing approval, valid today."""
    return PointRule.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        needs_approval=True,
        valid_from__lte=today,
    ).order_by("category", "code")


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PointRule) -> str:
        label = f"{obj.code} {obj.name}（{obj.points:+}）"
        return f"{label} · {_('需佐证')}" if obj.needs_evidence else label


class DeclarationForm(BootstrapMixin, forms.Form):
    rule = RuleChoiceField(label=_("申报规则"), queryset=PointRule.objects.none())
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE_INPUT)
    description = forms.CharField(
        label=_("申报事项"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写申报事项。")},
    )
    evidence = forms.FileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、JPEG或PNG，10 MB以内"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = declarable_rules(today)
        self.fields["rule"].empty_label = _("请选择")


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("approve", _("通过")), ("reject", _("退回"))],
    )
    reason = forms.CharField(
        label=_("审核意见"),
        max_length=300,
        required=False,
        help_text=_("退回时必须填写。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclarationFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *Declaration.Status.choices], required=False
    )
