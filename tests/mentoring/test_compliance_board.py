"""The compliance board (督导看板): its SQL counts agree with the cadence engine, period
boundaries, drill-down by unit, the mentor view, scoping, query counts and the workbook."""

import datetime
import io
import random

import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone

from cadres.models import Cadre, Unit
from core.cadence import PeriodStatus, Rule, calendar_start, standing
from mentoring.models import DutyRecord, GuidanceLog, Pairing, SelfReport, Talk
from mentoring.selectors.compliance import mentor_board, unit_board
from mentoring.selectors.pool import current_pairings
from mentoring.selectors.talks import talk_cadences
from tests import factories as f
from tests.mentoring.talks_helpers import ROLES, expect

URL = "/mentoring/compliance/"
D = datetime.date


def _entered(cadre, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    Cadre.objects.filter(pk=cadre.pk).update(created_at=moment)


def _talk(cadre, level, day, talker):
    return Talk.objects.create(
        cadre=cadre, level=level, talked_on=day, talker=talker, topics="谈话"
    )


def _report(cadre, kind, period_start, status="submitted"):
    return SelfReport.objects.create(
        cadre=cadre, kind=kind, period_start=period_start, title="汇报", content="内容",
        status=status, submitted_at=timezone.now(),
    )  # fmt: skip


def _duty(pairing, kind, day):
    return DutyRecord.objects.create(
        pairing=pairing, cadre=pairing.cadre, kind=kind, done_on=day, title="履职"
    )


def _expected(today: datetime.date) -> dict:
    """The same counts, one item at a time through `core.cadence.standing`."""
    lookback = today - datetime.timedelta(days=settings.QINGMIAO_TALK_LOOKBACK_DAYS)
    cadres = list(Cadre.objects.filter(status="active").select_related("unit"))
    talks: dict[str, int] = {}
    for cadence in talk_cadences():
        talks[cadence.level] = 0
        for cadre in cadres:
            if not cadence.applies_to(cadre):
                continue
            days = Talk.objects.filter(
                cadre=cadre, level=cadence.level, talked_on__lte=today
            ).values_list("talked_on", flat=True)
            now = standing(cadence.rule(today), today=today, done=list(days))
            talks[cadence.level] += now is not None and now.status == PeriodStatus.OVERDUE
    reports: dict[str, int] = {}
    for kind, config in settings.QINGMIAO_SELF_REPORTS.items():
        reports[kind] = 0
        for cadre in cadres:
            entered = timezone.localtime(cadre.created_at).date()
            anchor = calendar_start(config["frequency"], max(lookback, entered))
            if anchor > today:
                continue
            rule = Rule(config["frequency"], anchor, None, config["grace_days"])
            done = SelfReport.objects.filter(cadre=cadre, kind=kind).exclude(status="returned")
            now = standing(
                rule, today=today, done=list(done.values_list("period_start", flat=True))
            )
            reports[kind] += now is not None and now.status == PeriodStatus.OVERDUE
    duties: dict[str, int] = {}
    for kind, config in settings.QINGMIAO_MENTOR_DUTIES.items():
        duties[kind] = 0
        for pairing in current_pairings(on=today):
            rule = Rule(
                config["frequency"], calendar_start(config["frequency"], pairing.start_date),
                pairing.end_date, config["grace_days"],
            )  # fmt: skip
            days = DutyRecord.objects.filter(pairing=pairing, kind=kind, done_on__lte=today)
            now = standing(rule, today=today, done=list(days.values_list("done_on", flat=True)))
            duties[kind] += now is not None and now.status == PeriodStatus.OVERDUE
    return {"talks": talks, "self_reports": reports, "duties": duties}


@pytest.fixture
def busy(world):
    """Thirty more cadres in an office and a village, entered over 2025, with talks,
    self-reports (some returned), pairings starting at various dates and duty records."""
    rng = random.Random(6)
    units = world["units"]
    staff = world["users"]["staff"]
    mentors = [f.MentorFactory(unit=units["town"], capacity=50) for _ in range(3)]
    cadres = [world["cadres"][k] for k in ("self", "mentee", "bystander")]
    cadres += [
        f.CadreFactory(unit=units["village" if i % 2 else "office"], category="village")
        for i in range(30)
    ]
    start = D(2025, 1, 1)
    for cadre in cadres:
        _entered(cadre, start + datetime.timedelta(days=rng.randrange(400)))
        for _ in range(rng.randrange(6)):
            level = rng.choice(["org", "town", "village", "mentor"])
            _talk(cadre, level, start + datetime.timedelta(days=rng.randrange(560)), staff)
        for _ in range(rng.randrange(5)):
            month = start + datetime.timedelta(days=rng.randrange(560))
            _report(cadre, "monthly", month.replace(day=1),
                    rng.choice(["submitted", "accepted", "returned"]))  # fmt: skip
        if rng.random() < 0.5:
            _report(cadre, "thought", D(rng.choice([2025, 2026]), 1, 1))
        for mentor in rng.sample(mentors, rng.randrange(3)):
            pairing = f.PairingFactory(
                mentor=mentor, cadre=cadre,
                start_date=start + datetime.timedelta(days=rng.randrange(500)),
            )  # fmt: skip
            for _ in range(rng.randrange(6)):
                kind = rng.choice(list(settings.QINGMIAO_MENTOR_DUTIES))
                _duty(
                    pairing, kind, pairing.start_date + datetime.timedelta(days=rng.randrange(300))
                )
    return world


@pytest.mark.parametrize(
    "today",
    [D(2026, 3, 31), D(2026, 4, 1), D(2026, 4, 16), D(2025, 12, 31), D(2026, 1, 1),
     D(2026, 2, 1), D(2026, 7, 6)],
)  # fmt: skip
def test_board_counts_agree_with_the_cadence_engine_at_period_ends(busy, today):
    board = unit_board(busy["users"]["admin"], today=today)
    expected = _expected(today)
    assert board.total.talks == expected["talks"]
    assert board.total.self_reports == expected["self_reports"]
    assert board.total.duties == expected["duties"]
    assert sum(expected["talks"].values()) > 0 and sum(expected["duties"].values()) > 0
    mentors = mentor_board(busy["users"]["admin"], today=today)
    by_kind = {r.key: sum(m.duties[r.key] for m in mentors.rows) for r in mentors.duties}
    assert by_kind == expected["duties"]


def test_talk_on_31_march_counts_for_the_first_quarter_and_1_april_for_the_second(world):
    staff, c = world["users"]["staff"], world["cadres"]
    for cadre in c.values():
        _entered(cadre, D(2025, 1, 1))
    _talk(c["self"], "town", D(2026, 3, 31), staff)
    _talk(c["mentee"], "town", D(2026, 4, 1), staff)
    _talk(c["bystander"], "town", D(2025, 12, 31), staff)
    admin = world["users"]["admin"]
    # 2 April: Q1 has lapsed; 31 March covers it, 1 April covers Q2 (current), 31 Dec neither.
    # The outsider (东湖镇) was never talked with.
    assert unit_board(admin, today=D(2026, 4, 2)).total.talks["town"] == 2
    # 1 July: Q2 has lapsed; only the talk of 1 April is in it.
    assert unit_board(admin, today=D(2026, 7, 1)).total.talks["town"] == 3
    # 31 March itself: Q4 2025 has lapsed (31 Dec covers it), Q1 is current.
    assert unit_board(admin, today=D(2026, 3, 31)).total.talks["town"] == 2


def test_returned_report_counts_as_not_filed_and_a_new_cadre_is_not_yet_behind(world):
    c = world["cadres"]
    for cadre in c.values():
        _entered(cadre, D(2025, 1, 1))
    _entered(c["outsider"], D(2026, 4, 2))  # entered after March: nothing lapsed yet for them
    _report(c["self"], "monthly", D(2026, 3, 1))
    _report(c["mentee"], "monthly", D(2026, 3, 1), status="returned")
    _report(c["bystander"], "monthly", D(2026, 4, 1))  # the current month: caught up
    admin = world["users"]["admin"]
    # 10 April: March (grace 5 days) has lapsed: the mentee's was returned, so only they are behind.
    assert unit_board(admin, today=D(2026, 4, 10)).total.self_reports["monthly"] == 1
    # 5 April: March is still in its grace, February has lapsed and nobody filed it: the cadre
    # and the mentee are behind; the bystander caught up in April, the outsider came later.
    assert unit_board(admin, today=D(2026, 4, 5)).total.self_reports["monthly"] == 2


def test_duties_of_a_pairing_started_in_the_current_period_are_not_overdue(world):
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    Pairing.objects.filter(pk=pairing.pk).update(start_date=D(2026, 4, 3))
    board = unit_board(world["users"]["admin"], today=D(2026, 4, 20))
    assert board.total.pairings == 1
    assert board.total.duties == dict.fromkeys(settings.QINGMIAO_MENTOR_DUTIES, 0)
    Pairing.objects.filter(pk=pairing.pk).update(start_date=D(2026, 2, 3))
    board = unit_board(world["users"]["admin"], today=D(2026, 4, 20))
    # March's article lapsed on 7 April; Q1's research is in grace until 15 April → overdue too.
    assert board.total.duties["article"] == 1 and board.total.duties["research"] == 1
    assert board.total.duties["special_guidance"] == 0  # H1 is the current half-year
    _duty(pairing, "article", D(2026, 4, 19))  # done in the current month: caught up
    board = unit_board(world["users"]["admin"], today=D(2026, 4, 20))
    assert board.total.duties["article"] == 0 and board.total.pairings_behind == 1


def test_rows_are_the_units_one_level_down_each_counting_its_subtree(world, client_for):
    town = world["units"]["town"]
    f.CadreFactory(unit=town)  # sits at the town itself: the "本级" row
    board = unit_board(world["users"]["admin"])
    assert {(r.unit.name, r.cadres) for r in board.rows} == {("金城镇", 4), ("东湖镇", 1)}
    board = unit_board(world["users"]["admin"], unit=town)
    assert {(r.unit.name if r.unit else "本级", r.cadres) for r in board.rows} == {
        ("党政办", 2), ("东浦村", 1), ("本级", 1),
    }  # fmt: skip
    assert board.total.cadres == 4 and board.total.unpaired == 3 and board.total.pairings == 1
    page = client_for(world["users"]["staff"]).get(URL).content.decode()
    assert "党政办" in page and "东浦村" in page and "东湖镇" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, expect(admin=200, staff=200, leader=200, _=403), strict=True),
)
def test_who_may_open_the_board(world, client_for, role, status):
    client = client_for(world["users"][role])
    assert client.get(URL).status_code == status
    assert client.get(URL + "?view=mentors").status_code == status
    assert client.get(URL + "?format=xlsx").status_code == status


