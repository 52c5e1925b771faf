"""Services of practice postings: validation, overlaps, overdue monthly reports at given dates
(the grace boundary included), the review flow with points appearing and withdrawn, and the
final assessment with its correction."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from scoring.models import PointEntry, PointRule
from tests import factories as f
from tests.training.postings_world import make_postings, not_a_pdf, png
from training.models import MonthlyReport, Posting
from training.selectors import postings as selectors
from training.services import postings as services

D = datetime.date


@pytest.fixture
def data(world):
    return make_postings(world)


def _rule(kind, points, code):
    return PointRule.objects.create(
        code=code, name=kind, category="practice", event_kind=kind, points=Decimal(points),
        valid_from=D(2020, 1, 1),
    )  # fmt: skip


def _points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))


def _posting(world, **overrides):
    values = {
        "cadre": world["cadres"]["bystander"], "type": "village",
        "host_unit": world["units"]["village"], "role": "", "task_force": None,
        "starts_on": D(2025, 1, 10), "ends_on": D(2025, 4, 20), "supervisor": None,
        "goals": "熟悉基层", "needs_monthly_reports": True, **overrides,
    }  # fmt: skip
    return services.posting_create(actor=None, **values)


def test_posting_validation_names_the_fields_and_writes_nothing(world, data):
    before = Posting.objects.count()
    with pytest.raises(ValidationError) as caught:
        _posting(world, type="task_force", ends_on=D(2024, 12, 31), goals=" ")
    errors = caught.value.message_dict
    assert errors["task_force"] == ["攻坚专班锻炼须选择所在专班。"]
    assert errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert errors["goals"] == ["请填写锻炼目标。"]
    with pytest.raises(ValidationError) as caught:
        _posting(world, task_force=data["task_force"])
    assert "task_force" in caught.value.message_dict
    assert Posting.objects.count() == before


def test_overlapping_postings_are_reported_not_refused(world):
    first = _posting(world)
    second = _posting(world, type="shadowing", starts_on=D(2025, 4, 20), ends_on=D(2025, 6, 1))
    _posting(world, starts_on=D(2025, 6, 2), ends_on=D(2025, 7, 1))
    assert services.posting_overlaps(second) == [first]


def test_task_force_members_default_to_its_unit_period_and_goal(world, data):
    member = data["member"]
    task_force = data["task_force"]
    assert (member.type, member.task_force, member.host_unit) == (
        "task_force",
        task_force,
        world["units"]["town"],
    )
    assert (member.starts_on, member.ends_on) == (task_force.starts_on, task_force.ends_on)
    assert member.goals == task_force.goal
    open_ended = services.task_force_create(
        actor=None, name="无期限专班", goal="常态化", unit=world["units"]["town"],
        starts_on=D(2025, 1, 1), ends_on=None,
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.task_force_member_add(
            task_force=open_ended, actor=None, cadre=world["cadres"]["bystander"]
        )
    assert "ends_on" in caught.value.message_dict


def _filed(posting, user, month, status="submitted"):
    report = services.monthly_report_file(
        posting=posting, month=month, actor=user, work_done="工作", today=D(2025, 12, 31)
    )
    if status != "submitted":
        MonthlyReport.objects.filter(pk=report.pk).update(status=status)
    return report


@override_settings(QINGMIAO_MONTHLY_REPORT_GRACE_DAYS=5)
def test_overdue_months_at_given_dates_with_the_grace_boundary(world):
    cadre_user = world["users"]["cadre"]
    posting = _posting(world, cadre=world["cadres"]["self"])  # 10 Jan – 20 Apr 2025
    _filed(posting, cadre_user, D(2025, 2, 1))

    def overdue_on(day):
        return [
            (r.month, r.days_overdue)
            for r in selectors.overdue_reports(Posting.objects.all(), today=day)
        ]

    assert overdue_on(D(2025, 2, 5)) == []  # January within grace (deadline 5 Feb)
    assert overdue_on(D(2025, 2, 6)) == [(D(2025, 1, 1), 1)]
    assert overdue_on(D(2025, 4, 5)) == [(D(2025, 1, 1), 59)]  # March still in grace
    assert overdue_on(D(2025, 4, 6)) == [(D(2025, 1, 1), 60), (D(2025, 3, 1), 1)]
    # April is the last month (the posting ends on 20 April): due until 5 May.
    assert [m for m, _n in overdue_on(D(2025, 5, 5))] == [D(2025, 1, 1), D(2025, 3, 1)]
    assert [m for m, _n in overdue_on(D(2025, 5, 6))] == [
        D(2025, 1, 1), D(2025, 3, 1), D(2025, 4, 1)
    ]  # fmt: skip
    # A returned report is outstanding again; an assessed posting leaves the board.
    _filed(posting, cadre_user, D(2025, 1, 1), status="returned")
    rows = selectors.overdue_reports(Posting.objects.all(), today=D(2025, 5, 6))
    assert (rows[0].month, rows[0].returned) == (D(2025, 1, 1), True)
    Posting.objects.filter(pk=posting.pk).update(assessment="pass")
    assert overdue_on(D(2025, 5, 6)) == []


@override_settings(QINGMIAO_MONTHLY_REPORT_GRACE_DAYS=0)
def test_grace_comes_from_the_setting(world):
    posting = _posting(world, cadre=world["cadres"]["self"])
    assert posting.pk
    rows = selectors.overdue_reports(Posting.objects.all(), today=D(2025, 2, 1))
    assert [(r.month, r.days_overdue) for r in rows] == [(D(2025, 1, 1), 1)]


def test_postings_without_monthly_reports_are_never_overdue(world):
    _posting(world, needs_monthly_reports=False)
    assert selectors.overdue_reports(Posting.objects.all(), today=D(2025, 12, 1)) == []


def test_only_the_cadre_files_for_a_started_month_once(world, data):
    own = data["own"]
    with pytest.raises(ValidationError) as caught:
        services.monthly_report_file(
            posting=own, month=own.starts_on, actor=world["users"]["staff"], work_done="x"
        )
    assert "posting" in caught.value.message_dict
    cadre_user = world["users"]["cadre"]
    with pytest.raises(ValidationError) as caught:  # already filed in make_postings
        services.monthly_report_file(
            posting=own, month=own.starts_on, actor=cadre_user, work_done="x"
        )
    assert "已报送" in caught.value.message_dict["month"][0]
    with pytest.raises(ValidationError) as caught:
        services.monthly_report_file(
            posting=own, month=own.ends_on, actor=cadre_user, work_done="x"
        )
    assert caught.value.message_dict["month"] == ["只能报送锻炼期间已开始的月份。"]
    with pytest.raises(ValidationError) as caught:
        services.monthly_report_file(
            posting=own, month=own.starts_on.replace(day=1) + datetime.timedelta(days=40),
            actor=cadre_user, work_done=" ", attachment=not_a_pdf(),
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"work_done"}
    with pytest.raises(ValidationError) as caught:
        services.monthly_report_file(
            posting=own, month=own.starts_on.replace(day=1) + datetime.timedelta(days=40),
            actor=cadre_user, work_done="有内容", attachment=not_a_pdf(),
        )  # fmt: skip
    assert caught.value.message_dict["attachment"][0].startswith("文件须为")
    assert MonthlyReport.objects.count() == 1


def test_review_flow_awards_and_withdraws_points(world, data):
    _rule("training.posting.report.accepted", "1", "SJ-01")
    me, report = world["cadres"]["self"], data["report"]
    supervisor, cadre_user = data["supervisor"], world["users"]["cadre"]

    services.monthly_report_review(report=report, accept=True, actor=supervisor)
    assert _points(me) == Decimal("1")
    entry = PointEntry.objects.get()
    assert entry.source == f"training.monthlyreport:{report.pk}#1"
    with pytest.raises(ValidationError):
        services.monthly_report_update(report=report, actor=cadre_user, work_done="改")
    with pytest.raises(ValidationError) as caught:
        services.monthly_report_review(report=report, accept=False, actor=supervisor)
    assert caught.value.message_dict == {"comment": ["退回月报须填写审核意见。"]}

    services.monthly_report_review(
        report=report, accept=False, comment="请补充走访记录", actor=supervisor
    )
    assert _points(me) == 0
    report.refresh_from_db()
    assert (report.status, report.review_version) == ("returned", 2)

    services.monthly_report_update(
        report=report, actor=cadre_user, work_done="走访农户30户，附记录", attachment=png()
    )
    report.refresh_from_db()
    assert report.status == "submitted" and report.attachment.name.endswith(".png")
    services.monthly_report_review(report=report, accept=True, actor=world["users"]["staff"])
    assert _points(me) == Decimal("1")
    sources = sorted(PointEntry.objects.filter(points__gt=0).values_list("source", flat=True))
    assert sources == [
        f"training.monthlyreport:{report.pk}#1", f"training.monthlyreport:{report.pk}#3"
    ]  # fmt: skip


def test_assessment_after_the_end_and_its_correction(world, data):
    _rule("training.posting.assessed.excellent", "10", "SJ-02")
    _rule("training.posting.assessed.pass", "6", "SJ-03")
    posting, staff = data["other"], world["users"]["staff"]  # ends today
    cadre = world["cadres"]["outsider"]
    early = data["own"]
    with pytest.raises(ValidationError) as caught:
        services.posting_assess(posting=early, grade="pass", comment="好", actor=staff)
    assert "锻炼期满" in caught.value.message_dict["grade"][0]
    with pytest.raises(ValidationError) as caught:
        services.posting_assess(posting=posting, grade="", comment="", actor=staff)
    assert set(caught.value.message_dict) == {"grade", "comment"}

    services.posting_assess(posting=posting, grade="excellent", comment="表现突出", actor=staff)
    assert _points(cadre) == Decimal("10")
    services.posting_assess(posting=posting, grade="excellent", comment="表现突出，群众认可",
                            actor=staff)  # fmt: skip
    posting.refresh_from_db()
    assert posting.assessment_version == 1 and posting.assessment_comment.endswith("群众认可")
    assert _points(cadre) == Decimal("10")

    services.posting_assess(posting=posting, grade="pass", comment="更正为合格", actor=staff)
    assert _points(cadre) == Decimal("6")
    services.posting_assess(posting=posting, grade="excellent", comment="复核为优秀", actor=staff)
    assert _points(cadre) == Decimal("10")
    kinds = list(
        PointEntry.objects.filter(cadre=cadre).order_by("pk").values_list("source", "points")
    )
    src = f"training.posting:{posting.pk}"
    assert kinds == [
        (f"{src}#1", Decimal("10")), (f"{src}#1", Decimal("-10")),
        (f"{src}#2", Decimal("6")), (f"{src}#2", Decimal("-6")), (f"{src}#3", Decimal("10")),
    ]  # fmt: skip


def test_posting_months_for_the_cadre_page(world, data):
    rows = selectors.posting_months(data["own"], list(data["own"].reports.all()), today=f.TODAY)
    assert rows[0].report == data["report"] and rows[0].status == "done"
    assert rows[1].status == "overdue"
    assert rows[2].status == ("overdue" if f.TODAY.day > 5 else "due")  # last month's grace
    assert rows[-1].status == "due"


def test_an_assessed_posting_keeps_its_cadre(world, data):
    _rule("training.posting.assessed.excellent", "5", "SJ-09")
    staff = world["users"]["staff"]
    posting = _posting(world, needs_monthly_reports=False)  # ended in April 2025
    services.posting_assess(posting=posting, grade="excellent", comment="好", actor=staff)
    with pytest.raises(ValidationError) as caught:
        services.posting_update(posting=posting, actor=staff, cadre=world["cadres"]["mentee"])
    assert caught.value.message_dict == {"cadre": ["已考核的锻炼不能更换干部。"]}
    posting.refresh_from_db()
    assert posting.cadre == world["cadres"]["bystander"]
    assert _points(world["cadres"]["bystander"]) == Decimal("5")
    assert _points(world["cadres"]["mentee"]) == Decimal("0")
