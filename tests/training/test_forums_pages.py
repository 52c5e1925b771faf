"""Pages of 菁才论坛: access for every role, staff managing a forum, judges scoring, results
and publication (with points), exports and constant query counts."""

import datetime
import itertools
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.utils import timezone

from tests import factories as f
from tests.training.forum_helpers import card, make_forum, points, rubric, rules
from training.models import Forum, ForumAttendee, ForumScore, ForumSpeaker
from training.services import forums as services

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
_names = itertools.count(1)


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


@pytest.fixture
def forums(world):
    """金城镇's forum: 张伟 (the cadre account) speaks, 李娜 (the mentor's mentee) attends;
    judges are the leader and the mentor, both have scored. 东湖镇 has its own forum."""
    own = make_forum(world["units"]["town"])
    rubric(own, 40, 30, 30)
    speaker = services.speaker_add(
        forum=own, cadre=world["cadres"]["self"], talk_title="我在村里的一年", actor=None
    )
    services.attendees_add(forum=own, cadres=[world["cadres"]["mentee"]], actor=None)
    own.judges.add(world["users"]["leader"], world["users"]["mentor"])
    for judge in ("leader", "mentor"):
        card(speaker, world["users"][judge], 30, 20, 20)
    other = make_forum(world["units"]["other_town"], title="东湖镇青年说")
    rubric(other, 100)
    services.speaker_add(
        forum=other, cadre=world["cadres"]["outsider"], talk_title="东湖故事", actor=None
    )
    return {"own": own, "other": other, "speaker": speaker}


MANAGE = _expect(_=403, admin=200, staff=200)
MANAGE_OTHER = _expect(_=403, admin=200, staff=404)
PAGES = [
    ("list", "/forums/", _expect(_=200, evaluator=403)),
    ("list filtered", "/forums/?year=2025&quarter=2&format=lecture", _expect(_=200, evaluator=403)),
    ("export", "/forums/export/", _expect(_=200, evaluator=403)),
    ("new", "/forums/new/", MANAGE),
    ("my scoring tasks", "/forums/scoring/", _expect(_=200)),
    ("detail", "/forums/{own}/", _expect(_=200, evaluator=403)),
    ("other town's detail", "/forums/{other}/", _expect(_=404, admin=200, evaluator=403)),
    ("edit", "/forums/{own}/edit/", MANAGE),
    ("edit other town's", "/forums/{other}/edit/", MANAGE_OTHER),
    ("candidates", "/forums/{own}/candidates/?q=w", MANAGE),
    ("candidates other town's", "/forums/{other}/candidates/?q=w", MANAGE_OTHER),
    ("criteria", "/forums/{own}/criteria/", MANAGE),
    ("criteria other town's", "/forums/{other}/criteria/", MANAGE_OTHER),
    ("judges", "/forums/{own}/judges/", MANAGE),
    ("judges other town's", "/forums/{other}/judges/", MANAGE_OTHER),
    ("score (judges only)", "/forums/{own}/score/", _expect(_=404, leader=200, mentor=200)),
    ("score other town's", "/forums/{other}/score/", _expect(_=404)),
    ("results", "/forums/{own}/results/", _expect(_=403, admin=200, staff=200, leader=200)),
    (
        "results other town's",
        "/forums/{other}/results/",
        _expect(_=404, admin=200, evaluator=403),
    ),
    (
        "results export",
        "/forums/{own}/results/export/",
        _expect(_=403, admin=200, staff=200, leader=200),
    ),
    (
        "results export other town's",
        "/forums/{other}/results/export/",
        _expect(_=404, admin=200, evaluator=403),
    ),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, forums, client, name, url, expected, role):
    client.force_login(world["users"][role])
    path = url.format(own=forums["own"].pk, other=forums["other"].pk)
    assert client.get(path).status_code == expected[ROLES.index(role)]


