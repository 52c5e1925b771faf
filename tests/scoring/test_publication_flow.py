"""Publication (公示) at the service level: the window rules, objections (异议) and their
corrections, what closing freezes, and the low-score follow-ups (约谈) opened at close."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from scoring import services
from scoring.choices import PeriodStatus
from scoring.models import Declaration, FollowUp, Objection, PeriodStanding, PointEntry, PointRule
from scoring.selectors import points_total
from scoring.selectors.periods import (
    objections_visible_to,
    open_follow_ups,
    period_list,
    published_table,
)
from tests import factories as f

START, END = datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)
DAY = datetime.date(2024, 2, 1)
MONDAY = datetime.date(2024, 4, 1)  # the first day after the period
FRIDAY = datetime.date(2024, 4, 5)


def award(cadre, points, day=DAY, reason="竞赛获奖"):
    return services.points_award(
        cadre=cadre, points=Decimal(points), reason=reason, actor=None, occurred_on=day
    )


def new_period(world, unit="town", start=START, end=END, **options):
    return services.period_create(
        actor=world["users"]["staff"],
        name=f"{start:%Y}年积分",
        unit=world["units"][unit],
        start=start,
        end=end,
        **options,
    )


def table(period):
    """(name, total, rank) of the published rows, rank order."""
    return [
        (row.cadre.name, row.total, row.rank)
        for row in PeriodStanding.objects.filter(period=period)
        .select_related("cadre")
        .order_by("rank", "cadre__name_pinyin")
    ]


@pytest.fixture
def scored(world):
    """金城镇's three serving cadres with Q1 points: 张伟 8 (5 + 3), 王芳 6, 李娜 4."""
    c = world["cadres"]
    entries = {"self_5": award(c["self"], "5"), "self_3": award(c["self"], "3")}
    award(c["bystander"], "6")
    award(c["mentee"], "4")
    award(c["outsider"], "50")  # 东湖镇: outside the period's scope
    return entries


@pytest.fixture
def published(world, scored):
    return services.period_publish(
        period=new_period(world), actor=world["users"]["staff"], today=MONDAY
    )


# --- the publication window ------------------------------------------------------------------


def test_a_period_cannot_be_published_before_it_has_ended(world, scored):
    period = new_period(world)
    with pytest.raises(ValidationError) as refused:
        services.period_publish(period=period, actor=world["users"]["staff"], today=END)
    assert "2024-03-31结束后才能公示" in refused.value.message_dict["status"][0]
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and period.window_ends_on is None
    assert not PeriodStanding.objects.filter(period=period).exists()


def test_publishing_writes_the_table_and_a_window_of_working_days(world, scored):
    period = services.period_publish(
        period=new_period(world), actor=world["users"]["staff"], today=MONDAY
    )
    assert period.status == PeriodStatus.PUBLISHED
    assert period.window_ends_on == FRIDAY  # Monday + 5 working days
    assert period.published_by == world["users"]["staff"]
    assert table(period) == [
        ("张伟", Decimal("8.00"), 1),
        ("王芳", Decimal("6.00"), 2),
        ("李娜", Decimal("4.00"), 3),
    ]
    with pytest.raises(ValidationError):
        services.period_publish(period=period, actor=None, today=MONDAY)


def test_the_window_skips_the_weekend(world, scored):
    friday = services.period_publish(
        period=new_period(world), actor=None, today=FRIDAY, window_days=5
    )
    # Fri, Mon, Tue, Wed, Thu: the Saturday and Sunday in between do not count.
    assert friday.window_ends_on == datetime.date(2024, 4, 11)
    saturday = services.period_publish(
        period=new_period(world, unit="office"), actor=None, today=datetime.date(2024, 4, 6)
    )
    # Published on a Saturday: the window starts on Monday.
    assert saturday.window_ends_on == datetime.date(2024, 4, 12)
    assert services.working_days_after(datetime.date(2024, 4, 5), 1) == FRIDAY


