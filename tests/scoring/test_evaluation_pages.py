"""Pages of the multi-party evaluation (多维评价): staff set up and score a round, leaders read,
evaluators fill their forms on a phone, and cadres never reach any of it."""

import datetime
import itertools
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.utils import timezone

from scoring import services
from scoring.choices import Dimension, EntryKind, RoundStatus
from scoring.models import EvaluationAssignment, EvaluationRound, PointEntry
from tests import factories as f

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PERIOD_START = datetime.date(2024, 1, 1)
PERIOD_END = datetime.date(2024, 3, 31)
ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
_serial = itertools.count(1)


# --- helpers (also used by test_evaluation_api.py) --------------------------------------------


def make_round(unit, *, actor=None, name=None, opens_on=None, closes_on=None, **extra):
    return services.round_create(
        actor=actor,
        name=name or f"2024年第一季度评鉴{next(_serial)}",
        kind="quarter",
        unit=unit,
        cohort=extra.pop("cohort", None),
        period_start=PERIOD_START,
        period_end=PERIOD_END,
        opens_on=opens_on or TODAY - 3 * DAY,
        closes_on=closes_on or TODAY + 7 * DAY,
        **extra,
    )


def assign(round_, cadres, evaluators, group="leader") -> None:
    services.assignments_add(
        round_=round_, cadres=cadres, evaluators=evaluators, group=group, actor=None
    )


def scores(value: int = 80, **overrides) -> dict[str, int]:
    return dict.fromkeys(Dimension.values, value) | overrides


def submit(assignment, value: int = 80, **overrides) -> None:
    services.evaluation_submit(
        assignment=assignment,
        scores=scores(value, **overrides),
        actor=assignment.evaluator,
        today=TODAY,
    )


def open_round(unit, cadre, evaluator, **extra) -> EvaluationRound:
    round_ = make_round(unit, **extra)
    assign(round_, [cadre], [evaluator])
    return services.round_open(round_=round_, actor=None)


def finalised_round(unit, cadre, evaluator) -> EvaluationRound:
    round_ = open_round(unit, cadre, evaluator)
    submit(round_.assignments.get())
    services.round_close(round_=round_, actor=None)
    services.round_finalise(round_=round_, actor=None)
    round_.refresh_from_db()
    return round_


def round_post(unit, **overrides) -> dict:
    data = {
        "name": "2024年第一季度评鉴",
        "kind": "quarter",
        "unit": unit.pk,
        "cohort": "",
        "period_start": "2024-01-01",
        "period_end": "2024-03-31",
        "opens_on": (TODAY - DAY).isoformat(),
        "closes_on": (TODAY + 7 * DAY).isoformat(),
        "trim_extremes": "on",
        "trim_min_ratings": "5",
        "points_factor": "0.5",
        "points_baseline": "65",
        **{f"dimension_{d}": "1" for d in Dimension.values},
        "dimension_performance": "2",
        "group_leader": "40",
        "group_colleague": "30",
        "group_mentor": "20",
        "group_public": "10",
    }
    data.update(overrides)
    return data


def form_post(value: int = 80, comment: str = "", **overrides) -> dict:
    return {**{k: str(v) for k, v in scores(value, **overrides).items()}, "comment": comment}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the whole flow ---------------------------------------------------------------------------