WRITE = _expect(_=403, admin=302, staff=302)
WRITE_OTHER = _expect(_=403, admin=302, staff=404)
POSTS = [
    ("speaker add", "/forums/{own}/speakers/", WRITE),
    ("speaker add other town's", "/forums/{other}/speakers/", WRITE_OTHER),
    ("speaker remove", "/forums/{own}/speakers/{speaker}/remove/", WRITE),
    ("attendee add", "/forums/{own}/attendees/", WRITE),
    ("attendee add other town's", "/forums/{other}/attendees/", WRITE_OTHER),
    ("attendee remove", "/forums/{own}/attendees/{attendee}/remove/", WRITE),
    ("attendees confirm", "/forums/{own}/attendees/confirm/", WRITE),
    ("criteria", "/forums/{own}/criteria/", _expect(_=403, admin=200, staff=200)),
    ("judges other town's", "/forums/{other}/judges/", WRITE_OTHER),
    ("publish", "/forums/{own}/publish/", WRITE),
    ("publish other town's", "/forums/{other}/publish/", WRITE_OTHER),
    ("unpublish", "/forums/{own}/unpublish/", WRITE),
    ("score (judges only)", "/forums/{own}/score/", _expect(_=404, leader=302, mentor=302)),
    ("score other town's", "/forums/{other}/score/", _expect(_=404)),
]


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, forums, client, name, url, expected, role):
    client.force_login(world["users"][role])
    own = forums["own"]
    path = url.format(
        own=own.pk,
        other=forums["other"].pk,
        speaker=forums["speaker"].pk,
        attendee=own.attendees.get().pk,
    )
    data = {"unit": world["units"]["office"].pk}
    if "score" in name:
        data = {"speaker": forums["speaker"].pk}
        data.update({f"criterion_{c.pk}": "10" for c in own.criteria.all()})
    counts = (ForumSpeaker.objects.count(), ForumAttendee.objects.count())
    scores = sorted(ForumScore.objects.values_list("pk", "score"))
    status = expected[ROLES.index(role)]
    assert client.post(path, data).status_code == status
    if status in (403, 404):
        assert (ForumSpeaker.objects.count(), ForumAttendee.objects.count()) == counts
        assert sorted(ForumScore.objects.values_list("pk", "score")) == scores
        assert Forum.objects.filter(results_published_at__isnull=False).count() == 0


