"""Self-reports (思想汇报, 月小结): the cadence maths at month and year ends, submitting,
revising and reviewing with their errors, and points following reviews."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.cadence import PeriodStatus
from mentoring.models import SelfReport, SelfReportStatus
from mentoring.selectors.self_reports import (
    awaiting_review,
    self_report_rule,
    self_report_standings,
    self_reports_visible_to,
)
from mentoring.services.self_reports import (
    self_report_review,
    self_report_revise,
    self_report_submit,
)
from scoring.models import PointEntry
from tests.mentoring.self_reports_helpers import entered, report, self_report_world
from tests.mentoring.talks_helpers import points, rule

D = datetime.date
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _cadences(settings):
    settings.QINGMIAO_SELF_REPORTS = {
        "thought": {"frequency": "year", "grace_days": 31},
        "monthly": {"frequency": "month", "grace_days": 5},
    }
    settings.QINGMIAO_TALK_LOOKBACK_DAYS = 365


@pytest.fixture
def me(world):
    return entered(world["cadres"]["self"], D(2025, 1, 10))


def submit(world, kind, start, today, **kw):
    return self_report_submit(
        actor=world["users"]["cadre"], kind=kind, period_start=start, today=today,
        title=kw.pop("title", "工作小结"), content=kw.pop("content", "本月完成的工作"), **kw,
    )  # fmt: skip


def standing(cadre, kind, today):
    (entry,) = self_report_standings([cadre], today)
    return next(s for s in entry.kinds if s.kind == kind)


def errors(exc) -> dict:
    return exc.value.message_dict


# --- cadence maths -------------------------------------------------------------------------


def test_the_rule_counts_calendar_periods_from_the_look_back_or_the_entry(me, world):
    assert self_report_rule(me, "monthly", D(2026, 3, 31)).anchor == D(2025, 3, 1)
    assert self_report_rule(me, "thought", D(2026, 3, 31)).anchor == D(2025, 1, 1)
    late = entered(world["cadres"]["bystander"], D(2026, 3, 20))
    assert self_report_rule(late, "monthly", D(2026, 3, 31)).anchor == D(2026, 3, 1)
    assert self_report_rule(late, "thought", D(2026, 3, 31)).anchor == D(2026, 1, 1)
    now = standing(late, "monthly", D(2026, 3, 31))
    assert (now.status, now.period.start, now.missed) == (PeriodStatus.DUE, D(2026, 3, 1), 0)


def test_march_filed_on_31_march_counts_and_april_cannot_be_filed_before_it_starts(me, world):
    for month in range(3, 13):
        report(me, start=D(2025, month, 1), status=SelfReportStatus.ACCEPTED)
    for month in (1, 2):
        report(me, start=D(2026, month, 1), status=SelfReportStatus.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        submit(world, "monthly", D(2026, 4, 1), D(2026, 3, 31))
    assert errors(exc) == {"period_start": ["2026年4月尚未开始，不能提前提交月小结。"]}
    assert standing(me, "monthly", D(2026, 3, 31)).status == PeriodStatus.DUE
    submit(world, "monthly", D(2026, 3, 1), D(2026, 3, 31))
    on_31 = standing(me, "monthly", D(2026, 3, 31))
    assert (on_31.status, on_31.period.start) == (PeriodStatus.DONE, D(2026, 3, 1))
    on_1 = standing(me, "monthly", D(2026, 4, 1))
    assert (on_1.status, on_1.period.start) == (PeriodStatus.DUE, D(2026, 4, 1))
    assert submit(world, "monthly", D(2026, 4, 1), D(2026, 4, 1)).period_start == D(2026, 4, 1)


def test_a_month_left_unfiled_is_due_through_its_grace_and_overdue_the_day_after(me):
    for month in range(3, 13):
        report(me, start=D(2025, month, 1), status=SelfReportStatus.ACCEPTED)
    for month in (1, 2):
        report(me, start=D(2026, month, 1), status=SelfReportStatus.ACCEPTED)
    on_1 = standing(me, "monthly", D(2026, 4, 1))
    march = next(p for p in on_1.periods if p.start == D(2026, 3, 1))
    assert (march.status, march.deadline) == (PeriodStatus.DUE, D(2026, 4, 5))
    assert standing(me, "monthly", D(2026, 4, 5)).status == PeriodStatus.DUE
    late = standing(me, "monthly", D(2026, 4, 6))
    assert (late.status, late.period.start, late.days_overdue, late.missed) == (
        PeriodStatus.OVERDUE, D(2026, 3, 1), 1, 1,
    )  # fmt: skip
    # A returned report does not count as filed.
    report(me, start=D(2026, 3, 1), status=SelfReportStatus.RETURNED, review_note="请补充")
    assert standing(me, "monthly", D(2026, 4, 6)).status == PeriodStatus.OVERDUE


def test_the_thought_report_across_the_year_end(me, world):
    report(me, kind="thought", start=D(2024, 1, 1), status=SelfReportStatus.ACCEPTED)
    on_31_dec = standing(me, "thought", D(2025, 12, 31))
    assert (on_31_dec.status, on_31_dec.period.start) == (PeriodStatus.DUE, D(2025, 1, 1))
    on_1_jan = standing(me, "thought", D(2026, 1, 1))
    assert (on_1_jan.status, on_1_jan.period.start) == (PeriodStatus.DUE, D(2026, 1, 1))
    assert [p.start for p in on_1_jan.open_periods] == [D(2026, 1, 1), D(2025, 1, 1)]
    assert standing(me, "thought", D(2026, 1, 31)).status == PeriodStatus.DUE
    lapsed = standing(me, "thought", D(2026, 2, 1))
    assert (lapsed.status, lapsed.period.start, lapsed.days_overdue) == (
        PeriodStatus.OVERDUE, D(2025, 1, 1), 1,
    )  # fmt: skip
    # Filed in January for the year before: the past year counts, nothing is overdue.
    filed = submit(world, "thought", D(2025, 1, 1), D(2026, 1, 15), title="2025年度思想汇报")
    assert filed.period_start == D(2025, 1, 1)
    after = standing(me, "thought", D(2026, 2, 1))
    assert (after.status, after.period.start) == (PeriodStatus.DUE, D(2026, 1, 1))


def test_standings_skip_cadres_not_serving(world, me):
    me.status = "transferred"
    me.save(update_fields=["status"])
    (entry,) = self_report_standings([me], D(2026, 4, 6))
    assert entry.kinds == []


# --- submitting ----------------------------------------------------------------------------


def test_submit_refuses_what_it_must(world, me, settings):
    today = D(2026, 3, 31)
    cases = [
        ({"kind": "monthly", "start": D(2026, 3, 15)}, {"period_start": ["月小结的所属期间须为某月1日。"]}),
        ({"kind": "thought", "start": D(2026, 3, 1)}, {"period_start": ["思想汇报的所属期间须为某年1月1日。"]}),
        ({"kind": "thought", "start": D(2027, 1, 1)}, {"period_start": ["2027年度尚未开始，不能提前提交思想汇报。"]}),
        ({"kind": "weekly", "start": D(2026, 3, 1)}, {"kind": ["该类报告无须提交。"]}),
        # Before the look-back window (an accepted report scores: no back-filling).
        ({"kind": "monthly", "start": D(2025, 2, 1)}, {"period_start": ["只能提交2025年3月及以后的月小结。"]}),
        ({"kind": "monthly", "start": D(1, 1, 1)}, {"period_start": ["只能提交2025年3月及以后的月小结。"]}),
        ({"kind": "monthly", "start": D(2026, 3, 1), "title": " "}, {"title": ["请填写标题。"]}),
        ({"kind": "monthly", "start": D(2026, 3, 1), "content": ""}, {"content": ["请填写正文。"]}),
        ({"kind": "monthly", "start": D(2026, 3, 1),
              "attachment": SimpleUploadedFile("a.pdf", b"not a pdf")},
         {"attachment": ["文件须为PDF、Word (.docx)、JPEG、PNG格式。"]}),
    ]  # fmt: skip
    for args, expected in cases:
        with pytest.raises(ValidationError) as exc:
            submit(world, args.pop("kind"), args.pop("start"), today, **args)
        assert errors(exc) == expected
    with pytest.raises(ValidationError) as exc:
        self_report_submit(actor=world["users"]["staff"], kind="monthly",
                           period_start=D(2026, 3, 1), title="t", content="c", today=today)  # fmt: skip
    assert errors(exc) == {"cadre": ["只有干部本人可以提交个人报告。"]}
    settings.QINGMIAO_SELF_REPORTS = {"thought": {"frequency": "year", "grace_days": 31}}
    with pytest.raises(ValidationError) as exc:
        submit(world, "monthly", D(2026, 3, 1), today)
    assert errors(exc) == {"kind": ["该类报告无须提交。"]}
    assert not SelfReport.objects.exists()


def test_one_report_per_period_and_the_error_names_the_existing_one(world, me):
    first = submit(world, "monthly", D(2026, 3, 1), D(2026, 3, 31),
                   attachment=SimpleUploadedFile("r.pdf", PDF))  # fmt: skip
    assert first.attachment.name.endswith(".pdf")
    with pytest.raises(ValidationError) as exc:
        submit(world, "monthly", D(2026, 3, 1), D(2026, 4, 2))
    (message,) = errors(exc)["period_start"]
    assert message.startswith("2026年3月的月小结已于")
    assert message.endswith("提交（待审阅），请修改原报告。")
    assert SelfReport.objects.count() == 1


# --- revising and reviewing ----------------------------------------------------------------


def test_revise_by_the_author_only_and_not_once_accepted(world, me):
    mine = submit(world, "monthly", D(2026, 3, 1), D(2026, 3, 31))
    with pytest.raises(ValidationError) as exc:
        self_report_revise(report=mine, actor=world["users"]["staff"], title="改")
    assert errors(exc) == {"cadre": ["只有干部本人可以修改个人报告。"]}
    self_report_review(
        report=mine, accept=False, note="请补充具体事例", actor=world["users"]["staff"]
    )
    revised = self_report_revise(report=mine, actor=world["users"]["cadre"], content="补充后的正文")
    assert (revised.status, revised.content, revised.title) == (
        "submitted",
        "补充后的正文",
        "工作小结",
    )
    self_report_review(report=mine, accept=True, note="", actor=world["users"]["staff"])
    with pytest.raises(ValidationError) as exc:
        self_report_revise(report=mine, actor=world["users"]["cadre"], content="再改")
    assert errors(exc) == {"status": ["报告已审阅通过，不能再修改。"]}


def test_review_flow_scores_withdraws_and_scores_again(world):
    rule("mentoring.self_report.accepted", "0.5")
    mentee = world["cadres"]["mentee"]
    row = report(mentee, start=D(2026, 3, 1))
    mentor = world["users"]["mentor"]
    assert list(awaiting_review(mentor)) == [row]
    with pytest.raises(ValidationError) as exc:
        self_report_review(report=row, accept=False, note=" ", actor=mentor)
    assert errors(exc) == {"note": ["退回报告须填写理由。"]}
    self_report_review(report=row, accept=True, actor=mentor)
    assert points(mentee) == Decimal("0.5")
    entry = PointEntry.objects.get(cadre=mentee)
    assert (entry.source, entry.occurred_on) == (f"mentoring.selfreport:{row.pk}#1", D(2026, 3, 31))
    assert list(awaiting_review(mentor)) == []
    with pytest.raises(ValidationError) as exc:
        self_report_review(report=row, accept=True, actor=mentor)
    assert errors(exc) == {"status": ["该报告已审阅通过。"]}
    self_report_review(report=row, accept=False, note="内容过于简单", actor=world["users"]["staff"])
    row.refresh_from_db()
    assert (row.status, row.review_version, row.review_note) == ("returned", 2, "内容过于简单")
    assert points(mentee) == 0
    with pytest.raises(ValidationError) as exc:
        self_report_review(report=row, accept=False, note="again", actor=mentor)
    assert errors(exc) == {"status": ["该报告已退回，等待干部修改。"]}
    with pytest.raises(ValidationError) as exc:  # not accepted either until revised
        self_report_review(report=row, accept=True, actor=mentor)
    assert errors(exc) == {"status": ["该报告已退回，等待干部修改。"]}
    row.status = SelfReportStatus.SUBMITTED  # revised (the mentee has no account here)
    row.save(update_fields=["status"])
    self_report_review(report=row, accept=True, actor=mentor)
    assert points(mentee) == Decimal("0.5")
    assert PointEntry.objects.filter(
        cadre=mentee, source=f"mentoring.selfreport:{row.pk}#3"
    ).exists()


@pytest.mark.parametrize(
    ("who", "cadre", "allowed"),
    [
        ("mentor", "mentee", True), ("staff", "mentee", True), ("admin", "outsider", True),
        ("staff", "outsider", False), ("leader", "mentee", False), ("mentor", "self", False),
        ("mentor2", "mentee", False), ("evaluator", "mentee", False), ("cadre", "self", False),
        ("cadre2", "mentee", False),
    ],
)  # fmt: skip
def test_who_may_review(world, who, cadre, allowed):
    self_report_world(world)
    row = report(world["cadres"][cadre], start=D(2026, 2, 1))
    actor = world["users"][who]
    if allowed:
        assert self_report_review(report=row, accept=True, actor=actor).status == "accepted"
        return
    with pytest.raises(ValidationError) as exc:
        self_report_review(report=row, accept=True, actor=actor)
    assert errors(exc) == {
        "report": ["只有干部的现任导师或范围内的组织部门工作人员可以审阅该报告。"]
    }


def test_an_ended_pairing_ends_the_mentors_sight_and_review(world):
    from mentoring.models import Pairing

    row = report(world["cadres"]["mentee"], start=D(2026, 2, 1))
    Pairing.objects.update(status="ended", end_date=D(2025, 1, 1))
    mentor = world["users"]["mentor"]
    assert not self_reports_visible_to(mentor).exists()
    with pytest.raises(ValidationError):
        self_report_review(report=row, accept=True, actor=mentor)


def test_the_standing_agrees_with_core_cadence_on_many_cases(world):
    """The shared-skeleton computation equals `core.cadence.standing` / `schedule`."""
    import random

    from core.cadence import schedule
    from core.cadence import standing as core_standing
    from mentoring.selectors.self_reports import kind_standing

    rng = random.Random(6)
    cadre = world["cadres"]["self"]
    for _ in range(300):
        entered(cadre, D(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 900)))
        today = D(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        kind = rng.choice(["thought", "monthly"])
        done = [D(2023, 6, 1) + datetime.timedelta(days=rng.randint(0, 1200))
                for _ in range(rng.randint(0, 14))]  # fmt: skip
        rule_ = self_report_rule(cadre, kind, today)
        ours = kind_standing(cadre, kind, done, today=today)
        theirs = core_standing(rule_, today=today, done=done)
        if theirs is None:
            assert ours is None
            continue
        assert (ours.status, ours.period, ours.missed) == (
            theirs.status, theirs.period, theirs.missed,
        )  # fmt: skip
        assert list(ours.periods) == [
            p for p in schedule(rule_, today=today, done=done, upcoming=0)
            if p.status != PeriodStatus.UPCOMING
        ]  # fmt: skip