def test_staff_cannot_open_a_unit_outside_their_scope_and_anonymous_must_log_in(
    world, client, client_for
):
    assert client.get(URL).status_code == 302
    staff = client_for(world["users"]["staff"])
    assert staff.get(URL, {"unit": world["units"]["other_town"].pk}).status_code == 404
    assert staff.get(URL, {"unit": world["units"]["village"].pk}).status_code == 200
    assert staff.get(URL, {"unit": "x"}).status_code == 200  # ignored: the own unit


def test_mentor_view_counts_pairings_capacity_duties_and_guidance(world, client_for):
    today = timezone.localdate()
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    Pairing.objects.filter(pk=pairing.pk).update(start_date=today - datetime.timedelta(days=800))
    GuidanceLog.objects.create(
        pairing=pairing, cadre=pairing.cadre, date=today, method="exchange", focus="skills",
        content="谈工作思路",
    )  # fmt: skip
    board = mentor_board(world["users"]["staff"], today=today)
    (row,) = [r for r in board.rows if r.mentor_id == pairing.mentor_id]
    assert row.active == 1 and row.logs_quarter == 1 and row.last_log == today
    assert row.behind == 1 and row.duties["seminar"] == 1  # last year's seminar never held
    assert board.rows[0] == row  # behind first
    page = client_for(world["users"]["staff"]).get(URL, {"view": "mentors"}).content.decode()
    assert pairing.mentor.name in page and "1/" in page