def test_anonymous_is_sent_to_login(forums, client):
    for path in ("/forums/", f"/forums/{forums['own'].pk}/score/", "/forums/scoring/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def _form(unit, **overrides):
    return {
        "series": "金城青年说", "title": "第二期", "format": "debate", "topic": "城市更新",
        "unit": unit.pk, "starts_at": "2026-05-01T14:00", "ends_at": "2026-05-01T16:30",
        "place": "镇会议室", "hours": "2.5", **overrides,
    }  # fmt: skip


def test_staff_create_and_edit_a_forum(world, client_for):
    client = client_for(world["users"]["staff"])
    page = client.get("/forums/new/").content.decode()
    assert 'value="金城青年说"' in page
    assert page.count("<option") >= 6 + 3  # six formats, the town's units
    response = client.post("/forums/new/", _form(world["units"]["office"]))
    forum = Forum.objects.get()
    assert response["Location"] == f"/forums/{forum.pk}/"
    assert (forum.format, forum.hours, forum.created_by) == (
        "debate", Decimal("2.5"), world["users"]["staff"],
    )  # fmt: skip
    client.post(f"/forums/{forum.pk}/edit/", _form(world["units"]["office"], place="党校"))
    forum.refresh_from_db()
    assert forum.place == "党校"


def test_form_errors_are_shown_beside_the_field(world, client_for):
    client = client_for(world["users"]["staff"])
    response = client.post(
        "/forums/new/", _form(world["units"]["office"], ends_at="2026-05-01T13:00")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "结束时间必须晚于开始时间。" in content
    assert content.count("is-invalid") == 1
    response = client.post("/forums/new/", _form(world["units"]["other_town"]))
    assert response.status_code == 200
    assert not Forum.objects.exists()


def test_list_filters_by_year_quarter_format_and_unit(world, client_for):
    town, office = world["units"]["town"], world["units"]["office"]
    at = timezone.make_aware(datetime.datetime(2025, 2, 10, 9))
    make_forum(town, title="一季度讲课", starts_at=at)
    make_forum(office, title="二季度辩论", format="debate",
               starts_at=at + datetime.timedelta(days=90))  # fmt: skip
    make_forum(town, title="去年的论坛", starts_at=at - datetime.timedelta(days=365))
    client = client_for(world["users"]["staff"])

    def titles(query):
        content = client.get(f"/forums/?{query}").content.decode()
        return [t for t in ("一季度讲课", "二季度辩论", "去年的论坛") if t in content]

    assert titles("") == ["一季度讲课", "二季度辩论", "去年的论坛"]
    assert titles("year=2025") == ["一季度讲课", "二季度辩论"]
    assert titles("year=2025&quarter=1") == ["一季度讲课"]
    assert titles("format=debate") == ["二季度辩论"]
    assert titles(f"unit={office.pk}") == ["二季度辩论"]
    assert "按季度筛选时请选择年度。" in client.get("/forums/?quarter=2").content.decode()


def test_speakers_and_attendees_by_cohort_unit_and_name(world, client_for):
    forum = make_forum(world["units"]["town"])
    client = client_for(world["users"]["staff"])
    found = client.get(f"/forums/{forum.pk}/candidates/?q=zw&role=speaker").content.decode()
    assert "张伟" in found and 'name="talk_title"' in found
    client.post(f"/forums/{forum.pk}/speakers/",
                {"cadre": world["cadres"]["self"].pk, "talk_title": "青春在基层"})  # fmt: skip
    assert forum.speakers.get().talk_title == "青春在基层"
    # By unit: 张伟 is a speaker, so only 王芳 is added and the skip is explained.
    response = client.post(
        f"/forums/{forum.pk}/attendees/", {"unit": world["units"]["office"].pk}, follow=True
    )
    content = response.content.decode()
    assert "已添加参加人员1人。" in content
    assert "已跳过1名本期主讲人" in content
    client.post(f"/forums/{forum.pk}/attendees/", {"cohort": world["cohort"].pk})
    assert set(forum.attendees.values_list("cadre__name", flat=True)) == {"王芳", "李娜"}
    # Already on the forum: not offered again.
    assert "李娜" not in client.get(f"/forums/{forum.pk}/candidates/?q=ln").content.decode()
    # Attendee made speaker: a clear message, nothing written.
    response = client.post(f"/forums/{forum.pk}/speakers/",
                           {"cadre": world["cadres"]["mentee"].pk, "talk_title": "题目"},
                           follow=True)  # fmt: skip
    assert "同一人不能既是主讲人又是参加人员" in response.content.decode()
    assert forum.speakers.count() == 1
    # Outside the staff member's town: refused.
    response = client.post(f"/forums/{forum.pk}/attendees/",
                           {"cadre": world["cadres"]["outsider"].pk}, follow=True)  # fmt: skip
    assert "alert-danger" in response.content.decode()
    assert forum.attendees.count() == 2


def test_criteria_page_saves_and_locks(world, forums, client_for):
    fresh = make_forum(world["units"]["town"], title="新一期")
    client = client_for(world["users"]["staff"])
    data = {"c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0",
            "c-0-name": "内容", "c-0-max_score": "60", "c-0-position": "1",
            "c-1-name": "表达", "c-1-max_score": "200", "c-1-position": "2"}  # fmt: skip
    response = client.post(f"/forums/{fresh.pk}/criteria/", data)
    assert response.status_code == 200
    assert "第2项：满分须为1到100之间的数字。" in response.content.decode()
    assert not fresh.criteria.exists()
    data["c-1-max_score"] = "40"
    assert client.post(f"/forums/{fresh.pk}/criteria/", data).status_code == 302
    assert list(fresh.criteria.values_list("name", "max_score")) == [
        ("内容", Decimal("60.0")), ("表达", Decimal("40.0")),
    ]  # fmt: skip
    # The scored forum: the page says it is locked and a post changes nothing.
    own = forums["own"]
    assert (
        'data-testid="criteria-locked"'
        in client.get(f"/forums/{own.pk}/criteria/").content.decode()
    )
    response = client.post(f"/forums/{own.pk}/criteria/", data)
    assert "已有评委打分，评分项不能再修改。" in response.content.decode()
    assert own.criteria.count() == 3


def test_judges_page_offers_users_in_scope(world, forums, client_for):
    client = client_for(world["users"]["staff"])
    own = forums["own"]
    page = client.get(f"/forums/{own.pk}/judges/").content.decode()
    assert page.count('name="judges"') == 3  # staff, leader, mentor
    outsider = f.UserFactory(roles=["leader"], unit=world["units"]["other_town"])
    response = client.post(f"/forums/{own.pk}/judges/", {"judges": [outsider.pk]})
    assert "所选用户不在您的范围内或已停用。" in response.content.decode()
    client.post(f"/forums/{own.pk}/judges/", {"judges": [world["users"]["staff"].pk,
                                                          world["users"]["leader"].pk]})  # fmt: skip
    assert set(own.judges.values_list("username", flat=True)) == {"staff", "leader"}
    # The mentor left the panel: their card went with them.
    assert set(ForumScore.objects.values_list("judge__username", flat=True)) == {"leader"}


def test_judge_scores_on_the_phone_page_with_clear_messages(world, forums, client_for):
    own, speaker = forums["own"], forums["speaker"]
    judge = f.UserFactory(roles=["evaluator"])  # no forum permission at all: judging suffices
    own.judges.add(judge)
    client = client_for(judge)
    tasks = client.get("/forums/scoring/").content.decode()
    assert "金城青年说第一期" in tasks and "东湖镇青年说" not in tasks
    page = client.get(f"/forums/{own.pk}/score/").content.decode()
    assert page.count('data-testid="score-card"') == 1
    assert 'inputmode="decimal"' in page
    first, second, third = own.criteria.all()
    bad = {"speaker": speaker.pk, f"criterion_{first.pk}": "45",
           f"criterion_{second.pk}": "x", f"criterion_{third.pk}": ""}  # fmt: skip
    response = client.post(f"/forums/{own.pk}/score/", bad)
    content = response.content.decode()
    assert "“评分项1”的得分须在0到40.0之间。" in content
    assert "“评分项2”的得分须为数字。" in content
    assert "请为“评分项3”打分。" in content
    assert 'value="45"' in content  # what the judge typed is kept
    assert not ForumScore.objects.filter(judge=judge).exists()
    good = {"speaker": speaker.pk, f"criterion_{first.pk}": "38.5",
            f"criterion_{second.pk}": "28", f"criterion_{third.pk}": "27"}  # fmt: skip
    assert client.post(f"/forums/{own.pk}/score/", good).status_code == 302
    assert ForumScore.objects.filter(judge=judge).count() == 3
    # A judge does not see the forum's other data.
    assert client.get(f"/forums/{own.pk}/").status_code == 403
    assert client.get(f"/forums/{own.pk}/results/").status_code == 403


def test_scoring_page_before_the_start(world, client_for):
    future = make_forum(
        world["units"]["town"], starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    rubric(future)
    speaker = services.speaker_add(forum=future, cadre=world["cadres"]["self"], talk_title="t",
                                   actor=None)  # fmt: skip
    future.judges.add(world["users"]["leader"])
    client = client_for(world["users"]["leader"])
    page = client.get(f"/forums/{future.pk}/score/").content.decode()
    assert 'data-testid="scoring-not-started"' in page
    data = {"speaker": speaker.pk, **{f"criterion_{c.pk}": "1" for c in future.criteria.all()}}
    response = client.post(f"/forums/{future.pk}/score/", data, follow=True)
    assert "论坛开始后才能评分。" in response.content.decode()
    assert not ForumScore.objects.exists()


def test_publish_shows_ranks_and_points_then_withdraw(world, forums, client_for):
    rules()
    own = forums["own"]
    second = services.speaker_add(forum=own, cadre=world["cadres"]["bystander"],
                                  talk_title="第二位", actor=None)  # fmt: skip
    client = client_for(world["users"]["staff"])
    response = client.post(f"/forums/{own.pk}/publish/", follow=True)
    assert "以下主讲人还没有评委完成评分：王芳" in response.content.decode()
    for judge in ("leader", "mentor"):
        card(second, world["users"][judge], 40, 30, 30)
    cadre_client = client_for(world["users"]["cadre"])
    assert 'data-testid="own-rank"' not in cadre_client.get(f"/forums/{own.pk}/").content.decode()

    client = client_for(world["users"]["staff"])
    page = client.get(f"/forums/{own.pk}/results/").content.decode()
    assert "已完成全部评分的评委 2 / 2" in page
    assert page.index("王芳") < page.index("张伟")
    response = client.post(f"/forums/{own.pk}/publish/", follow=True)
    assert "结果已发布，积分已记入。" in response.content.decode()
    me, her = world["cadres"]["self"], world["cadres"]["bystander"]
    assert (points(me), points(her)) == (Decimal(2 + 3), Decimal(2 + 5))

    # The speaker now sees their own rank (and only their own), the mentor nothing of it.
    detail = client_for(world["users"]["cadre"]).get(f"/forums/{own.pk}/").content.decode()
    assert "第 2 名" in detail and "王芳" in detail  # 王芳 is on the programme, not ranked
    assert detail.count('data-testid="own-rank"') == 1

    client = client_for(world["users"]["staff"])
    response = client.post(f"/forums/{own.pk}/unpublish/", {"reason": "评分录入有误"}, follow=True)
    assert "已撤回发布" in response.content.decode()
    assert (points(me), points(her)) == (0, 0)
    client.post(f"/forums/{own.pk}/publish/")
    own.refresh_from_db()
    assert own.results_version == 2
    assert (points(me), points(her)) == (Decimal(5), Decimal(7))


def test_attendee_points_on_the_page(world, forums, client_for):
    rules()
    own = forums["own"]
    client = client_for(world["users"]["staff"])
    client.post(f"/forums/{own.pk}/attendees/", {"cadre": world["cadres"]["bystander"].pk})
    row = own.attendees.get(cadre=world["cadres"]["bystander"])
    assert row.attended and points(world["cadres"]["bystander"]) == Decimal(1)
    client.post(f"/forums/{own.pk}/attendees/{row.pk}/remove/")
    assert points(world["cadres"]["bystander"]) == 0


def _sheet(content: bytes):
    book = openpyxl.load_workbook(BytesIO(content))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_exports_open_in_openpyxl_with_the_same_scope(world, forums, client_for):
    client = client_for(world["users"]["staff"])
    response = client.get("/forums/export/?format=lecture")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response.content)
    assert rows[0][:3] == ["论坛品牌", "名称", "形式"]
    assert [r[1] for r in rows[1:]] == ["金城青年说第一期"]  # not 东湖镇's
    assert rows[1][2] == "登台讲课" and rows[1][9:11] == [1, 1]
    assert _sheet(client.get("/forums/export/?format=debate").content)[1:] == []
    results = _sheet(client.get(f"/forums/{forums['own'].pk}/results/export/").content)
    assert results[0][:4] == ["名次", "主讲人", "单位", "发言题目"]
    assert results[1][:2] == [1, "张伟"]
    assert results[1][-3:] == [70.0, 2, 2]


# --- query counts ----------------------------------------------------------------------------

N = 4


def _constant(client, url, grow, count, django_assert_max_num_queries, django_assert_num_queries):
    grow(N)
    client.get(url)
    with django_assert_max_num_queries(15) as small:
        response = client.get(url)
    assert response.status_code == 200
    shown = count(response)
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert count(response) == shown + 4 * N


def _grow_forums(world, judge=None):
    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            forum = make_forum(unit, title=f"论坛{next(_names)}")
            services.speaker_add(forum=forum, cadre=f.CadreFactory(unit=unit), talk_title="t",
                                 actor=None)  # fmt: skip
            services.attendees_add(forum=forum, cadres=[f.CadreFactory(unit=unit)], actor=None)
            if judge is not None:
                forum.judges.add(judge)

    return grow


def test_forum_list_queries_are_constant(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    def count(response):
        return response.content.decode().count('data-testid="forum-row"')

    _constant(client_for(world["users"]["staff"]), "/forums/", _grow_forums(world), count,
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_scoring_tasks_queries_are_constant(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    def count(response):
        return response.content.decode().count('data-testid="task-row"')

    judge = world["users"]["leader"]
    _constant(client_for(judge), "/forums/scoring/", _grow_forums(world, judge), count,
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_results_and_score_pages_queries_are_constant(
    world, forums, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    own = forums["own"]

    def grow(n):
        for _ in range(n):
            speaker = services.speaker_add(forum=own, cadre=f.CadreFactory(
                unit=world["units"]["office"]), talk_title="t", actor=None)  # fmt: skip
            card(speaker, world["users"]["leader"], 10, 10, 10)

    def rows(response):
        return response.content.decode().count('data-testid="result-row"')

    def cards(response):
        return response.content.decode().count('data-testid="score-card"')

    _constant(client_for(world["users"]["staff"]), f"/forums/{own.pk}/results/", grow, rows,
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip
    _constant(client_for(world["users"]["leader"]), f"/forums/{own.pk}/score/", grow, cards,
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip
