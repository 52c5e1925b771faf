from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm
from mentoring.models import Talk
from scoring.models import FollowUp


class TalkForm(ServiceModelForm):
    """A talk; `cadres` are those the user may talk with (only on a new talk), `follow_ups`
    the open 约谈 tasks the user may close (none: the field is left out)."""

    class Meta:
        model = Talk
        fields = ["cadre", "level", "talked_on", "topics", "concerns", "actions",
                  "confidential_note", "follow_up"]  # fmt: skip
        widgets = {
            "talked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "concerns": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
            "confidential_note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "confidential_note": _("仅谈话人和组织部门工作人员可见，干部本人和其他导师看不到。"),
        }

    def __init__(self, *args, cadres=None, follow_ups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cadres is None:
            del self.fields["cadre"]
        else:
            self.fields["cadre"].queryset = cadres.select_related("unit").order_by("name_pinyin")
        if follow_ups is None or (self.instance.pk and self.instance.follow_up_id):
            del self.fields["follow_up"]
        else:
            self.fields["follow_up"].queryset = follow_ups
            self.fields["follow_up"].required = False
            self.fields["follow_up"].help_text = _(
                "本次谈话如是对低分干部的约谈，请选择对应的约谈任务。"
            )

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


def open_follow_ups(user, cadres) -> "forms.QuerySet | None":
    if not user.has_perm("scoring.change_followup"):
        return None
    return (
        FollowUp.objects.filter(status=FollowUp.Status.OPEN, cadre__in=cadres)
        .select_related("cadre", "period")
        .order_by("due_on", "id")
    )
