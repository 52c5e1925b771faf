"""Forms of practice postings (菁岗练兵): they parse; the services check the rest."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import BootstrapMixin, ServiceModelForm
from training.choices import Assessment, PostingType
from training.forms import DATE_INPUT
from training.models import MonthlyReport, Posting, TaskForce
from training.services.postings import POSTING_FIELDS, TASK_FORCE_FIELDS, PostingStatus


class TaskForceForm(ServiceModelForm):
    class Meta:
        model = TaskForce
        fields = list(TASK_FORCE_FIELDS)
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "goal": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")


def _supervisors():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class PostingForm(ServiceModelForm):
    class Meta:
        model = Posting
        fields = list(POSTING_FIELDS)
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "goals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cadres, units, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres.select_related("unit").order_by("name_pinyin")
        self.fields["host_unit"].queryset = units.order_by("path")
        self.fields["task_force"].queryset = task_forces
        self.fields["supervisor"].queryset = _supervisors()
        self.fields["task_force"].help_text = _("锻炼方式为攻坚专班时必选。")


class MemberForm(BootstrapMixin, forms.Form):
    """Add a cadre to a task force (a task-force posting); empty dates take the task force's."""

    cadre = forms.ModelChoiceField(label=_("干部"), queryset=None)
    role = forms.CharField(label=_("锻炼岗位"), max_length=60, required=False)
    supervisor = forms.ModelChoiceField(label=_("锻炼单位指导人"), queryset=None, required=False)
    starts_on = forms.DateField(label=_("开始日期"), required=False, widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres.select_related("unit").order_by("name_pinyin")
        self.fields["supervisor"].queryset = _supervisors()


class PostingFilterForm(BootstrapMixin, forms.Form):
    type = forms.ChoiceField(
        label=_("锻炼方式"), required=False, choices=[("", _("全部")), *PostingType.choices]
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("posting", "状态"),
        required=False,
        choices=[("", _("全部")), *PostingStatus.choices],
    )
    unit = forms.ModelChoiceField(label=_("单位（含下级）"), required=False, queryset=None)
    q = forms.CharField(label=_("干部"), required=False, max_length=40)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")


class MonthlyReportForm(ServiceModelForm):
    service_field_names = ("work_done", "lessons", "next_plan")  # the file is passed apart

    class Meta:
        model = MonthlyReport
        fields = ["work_done", "lessons", "next_plan", "attachment"]
        widgets = {
            "work_done": forms.Textarea(attrs={"rows": 5}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "next_plan": forms.Textarea(attrs={"rows": 3}),
            "attachment": forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}),
        }


class ReviewForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("accept", _("通过")), ("return", _("退回修改"))],
    )  # posted by the page's two buttons
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssessForm(BootstrapMixin, forms.Form):
    grade = forms.ChoiceField(label=_("考核等次"), choices=[c for c in Assessment.choices if c[0]])
    comment = forms.CharField(label=_("考核评语"), widget=forms.Textarea(attrs={"rows": 3}))
