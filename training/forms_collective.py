"""Forms of collective activities (集体活动): they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin, ServiceModelForm
from training.choices import CollectiveKind
from training.forms import DATE_INPUT, CadrePickForm
from training.models import CollectiveActivity
from training.services.collective import COLLECTIVE_FIELDS


class CollectiveForm(ServiceModelForm):
    class Meta:
        model = CollectiveActivity
        fields = list(COLLECTIVE_FIELDS)
        widgets = {"held_on": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["title"].required = False  # the service names what is missing


class CollectiveFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *CollectiveKind.choices]
    )
    unit = forms.ModelChoiceField(label=_("组织单位（含下级）"), required=False, queryset=None)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def filter(self, activities):
        if not self.is_valid():
            return activities.none()
        data = self.cleaned_data
        if data["kind"]:
            activities = activities.filter(kind=data["kind"])
        if data["unit"]:
            activities = activities.filter(data["unit"].subtree_q("unit__"))
        if data["year"]:
            activities = activities.filter(held_on__year=data["year"])
        return activities


class ParticipantsForm(CadrePickForm):
    """Who took part: a cohort, a unit's subtree or one cadre found by the search, with an
    optional note on how they did."""

    note = forms.CharField(label=_("表现"), required=False, max_length=200)
