"""Scoped reads of practice postings (菁岗练兵): task forces, postings, monthly reports and
the overdue board.

Who sees a posting: administrators all; staff and leaders those whose cadre's unit or host
unit is in their subtree; mentors their mentees'; a cadre their own; and the posting's
supervisor (指导人), with or without a role. Monthly reports follow their posting.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cadres.selectors import cadres_visible_to, units_visible_to
from core.cadence import PeriodStatus, schedule
from core.roles import Role, has_role, is_admin
from training.choices import Review
from training.models import MonthlyReport, Posting, TaskForce
from training.services.postings import PostingStatus, report_rule


def postings_visible_to(user) -> QuerySet[Posting]:
    if not getattr(user, "is_authenticated", False):
        return Posting.objects.none()
    if is_admin(user):
        return Posting.objects.all()
    allowed = Q(cadre__in=cadres_visible_to(user)) | Q(supervisor=user)
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(host_unit__in=units_visible_to(user))
    return Posting.objects.filter(allowed)


def postings_managed_by(user) -> QuerySet[Posting]:
    """Postings `user` may change and assess: staff those whose cadre or host unit is in
    their subtree; administrators all."""
    if not user.has_perm("training.change_posting"):
        return Posting.objects.none()
    if is_admin(user):
        return Posting.objects.all()
    units = units_visible_to(user)
    return Posting.objects.filter(Q(cadre__unit__in=units) | Q(host_unit__in=units))


def may_see_postings(user) -> bool:
    """The pages are open to those with the permission and to supervisors without a role."""
    return user.has_perm("training.view_posting") or user.supervised_postings.exists()


def status_q(status: str, today: datetime.date) -> Q:
    not_assessed = Q(assessment="")
    return {
        PostingStatus.PLANNED: not_assessed & Q(starts_on__gt=today),
        PostingStatus.ONGOING: not_assessed & Q(starts_on__lte=today, ends_on__gte=today),
        PostingStatus.ENDED: not_assessed & Q(ends_on__lt=today),
        PostingStatus.ASSESSED: ~not_assessed,
    }[PostingStatus(status)]


def _count(rows) -> Subquery:
    return Coalesce(Subquery(rows.values("posting").annotate(n=Count("pk")).values("n")[:1]), 0)


def posting_list(user) -> QuerySet[Posting]:
    """Postings with their reports filed and accepted, for the list, the API and the export."""
    reports = MonthlyReport.objects.filter(posting=OuterRef("pk")).order_by()
    return (
        postings_visible_to(user)
        .select_related("cadre", "cadre__unit", "host_unit", "task_force", "supervisor")
        .annotate(
            reports_filed=_count(reports),
            reports_accepted=_count(reports.filter(status=Review.ACCEPTED)),
        )
        .order_by("-starts_on", "-id")
    )


def filter_postings(
    postings: QuerySet[Posting],
    *,
    today: datetime.date,
    type: str = "",
    status: str = "",
    unit=None,
    cadre=None,
    task_force=None,
) -> QuerySet[Posting]:
    """Filter by type, status, unit (the cadre's or the host unit, with the subtree), cadre."""
    if type:
        postings = postings.filter(type=type)
    if status:
        postings = postings.filter(status_q(status, today))
    if unit is not None:
        postings = postings.filter(unit.subtree_q("cadre__unit__") | unit.subtree_q("host_unit__"))
    if cadre is not None:
        postings = postings.filter(cadre=cadre)
    if task_force is not None:
        postings = postings.filter(task_force=task_force)
    return postings


# --- task forces -------------------------------------------------------------------------------


def task_forces_visible_to(user) -> QuerySet[TaskForce]:
    """Administrators all; staff and leaders those led from their subtree; anyone else the
    task forces holding a posting they may see."""
    if is_admin(user):
        return TaskForce.objects.all()
    allowed = Q(pk__in=postings_visible_to(user).filter(task_force__isnull=False).values(
        "task_force_id"))  # fmt: skip
    if has_role(user, Role.STAFF, Role.LEADER):
        allowed |= Q(unit__in=units_visible_to(user))
    return TaskForce.objects.filter(allowed)


def task_forces_managed_by(user) -> QuerySet[TaskForce]:
    if not user.has_perm("training.change_taskforce"):
        return TaskForce.objects.none()
    if is_admin(user):
        return TaskForce.objects.all()
    return TaskForce.objects.filter(unit__in=units_visible_to(user))


def task_force_list(user) -> QuerySet[TaskForce]:
    members = Posting.objects.filter(task_force=OuterRef("pk")).order_by()
    return (
        task_forces_visible_to(user)
        .select_related("unit")
        .annotate(
            members=Coalesce(
                Subquery(members.values("task_force").annotate(n=Count("pk")).values("n")[:1]), 0
            )
        )
        .order_by("-starts_on", "-id")
    )


def task_force_members(task_force: TaskForce, user) -> QuerySet[Posting]:
    return (
        postings_visible_to(user)
        .filter(task_force=task_force)
        .select_related("cadre", "cadre__unit", "host_unit", "supervisor")
        .order_by("cadre__name_pinyin", "id")
    )


# --- monthly reports ---------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(posting__in=postings_visible_to(user))


def reports_reviewable_by(user) -> QuerySet[MonthlyReport]:
    """The supervisor's reports, and for staff with the permission those of the postings they
    manage."""
    allowed = Q(posting__supervisor=user) if user.is_authenticated else Q(pk__in=[])
    if user.has_perm("training.change_monthlyreport"):
        allowed |= Q(posting__in=postings_managed_by(user))
    return MonthlyReport.objects.filter(allowed)


def pending_reviews(user) -> QuerySet[MonthlyReport]:
    """待审核月报: submitted reports `user` may review, oldest month first."""
    return (
        reports_reviewable_by(user)
        .filter(status=Review.SUBMITTED)
        .select_related("posting", "posting__cadre", "posting__cadre__unit", "posting__host_unit")
        .order_by("month", "submitted_at", "id")
    )


def report_list(user) -> QuerySet[MonthlyReport]:
    return (
        reports_visible_to(user)
        .select_related("posting", "posting__cadre", "posting__host_unit", "reviewed_by")
        .order_by("-month", "-id")
    )


def _counted_months(reports) -> dict[int, dict[datetime.date, MonthlyReport | str]]:
    by_posting: dict[int, dict] = {}
    for posting_id, month, status in reports:
        by_posting.setdefault(posting_id, {})[month] = status
    return by_posting


@dataclass(frozen=True)
class Overdue:
    posting: Posting
    month: datetime.date
    deadline: datetime.date
    days_overdue: int
    returned: bool  # a report was filed but sent back and not yet revised


def overdue_reports(postings: QuerySet[Posting], *, today: datetime.date) -> list[Overdue]:
    """Months whose report is missing (or returned and not yet revised) after month end +
    grace, for postings that need reports and are not yet assessed. Two queries whatever the
    number of postings: the postings, then the months reported."""
    postings = (
        postings.filter(needs_monthly_reports=True, assessment="", starts_on__lte=today)
        .select_related("cadre", "cadre__unit", "host_unit", "supervisor")
        .order_by("cadre__name_pinyin", "starts_on", "id")
    )
    rows = list(postings)
    reported = _counted_months(
        MonthlyReport.objects.filter(posting__in=postings.values("pk")).values_list(
            "posting_id", "month", "status"
        )
    )
    found = []
    for posting in rows:
        months = reported.get(posting.pk, {})
        done = [m for m, status in months.items() if status != Review.RETURNED]
        for period in schedule(report_rule(posting), today=today, done=done, upcoming=0):
            if period.status == PeriodStatus.OVERDUE:
                found.append(
                    Overdue(
                        posting=posting,
                        month=period.start,
                        deadline=period.deadline,
                        days_overdue=period.days_overdue,
                        returned=months.get(period.start) == Review.RETURNED,
                    )
                )
    found.sort(key=lambda row: (-row.days_overdue, row.posting.cadre.name_pinyin, row.month))
    return found


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    deadline: datetime.date
    status: str  # a cadence status: done / due / overdue
    days_overdue: int
    report: MonthlyReport | None


def posting_months(posting: Posting, reports, *, today: datetime.date) -> list[MonthRow]:
    """Each month of the posting so far with its report (if any) and whether it is due or
    overdue; `reports` are the posting's reports (already fetched)."""
    if not posting.needs_monthly_reports:
        return []
    by_month = {r.month: r for r in reports}
    done = [m for m, r in by_month.items() if r.status != Review.RETURNED]
    return [
        MonthRow(p.start, p.deadline, p.status, p.days_overdue, by_month.get(p.start))
        for p in schedule(report_rule(posting), today=today, done=done, upcoming=0)
    ]


def my_postings(user) -> QuerySet[Posting]:
    """The postings of the cadre linked to `user`, with their reports."""
    return (
        Posting.objects.filter(cadre__user=user)
        .select_related("host_unit", "task_force", "supervisor")
        .prefetch_related("reports")
        .order_by("-starts_on", "-id")
    )
