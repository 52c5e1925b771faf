"""Publication (公示) of a scoring period: publish the standings for a window of working days,
take objections (异议) during it, answer them (with a correction when the objection holds),
close the period, and open a follow-up talk task (约谈) for each low scorer.

`today` is a parameter of the date-sensitive services so that the rules can be exercised for
any date; callers pass nothing and get the local date.
"""

import datetime
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core.records import record_language
from scoring.choices import PeriodStatus
from scoring.models import FollowUp, Objection, PeriodStanding, PointEntry, ScoringPeriod
from scoring.services.ledger import entry_reverse, points_award


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day (Monday to Friday) counting `day` itself when it is one:
    a 5-day window published on a Monday ends that Friday."""
    current = day
    while current.weekday() >= 5:
        current += datetime.timedelta(days=1)
    remaining = max(count, 1) - 1
    while remaining:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _lock(period: ScoringPeriod) -> ScoringPeriod:
    return ScoringPeriod.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def period_create(
    *,
    actor,
    name: str,
    unit,
    start: datetime.date,
    end: datetime.date,
    window_days: int = 5,
    low_score_threshold: Decimal | None = None,
    bottom_percent: int = 10,
    follow_up_days: int = 30,
) -> ScoringPeriod:
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = _("请填写名称。")
    if end < start:
        errors["end"] = _("结束日期不能早于开始日期。")
    if not 1 <= window_days <= 30:
        errors["window_days"] = _("公示期应为1至30个工作日。")
    if not 0 <= bottom_percent <= 100:
        errors["bottom_percent"] = _("末位比例应在0到100之间。")
    if ScoringPeriod.objects.filter(unit=unit, start=start, end=end).exists():
        errors["start"] = _("该单位已有相同起止日期的积分周期。")
    if errors:
        raise ValidationError(errors)
    return ScoringPeriod.objects.create(
        name=name,
        unit=unit,
        start=start,
        end=end,
        window_days=window_days,
        low_score_threshold=low_score_threshold,
        bottom_percent=bottom_percent,
        follow_up_days=follow_up_days,
    )


def _population(period: ScoringPeriod):
    from scoring.selectors.periods import period_population

    return period_population(period)


def _snapshot(period: ScoringPeriod) -> int:
    """(Re)write the published table from the ledger: one SQL statement and one bulk insert."""
    from scoring.selectors.standings import previous_period, standings_of

    rows = standings_of(
        _population(period),
        start=period.start,
        end=period.end,
        previous=previous_period(period.start, period.end),
        profile=True,
    )
    PeriodStanding.objects.filter(period=period).delete()
    PeriodStanding.objects.bulk_create(
        PeriodStanding(
            period=period,
            cadre_id=row.pk,
            unit_id=row.unit_id,
            cohort_id=row.cohort_id,
            total=row.total,
            previous_total=row.previous_total,
            rank=row.overall_rank,
            unit_rank=row.unit_rank,
            cohort_rank=row.cohort_rank,
            percentile=row.percentile,
            population=len(rows),
            dimension_scores=row.dimension_scores,
        )
        for row in rows
    )
    return len(rows)


@transaction.atomic
def period_publish(
    *,
    period: ScoringPeriod,
    actor,
    window_days: int | None = None,
    today: datetime.date | None = None,
) -> ScoringPeriod:
    """Publish the standings: the table is written from the ledger and shown to each cadre
    (their own line) until the window's last working day. `window_days` overrides the
    period's window (working days) when given."""
    today = _today(today)
    period = _lock(period)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError({"status": _("该积分周期已公示过。")})
    if today <= period.end:
        raise ValidationError(
            {"status": _("积分周期%(end)s结束后才能公示。") % {"end": period.end.isoformat()}}
        )
    if window_days is not None:
        if not 1 <= window_days <= 30:
            raise ValidationError({"window_days": _("公示期应为1至30个工作日。")})
        period.window_days = window_days
    _snapshot(period)
    period.status = PeriodStatus.PUBLISHED
    period.published_at = timezone.now()
    period.published_by = actor
    period.window_ends_on = working_days_after(today, period.window_days)
    period.save()
    return period