def test_publish_window_days_are_bounded(world, scored):
    period = new_period(world)
    with pytest.raises(ValidationError) as refused:
        services.period_publish(period=period, actor=None, today=MONDAY, window_days=0)
    assert "window_days" in refused.value.message_dict
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN


def test_objections_only_within_the_window(world, published):
    cadre = world["cadres"]["self"]
    user = world["users"]["cadre"]
    inside = services.objection_file(
        period=published, cadre=cadre, text="第二笔应为5分", actor=user, today=FRIDAY
    )
    assert inside.status == Objection.Status.OPEN
    with pytest.raises(ValidationError) as late:
        services.objection_file(
            period=published,
            cadre=cadre,
            text="再提一条",
            actor=user,
            today=FRIDAY + datetime.timedelta(days=3),
        )
    assert late.value.message_dict["period"] == ["只能在公示期内提出异议。"]
    assert Objection.objects.count() == 1


def test_objections_are_refused_before_publication_and_for_others_entries(world, scored):
    period = new_period(world)
    c = world["cadres"]
    with pytest.raises(ValidationError) as early:
        services.objection_file(period=period, cadre=c["self"], text="x", actor=None, today=MONDAY)
    assert "period" in early.value.message_dict
    services.period_publish(period=period, actor=None, today=MONDAY)
    period.refresh_from_db()
    someone_elses = PointEntry.objects.get(cadre=c["bystander"])
    with pytest.raises(ValidationError) as foreign:
        services.objection_file(
            period=period,
            cadre=c["self"],
            text="x",
            actor=None,
            entry=someone_elses,
            today=MONDAY,
        )
    assert "entry" in foreign.value.message_dict
    with pytest.raises(ValidationError) as outsider:
        services.objection_file(
            period=period, cadre=c["outsider"], text="x", actor=None, today=MONDAY
        )
    assert outsider.value.message_dict["period"] == ["您不在该期公示名单中。"]
    assert not Objection.objects.exists()


def test_close_is_refused_inside_the_window_and_while_an_objection_is_open(world, published):
    staff = world["users"]["staff"]
    with pytest.raises(ValidationError) as inside:
        services.period_close(period=published, actor=staff, today=FRIDAY)
    assert "公示期至2024-04-05" in inside.value.message_dict["status"][0]
    objection = services.objection_file(
        period=published, cadre=world["cadres"]["self"], text="有误", actor=None, today=FRIDAY
    )
    after = FRIDAY + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as waiting:
        services.period_close(period=published, actor=staff, today=after)
    assert waiting.value.message_dict["status"] == ["还有1条异议未答复，答复后才能关闭。"]
    published.refresh_from_db()
    assert published.status == PeriodStatus.PUBLISHED and published.closed_at is None
    assert not FollowUp.objects.exists()

    services.objection_answer(objection=objection, actor=staff, answer="经核实无误")
    services.period_close(period=published, actor=staff, today=after)
    published.refresh_from_db()
    assert published.status == PeriodStatus.CLOSED and published.closed_by == staff


def test_periods_close_due_closes_only_the_due_ones(world, scored):
    today = datetime.date(2024, 4, 15)
    due = services.period_publish(period=new_period(world), actor=None, today=MONDAY)
    inside = services.period_publish(
        period=new_period(world, unit="office"), actor=None, today=datetime.date(2024, 4, 12)
    )
    waiting = services.period_publish(
        period=new_period(world, unit="village"), actor=None, today=MONDAY
    )
    services.objection_file(
        period=waiting, cadre=world["cadres"]["mentee"], text="有误", actor=None, today=MONDAY
    )
    never_published = new_period(world, unit="other_town")

    closed = services.periods_close_due(today=today)

    assert [p.pk for p in closed] == [due.pk]
    statuses = {
        p.pk: p.status
        for p in type(due).objects.filter(
            pk__in=[due.pk, inside.pk, waiting.pk, never_published.pk]
        )
    }
    assert statuses == {
        due.pk: PeriodStatus.CLOSED,
        inside.pk: PeriodStatus.PUBLISHED,  # window until 2024-04-18
        waiting.pk: PeriodStatus.PUBLISHED,  # an objection to answer first
        never_published.pk: PeriodStatus.OPEN,
    }
    assert services.periods_close_due(today=today) == []


