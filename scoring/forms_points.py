import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.models import Cohort
from cadres.selectors import programmes_visible_to
from core.forms import BootstrapMixin
from scoring.choices import CapPeriod
from scoring.dates import period_bounds


class StandingsForm(BootstrapMixin, forms.Form):
    """The period of the live standings: a year and, optionally, one quarter of it."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("全年")),
            (1, _("第一季度")),
            (2, _("第二季度")),
            (3, _("第三季度")),
            (4, _("第四季度")),
        ],
    )
    cohort = forms.ModelChoiceField(
        label=_("批次"), queryset=Cohort.objects.none(), required=False, empty_label=_("全部")
    )

    def __init__(self, data=None, *, user, today: datetime.date):
        if data is None:
            data = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
        super().__init__(data)
        self.fields["cohort"].queryset = Cohort.objects.filter(
            programme__in=programmes_visible_to(user)
        ).select_related("programme")

    def period(self) -> tuple[datetime.date, datetime.date]:
        year = self.cleaned_data["year"]
        quarter = self.cleaned_data.get("quarter")
        if not quarter:
            return period_bounds(CapPeriod.YEAR, datetime.date(year, 1, 1))
        return period_bounds(CapPeriod.QUARTER, datetime.date(year, quarter * 3, 1))