def test_a_round_from_creation_to_points(world, client):
    """Staff create a round, assign two evaluators, open it; both submit (one revises), staff
    close and score it; the results table, the ledger and the export agree."""
    staff = world["users"]["staff"]
    c = world["cadres"]
    first = world["users"]["evaluator"]
    second = f.UserFactory(username="colleague", roles=["evaluator"])

    client.force_login(staff)
    assert client.get("/evaluations/new/").status_code == 200
    response = client.post("/evaluations/new/", round_post(world["units"]["town"]))
    round_ = EvaluationRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/evaluations/{round_.pk}/"
    assert round_.dimension_weights == scores(1, performance=2)
    assert round_.group_weights == {"leader": 40, "colleague": 30, "mentor": 20, "public": 10}
    assert (round_.points_factor, round_.points_baseline) == (Decimal("0.5"), Decimal("65"))
    assert round_.created_by == staff
    page = client.get(f"/evaluations/{round_.pk}/").content.decode()
    assert "积分 =（综合得分 − 65）× 0.5" in page

    # Leader-group evaluator for everybody in 金城镇, a colleague for two of them.
    response = client.post(
        f"/evaluations/{round_.pk}/assign/",
        {"everyone": "on", "evaluators": [first.pk], "group": "leader"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/evaluations/{round_.pk}/assign/",
        {
            "cadres": [c["bystander"].pk, c["mentee"].pk],
            "evaluators": [second.pk],
            "group": "colleague",
        },
        follow=True,
    )
    assert "已新增2份评价任务。" in messages_of(response)
    assert round_.assignments.count() == 5
    response = client.post(f"/evaluations/{round_.pk}/open/", follow=True)
    assert "评价已开始，评价人可以填写了。" in messages_of(response)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN

    def form_of(user, cadre):
        return EvaluationAssignment.objects.get(round=round_, evaluator=user, cadre=cadre)

    client.force_login(first)
    tasks = client.get("/evaluations/mine/")
    assert tasks.context["to_fill"] == 3
    url = f"/evaluations/forms/{form_of(first, c['bystander']).pk}/"
    response = client.post(url, form_post(50, comment="初评"))
    assert response.status_code == 302 and response["Location"] == "/evaluations/mine/"
    assert 'value="50"' in client.get(url).content.decode()  # revisable before the deadline
    client.post(url, form_post(80, performance=90))
    client.post(f"/evaluations/forms/{form_of(first, c['mentee']).pk}/", form_post(70))
    assert client.get("/evaluations/mine/").context["to_fill"] == 1

    client.force_login(second)
    client.post(f"/evaluations/forms/{form_of(second, c['bystander']).pk}/", form_post(60))

    client.force_login(staff)
    detail = client.get(f"/evaluations/{round_.pk}/")
    progress = {p.group: (p.submitted, p.assigned) for p in detail.context["progress"]}
    assert progress == {"leader": (2, 3), "colleague": (1, 2), "mentor": (0, 0), "public": (0, 0)}
    per_cadre = {
        row.name: (row.submitted, row.assigned) for row in detail.context["cadre_progress"]
    }
    assert per_cadre == {"王芳": (2, 2), "李娜": (1, 2), "张伟": (0, 1)}
    assert client.post(f"/evaluations/{round_.pk}/close/").status_code == 302
    response = client.post(f"/evaluations/{round_.pk}/finalise/", follow=True)
    assert "已计分，评价结果已记入积分明细。" in messages_of(response)

    # 王芳: each dimension (40×80 + 30×60)/70 = 71.43, performance (40×90 + 30×60)/70 = 77.14;
    # composite (5×71.43 + 2×77.14)/7 = 73.06 (rounded at the end); (73.06 − 65) × 0.5 = 4.03.
    results = {r.cadre.name: r for r in response.context["results"].object_list}
    assert set(results) == {"王芳", "李娜"}  # 张伟 has no submitted form
    wang = results["王芳"]
    assert (wang.score, wang.ratings, wang.entry.points) == (Decimal("73.06"), 2, Decimal("4.03"))
    assert wang.dimension_scores["thought"] == "71.43"
    assert wang.dimension_scores["performance"] == "77.14"
    li = results["李娜"]
    assert (li.score, li.ratings, li.entry.points) == (Decimal("70.00"), 1, Decimal("2.50"))
    page = response.content.decode()
    assert "73.06" in page and "4.03" in page and "77.14" in page

    ledger = {
        e.cadre.name: (e.points, e.occurred_on, e.author)
        for e in PointEntry.objects.filter(kind=EntryKind.EVALUATION).select_related("cadre")
    }
    assert ledger == {
        "王芳": (Decimal("4.03"), PERIOD_END, staff),
        "李娜": (Decimal("2.50"), PERIOD_END, staff),
    }

    export = client.get(f"/evaluations/{round_.pk}/export.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "姓名", "单位", "职务", "思想境界", "政治素质", "组织协调能力", "工作实绩",
        "发展潜力", "群众公认度", "综合得分", "有效评价份数", "积分",
    )  # fmt: skip
    assert rows[1][0] == "王芳" and rows[1][1] == "金城镇/党政办"
    assert [Decimal(str(v)) for v in rows[1][3:12]] == [
        *[Decimal("71.43")] * 3,
        Decimal("77.14"),
        *[Decimal("71.43")] * 2,
        Decimal("73.06"),
        Decimal("2"),
        Decimal("4.03"),
    ]
    assert rows[2][0] == "李娜" and len(rows) == 3


# --- forms and their messages -----------------------------------------------------------------


def test_round_form_shows_the_services_messages_and_saves_nothing(world, client):
    client.force_login(world["users"]["staff"])
    town = world["units"]["town"]
    zero = {f"dimension_{d}": "0" for d in Dimension.values}
    response = client.post("/evaluations/new/", round_post(town, **zero))
    assert response.status_code == 200
    assert response.context["form"].weight_errors == {"dimension_weights": ["权重不能全部为0。"]}
    assert "权重不能全部为0。" in response.content.decode()

    response = client.post(
        "/evaluations/new/",
        round_post(town, closes_on=(TODAY - 5 * DAY).isoformat(), group_leader="-1"),
    )
    errors = response.context["form"].errors
    assert "group_leader" in errors  # a negative weight is refused by the form itself
    response = client.post(
        "/evaluations/new/", round_post(town, closes_on=(TODAY - 5 * DAY).isoformat())
    )
    assert response.context["form"].errors["closes_on"] == ["截止日期不能早于开始填写日期。"]
    response = client.post("/evaluations/new/", round_post(town, trim_min_ratings="2"))
    assert "trim_min_ratings" in response.context["form"].errors
    response = client.post("/evaluations/new/", round_post(world["units"]["other_town"]))
    assert "unit" in response.context["form"].errors  # outside staff's subtree
    other_cohort = world["other_cohort"]
    response = client.post("/evaluations/new/", round_post(town, cohort=other_cohort.pk))
    assert "cohort" in response.context["form"].errors  # a programme staff do not manage
    assert not EvaluationRound.objects.exists()


def test_round_form_shows_the_formula_and_previews_it(world, client):
    client.force_login(world["users"]["staff"])
    page = client.get("/evaluations/new/").content.decode()
    assert "积分 = 综合得分 × 0.2" in page  # the model's default factor
    preview = client.get(
        "/evaluations/formula/", {"points_factor": "0.5", "points_baseline": "65"}
    ).content.decode()
    assert "积分 =（综合得分 − 65）× 0.5" in preview
    assert "记10.00分" in preview  # (85 − 65) × 0.5
    for factor in ("abc", "-1", "1e30", "NaN"):
        bad = client.get("/evaluations/formula/", {"points_factor": factor}).content.decode()
        assert "请填写有效的折算系数" in bad, factor


def test_editing_a_round_after_it_opened_keeps_population_and_period(world, client):
    staff = world["users"]["staff"]
    round_ = open_round(world["units"]["town"], world["cadres"]["bystander"], staff)
    client.force_login(staff)
    form = client.get(f"/evaluations/{round_.pk}/edit/").context["form"]
    assert form.fields["unit"].disabled and form.fields["period_start"].disabled
    data = round_post(
        world["units"]["office"],
        name="改名后的评鉴",
        period_start="2023-01-01",
        points_factor="0.3",
        points_baseline="0",
        group_public="0",
    )
    response = client.post(f"/evaluations/{round_.pk}/edit/", data)
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.name == "改名后的评鉴"
    assert round_.unit == world["units"]["town"]  # disabled field: the posted value is ignored
    assert round_.period_start == PERIOD_START
    assert round_.points_factor == Decimal("0.3")
    assert round_.group_weights["public"] == 0
    assert "积分 = 综合得分 × 0.3" in client.get(f"/evaluations/{round_.pk}/").content.decode()


def test_a_finalised_round_cannot_be_edited(world, client):
    staff = world["users"]["staff"]
    round_ = finalised_round(world["units"]["town"], world["cadres"]["bystander"], staff)
    client.force_login(staff)
    response = client.get(f"/evaluations/{round_.pk}/edit/", follow=True)
    assert "该轮评价已计分，不能再修改。" in messages_of(response)
    page = response.content.decode()
    assert f"/evaluations/{round_.pk}/edit/" not in page
    assert f"/evaluations/{round_.pk}/assign/" not in page


def test_evaluation_form_messages_and_nothing_saved(world, client):
    evaluator = world["users"]["evaluator"]
    round_ = open_round(world["units"]["town"], world["cadres"]["bystander"], evaluator)
    assignment = round_.assignments.get()
    client.force_login(evaluator)
    url = f"/evaluations/forms/{assignment.pk}/"
    data = form_post(80, thought=101)
    del data["political"]
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["thought"] == ["“思想境界”请填写0到100的整数。"]
    assert errors["political"] == ["请为“政治素质”打分。"]
    page = response.content.decode()
    assert "“思想境界”请填写0到100的整数。" in page and "请为“政治素质”打分。" in page
    response = client.post(url, form_post(80, organising="7.5"))
    assert response.context["form"].errors["organising"] == ["“组织协调能力”请填写0到100的整数。"]
    assignment.refresh_from_db()
    assert assignment.status == EvaluationAssignment.Status.PENDING
    assert not assignment.scores.exists()


def test_the_form_shows_only_the_cadre_and_the_deadline(world, client):
    evaluator = world["users"]["evaluator"]
    cadre = world["cadres"]["bystander"]
    cadre.position = "副主任"
    cadre.save(update_fields=["position"])
    other = f.UserFactory(username="other-evaluator", roles=["evaluator"])
    round_ = make_round(world["units"]["town"])
    assign(round_, [cadre], [evaluator, other])
    services.round_open(round_=round_, actor=None)
    submit(round_.assignments.get(evaluator=other), 33)
    client.force_login(evaluator)
    mine = round_.assignments.get(evaluator=evaluator)
    response = client.get(f"/evaluations/forms/{mine.pk}/")
    page = response.content.decode()
    assert "王芳" in page and "金城镇/党政办" in page and "副主任" in page
    assert f"截止日期：{round_.closes_on:%Y-%m-%d}" in page
    assert [f.label for f in response.context["form"].score_fields()] == Dimension.labels
    assert 'max="100"' in page and 'min="0"' in page
    assert "other-evaluator" not in page and 'value="33"' not in page  # nobody else's form
    assert cadre.id_number not in page


def test_after_the_deadline_the_form_is_read_only(world, client):
    evaluator = world["users"]["evaluator"]
    round_ = open_round(
        world["units"]["town"],
        world["cadres"]["bystander"],
        evaluator,
        opens_on=TODAY - 10 * DAY,
        closes_on=TODAY + 2 * DAY,
    )
    assignment = round_.assignments.get()
    submit(assignment, 75)
    EvaluationRound.objects.filter(pk=round_.pk).update(closes_on=TODAY - DAY)
    client.force_login(evaluator)
    url = f"/evaluations/forms/{assignment.pk}/"
    response = client.get(url)
    page = response.content.decode()
    assert "评价已截止，只能查看，不能再修改。" in page
    assert 'value="75"' in page and "disabled" in page
    form_html = page.split('<form method="post" class="qm-card')[1].split("</form>")[0]
    assert 'type="submit"' not in form_html
    response = client.post(url, form_post(10), follow=True)
    assert "不在填写时间内，评价不能提交或修改。" in messages_of(response)
    assert set(assignment.scores.values_list("score", flat=True)) == {75}
    tasks = client.get("/evaluations/mine/").content.decode()
    assert "已截止" in tasks


def test_my_tasks_lists_open_and_closed_rounds_pending_first(world, client):
    evaluator = world["users"]["evaluator"]
    c = world["cadres"]
    town = world["units"]["town"]
    current = make_round(town, name="本季度评鉴")
    assign(current, [c["bystander"], c["mentee"], c["self"]], [evaluator])
    services.round_open(round_=current, actor=None)
    submit(current.assignments.get(cadre=c["mentee"]))
    closed = open_round(town, c["bystander"], evaluator, name="上季度评鉴")
    services.round_close(round_=closed, actor=None)
    draft = make_round(town, name="尚未开始的评鉴")
    assign(draft, [c["bystander"]], [evaluator])
    done = finalised_round(town, c["self"], evaluator)
    client.force_login(evaluator)
    response = client.get("/evaluations/mine/")
    rows = [(a.round.name, a.cadre.name, a.status) for a in response.context["page"].object_list]
    pending, submitted = "pending", "submitted"
    assert rows == [
        ("本季度评鉴", "王芳", pending),
        ("本季度评鉴", "张伟", pending),
        ("本季度评鉴", "李娜", submitted),
        ("上季度评鉴", "王芳", pending),
    ]
    assert response.context["to_fill"] == 2
    page = response.content.decode()
    assert "还有 2 份待填写" in page and f"截止 {current.closes_on:%Y-%m-%d}" in page
    assert draft.name not in page and done.name not in page


def test_an_evaluator_cannot_open_someone_elses_form(world, client):
    evaluator = world["users"]["evaluator"]
    other = f.UserFactory(username="other-evaluator", roles=["evaluator"])
    round_ = open_round(world["units"]["town"], world["cadres"]["bystander"], other)
    theirs = round_.assignments.get()
    draft = make_round(world["units"]["town"])
    assign(draft, [world["cadres"]["mentee"]], [evaluator])
    client.force_login(evaluator)
    assert client.get(f"/evaluations/forms/{theirs.pk}/").status_code == 404
    assert client.post(f"/evaluations/forms/{theirs.pk}/", form_post()).status_code == 404
    # Forms of a round still being prepared are not open to their evaluator either.
    assert client.get(f"/evaluations/forms/{draft.assignments.get().pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == EvaluationAssignment.Status.PENDING


def test_assignment_messages_removal_and_self_rating(world, client):
    staff = world["users"]["staff"]
    c = world["cadres"]
    round_ = make_round(world["units"]["town"])
    client.force_login(staff)
    response = client.post(f"/evaluations/{round_.pk}/assign/", {"group": "leader"})
    assert response.status_code == 200
    errors = response.context["assign_form"].errors
    assert errors["cadres"] == ["请选择被评价干部。"] and errors["evaluators"] == ["请选择评价人。"]
    # A cadre account with an evaluator role may rate colleagues, never itself.
    world["users"]["cadre"].groups.add(*world["users"]["evaluator"].groups.all())
    client.post(
        f"/evaluations/{round_.pk}/assign/",
        {"everyone": "on", "evaluators": [world["users"]["cadre"].pk], "group": "colleague"},
    )
    assert sorted(round_.assignments.values_list("cadre__name", flat=True)) == ["李娜", "王芳"]
    assert not round_.assignments.filter(cadre=c["self"]).exists()
    # Choices: population in scope, and only accounts that may open the form.
    form = client.get(f"/evaluations/{round_.pk}/").context["assign_form"]
    assert {x.name for x in form.fields["cadres"].queryset} == {"张伟", "李娜", "王芳"}
    accounts = set(form.fields["evaluators"].queryset.values_list("username", flat=True))
    assert accounts == {"admin", "staff", "leader", "mentor", "evaluator", "cadre"}
    plain_cadre = f.UserFactory(username="plain-cadre", roles=["cadre"])
    assert plain_cadre.username not in set(
        form.fields["evaluators"].queryset.values_list("username", flat=True)
    )
    response = client.post(
        f"/evaluations/{round_.pk}/assign/",
        {"cadres": [c["outsider"].pk], "evaluators": [staff.pk], "group": "leader"},
    )
    assert "cadres" in response.context["assign_form"].errors  # not a choice for this round
    removable = round_.assignments.get(cadre=c["mentee"])
    response = client.post(f"/evaluations/assignments/{removable.pk}/remove/", follow=True)
    assert "已撤销对李娜的一份评价任务。" in messages_of(response)
    assert list(round_.assignments.values_list("cadre__name", flat=True)) == ["王芳"]


def test_submitted_forms_cannot_be_unassigned_and_opening_needs_evaluators(world, client):
    staff = world["users"]["staff"]
    empty = make_round(world["units"]["town"])
    client.force_login(staff)
    response = client.post(f"/evaluations/{empty.pk}/open/", follow=True)
    assert "请先分配评价人。" in messages_of(response)
    response = client.post(f"/evaluations/{empty.pk}/finalise/", follow=True)
    assert "请先截止评价，再计分。" in messages_of(response)
    round_ = open_round(world["units"]["town"], world["cadres"]["bystander"], staff)
    assignment = round_.assignments.get()
    submit(assignment)
    response = client.post(f"/evaluations/assignments/{assignment.pk}/remove/", follow=True)
    assert "已提交的评价不能撤销分配。" in messages_of(response)
    assert EvaluationAssignment.objects.filter(pk=assignment.pk).exists()


# --- roles ------------------------------------------------------------------------------------


def test_leader_reads_but_changes_nothing(world, client):
    c = world["cadres"]
    town = world["units"]["town"]
    evaluator = world["users"]["evaluator"]
    draft = make_round(town)
    assign(draft, [c["bystander"]], [evaluator])
    final = finalised_round(town, c["mentee"], evaluator)
    client.force_login(world["users"]["leader"])
    page = client.get(f"/evaluations/{draft.pk}/").content.decode()
    assert "/open/" not in page and "/assign/" not in page and "/edit/" not in page
    assert "/remove/" not in page and "evaluator" not in page  # no evaluator names either
    final_page = client.get(f"/evaluations/{final.pk}/")
    assert [r.cadre.name for r in final_page.context["results"].object_list] == ["李娜"]
    assert "/finalise/" not in final_page.content.decode()
    for url, data in [
        (f"/evaluations/{draft.pk}/open/", {}),
        (f"/evaluations/{draft.pk}/close/", {}),
        (f"/evaluations/{draft.pk}/finalise/", {}),
        (f"/evaluations/{draft.pk}/assign/", {"everyone": "on", "group": "leader"}),
        (f"/evaluations/assignments/{draft.assignments.get().pk}/remove/", {}),
        (f"/evaluations/{draft.pk}/edit/", round_post(town)),
        ("/evaluations/new/", round_post(town)),
    ]:
        assert client.post(url, data).status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DRAFT and draft.assignments.count() == 1
    assert EvaluationRound.objects.count() == 2


def test_staff_of_another_town_get_404(world, client):
    c = world["cadres"]
    admin = world["users"]["admin"]
    other_town = world["units"]["other_town"]
    draft = make_round(other_town)
    assign(draft, [c["outsider"]], [admin])
    client.force_login(world["users"]["staff"])
    for url in [
        f"/evaluations/{draft.pk}/",
        f"/evaluations/{draft.pk}/edit/",
    ]:
        assert client.get(url).status_code == 404, url
    pending = draft.assignments.get()
    for url in [
        f"/evaluations/{draft.pk}/open/",
        f"/evaluations/{draft.pk}/assign/",
        f"/evaluations/assignments/{pending.pk}/remove/",
    ]:
        assert client.post(url, {"everyone": "on", "group": "leader"}).status_code == 404, url
    assert EvaluationAssignment.objects.filter(pk=pending.pk).exists()
    listed = client.get("/evaluations/").context["page"].object_list
    assert draft not in listed


def test_the_list_shows_status_and_progress(world, client):
    c = world["cadres"]
    evaluator = world["users"]["evaluator"]
    round_ = make_round(world["units"]["town"], name="进度测试")
    assign(round_, [c["bystander"], c["mentee"], c["self"]], [evaluator])
    services.round_open(round_=round_, actor=None)
    submit(round_.assignments.get(cadre=c["mentee"]))
    make_round(world["units"]["other_town"], name="东湖镇评鉴")
    client.force_login(world["users"]["staff"])
    response = client.get("/evaluations/")
    page = response.content.decode()
    assert "进度测试" in page and "东湖镇评鉴" not in page
    assert "评价中" in page
    row = page.split(f'data-testid="progress-{round_.pk}"')[1]
    assert "1 / 3" in row and "qm-w-33" in row
    drafts = client.get("/evaluations/", {"status": "draft"}).context["page"].object_list
    assert list(drafts) == []


# The access table: every page for every role of the world fixture.
def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


MANAGERS = {"admin": 200, "staff": 200}
READERS = {"admin": 200, "staff": 200, "leader": 200}
PAGES = [
    ("round list", "get", "/evaluations/", _expect(_=403, **READERS)),
    ("round list by status", "get", "/evaluations/?status=open", _expect(_=403, **READERS)),
    ("new round form", "get", "/evaluations/new/", _expect(_=403, **MANAGERS)),
    ("formula preview", "get", "/evaluations/formula/?points_factor=1", _expect(_=403, **MANAGERS)),
    ("round detail", "get", "/evaluations/{open}/", _expect(_=403, **READERS)),
    ("finalised detail", "get", "/evaluations/{final}/", _expect(_=403, **READERS)),
    (
        "other town's round",
        "get",
        "/evaluations/{other}/",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    ("edit round", "get", "/evaluations/{open}/edit/", _expect(_=403, **MANAGERS)),
    (
        "edit other town's",
        "get",
        "/evaluations/{other_draft}/edit/",
        _expect(_=403, admin=200, staff=404),
    ),
    ("export", "get", "/evaluations/{final}/export.xlsx", _expect(_=403, **READERS)),
    (
        "export other town's",
        "get",
        "/evaluations/{other}/export.xlsx",
        _expect(_=403, admin=200, staff=404, leader=404),
    ),
    (
        "export before scoring",
        "get",
        "/evaluations/{open}/export.xlsx",
        _expect(_=403, admin=404, staff=404, leader=404),
    ),
    ("my tasks", "get", "/evaluations/mine/", _expect(_=200, cadre=403)),
    ("own form", "get", "/evaluations/forms/{form}/", _expect(_=404, evaluator=200, cadre=403)),
    (
        "submit own form",
        "post",
        "/evaluations/forms/{form}/",
        _expect(_=404, evaluator=302, cadre=403),
    ),
    ("save round", "post", "/evaluations/{draft}/edit/", _expect(_=403, admin=302, staff=302)),
    ("assign", "post", "/evaluations/{draft}/assign/", _expect(_=403, admin=302, staff=302)),
    (
        "remove assignment",
        "post",
        "/evaluations/assignments/{pending}/remove/",
        _expect(_=403, admin=302, staff=302),
    ),
    ("open", "post", "/evaluations/{draft}/open/", _expect(_=403, admin=302, staff=302)),
    ("close", "post", "/evaluations/{open}/close/", _expect(_=403, admin=302, staff=302)),
    ("finalise", "post", "/evaluations/{open}/finalise/", _expect(_=403, admin=302, staff=302)),
    (
        "open other town's",
        "post",
        "/evaluations/{other_draft}/open/",
        _expect(_=403, admin=302, staff=404),
    ),
    ("create", "post", "/evaluations/new/", _expect(_=403, admin=302, staff=302)),
]


@pytest.fixture
def rounds(world):
    c = world["cadres"]
    town = world["units"]["town"]
    evaluator = world["users"]["evaluator"]
    draft = make_round(town)
    assign(draft, [c["bystander"], c["mentee"]], [world["users"]["admin"]])
    open_ = open_round(town, c["bystander"], evaluator)
    submit(open_.assignments.get())
    return {
        "draft": draft,
        "pending": draft.assignments.get(cadre=c["mentee"]),
        "open": open_,
        "form": open_.assignments.get(),
        "final": finalised_round(town, c["mentee"], evaluator),
        "other": finalised_round(world["units"]["other_town"], c["outsider"], evaluator),
        "other_draft": make_round(world["units"]["other_town"]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(world, rounds, client, role):
    client.force_login(world["users"][role])
    ids = {k: v.pk for k, v in rounds.items()}
    data = {
        "assign": {"everyone": "on", "evaluators": [world["users"]["staff"].pk], "group": "public"},
        "create": round_post(world["units"]["town"]),
        "save round": round_post(world["units"]["town"], name="改名后的评鉴"),
        "submit own form": form_post(66),
    }
    failures = []
    for name, method, template, expected in PAGES:
        url = template.format(**ids)
        response = getattr(client, method)(url, data.get(name, {}))
        want = expected[ROLES.index(role)]
        if response.status_code != want:
            failures.append(
                f"{name} {method.upper()} {url}: got {response.status_code}, want {want}"
            )
    assert failures == []


def test_anonymous_visitors_are_sent_to_log_in(world, rounds, client):
    ids = {k: v.pk for k, v in rounds.items()}
    for name, method, template, _expected in PAGES:
        response = getattr(client, method)(template.format(**ids))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name


# --- constant queries ---------------------------------------------------------------------


N = 4


def test_round_list_queries_do_not_grow(world, client, django_assert_num_queries):
    staff = world["users"]["staff"]
    evaluator = world["users"]["evaluator"]

    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_serial)}", world["units"]["town"])
            cadre = f.CadreFactory(unit=unit)
            cohort = f.CohortFactory(programme=f.ProgrammeFactory(owner_unit=unit))
            f.EnrolmentFactory(cohort=cohort, cadre=cadre)
            round_ = make_round(unit, cohort=cohort)
            assign(round_, [cadre], [evaluator, staff])
            services.round_open(round_=round_, actor=None)
            submit(round_.assignments.get(evaluator=evaluator))

    client.force_login(staff)
    grow(N)
    client.get("/evaluations/")
    with django_assert_num_queries(8) as small:
        response = client.get("/evaluations/")
    assert len(response.context["page"].object_list) == N
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get("/evaluations/")
    assert len(response.context["page"].object_list) == 5 * N
    assert response.content.decode().count("1 / 2") == 5 * N


def test_my_tasks_queries_do_not_grow(world, client, django_assert_num_queries):
    evaluator = world["users"]["evaluator"]

    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_serial)}", world["units"]["town"])
            open_round(unit, f.CadreFactory(unit=unit), evaluator)

    client.force_login(evaluator)
    grow(N)
    client.get("/evaluations/mine/")
    with django_assert_num_queries(8) as small:
        response = client.get("/evaluations/mine/")
    assert len(response.context["page"].object_list) == N
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get("/evaluations/mine/")
    assert len(response.context["page"].object_list) == 5 * N