def test_workbooks_have_the_rows_and_the_total(world, client_for):
    client = client_for(world["users"]["admin"])
    response = client.get(URL, {"unit": world["units"]["town"].pk, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("单位", "在职干部", "未结对")
    assert {r[0] for r in rows[1:]} == {"金城镇/党政办", "金城镇/东浦村", "合计"}
    assert rows[-1][1] == 3
    response = client.get(URL, {"view": "mentors", "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "导师" and len(rows) == 2


def _grow(world, n: int) -> None:
    staff = world["users"]["staff"]
    for _ in range(n):
        name = f"新村{Unit.objects.count()}"
        unit = f.make_unit(name, world["units"]["town"], kind="village")
        cadre = f.CadreFactory(unit=unit)
        mentor = f.MentorFactory(unit=world["units"]["town"])
        pairing = f.PairingFactory(mentor=mentor, cadre=cadre)
        _talk(cadre, "village", timezone.localdate(), staff)
        _report(cadre, "monthly", timezone.localdate().replace(day=1))
        _duty(pairing, "article", timezone.localdate())


@pytest.mark.parametrize("view", ["units", "mentors"])
def test_board_runs_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, view
):
    client = client_for(world["users"]["staff"])
    _grow(world, 3)
    with django_assert_max_num_queries(12) as small:
        assert client.get(URL, {"view": view}).status_code == 200
    _grow(world, 15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(URL, {"view": view})
    html = page.content.decode()
    if view == "units":
        assert html.count('data-testid="board-row"') == 20  # 党政办, 东浦村 and 18 villages
    else:
        assert html.count('data-testid="mentor-row"') == 19


def test_mentor_view_counts_only_pairings_of_cadres_in_the_viewers_scope(world):
    """Staff of 东浦村 see a village mentor who also mentors a cadre of 党政办 (outside their
    subtree): that pairing, its duties and its logs are not counted on their board."""
    units = world["units"]
    village_staff = f.UserFactory(username="vstaff", roles=["staff"], unit=units["village"])
    mentor = f.MentorFactory(unit=units["village"], capacity=5)
    pairing = f.PairingFactory(mentor=mentor, cadre=world["cadres"]["bystander"])
    GuidanceLog.objects.create(
        pairing=pairing, cadre=pairing.cadre, date=timezone.localdate(), method="exchange",
        focus="skills", content="谈工作思路",
    )  # fmt: skip
    board = mentor_board(village_staff, unit=units["village"])
    (row,) = [r for r in board.rows if r.mentor_id == mentor.pk]
    assert (row.active, row.behind, row.logs_quarter, row.last_log) == (0, 0, 0, None)
    row = next(r for r in mentor_board(world["users"]["staff"]).rows if r.mentor_id == mentor.pk)
    assert row.active == 1 and row.logs_quarter == 1


def test_pairings_of_cadres_who_left_or_with_mentors_out_of_the_pool_do_not_count(world):
    today = timezone.localdate()
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    Pairing.objects.filter(pk=pairing.pk).update(start_date=today - datetime.timedelta(days=800))
    admin = world["users"]["admin"]
    assert unit_board(admin).total.pairings == 1 and unit_board(admin).total.unpaired == 3
    type(pairing.mentor).objects.filter(pk=pairing.mentor_id).update(is_active=False)
    board = unit_board(admin)
    assert board.total.pairings == 0 and board.total.unpaired == 4
    type(pairing.mentor).objects.filter(pk=pairing.mentor_id).update(is_active=True)
    Cadre.objects.filter(pk=pairing.cadre_id).update(status="left")
    assert unit_board(admin).total.pairings == 0
    assert [r.active for r in mentor_board(admin).rows] == [0]


def test_mentor_rows_are_sorted_and_sliced_in_sql_most_behind_first(world):
    today = timezone.localdate()
    Pairing.objects.update(start_date=today)  # the world's mentor: nothing lapsed yet
    town = world["units"]["town"]
    mentors = [f.MentorFactory(unit=town, capacity=9) for _ in range(4)]
    for mentor, behind in zip(mentors, [0, 2, 1, 0], strict=True):
        for _ in range(behind):
            f.PairingFactory(mentor=mentor, cadre=f.CadreFactory(unit=world["units"]["office"]),
                             start_date=today - datetime.timedelta(days=800))  # fmt: skip
    rows = mentor_board(world["users"]["admin"], today=today).rows
    assert len(rows) == 5  # and the world's mentor
    everything = list(rows)
    assert [r.behind for r in everything][:2] == [2, 1]
    assert [r.mentor_id for r in everything[:2]] == [mentors[1].pk, mentors[2].pk]
    assert rows[1:3] + rows[3:] == everything[1:] and rows[4] == everything[4]
    with pytest.raises(IndexError):
        rows[5]