def test_the_daily_task_closes_due_periods_and_is_scheduled(world, scored, settings):
    from celery.schedules import crontab

    from scoring.tasks import periods_close_due_task

    period = services.period_publish(period=new_period(world), actor=None, today=MONDAY)
    assert periods_close_due_task.delay().get() == 1
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    assert periods_close_due_task.delay().get() == 0
    entry = settings.CELERY_BEAT_SCHEDULE["periods-close-due"]
    assert entry["task"] == "scoring.tasks.periods_close_due_task"
    assert entry["schedule"] == crontab(hour=1, minute=0)


# --- objections and their answers ------------------------------------------------------------


def test_an_answer_reversing_the_entry_corrects_total_and_rank(world, scored, published):
    staff = world["users"]["staff"]
    objection = services.objection_file(
        period=published,
        cadre=world["cadres"]["self"],
        text="这5分不是我的",
        actor=world["users"]["cadre"],
        entry=scored["self_5"],
        today=MONDAY,
    )
    answered = services.objection_answer(
        objection=objection, actor=staff, answer="经核实误记，予以冲销", reverse_entry=True
    )
    assert answered.status == Objection.Status.ANSWERED
    assert answered.answered_by == staff
    correction = answered.correction
    assert correction.kind == "reversal" and correction.reverses == scored["self_5"]
    assert correction.points == Decimal("-5") and correction.occurred_on == DAY
    assert table(published) == [
        ("王芳", Decimal("6.00"), 1),
        ("李娜", Decimal("4.00"), 2),
        ("张伟", Decimal("3.00"), 3),
    ]
    line = published_table(published, world["users"]["cadre"]).get()
    assert (line.total, line.rank, line.population) == (Decimal("3.00"), 3, 3)


def test_an_answer_adjusting_points_books_them_on_the_last_day(world, scored, published):
    objection = services.objection_file(
        period=published,
        cadre=world["cadres"]["mentee"],
        text="漏记一次志愿服务",
        actor=None,
        today=MONDAY,
    )
    answered = services.objection_answer(
        objection=objection,
        actor=world["users"]["staff"],
        answer="补记志愿服务5分",
        adjust_points=Decimal("5"),
    )
    assert answered.correction.points == Decimal("5")
    assert answered.correction.occurred_on == END
    assert answered.correction.kind == "manual"
    assert table(published)[0] == ("李娜", Decimal("9.00"), 1)


def test_an_answer_without_correction_leaves_the_table(world, scored, published):
    objection = services.objection_file(
        period=published, cadre=world["cadres"]["self"], text="排名有误", actor=None, today=MONDAY
    )
    before = table(published)
    entries = PointEntry.objects.count()
    answered = services.objection_answer(
        objection=objection, actor=world["users"]["staff"], answer="经核实无误"
    )
    assert answered.status == Objection.Status.ANSWERED and answered.correction is None
    assert table(published) == before
    assert PointEntry.objects.count() == entries
    with pytest.raises(ValidationError) as again:
        services.objection_answer(objection=objection, actor=None, answer="再答一次")
    assert again.value.message_dict["status"] == ["该异议已答复。"]


def test_a_wrong_answer_changes_nothing(world, scored, published):
    objection = services.objection_file(
        period=published, cadre=world["cadres"]["self"], text="有误", actor=None, today=MONDAY
    )
    entries = PointEntry.objects.count()
    with pytest.raises(ValidationError) as no_entry:
        services.objection_answer(
            objection=objection, actor=None, answer="冲销", reverse_entry=True
        )
    assert "reverse_entry" in no_entry.value.message_dict
    with pytest.raises(ValidationError) as both:
        services.objection_answer(
            objection=objection,
            actor=None,
            answer="x",
            reverse_entry=True,
            adjust_points=Decimal("1"),
        )
    assert "adjust_points" in both.value.message_dict
    with pytest.raises(ValidationError) as empty:
        services.objection_answer(objection=objection, actor=None, answer="  ")
    assert "answer" in empty.value.message_dict
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN and objection.answer == ""
    assert PointEntry.objects.count() == entries


