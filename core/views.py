from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cadres import selectors as cadre_selectors
from core.roles import Role, has_role


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """Role-aware start page: each role sees what it comes for."""
    user = request.user
    context: dict = {}
    if has_role(user, Role.ADMIN, Role.STAFF, Role.LEADER):
        context["overview"] = cadre_selectors.overview(user=user)
        context["exchange"] = _data_exchange(user)
        context["can_import_any"] = any(row[2] or row[3] for row in context["exchange"])
    if has_role(user, Role.MENTOR):
        context["mentees"] = cadre_selectors.cadre_list(user=user).filter(pk__in=_mentee_ids(user))
    if has_role(user, Role.CADRE):
        context["own_cadre"] = cadre_selectors.cadres_visible_to(user).filter(user=user).first()
    context.update(_points_cards(user))
    context["training_todo"] = _training_todo(user)
    context["mentoring_todo"] = _mentoring_todo(user)
    return render(request, "core/home.html", context)


def _mentoring_todo(user) -> list[tuple[str, int, str]]:
    """(label, count, URL) of what waits for this user in mentoring: a mentor's overdue duties
    (四个一), self-reports to review (mentors and staff), a cadre's own self-reports overdue.
    Only rows with something waiting."""
    from django.urls import reverse
    from django.utils import timezone

    from core.cadence import PeriodStatus
    from mentoring.selectors import duties, self_reports

    today = timezone.localdate()
    rows = []
    if has_role(user, Role.MENTOR):
        overdue = sum(
            status.status == PeriodStatus.OVERDUE
            for _, statuses in duties.my_duties(user, today)
            for status in statuses
        )
        rows.append((_("逾期的导师履职"), overdue, "my_duties"))
    if self_reports.may_review_any(user):
        rows.append((_("待审阅的个人报告"), self_reports.awaiting_review(user).count(),
                     "self_report_queue"))  # fmt: skip
    if has_role(user, Role.CADRE) and (cadre := self_reports.own_cadre(user)) is not None:
        (entry,) = self_reports.self_report_standings([cadre], today) or [None]
        late = len(entry.overdue) if entry is not None else 0
        rows.append((_("逾期未交的个人报告"), late, "self_report_mine"))
    return [(label, count, reverse(name)) for label, count, name in rows if count]


def _training_todo(user) -> list[tuple[str, int, str]]:
    """(label, count, URL) of what waits for this user in training: monthly reports to
    review (supervisors and staff), forums and defenses to score (judges), and the cadre's own
    overdue monthly reports. Only rows with something waiting."""
    from django.urls import reverse
    from django.utils import timezone

    from training.models import Defense
    from training.selectors import forums, postings

    rows = []
    if user.has_perm("training.change_monthlyreport") or user.supervised_postings.exists():
        rows.append(
            (_("待审核月报"), postings.pending_reviews(user).count(), "monthly_report_pending")
        )
    unpublished = {"results_published_at__isnull": True}
    rows.append((_("论坛评分任务"), forums.forums_judged_by(user).filter(**unpublished).count(),
                 "forum_my_scoring"))  # fmt: skip
    rows.append((_("课题答辩"), Defense.objects.filter(judges=user, **unpublished).count(),
                 "defense_list"))  # fmt: skip
    if has_role(user, Role.CADRE):
        own = postings.my_postings(user)
        overdue = postings.overdue_reports(own, today=timezone.localdate())
        rows.append((_("逾期未报月报"), len(overdue), "my_postings"))
    return [(label, count, reverse(name)) for label, count, name in rows if count]


def _points_cards(user) -> dict:
    """Open 约谈 tasks for staff and leaders; the forms waiting for an evaluator."""
    from scoring.choices import RoundStatus
    from scoring.selectors import assignments_of
    from scoring.selectors.periods import open_follow_ups

    cards: dict = {}
    if has_role(user, Role.ADMIN, Role.STAFF, Role.LEADER):
        cards["follow_ups"] = list(open_follow_ups(user)[:10])
        cards["points_todo"] = _points_todo(user)
    pending = assignments_of(user).filter(status="pending", round__status=RoundStatus.OPEN)
    cards["pending_evaluations"] = pending.count()
    return cards


def _data_exchange(user) -> list[tuple]:
    """(kind, label, may import, export URL) per workbook kind, for the home page."""
    from django.urls import reverse

    from core.import_jobs import import_allowed
    from core.models import ImportJob

    exports = {
        ImportJob.Kind.CADRES: reverse("cadre_export"),
        ImportJob.Kind.UNITS: reverse("unit_export"),
        ImportJob.Kind.MENTORS: reverse("mentor_export"),
    }
    may_export = user.has_perm("cadres.export_cadre")
    return [
        (
            kind.value,
            kind.label,
            import_allowed(user, kind.value),
            exports[kind] if may_export else None,
        )
        for kind in ImportJob.Kind
    ]


def _points_todo(user) -> dict:
    """What waits for the office in points: declarations to review, objections to answer."""
    from scoring.models import Declaration, Objection
    from scoring.selectors import objections_visible_to
    from scoring.selectors.ledger import declarations_reviewable_by

    return {
        "declarations": declarations_reviewable_by(user)
        .filter(status=Declaration.Status.PENDING)
        .count()
        if user.has_perm("scoring.change_declaration")
        else 0,
        "objections": objections_visible_to(user).filter(status=Objection.Status.OPEN).count()
        if user.has_perm("scoring.change_objection")
        else 0,
    }


def _mentee_ids(user):
    from mentoring.selectors import mentee_ids_of_user

    return mentee_ids_of_user(user)


@never_cache
def healthz(request):
    """Liveness for load balancers and docker-compose: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
