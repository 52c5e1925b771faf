"""Filters of the cadre list, shared by the page, the xlsx export and the API."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from cadres import choices, selectors
from cadres.models import Cadre, Cohort, Enrolment, Programme, Unit
from core.forms import BootstrapMixin


class AnyYesNo(BooleanWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("全部")), ("true", _("是")), ("false", _("否")))


class FilterForm(BootstrapMixin, forms.Form):
    pass


def _multi(label, choices_):
    return django_filters.MultipleChoiceFilter(
        label=label, choices=choices_, widget=forms.SelectMultiple(attrs={"size": 3})
    )


SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "unit": ("unit__path", "name_pinyin", "id"),
    "-unit": ("-unit__path", "name_pinyin", "id"),
    "work_start": ("work_start_date", "id"),
    "-work_start": ("-work_start_date", "id"),
    "updated": ("-updated_at", "id"),
}


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名 / 拼音 / 首字母"), method="filter_q")
    unit = django_filters.ModelChoiceFilter(
        label=_("单位（含下级）"),
        queryset=Unit.objects.none(),
        method="filter_unit",
        empty_label=_("全部"),
    )
    category = _multi(_("干部类别"), choices.CadreCategory.choices)
    age_band = django_filters.ChoiceFilter(
        label=_("年龄段"),
        choices=choices.AgeBand.choices,
        method="filter_age_band",
        empty_label=_("全部"),
    )
    political_status = _multi(_("政治面貌"), choices.PoliticalStatus.choices)
    education = _multi(_("学历"), choices.Education.choices)
    gender = django_filters.ChoiceFilter(
        label=_("性别"), choices=choices.Gender.choices, empty_label=_("全部")
    )
    is_reserve = django_filters.BooleanFilter(label=_("后备干部"), widget=AnyYesNo)
    in_talent_pool = django_filters.BooleanFilter(label=_("优秀年轻干部库"), widget=AnyYesNo)
    programme = django_filters.ModelChoiceFilter(
        label=_("培养计划（在培）"),
        queryset=Programme.objects.none(),
        method="filter_programme",
        empty_label=_("全部"),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=choices.CadreStatus.choices, empty_label=_("全部")
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"),
        choices=[
            ("name", _("姓名（拼音）")),
            ("-name", _("姓名（拼音倒序）")),
            ("age", _("年龄从小到大")),
            ("-age", _("年龄从大到小")),
            ("unit", _("单位")),
            ("-unit", _("单位（倒序）")),
            ("work_start", _("参加工作时间")),
            ("-work_start", _("参加工作时间（倒序）")),
            ("updated", _("最近更新")),
        ],
        method="filter_sort",
        empty_label=_("默认（姓名）"),
    )

    class Meta:
        model = Cadre
        form = FilterForm
        fields = [
            "q", "unit", "category", "age_band", "political_status", "education", "gender",
            "is_reserve", "in_talent_pool", "programme", "status", "sort",
        ]  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The API's filter backend passes the request; pages pass the user.
        self.user = user or getattr(self.request, "user", None)
        self.filters["unit"].queryset = _unit_choices(self.user)
        self.filters["programme"].queryset = selectors.programmes_visible_to(self.user)

    def filter_q(self, queryset, name, value):
        return queryset.filter(selectors.cadre_search_q(value, user=self.user))

    def filter_unit(self, queryset, name, value: Unit):
        return queryset.filter(value.subtree_q("unit__"))

    def filter_age_band(self, queryset, name, value):
        return selectors.filter_by_age_band(queryset, value, timezone.localdate())

    def filter_programme(self, queryset, name, value: Programme):
        return selectors.filter_by_programme(queryset, value.pk)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))


def _unit_choices(user):
    """Units offered in the filter: those where the user's visible cadres may be."""
    units = selectors.units_visible_to(user)
    if units.exists():
        return units
    return Unit.objects.filter(pk__in=selectors.cadres_visible_to(user).values("unit_id"))


class EnrolmentFilter(django_filters.FilterSet):
    class Meta:
        model = Enrolment
        fields = ["cohort", "cohort__programme", "cadre", "status"]


class CohortFilter(django_filters.FilterSet):
    class Meta:
        model = Cohort
        fields = ["programme"]


class UnitFilter(django_filters.FilterSet):
    under = django_filters.NumberFilter(label=_("上级单位（含下级）"), method="filter_under")
    name = django_filters.CharFilter(lookup_expr="contains")

    class Meta:
        model = Unit
        fields = ["kind", "name", "under"]

    def filter_under(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).first()
        return queryset.filter(unit.subtree_q()) if unit else queryset.none()