def test_an_entry_reversed_twice_is_refused_and_the_objection_stays_open(world, scored, published):
    entry = scored["self_3"]
    first = services.objection_file(
        period=published, cadre=world["cadres"]["self"], text="a", actor=None, entry=entry,
        today=MONDAY,
    )  # fmt: skip
    second = services.objection_file(
        period=published, cadre=world["cadres"]["self"], text="b", actor=None, entry=entry,
        today=MONDAY,
    )  # fmt: skip
    services.objection_answer(objection=first, actor=None, answer="冲销", reverse_entry=True)
    with pytest.raises(ValidationError) as twice:
        services.objection_answer(objection=second, actor=None, answer="冲销", reverse_entry=True)
    assert twice.value.message_dict["entry"] == ["该明细已被冲销。"]
    second.refresh_from_db()
    assert second.status == Objection.Status.OPEN


# --- after closing ---------------------------------------------------------------------------


@pytest.fixture
def closed(world, published):
    services.period_close(
        period=published, actor=world["users"]["staff"], today=datetime.date(2024, 4, 8)
    )
    published.refresh_from_db()
    return published


def test_awards_dated_in_a_closed_period_are_refused_naming_it(world, closed):
    before = PointEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        award(world["cadres"]["self"], "2", day=datetime.date(2024, 3, 15))
    assert refused.value.message_dict["occurred_on"] == [
        "2024年积分已关闭，不能再记入该期；如需更正，请对原明细冲销并说明理由。"
    ]
    assert PointEntry.objects.count() == before
    award(world["cadres"]["outsider"], "2", day=datetime.date(2024, 3, 15))  # another scope


def test_a_declaration_dated_in_a_closed_period_cannot_be_approved(world, scored, published):
    rule = PointRule.objects.create(
        code="ZZ-09",
        name="政务信息被采用",
        category="research",
        event_kind="writing.adopted",
        points=Decimal("3"),
        needs_approval=True,
        valid_from=datetime.date(2020, 1, 1),
    )
    declaration = services.declaration_submit(
        cadre=world["cadres"]["self"],
        rule=rule,
        occurred_on=datetime.date(2024, 3, 1),
        description="信息被市委办采用",
        actor=world["users"]["cadre"],
    )
    services.period_close(period=published, actor=None, today=datetime.date(2024, 4, 8))
    before = PointEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.declaration_decide(
            declaration=declaration, approve=True, actor=world["users"]["staff"]
        )
    assert "2024年积分已关闭" in refused.value.messages[0]
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.PENDING and declaration.entry is None
    assert PointEntry.objects.count() == before


def test_a_reversal_with_a_reason_still_corrects_a_closed_period(world, scored, closed):
    reversal = services.entry_reverse(
        entry=scored["self_5"], actor=world["users"]["staff"], reason="审计发现误记"
    )
    assert reversal.occurred_on == DAY and reversal.points == Decimal("-5")
    assert reversal.reason == "审计发现误记"
    assert points_total(cadre=world["cadres"]["self"], start=START, end=END) == Decimal("3")
    with pytest.raises(ValidationError):
        services.entry_reverse(entry=scored["self_3"], actor=None, reason=" ")


def test_a_late_event_for_a_closed_period_is_booked_today_with_a_note(world, closed):
    PointRule.objects.create(
        code="XX-01",
        name="参加集中学习",
        category="learn",
        event_kind="training.attendance.present",
        points=Decimal("1"),
        valid_from=datetime.date(2020, 1, 1),
    )
    [entry] = services.event_record(
        kind="training.attendance.present",
        cadre=world["cadres"]["self"],
        occurred_on=datetime.date(2024, 3, 20),
        source="training.attendance:77",
    )
    assert entry.occurred_on == timezone.localdate()
    assert "补记：发生于2024-03-20，该期已关闭" in entry.reason


