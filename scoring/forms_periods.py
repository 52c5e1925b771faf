"""Forms of the publication pages (公示, 异议, 约谈): they parse input; the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.models import Unit
from core.forms import BootstrapMixin
from scoring.choices import CapPeriod
from scoring.dates import period_bounds
from scoring.models import PointEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

PRESETS = {
    "month": gettext_lazy("上月"),
    "quarter": gettext_lazy("上季度"),
    "year": gettext_lazy("上年度"),
}


def preset_initial(key: str, today: datetime.date) -> dict:
    """Name, start and end of the last full month / quarter / year before `today`."""
    if key == "month":
        start, end = period_bounds(CapPeriod.MONTH, today.replace(day=1) - datetime.timedelta(1))
        name = _("%(year)s年%(month)s月积分") % {"year": start.year, "month": start.month}
    elif key == "quarter":
        this_quarter, _end = period_bounds(CapPeriod.QUARTER, today)
        start, end = period_bounds(CapPeriod.QUARTER, this_quarter - datetime.timedelta(1))
        name = _("%(year)s年第%(quarter)s季度积分") % {
            "year": start.year,
            "quarter": (start.month - 1) // 3 + 1,
        }
    elif key == "year":
        start, end = period_bounds(CapPeriod.YEAR, today.replace(year=today.year - 1))
        name = _("%(year)s年度积分") % {"year": start.year}
    else:
        return {}
    return {"name": name, "start": start, "end": end}


class PeriodForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("公示范围"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy("该单位及下级单位的在职干部一起排名。"),
    )
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=DATE_INPUT)
    window_days = forms.IntegerField(
        label=gettext_lazy("公示期（工作日）"), min_value=1, max_value=30, initial=5
    )
    low_score_threshold = forms.DecimalField(
        label=gettext_lazy("约谈分数线"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("总分低于此分的干部在关闭时生成约谈任务；留空不按分数线。"),
    )
    bottom_percent = forms.IntegerField(
        label=gettext_lazy("末位比例（%）"),
        min_value=0,
        max_value=100,
        initial=10,
        help_text=gettext_lazy("排名在末位该比例内的干部生成约谈任务；0表示不按比例。"),
    )
    follow_up_days = forms.IntegerField(
        label=gettext_lazy("约谈完成期限（天）"), min_value=1, max_value=365, initial=30
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: unit.full_name


class PublishForm(BootstrapMixin, forms.Form):
    window_days = forms.IntegerField(
        label=gettext_lazy("公示期（工作日）"), min_value=1, max_value=30
    )


class ObjectionForm(BootstrapMixin, forms.Form):
    entry = forms.ModelChoiceField(
        label=gettext_lazy("涉及明细"),
        queryset=PointEntry.objects.none(),
        required=False,
        empty_label=gettext_lazy("（不针对某一笔明细）"),
        help_text=gettext_lazy("如对某一笔积分有异议，请选择该笔明细。"),
    )
    text = forms.CharField(
        label=gettext_lazy("异议内容"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = _entry_label


def _entry_label(entry: PointEntry) -> str:
    what = entry.rule.name if entry.rule_id else entry.get_kind_display()
    return f"{entry.occurred_on:%Y-%m-%d} {what} {entry.points:+}"


class ObjectionAnswerForm(BootstrapMixin, forms.Form):
    NONE, REVERSE, ADJUST = "none", "reverse", "adjust"

    answer = forms.CharField(
        label=gettext_lazy("答复意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    correction = forms.ChoiceField(
        label=gettext_lazy("更正方式"),
        choices=[
            (NONE, gettext_lazy("不更正（异议不成立或无需调整）")),
            (REVERSE, gettext_lazy("冲销所涉明细")),
            (ADJUST, gettext_lazy("调整分值")),
        ],
        initial=NONE,
    )
    adjust_points = forms.DecimalField(
        label=gettext_lazy("调整分值"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("选择“调整分值”时填写，可为负数；记入该期最后一天。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("correction") == self.ADJUST and not data.get("adjust_points"):
            self.add_error("adjust_points", _("请填写不为0的调整分值。"))
        return data

    def service_fields(self) -> dict:
        choice = self.cleaned_data["correction"]
        return {
            "answer": self.cleaned_data["answer"],
            "reverse_entry": choice == self.REVERSE,
            "adjust_points": self.cleaned_data["adjust_points"] if choice == self.ADJUST else None,
        }


class FollowUpPlanForm(BootstrapMixin, forms.Form):
    improvement_plan = forms.CharField(
        label=gettext_lazy("改进计划"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(label=gettext_lazy("完成期限"), widget=DATE_INPUT)


class FollowUpCompleteForm(BootstrapMixin, forms.Form):
    talked_on = forms.DateField(label=gettext_lazy("约谈日期"), widget=DATE_INPUT)
    outcome = forms.CharField(
        label=gettext_lazy("约谈情况"), widget=forms.Textarea(attrs={"rows": 4})
    )
    improvement_plan = forms.CharField(
        label=gettext_lazy("改进计划"), widget=forms.Textarea(attrs={"rows": 4})
    )
