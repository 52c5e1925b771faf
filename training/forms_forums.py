"""Forms of 菁才论坛: they parse; the services in training.services.forums decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from training.choices import ForumFormat
from training.forms import DATETIME_INPUT
from training.models import Forum
from training.models.judging import POSITION_MAX
from training.services.forums import FORUM_FIELDS


class ForumForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Forum
        fields = list(FORUM_FIELDS)
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["series"].required = False
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self):
        # The service validates the complete object (ModelForm's full_clean is skipped).
        pass

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


def _years():
    this = timezone.localdate().year
    return [("", _("全部"))] + [(str(y), str(y)) for y in range(this + 1, this - 6, -1)]


class ForumFilterForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全年")), *[(str(q), _("第%(q)s季度") % {"q": q}) for q in range(1, 5)]],
    )
    format = forms.ChoiceField(
        label=_("形式"), required=False, choices=[("", _("全部")), *ForumFormat.choices]
    )
    unit = forms.ModelChoiceField(label=_("组织单位（含下级）"), required=False, queryset=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("quarter") and not data.get("year"):
            self.add_error("year", _("按季度筛选时请选择年度。"))
        return data


class SpeakerForm(BootstrapMixin, forms.Form):
    cadre = forms.ModelChoiceField(
        label=_("主讲人"),
        queryset=None,
        error_messages={"invalid_choice": _("该干部不在您的范围内或不在职。")},
    )
    talk_title = forms.CharField(label=_("发言题目"), max_length=200, required=False)
    position = forms.IntegerField(
        label=_("顺序"), required=False, min_value=0, max_value=POSITION_MAX
    )

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class CriterionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("评分项"), max_length=60, required=False)
    max_score = forms.CharField(label=_("满分"), max_length=10, required=False)
    position = forms.IntegerField(
        label=_("顺序"), required=False, min_value=0, max_value=POSITION_MAX
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=3, max_num=20, absolute_max=30)


class JudgesForm(BootstrapMixin, forms.Form):
    judges = forms.ModelMultipleChoiceField(
        label=_("评委"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选用户不在您的范围内或已停用。")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = candidates
