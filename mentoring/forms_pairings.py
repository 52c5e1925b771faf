from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from mentoring.choices import MentorType, PairingRole


class MentorFilterForm(BootstrapMixin, forms.Form):
    mentor_type = forms.ChoiceField(
        label=_("导师类型"), required=False, choices=[("", _("全部")), *MentorType.choices]
    )
    unit = forms.ModelChoiceField(label=_("单位"), required=False, queryset=None)
    q = forms.CharField(label=_("姓名或擅长领域"), required=False, max_length=50)
    free = forms.BooleanField(label=_("仅有空余名额"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def filter(self, mentors):
        if not self.is_valid():
            return mentors
        data = self.cleaned_data
        if data["mentor_type"]:
            mentors = mentors.filter(mentor_type=data["mentor_type"])
        if data["unit"]:
            mentors = mentors.filter(data["unit"].subtree_q("unit__"))
        if data["q"]:
            mentors = mentors.filter(name__icontains=data["q"]) | mentors.filter(
                expertise__icontains=data["q"]
            )
        if data["free"]:
            mentors = mentors.filter(free__gt=0)
        return mentors


class PairingForm(BootstrapMixin, forms.Form):
    mentor = forms.ModelChoiceField(label=_("导师"), queryset=None)
    role = forms.ChoiceField(
        label=_("角色"), choices=PairingRole.choices, initial=PairingRole.OTHER
    )
    start_date = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    goals = forms.CharField(
        label=_("帮带目标"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors


class PairingEndForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("结束原因"), max_length=200)
    end_date = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TwoPlusOneForm(BootstrapMixin, forms.Form):
    town_secretary = forms.ModelChoiceField(label=_("镇党委书记导师"), queryset=None)
    village_secretary = forms.ModelChoiceField(label=_("村（社区）书记导师"), queryset=None)
    peer = forms.ModelChoiceField(label=_("同伴导师（资深干部或中层干部）"), queryset=None)
    start_date = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    goals = forms.CharField(
        label=_("帮带目标"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer each role its own mentor types first; the service checks the types anyway.
        for name in ("town_secretary", "village_secretary", "peer"):
            self.fields[name].queryset = mentors
