from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from mentoring.models.guidance import GuidanceFocus, GuidanceMethod, TaskStatus

TASK_ROWS = 3


class GuidanceLogForm(BootstrapMixin, forms.Form):
    """记一笔帮带: parses only; the service validates (its errors come back by field)."""

    date = forms.DateField(
        label=_("帮带日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写帮带日期。"), "invalid": _("帮带日期格式不正确。")},
    )
    method = forms.ChoiceField(
        label=_("帮带方式"),
        choices=GuidanceMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择帮带方式。")},
    )
    focus = forms.MultipleChoiceField(
        label=_("帮带重点"),
        choices=GuidanceFocus.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项帮带重点。")},
    )
    content = forms.CharField(
        label=_("帮带内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写帮带内容。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, TASK_ROWS + 1):
            self.fields[f"task_{i}"] = forms.CharField(
                label=_("布置任务%(n)s") % {"n": i},
                required=False,
                max_length=200,
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-lg", "placeholder": _("任务内容")}
                ),
            )
            self.fields[f"task_{i}_due"] = forms.DateField(
                label=_("完成期限"),
                required=False,
                widget=forms.DateInput(
                    attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
                ),
            )
        for name in ("method", "focus"):  # big toggle buttons (Bootstrap's btn-check)
            self.fields[name].widget.attrs.update({"class": "btn-check", "autocomplete": "off"})

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "method": data["method"],
            "focus": data["focus"],
            "content": data["content"],
            "tasks": [
                {"text": data.get(f"task_{i}", ""), "due_on": data.get(f"task_{i}_due")}
                for i in range(1, TASK_ROWS + 1)
            ],
        }

    def task_rows(self):
        return [(self[f"task_{i}"], self[f"task_{i}_due"]) for i in range(1, TASK_ROWS + 1)]


class ResponseForm(BootstrapMixin, forms.Form):
    response = forms.CharField(
        label=_("我的反馈"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("跟进状态"), choices=TaskStatus.choices)
    note = forms.CharField(label=_("跟进情况"), required=False, max_length=2000)
