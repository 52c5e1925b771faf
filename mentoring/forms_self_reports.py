"""Forms of self-reports (思想汇报, 月小结): submitting (one select for the kind and period,
phone-friendly), revising, reviewing."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from mentoring.selectors.self_reports import period_label


def period_value(kind: str, start: datetime.date) -> str:
    return f"{kind}:{start.isoformat()}"


def parse_period(value: str) -> tuple[str, datetime.date | None]:
    kind, _sep, day = (value or "").partition(":")
    try:
        return kind, datetime.date.fromisoformat(day)
    except ValueError:
        return kind, None


def period_choices(standings, *, filed=frozenset()) -> list[tuple[str, str]]:
    """The open periods of a cadre's standings with no report yet (`filed` holds the
    (kind, period start) of every report, returned ones included), newest first."""
    return [
        (period_value(s.kind, p.start), f"{s.label} · {period_label(s.kind, p.start)}")
        for s in standings
        for p in s.open_periods
        if (s.kind, p.start) not in filed
    ]


class _Text(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    attachment = forms.FileField(label=_("附件"), required=False)


class SelfReportForm(_Text):
    period = forms.ChoiceField(label=_("报告期间"))
    field_order = ["period", "title", "content", "attachment"]

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = choices

    def service_fields(self) -> dict:
        kind, start = parse_period(self.cleaned_data["period"])
        data = {k: self.cleaned_data[k] for k in ("title", "content", "attachment")}
        return {"kind": kind, "period_start": start, **data}


class SelfReportReviseForm(_Text):
    def service_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("title", "content", "attachment")}


class SelfReportReviewForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("通过")), ("return", _("退回"))])
    note = forms.CharField(
        label=_("审阅意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