@transaction.atomic
def period_refresh(*, period: ScoringPeriod, actor=None) -> int:
    """Rewrite a published table from the ledger (after corrections during the window)."""
    period = _lock(period)
    if period.status != PeriodStatus.PUBLISHED:
        raise ValidationError({"status": _("只有公示中的积分周期可以重新计算。")})
    return _snapshot(period)


def _low_scorers(period: ScoringPeriod) -> list[tuple[PeriodStanding, str]]:
    with record_language():
        return _low_scorers_in_record_language(period)


def _low_scorers_in_record_language(period: ScoringPeriod) -> list[tuple[PeriodStanding, str]]:
    table = list(PeriodStanding.objects.filter(period=period).order_by("rank", "cadre_id"))
    if not table:
        return []
    chosen: dict[int, tuple[PeriodStanding, str]] = {}
    if period.low_score_threshold is not None:
        for row in table:
            if row.total < period.low_score_threshold:
                chosen[row.cadre_id] = (
                    row,
                    _("总分%(total)s低于约谈分数线%(line)s")
                    % {"total": row.total, "line": period.low_score_threshold},
                )
    if period.bottom_percent:
        # Bottom N % by rank, rounded up so a small unit still gets its last place; a tie at
        # the border brings in everyone sharing that rank.
        count = int((Decimal(len(table)) * period.bottom_percent / 100).to_integral(ROUND_CEILING))
        if count:
            border_rank = table[-count].rank
            for row in table:
                if row.rank >= border_rank and row.cadre_id not in chosen:
                    chosen[row.cadre_id] = (
                        row,
                        _("排名处于末位%(percent)s%%") % {"percent": period.bottom_percent},
                    )
    return list(chosen.values())


@transaction.atomic
def period_close(
    *, period: ScoringPeriod, actor, today: datetime.date | None = None
) -> list[FollowUp]:
    """Close after the window: no open objection may remain. Afterwards the period changes
    only through reversing entries with a reason. Low scorers get a 约谈 task."""
    today = _today(today)
    period = _lock(period)
    if period.status != PeriodStatus.PUBLISHED:
        raise ValidationError({"status": _("只有公示中的积分周期可以关闭。")})
    if today <= period.window_ends_on:
        raise ValidationError(
            {
                "status": _("公示期至%(day)s，期满后才能关闭。")
                % {"day": period.window_ends_on.isoformat()}
            }
        )
    waiting = period.objections.filter(status=Objection.Status.OPEN).count()
    if waiting:
        raise ValidationError(
            {"status": _("还有%(count)s条异议未答复，答复后才能关闭。") % {"count": waiting}}
        )
    period.status = PeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = actor
    period.save()
    due = today + datetime.timedelta(days=period.follow_up_days)
    follow_ups = [
        FollowUp(
            period=period,
            cadre_id=row.cadre_id,
            reason=reason,
            total=row.total,
            rank=row.rank,
            due_on=due,
        )
        for row, reason in _low_scorers(period)
    ]
    return FollowUp.objects.bulk_create(follow_ups, ignore_conflicts=True)


def periods_close_due(*, today: datetime.date | None = None) -> list[ScoringPeriod]:
    """Close every published period whose window has passed and that has no open objection
    (the daily beat job); the others wait for staff to answer."""
    today = _today(today)
    closed = []
    due = ScoringPeriod.objects.filter(
        status=PeriodStatus.PUBLISHED, window_ends_on__lt=today
    ).exclude(objections__status=Objection.Status.OPEN)
    for period in due:
        try:
            period_close(period=period, actor=None, today=today)
        except ValidationError:
            continue  # an objection arrived in between: staff answer it first
        closed.append(period)
    return closed


