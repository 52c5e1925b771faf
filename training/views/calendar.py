"""The training calendar (培训日历): a month grid, the coming weeks, and an iCalendar file."""

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from training.ics import ics_calendar
from training.selectors.calendar import calendar_entries, month_grid, weekday_labels

UPCOMING_DAYS = 30
UPCOMING_MAX = 10


def _month(request, today: datetime.date) -> datetime.date:
    """The first day of `?month=YYYY-MM`, or of this month."""
    year, _dash, month = request.GET.get("month", "").partition("-")
    try:
        first = datetime.date(int(year), int(month), 1)
    except (ValueError, OverflowError):
        return today.replace(day=1)
    # The grid and the links reach a month either side: keep clear of year 1 and 9999.
    return first if 1900 <= first.year <= 2999 else today.replace(day=1)


def _shift(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@login_required
@permission_required("training.view_activity", raise_exception=True)
def training_calendar(request):
    today = timezone.localdate()
    first = _month(request, today)
    weeks = month_grid(first.year, first.month, [], today)
    start, end = weeks[0][0]["date"], weeks[-1][-1]["date"]
    entries = calendar_entries(request.user, start, end)
    if request.GET.get("format") == "ics":
        content = ics_calendar(
            entries,
            name=_("青苗培训日历"),
            base_url=request.build_absolute_uri("/").rstrip("/"),
            host=request.get_host().split(":")[0],
        )
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="training-{first:%Y-%m}.ics"'
        return response
    upcoming = [
        e
        for e in calendar_entries(
            request.user, today, today + datetime.timedelta(days=UPCOMING_DAYS)
        )
        if e.starts_at >= timezone.now()
    ][:UPCOMING_MAX]
    context = {
        "month": first,
        "weeks": month_grid(first.year, first.month, entries, today),
        "weekdays": weekday_labels(),
        "prev": _shift(first, -1),
        "next": _shift(first, 1),
        "today": today,
        "upcoming": upcoming,
        "upcoming_days": UPCOMING_DAYS,
    }
    return render(request, "training/calendar/calendar.html", context)
