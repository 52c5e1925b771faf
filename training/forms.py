from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from training.choices import ActivityType, Theme
from training.models import Activity
from training.services import ACTIVITY_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(BootstrapMixin, forms.ModelForm):
    """Parses the activity form; the service does the cross-field checks."""

    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self):
        # Skip ModelForm's model.full_clean(): the service validates the complete object.
        pass

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ActivityFilterForm(BootstrapMixin, forms.Form):
    type = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *ActivityType.choices]
    )
    theme = forms.ChoiceField(
        label=_("主题"),
        required=False,
        choices=[("", _("全部")), *[c for c in Theme.choices if c[0]]],
    )
    start = forms.DateField(label=_("开始日期"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("结束日期"), required=False, widget=DATE_INPUT)

    def filter(self, activities):
        if not self.is_valid():
            return activities.none()
        data = self.cleaned_data
        if data["type"]:
            activities = activities.filter(type=data["type"])
        if data["theme"]:
            activities = activities.filter(theme=data["theme"])
        if data["start"]:
            activities = activities.filter(starts_at__date__gte=data["start"])
        if data["end"]:
            activities = activities.filter(starts_at__date__lte=data["end"])
        return activities


class CadrePickForm(BootstrapMixin, forms.Form):
    """Who to invite, record or add: a cohort, a unit's subtree or one cadre found by the search
    (the picker of `templates/training/people/`)."""

    cohort = forms.ModelChoiceField(
        label=_("按批次"), required=False, queryset=None, empty_label="—"
    )
    unit = forms.ModelChoiceField(
        label=_("按单位（含下级）"), required=False, queryset=None, empty_label="—"
    )
    cadre = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=forms.HiddenInput(),
        error_messages={"invalid_choice": _("该干部不在您的范围内或不在职。")},
    )

    def __init__(self, *args, cohorts, units, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].label_from_instance = lambda c: f"{c.programme.name} · {c.name}"
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.full_name
        self.fields["cadre"].queryset = cadres

    @property
    def groups(self) -> list:
        """The fields that choose many cadres at once, each offered as its own small form."""
        return [self["cohort"], self["unit"]]

    def clean(self):
        data = super().clean()
        chosen = [k for k in ("cohort", "unit", "cadre") if data.get(k)]
        if len(chosen) != 1 and not self.errors:
            raise forms.ValidationError(_("请选择一个批次、一个单位或一名干部。"))
        return data