@transaction.atomic
def objection_file(
    *,
    period: ScoringPeriod,
    cadre: Cadre,
    text: str,
    actor,
    entry: PointEntry | None = None,
    today: datetime.date | None = None,
) -> Objection:
    """A cadre objects to their published points, within the window."""
    today = _today(today)
    period = _lock(period)  # a close waits for this objection, or this sees the close
    text = text.strip()
    errors = {}
    if not text:
        errors["text"] = _("请写明异议内容。")
    if period.status != PeriodStatus.PUBLISHED or today > period.window_ends_on:
        errors["period"] = _("只能在公示期内提出异议。")
    elif not PeriodStanding.objects.filter(period=period, cadre=cadre).exists():
        errors["period"] = _("您不在该期公示名单中。")
    if entry is not None and (
        entry.cadre_id != cadre.pk or not period.start <= entry.occurred_on <= period.end
    ):
        errors["entry"] = _("所选明细不属于您在该期的积分。")
    if errors:
        raise ValidationError(errors)
    return Objection.objects.create(
        period=period, cadre=cadre, entry=entry, text=text, filed_by=actor
    )


@transaction.atomic
def objection_answer(
    *,
    objection: Objection,
    actor,
    answer: str,
    reverse_entry: bool = False,
    adjust_points: Decimal | None = None,
) -> Objection:
    """Answer an objection. When it holds, either reverse the entry objected to or adjust
    the cadre's points for the period (dated on its last day); the published table is then
    recomputed so the cadre sees the corrected figures."""
    # The period first (as close and refresh do): two answers at once must not rewrite the
    # published table side by side.
    period = _lock(ScoringPeriod(pk=objection.period_id))
    # of=self: the entry is on the nullable side of an outer join, which PostgreSQL won't lock.
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("entry")
        .get(pk=objection.pk)
    )
    objection.period = period
    answer = answer.strip()
    errors = {}
    if objection.status != Objection.Status.OPEN:
        errors["status"] = _("该异议已答复。")
    if not answer:
        errors["answer"] = _("请填写答复意见。")
    if reverse_entry and adjust_points:
        errors["adjust_points"] = _("冲销原明细与调整分值只能选择一种。")
    if reverse_entry and objection.entry is None:
        errors["reverse_entry"] = _("该异议没有指明明细，不能冲销；请改为调整分值。")
    if period.status != PeriodStatus.PUBLISHED:
        errors["status"] = _("只有公示中的积分周期可以更正。")
    if errors:
        raise ValidationError(errors)
    correction = None
    if reverse_entry:
        correction = entry_reverse(entry=objection.entry, actor=actor, reason=answer)
    elif adjust_points:
        correction = points_award(
            cadre=objection.cadre,
            points=adjust_points,
            reason=answer,
            actor=actor,
            occurred_on=period.end,
        )
    objection.status = Objection.Status.ANSWERED
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.correction = correction
    objection.save()
    if correction is not None:
        _snapshot(period)
    return objection


@transaction.atomic
def follow_up_update(
    *, follow_up: FollowUp, actor, improvement_plan: str, due_on: datetime.date
) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUp.Status.OPEN:
        raise ValidationError({"status": _("该约谈任务已办结。")})
    follow_up.improvement_plan = improvement_plan.strip()
    follow_up.due_on = due_on
    follow_up.save(update_fields=["improvement_plan", "due_on", "updated_at"])
    return follow_up


@transaction.atomic
def follow_up_complete(
    *,
    follow_up: FollowUp,
    actor,
    talked_on: datetime.date,
    outcome: str,
    improvement_plan: str,
    today: datetime.date | None = None,
) -> FollowUp:
    """Record the talk: its date, what was said and the improvement plan agreed."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    errors = {}
    if follow_up.status != FollowUp.Status.OPEN:
        errors["status"] = _("该约谈任务已办结。")
    if not outcome.strip():
        errors["outcome"] = _("请填写约谈情况。")
    if not improvement_plan.strip():
        errors["improvement_plan"] = _("请填写改进计划。")
    if talked_on > _today(today):
        errors["talked_on"] = _("约谈日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    follow_up.status = FollowUp.Status.DONE
    follow_up.talked_on = talked_on
    follow_up.outcome = outcome.strip()
    follow_up.improvement_plan = improvement_plan.strip()
    follow_up.done_by = actor
    follow_up.save()
    return follow_up
