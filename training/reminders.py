"""Reminders of practice postings' monthly reports (挂职月报), a source of `core.reminders`.

For each month of a posting (the cadence of `report_rule`):
- coming due (`due`): from `QINGMIAO_REMINDER_DAYS_BEFORE` days before the deadline through
  the deadline, while not yet filed (or returned and not revised) → the cadre;
- overdue (`overdue`): after the deadline → the cadre and the posting's supervisor.
Each (posting, month, stage) is sent once per person: the keys are
`training.monthlyreport:<posting>:<yyyy-mm>:<due|overdue>`."""

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.cadence import PeriodStatus, schedule
from core.models import Notification
from core.notifications import NotificationRow
from training.choices import Review
from training.models import MonthlyReport, Posting
from training.selectors.postings import overdue_reports
from training.services.postings import report_rule


def _key(posting_id: int, month: datetime.date, stage: str) -> str:
    return f"training.monthlyreport:{posting_id}:{month:%Y-%m}:{stage}"


def _file_url(posting: Posting, month: datetime.date) -> str:
    return reverse(
        "monthly_report_create", kwargs={"pk": posting.pk, "year": month.year, "month": month.month}
    )


def _month_label(month: datetime.date) -> str:
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


def monthly_report_reminders(today: datetime.date) -> Iterator[NotificationRow]:
    yield from _coming_due(today)
    yield from _overdue(today)


def _coming_due(today: datetime.date) -> Iterator[NotificationRow]:
    """Two queries: the open postings whose cadre has an account, then their reported months."""
    before = datetime.timedelta(days=settings.QINGMIAO_REMINDER_DAYS_BEFORE)
    postings = list(
        Posting.objects.filter(
            needs_monthly_reports=True,
            assessment="",
            starts_on__lte=today,
            # A month's deadline is at most a month and its grace after the posting ends.
            ends_on__gte=today - datetime.timedelta(days=31 + settings.QINGMIAO_MONTHLY_REPORT_GRACE_DAYS),
            cadre__user__isnull=False,
        ).select_related("cadre", "host_unit")
    )  # fmt: skip
    done: dict[int, list[datetime.date]] = {}
    for posting_id, month in (
        MonthlyReport.objects.filter(posting__in=[p.pk for p in postings])
        .exclude(status=Review.RETURNED)
        .values_list("posting_id", "month")
    ):
        done.setdefault(posting_id, []).append(month)
    for posting in postings:
        for period in schedule(
            report_rule(posting), today=today, done=done.get(posting.pk, ()), upcoming=0
        ):
            if period.status != PeriodStatus.DUE or period.deadline - today > before:
                continue
            month = _month_label(period.start)
            yield NotificationRow(
                user_id=posting.cadre.user_id,
                key=_key(posting.pk, period.start, "due"),
                title=_("%(month)s挂职月报即将到期") % {"month": month},
                body=_("请于%(deadline)s前报送在%(unit)s挂职锻炼的%(month)s月报。")
                % {"deadline": f"{period.deadline:%Y-%m-%d}", "unit": posting.host_unit.name,
                   "month": month},
                url=_file_url(posting, period.start),
                level=Notification.Level.INFO,
            )  # fmt: skip


def _overdue(today: datetime.date) -> Iterator[NotificationRow]:
    """Two queries (`overdue_reports`), whatever the number of postings."""
    for row in overdue_reports(Posting.objects.all(), today=today):
        posting, month = row.posting, _month_label(row.month)
        key = _key(posting.pk, row.month, "overdue")
        body = _("%(cadre)s在%(unit)s挂职锻炼的%(month)s月报已逾期%(days)s天（截止%(deadline)s）。") % {
            "cadre": posting.cadre.name, "unit": posting.host_unit.name, "month": month,
            "days": row.days_overdue, "deadline": f"{row.deadline:%Y-%m-%d}",
        }  # fmt: skip
        if posting.cadre.user_id:
            yield NotificationRow(
                user_id=posting.cadre.user_id, key=key,
                title=_("%(month)s挂职月报已逾期") % {"month": month}, body=body,
                url=_file_url(posting, row.month), level=Notification.Level.WARNING,
            )  # fmt: skip
        if posting.supervisor_id:
            yield NotificationRow(
                user_id=posting.supervisor_id, key=key,
                title=_("%(cadre)s的%(month)s挂职月报已逾期")
                % {"cadre": posting.cadre.name, "month": month},
                body=body, url=reverse("posting_detail", args=[posting.pk]),
                level=Notification.Level.WARNING,
            )  # fmt: skip
