"""Forms of 菁智汇 research topics and defenses: they parse; the services validate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from training.choices import ResearchField
from training.forms import DATE_INPUT, DATETIME_INPUT
from training.models import Defense, ResearchTopic
from training.selectors.research import TopicStatus
from training.services.research import DEFENSE_FIELDS, TOPIC_FIELDS


class TopicForm(BootstrapMixin, forms.ModelForm):
    leader = forms.ModelChoiceField(label=_("组长"), queryset=None, required=False)

    class Meta:
        model = ResearchTopic
        fields = list(TOPIC_FIELDS)
        widgets = {
            "starts_on": DATE_INPUT,
            "due_on": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, units, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        for name in ("starts_on", "due_on"):
            self.fields[name].input_formats = ["%Y-%m-%d"]
        if cadres is None:  # editing: the group is changed on the topic's page
            del self.fields["leader"]
        else:
            self.fields["leader"].queryset = cadres
            self.fields["leader"].help_text = _("组员可在课题页面按姓名添加。")

    def _post_clean(self):
        pass  # the service validates the complete topic

    def service_fields(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in TOPIC_FIELDS}


class TopicFilterForm(BootstrapMixin, forms.Form):
    field = forms.ChoiceField(
        label=_("领域"), required=False, choices=[("", _("全部")), *ResearchField.choices]
    )
    unit = forms.ModelChoiceField(label=_("组织单位"), required=False, queryset=None)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *TopicStatus.choices]
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def filter(self, topics):
        if not self.is_valid():
            return topics.none()
        data = self.cleaned_data
        if data["field"]:
            topics = topics.filter(field=data["field"])
        if data["unit"]:
            topics = topics.filter(data["unit"].subtree_q("unit__"))
        if data["status"]:
            topics = topics.filter(status=data["status"])
        return topics


class MilestoneForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("节点"), max_length=120)
    due_on = forms.DateField(label=_("计划完成"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"])


class MilestoneDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(
        label=_("实际完成"), required=False, widget=DATE_INPUT, input_formats=["%Y-%m-%d"]
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class ReportForm(forms.Form):
    report = forms.FileField(label=_("调研报告（PDF或Word .docx，不超过10 MB）"))


class DefenseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Defense
        fields = list(DEFENSE_FIELDS)
        widgets = {"held_at": DATETIME_INPUT}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in DEFENSE_FIELDS}


class DefenseTopicsForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("答辩课题"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics


class DefenseJudgesForm(forms.Form):
    judges = forms.ModelMultipleChoiceField(
        label=_("评委"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = users


def criteria_from_post(data) -> list[dict]:
    """Rows `name-<i>`, `max-<i>`, `position-<i>` of the criteria table; blank rows skipped."""
    rows = []
    indexes = sorted(
        {
            int(key.split("-", 1)[1])
            for key in data
            if key.startswith("name-") and key[5:].isascii() and key[5:].isdigit()
        }
    )
    for i in indexes:
        name = data.get(f"name-{i}", "").strip()
        top = data.get(f"max-{i}", "").strip()
        if not name and not top:
            continue
        rows.append({"name": name, "max_score": top, "position": data.get(f"position-{i}", "")})
    return rows
