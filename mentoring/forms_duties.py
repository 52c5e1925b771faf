from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from mentoring.models import DutyKind
from mentoring.selectors.duties import duty_kinds


class DutyRecordForm(BootstrapMixin, forms.Form):
    """记录履职: parses only; the service validates (its errors come back by field)."""

    kind = forms.ChoiceField(
        label=_("履职事项"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择履职事项。"), "invalid_choice": _("请选择履职事项。")},
    )
    done_on = forms.DateField(
        label=_("完成日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写完成日期。"), "invalid": _("完成日期格式不正确。")},
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        error_messages={"required": _("请填写标题。")},
    )
    summary = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("附件（PDF、图片或Word文档，可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(DutyKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in duty_kinds()]
        self.fields["kind"].widget.attrs.update({"class": "btn-check", "autocomplete": "off"})

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "done_on": data["done_on"],
            "title": data["title"],
            "summary": data.get("summary", ""),
            "attachment": data.get("attachment") or None,
        }