# --- follow-ups (约谈) -----------------------------------------------------------------------


def test_follow_ups_for_those_below_the_threshold(world, scored):
    period = new_period(world, low_score_threshold=Decimal("7"), bottom_percent=0)
    services.period_publish(period=period, actor=None, today=MONDAY)
    created = services.period_close(period=period, actor=None, today=datetime.date(2024, 4, 8))
    assert len(created) == 2
    rows = {
        fu.cadre.name: (fu.total, fu.rank, fu.due_on, fu.status)
        for fu in FollowUp.objects.filter(period=period).select_related("cadre")
    }
    due = datetime.date(2024, 5, 8)  # 30 days after closing
    assert rows == {
        "王芳": (Decimal("6.00"), 2, due, FollowUp.Status.OPEN),
        "李娜": (Decimal("4.00"), 3, due, FollowUp.Status.OPEN),
    }
    assert "低于约谈分数线7" in FollowUp.objects.get(cadre=world["cadres"]["mentee"]).reason


def test_bottom_percent_takes_everyone_tied_at_the_border(world):
    unit = f.make_unit("西岭村", world["units"]["town"], kind="village")
    totals = [10, 9, 8, 7, 6, 5, 4, 3, 3, 1]  # bottom 20 % = 2 places; the 2nd shares rank 8
    for n, points in enumerate(totals):
        award(f.CadreFactory(name=f"干部{n}", unit=unit), str(points))
    period = services.period_create(
        actor=None, name="西岭村一季度", unit=unit, start=START, end=END, bottom_percent=20
    )
    services.period_publish(period=period, actor=None, today=MONDAY)
    services.period_close(period=period, actor=None, today=datetime.date(2024, 4, 8))
    rows = sorted(
        FollowUp.objects.filter(period=period).values_list("cadre__name", "rank", "total")
    )
    assert rows == [
        ("干部7", 8, Decimal("3.00")),
        ("干部8", 8, Decimal("3.00")),
        ("干部9", 10, Decimal("1.00")),
    ]


def test_threshold_and_bottom_percent_together_give_one_task_each(world, scored):
    period = new_period(world, low_score_threshold=Decimal("5"), bottom_percent=10)
    services.period_publish(period=period, actor=None, today=MONDAY)
    services.period_close(period=period, actor=None, today=datetime.date(2024, 4, 8))
    # 李娜 is both below 5 and last: one task, with the threshold as its reason.
    [follow_up] = FollowUp.objects.filter(period=period)
    assert follow_up.cadre == world["cadres"]["mentee"]
    assert "低于约谈分数线" in follow_up.reason


def test_follow_ups_are_created_once(world, scored):
    period = new_period(world, bottom_percent=50)
    services.period_publish(period=period, actor=None, today=MONDAY)
    first = services.periods_close_due(today=datetime.date(2024, 4, 8))
    assert len(first) == 1
    assert FollowUp.objects.filter(period=period).count() == 2
    assert services.periods_close_due(today=datetime.date(2024, 4, 9)) == []
    with pytest.raises(ValidationError):
        services.period_close(period=period, actor=None, today=datetime.date(2024, 4, 9))
    assert FollowUp.objects.filter(period=period).count() == 2


