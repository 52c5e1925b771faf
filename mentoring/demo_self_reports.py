"""Demo data for self-reports (思想汇报, 月小结): a year of reports by the demo cadres, most
accepted, the latest ones partly waiting for review, one returned to the demo cadre, and about
one cadre in seven letting a kind lapse (so the overdue list, reminders and
`mentoring.self_report.overdue` have something to show).

The demo cadres are dated as entered a year and a half ago (the cadence counts from then). The
history is bulk-written as accepted records carried over from paper (no points); the latest
closed period's acceptances go through `self_report_review`, so points follow wherever a rule
exists for `mentoring.self_report.accepted`."""

import datetime
import random

from django.utils import timezone

from cadres.choices import CadreStatus
from cadres.models import Cadre
from core.cadence import schedule
from mentoring.models import SelfReport, SelfReportKind, SelfReportStatus
from mentoring.selectors.self_reports import period_label, self_report_kinds, self_report_rule
from mentoring.services.self_reports import self_report_review

TITLES = {
    SelfReportKind.THOUGHT: ["%(period)s思想汇报", "%(period)s个人思想工作总结"],
    SelfReportKind.MONTHLY: ["%(period)s工作小结", "%(period)s月度学习工作小结"],
}
CONTENT = [
    "本期认真学习党的创新理论，坚持把学习成果转化为推动工作的实际行动。",
    "围绕中心工作，深入村组走访群众，协调解决群众反映的实际困难。",
    "存在的不足：调查研究还不够深入，下一步将加强学习、改进作风。",
]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def seed_self_reports(*, cadres: list[Cadre], users: dict, rng: random.Random, today):
    staff = users["orgstaff"]
    entered = _at(today - datetime.timedelta(days=540))
    ids = [c.pk for c in cadres]
    Cadre.objects.filter(pk__in=ids, created_at__gt=entered).update(created_at=entered)
    cadres = list(Cadre.objects.filter(pk__in=ids, status=CadreStatus.ACTIVE).order_by("pk"))
    lapsing = {c.pk for c in cadres if rng.random() < 0.15}
    rows, to_accept = [], []
    for cadre in cadres:
        for kind in self_report_kinds():
            periods = schedule(self_report_rule(cadre, kind, today), today=today, upcoming=0)
            closed = [p for p in periods if p.deadline < today]
            last_closed = closed[-1].index if closed else -1
            for period in periods:
                latest = period.index >= last_closed
                if (cadre.pk in lapsing and latest) or (
                    period.index > last_closed and rng.random() < 0.6
                ):
                    continue
                filed_on = min(period.end, today)
                what = {"period": period_label(kind, period.start)}
                report = SelfReport(
                    cadre=cadre, kind=kind, period_start=period.start,
                    title=rng.choice(TITLES[kind]) % what, content="\n".join(CONTENT),
                    submitted_at=_at(filed_on), status=SelfReportStatus.SUBMITTED,
                )  # fmt: skip
                if not latest:
                    report.status = SelfReportStatus.ACCEPTED
                    report.review_version = 1
                    report.reviewed_by = staff
                    report.reviewed_at = _at(min(period.deadline, today))
                elif period.index == last_closed and rng.random() < 0.5:
                    to_accept.append(report)
                rows.append(report)
    SelfReport.objects.bulk_create(rows, batch_size=2000)
    for report in to_accept:
        self_report_review(report=report, accept=True, actor=staff)
    own = Cadre.objects.filter(user=users.get("cadre")).first()
    mine = SelfReport.objects.filter(cadre=own, status=SelfReportStatus.SUBMITTED).first()
    if mine is not None:
        self_report_review(
            report=mine, accept=False, actor=staff,
            note="请结合本人实际工作补充具体事例和下一步打算。",
        )  # fmt: skip
    return SelfReport.objects.count()