def test_follow_up_plan_and_talk(world, scored):
    period = new_period(world, bottom_percent=10)
    services.period_publish(period=period, actor=None, today=MONDAY)
    services.period_close(period=period, actor=None, today=datetime.date(2024, 4, 8))
    follow_up = FollowUp.objects.get(period=period)
    assert follow_up.cadre == world["cadres"]["mentee"]
    staff = world["users"]["staff"]
    services.follow_up_update(
        follow_up=follow_up,
        actor=staff,
        improvement_plan="每月参加一次集中学习",
        due_on=datetime.date(2024, 5, 31),
    )
    with pytest.raises(ValidationError) as missing:
        services.follow_up_complete(
            follow_up=follow_up,
            actor=staff,
            talked_on=datetime.date(2024, 5, 2),
            outcome="",
            improvement_plan="",
            today=datetime.date(2024, 5, 3),
        )
    assert set(missing.value.message_dict) == {"outcome", "improvement_plan"}
    done = services.follow_up_complete(
        follow_up=follow_up,
        actor=staff,
        talked_on=datetime.date(2024, 5, 2),
        outcome="已谈话，本人认识到差距",
        improvement_plan="每月参加一次集中学习",
        today=datetime.date(2024, 5, 3),
    )
    assert done.status == FollowUp.Status.DONE and done.done_by == staff
    assert not open_follow_ups(staff).exists()
    with pytest.raises(ValidationError):
        services.follow_up_update(
            follow_up=done, actor=staff, improvement_plan="x", due_on=datetime.date(2024, 6, 1)
        )


def test_open_follow_ups_are_marked_overdue(world, scored):
    period = new_period(world, bottom_percent=100)
    services.period_publish(period=period, actor=None, today=MONDAY)
    services.period_close(period=period, actor=None, today=datetime.date(2024, 4, 8))
    fu = FollowUp.objects.get(period=period, cadre=world["cadres"]["self"])
    services.follow_up_update(
        follow_up=fu, actor=None, improvement_plan="", due_on=datetime.date(2024, 4, 30)
    )
    rows = [
        (row.cadre.name, row.overdue)
        for row in open_follow_ups(world["users"]["staff"], today=datetime.date(2024, 5, 1))
    ]
    assert rows == [("张伟", True), ("王芳", False), ("李娜", False)]
    assert not open_follow_ups(world["users"]["cadre"]).exists()  # staff-side only


# --- what each user sees ---------------------------------------------------------------------


def test_the_table_ranks_the_whole_scope_but_a_cadre_sees_only_their_line(world, published):
    staff_rows = list(published_table(published, world["users"]["staff"]))
    assert [(r.cadre.name, r.rank) for r in staff_rows] == [("张伟", 1), ("王芳", 2), ("李娜", 3)]
    [own] = published_table(published, world["users"]["cadre"])
    assert (own.cadre.name, own.rank, own.unit_rank, own.population) == ("张伟", 1, 1, 3)
    assert list(published_table(published, world["users"]["mentor"])) == [
        r for r in staff_rows if r.cadre.name == "李娜"
    ]
    # An evaluator sees no cadre at all.
    assert not published_table(published, world["users"]["evaluator"]).exists()


def test_a_cadre_sees_only_their_own_objections(world, published):
    c = world["cadres"]
    mine = services.objection_file(
        period=published, cadre=c["self"], text="我的异议", actor=None, today=MONDAY
    )
    services.objection_file(
        period=published, cadre=c["bystander"], text="别人的异议", actor=None, today=MONDAY
    )
    assert list(objections_visible_to(world["users"]["cadre"])) == [mine]
    assert objections_visible_to(world["users"]["staff"]).count() == 2


def test_the_period_list_counts_open_objections_and_follow_ups(world, scored):
    answered = services.period_publish(period=new_period(world), actor=None, today=MONDAY)
    for text in ("一", "二"):
        objection = services.objection_file(
            period=answered, cadre=world["cadres"]["self"], text=text, actor=None, today=MONDAY
        )
    services.objection_answer(objection=objection, actor=None, answer="已核实")
    closed = new_period(world, unit="office", bottom_percent=100)
    services.period_publish(period=closed, actor=None, today=MONDAY)
    services.period_close(period=closed, actor=None, today=datetime.date(2024, 4, 8))
    rows = {
        p.pk: (p.open_objections, p.open_follow_ups) for p in period_list(world["users"]["staff"])
    }
    assert rows == {answered.pk: (1, 0), closed.pk: (0, 2)}
