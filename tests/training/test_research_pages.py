"""菁智汇 pages: access for every role on every page and action, report downloads only in
scope, staff workflows with clear messages, judges' scoring page, results and publication
with points, xlsx exports opened with openpyxl, constant query counts."""

import datetime
import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tests import factories as f
from tests.training import research_fixtures as rf
from tests.training.research_fixtures import make_defense, make_topic, pdf_upload, points, score
from training.models import Defense, DefenseScore, Milestone, ResearchTopic

research = rf.research
research_rules = rf.research_rules
ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
_names = itertools.count(1)


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def _path(url, research):
    return url.format(**{k: v.pk for k, v in research.items()})


# (name, url, expected statuses in ROLES order). own: 张伟 (cadre) leads, 李娜 (mentee) is in
# it; bystander: 王芳's topic in town; other: 东湖镇. defense judged by staff and mentor.
PAGES = [
    ("topic list", "/research/", _expect(_=200, evaluator=403)),
    ("topic list filtered", "/research/?field=economy&status=submitted",
     _expect(_=200, evaluator=403)),
    ("topic export", "/research/export/", _expect(_=200, evaluator=403)),
    ("new topic", "/research/new/", _expect(_=403, admin=200, staff=200)),
    ("own topic", "/research/{own}/", _expect(_=200, evaluator=403)),
    ("bystander's topic", "/research/{bystander}/",
     _expect(_=200, mentor=404, cadre=404, evaluator=403)),
    ("other town's topic", "/research/{other}/", _expect(_=404, admin=200, evaluator=403)),
    ("edit", "/research/{own}/edit/", _expect(_=403, admin=200, staff=200)),
    ("edit other town's", "/research/{other}/edit/", _expect(_=403, admin=200, staff=404)),
    ("candidates", "/research/{own}/candidates/?q=w", _expect(_=403, admin=200, staff=200)),
    ("report", "/research/{own}/report/download/", _expect(_=200, evaluator=404)),
    ("bystander's report", "/research/{bystander}/report/download/",
     _expect(_=200, mentor=404, cadre=404, evaluator=404)),
    ("other town's report", "/research/{other}/report/download/", _expect(_=404, admin=200)),
    ("defense list", "/research/defenses/", _expect(_=200, evaluator=403, cadre=403)),
    ("new defense", "/research/defenses/new/", _expect(_=403, admin=200, staff=200)),
    ("defense", "/research/defenses/{defense}/", _expect(_=200, evaluator=403, cadre=403)),
    ("other town's defense", "/research/defenses/{other_defense}/",
     _expect(_=404, admin=200, evaluator=403, cadre=403)),
    ("edit defense", "/research/defenses/{defense}/edit/", _expect(_=403, admin=200, staff=200)),
    ("scoring", "/research/defenses/{defense}/score/",
     _expect(_=403, staff=200, mentor=200)),
    ("other town's scoring", "/research/defenses/{other_defense}/score/",
     _expect(_=404, admin=403, evaluator=403, cadre=403)),
    ("results", "/research/defenses/{defense}/results/",
     _expect(_=403, admin=200, staff=200, leader=200)),
    ("results export", "/research/defenses/{defense}/results/export/",
     _expect(_=403, admin=200, staff=200, leader=200)),
    ("other town's results", "/research/defenses/{other_defense}/results/",
     _expect(_=403, admin=200, staff=404, leader=404)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, research, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_path(url, research)).status_code == expected[ROLES.index(role)]


POSTS = [
    ("add member", "/research/{own}/members/add/", _expect(_=403, admin=302, staff=302)),
    ("add member other town's", "/research/{other}/members/add/",
     _expect(_=403, admin=302, staff=404)),
    ("add milestone", "/research/{own}/milestones/add/",
     _expect(_=403, admin=302, staff=302, cadre=302, evaluator=403)),
    ("add milestone bystander's", "/research/{bystander}/milestones/add/",
     _expect(_=403, admin=302, staff=302, mentor=404, cadre=404)),
    ("upload report", "/research/{own}/report/", _expect(_=403, cadre=302)),
    ("upload report other town's", "/research/{other}/report/",
     _expect(_=404, admin=403, evaluator=403)),
    ("defense topics", "/research/defenses/{defense}/topics/",
     _expect(_=403, admin=302, staff=302)),
    ("defense criteria", "/research/defenses/{defense}/criteria/",
     _expect(_=403, admin=302, staff=302)),
    ("defense judges", "/research/defenses/{defense}/judges/",
     _expect(_=403, admin=302, staff=302)),
    ("publish", "/research/defenses/{defense}/publish/", _expect(_=403, admin=302, staff=302)),
    ("publish other town's", "/research/defenses/{other_defense}/publish/",
     _expect(_=403, admin=302, staff=404)),
    ("unpublish", "/research/defenses/{defense}/unpublish/",
     _expect(_=403, admin=302, staff=302)),
    ("score", "/research/defenses/{defense}/score/", _expect(_=403, staff=302, mentor=302)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, research, client, name, url, expected, role):
    client.force_login(world["users"][role])
    data = {}
    if "member" in name:
        data = {"cadre": world["cadres"]["bystander"].pk}
    elif "milestone" in name:
        data = {"title": "中期汇报", "due_on": "2025-06-30"}
    elif "upload" in name:
        data = {"report": pdf_upload()}
    elif name == "score":
        data = {"topic": research["own"].pk, **rf.card(research["defense"], "30", "50")}
        data = {f"criterion_{k}" if isinstance(k, int) else k: v for k, v in data.items()}
    before = (Milestone.objects.count(), DefenseScore.objects.count(),
              list(research["own"].members.values_list("cadre_id", flat=True)))  # fmt: skip
    status = client.post(_path(url, research), data).status_code
    assert status == expected[ROLES.index(role)]
    if status in (403, 404):
        after = (Milestone.objects.count(), DefenseScore.objects.count(),
                 list(research["own"].members.values_list("cadre_id", flat=True)))  # fmt: skip
        assert after == before


def test_anonymous_is_sent_to_login(research, client):
    for path in ("/research/", f"/research/{research['own'].pk}/report/download/",
                 f"/research/defenses/{research['defense'].pk}/score/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- report downloads ------------------------------------------------------------------------


def test_report_download_is_the_file_and_another_cadre_guessing_gets_404(world, research,
                                                                          client):  # fmt: skip
    own = research["own"]
    client.force_login(world["users"]["cadre"])
    response = client.get(f"/research/{own.pk}/report/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="research-report-{own.pk}.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # 王芳 (a cadre with an account, not in the group) guesses the URL.
    someone = f.UserFactory(roles=["cadre"])
    world["cadres"]["bystander"].user = someone
    world["cadres"]["bystander"].save(update_fields=["user"])
    client.force_login(someone)
    assert client.get(f"/research/{own.pk}/report/download/").status_code == 404
    assert client.get(f"/research/{research['bystander'].pk}/report/download/").status_code == 200


def test_a_judge_without_other_access_may_read_the_reports_of_their_session(world, research,
                                                                             client):  # fmt: skip
    judge = f.UserFactory(roles=["evaluator"])
    research["defense"].judges.add(judge)
    client.force_login(judge)
    assert client.get(f"/research/{research['own'].pk}/report/download/").status_code == 200
    assert client.get(f"/research/{research['bystander'].pk}/report/download/").status_code == 404


def test_a_member_uploads_and_replaces_the_report(world, research, client):
    own = research["own"]
    client.force_login(world["users"]["cadre"])
    response = client.post(f"/research/{own.pk}/report/", {"report": rf.docx_upload()},
                           follow=True)  # fmt: skip
    assert "调研报告已上传。" in response.content.decode()
    own.refresh_from_db()
    assert own.report.name.endswith(".docx")
    bad = io.BytesIO(b"GIF89a not a report")
    bad.name = "report.pdf"
    response = client.post(f"/research/{own.pk}/report/", {"report": bad}, follow=True)
    assert "文件须为PDF、Word (.docx)格式。" in response.content.decode()
    own.refresh_from_db()
    assert own.report.name.endswith(".docx")


# --- topics and groups -----------------------------------------------------------------------


def _topic_form(world, **overrides):
    return {
        "title": "乡村振兴人才调研", "field": "livelihood", "unit": world["units"]["office"].pk,
        "summary": "调研内容", "starts_on": "2025-03-01", "due_on": "2025-09-30",
        "leader": world["cadres"]["self"].pk, **overrides,
    }  # fmt: skip


def test_staff_create_a_topic_with_a_leader_and_edit_it(world, client):
    client.force_login(world["users"]["staff"])
    response = client.post("/research/new/", _topic_form(world))
    topic = ResearchTopic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/research/{topic.pk}/"
    assert topic.members.get().role == "leader"
    response = client.post(f"/research/{topic.pk}/edit/", _topic_form(world, title="新题目"))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "新题目"


def test_topic_errors_are_shown_beside_the_fields_and_nothing_saved(world, client):
    client.force_login(world["users"]["staff"])
    response = client.post("/research/new/", _topic_form(world, due_on="2025-01-01", leader=""))
    content = response.content.decode()
    assert response.status_code == 200
    assert "结题期限不能早于立项日期。" in content
    assert not ResearchTopic.objects.exists()
    # A cadre outside the staff member's town is not offered as leader.
    response = client.post(
        "/research/new/", _topic_form(world, leader=world["cadres"]["outsider"].pk)
    )
    assert response.status_code == 200
    assert not ResearchTopic.objects.exists()


def test_staff_add_members_by_search_change_the_leader_and_remove(world, research, client):
    own = research["own"]
    client.force_login(world["users"]["staff"])
    found = client.get(f"/research/{own.pk}/candidates/?q=wf").content.decode()
    assert "王芳" in found
    assert "赵敏" not in client.get(f"/research/{own.pk}/candidates/?q=zm").content.decode()
    client.post(f"/research/{own.pk}/members/add/", {"cadre": world["cadres"]["bystander"].pk})
    assert "王芳" not in client.get(f"/research/{own.pk}/candidates/?q=wf").content.decode()
    response = client.post(
        f"/research/{own.pk}/members/add/", {"cadre": world["cadres"]["outsider"].pk}, follow=True
    )
    assert "请从搜索结果中选择您范围内的在职干部。" in response.content.decode()
    leader = own.members.get(role="leader")
    response = client.post(f"/research/{own.pk}/members/{leader.pk}/remove/", follow=True)
    assert "张伟是组长，不能移除；请先指定新的组长。" in response.content.decode()
    mentee = own.members.get(cadre=world["cadres"]["mentee"])
    response = client.post(f"/research/{own.pk}/members/{mentee.pk}/leader/", follow=True)
    assert "李娜已任组长，原组长转为组员。" in response.content.decode()
    roles = dict(own.members.values_list("cadre__name", "role"))
    assert roles == {"张伟": "member", "李娜": "leader", "王芳": "member"}
    client.post(f"/research/{own.pk}/members/{leader.pk}/remove/")
    assert set(own.members.values_list("cadre__name", flat=True)) == {"李娜", "王芳"}


def test_the_leader_adds_and_completes_milestones_and_overdue_ones_are_highlighted(
    world, research, client
):
    own = research["own"]
    today = timezone.localdate()
    Milestone.objects.create(topic=own, title="开题论证", due_on=today - datetime.timedelta(days=5))
    client.force_login(world["users"]["cadre"])  # 张伟 leads
    response = client.post(f"/research/{own.pk}/milestones/add/",
                           {"title": "中期汇报", "due_on": ""}, follow=True)  # fmt: skip
    assert "计划完成：该字段是必填项。" in response.content.decode()
    client.post(
        f"/research/{own.pk}/milestones/add/",
        {"title": "中期汇报", "due_on": (today + datetime.timedelta(days=30)).isoformat()},
    )
    page = client.get(f"/research/{own.pk}/").content.decode()
    assert page.count("data-qm-overdue") == 1
    listing = client.get("/research/").content.decode()
    assert 'data-testid="overdue"' in listing
    late = own.milestones.get(title="开题论证")
    client.post(f"/research/{own.pk}/milestones/{late.pk}/done/",
                {"done_on": today.isoformat(), "note": "已完成开题"})  # fmt: skip
    late.refresh_from_db()
    assert (late.done_on, late.note) == (today, "已完成开题")
    assert "data-qm-overdue" not in client.get(f"/research/{own.pk}/").content.decode()
    # The member 李娜's mentor may read but not add milestones.
    client.force_login(world["users"]["mentor"])
    assert client.post(f"/research/{own.pk}/milestones/add/",
                       {"title": "x", "due_on": "2025-01-01"}).status_code == 403  # fmt: skip


def test_list_filters_by_field_unit_and_status(world, research, client):
    client.force_login(world["users"]["staff"])

    def titles(query):
        content = client.get(f"/research/?{query}").content.decode()
        return sorted(t for t in ("红色物业调研", "集体经济调研", "待开题") if t in content)

    make_topic(world["units"]["village"], world["cadres"]["mentee"], title="待开题",
               field="livelihood")  # fmt: skip
    assert titles("") == ["待开题", "红色物业调研", "集体经济调研"]
    assert titles("field=economy") == ["集体经济调研"]
    assert titles(f"unit={world['units']['village'].pk}") == ["待开题"]
    assert titles("status=in_progress") == ["待开题"]
    assert titles("status=submitted") == ["红色物业调研", "集体经济调研"]


# --- defenses --------------------------------------------------------------------------------


def test_staff_set_up_a_defense(world, research, client):
    client.force_login(world["users"]["staff"])
    response = client.post("/research/defenses/new/", {
        "title": "第二场答辩会", "unit": world["units"]["town"].pk,
        "held_at": "2025-06-01T14:30", "place": "镇会议室",
    })  # fmt: skip
    assert response.status_code == 302
    defense = Defense.objects.get(title="第二场答辩会")
    page = client.get(f"/research/defenses/{defense.pk}/").content.decode()
    assert "集体经济调研" in page  # report in, free: offered
    assert "红色物业调研" not in page  # at the other session
    assert "东湖镇课题" not in page
    client.post(f"/research/defenses/{defense.pk}/topics/",
                {"topics": [research["bystander"].pk]})  # fmt: skip
    assert list(defense.topics.values_list("title", flat=True)) == ["集体经济调研"]
    client.post(
        f"/research/defenses/{defense.pk}/criteria/",
        {
            "name-0": "选题",
            "max-0": "40",
            "position-0": "1",
            "name-1": "成果",
            "max-1": "60",
            "position-1": "2",
            "name-2": "",
            "max-2": "",
        },
    )
    assert list(defense.criteria.values_list("name", "max_score")) == [
        ("选题", Decimal("40.0")),
        ("成果", Decimal("60.0")),
    ]
    response = client.post(
        f"/research/defenses/{defense.pk}/criteria/",
        {"name-0": "选题", "max-0": "abc"},
        follow=True,
    )
    assert "“选题”的满分须为1到1000之间的数字。" in response.content.decode()
    assert defense.criteria.count() == 2
    client.post(
        f"/research/defenses/{defense.pk}/judges/",
        {"judges": [world["users"]["leader"].pk, world["users"]["mentor"].pk]},
    )
    assert set(defense.judges.values_list("username", flat=True)) == {"leader", "mentor"}


def test_criteria_frozen_message_once_scored(world, research, client):
    defense = research["defense"]
    score(defense, research["own"], world["users"]["mentor"], "30", "50")
    client.force_login(world["users"]["staff"])
    page = client.get(f"/research/defenses/{defense.pk}/").content.decode()
    assert 'data-testid="criteria-frozen"' in page
    assert 'data-testid="criteria-form"' not in page
    response = client.post(f"/research/defenses/{defense.pk}/criteria/",
                           {"name-0": "新项", "max-0": "100"}, follow=True)  # fmt: skip
    assert "评委已开始评分，评分项不能再修改。" in response.content.decode()


def test_a_judge_scores_on_the_card_page_and_revises(world, research, client):
    defense, own = research["defense"], research["own"]
    client.force_login(world["users"]["mentor"])
    url = f"/research/defenses/{defense.pk}/score/"
    page = client.get(url).content.decode()
    assert page.count('data-testid="score-card"') == 1
    assert 'inputmode="decimal"' in page
    ids = list(defense.criteria.order_by("position").values_list("pk", flat=True))
    response = client.post(url, {"topic": own.pk, f"criterion_{ids[0]}": "50",
                                 f"criterion_{ids[1]}": "40"})  # fmt: skip
    assert response.status_code == 400
    assert "“选题”的得分须在0到40.0之间。" in response.content.decode()
    assert not DefenseScore.objects.exists()
    response = client.post(url, {"topic": own.pk, f"criterion_{ids[0]}": "30",
                                 f"criterion_{ids[1]}": "40"})  # fmt: skip
    assert response.status_code == 302
    client.post(url, {"topic": own.pk, f"criterion_{ids[0]}": "35", f"criterion_{ids[1]}": "45"})
    assert sorted(DefenseScore.objects.values_list("score", flat=True)) == [
        Decimal("35.0"),
        Decimal("45.0"),
    ]
    assert "已评分" in client.get(url).content.decode()


def test_scoring_page_before_the_session_says_when_it_opens(world, research, client):
    defense = research["defense"]
    defense.held_at = timezone.now() + datetime.timedelta(days=2)
    defense.save(update_fields=["held_at"])
    client.force_login(world["users"]["staff"])
    url = f"/research/defenses/{defense.pk}/score/"
    assert "开始后才能评分" in client.get(url).content.decode()
    ids = list(defense.criteria.values_list("pk", flat=True))
    response = client.post(url, {"topic": research["own"].pk,
                                 **{f"criterion_{i}": "10" for i in ids}})  # fmt: skip
    assert response.status_code == 400
    assert not DefenseScore.objects.exists()


def test_publish_from_the_results_page_gives_points_and_shows_members_their_rank(
    world, research, research_rules, client
):
    defense, own = research["defense"], research["own"]
    me, mentee = world["cadres"]["self"], world["cadres"]["mentee"]
    score(defense, own, world["users"]["staff"], "30", "50")
    score(defense, own, world["users"]["mentor"], "40", "60")
    client.force_login(world["users"]["cadre"])
    assert 'data-testid="result"' not in client.get(f"/research/{own.pk}/").content.decode()
    client.force_login(world["users"]["staff"])
    results = client.get(f"/research/defenses/{defense.pk}/results/").content.decode()
    assert "90.00" in results
    assert "2 / 1" not in results and "1 / 1" in results
    response = client.post(f"/research/defenses/{defense.pk}/publish/", follow=True)
    assert "答辩结果已发布" in response.content.decode()
    assert points(me) == Decimal("15") and points(mentee) == Decimal("13")
    client.force_login(world["users"]["cadre"])
    assert "第 1 名，平均分 90.00" in client.get(f"/research/{own.pk}/").content.decode()
    client.force_login(world["users"]["staff"])
    client.post(f"/research/defenses/{defense.pk}/unpublish/")
    assert points(me) == 0 and points(mentee) == 0
    defense.refresh_from_db()
    assert defense.results_published_at is None and defense.results_version == 1


# --- exports ---------------------------------------------------------------------------------


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_topic_export_is_scoped_and_filtered(world, research, client):
    client.force_login(world["users"]["staff"])
    rows = _sheet(client.get("/research/export/"))
    assert rows[0][:5] == ["课题名称", "领域", "组织单位", "组长", "组员"]
    by_title = {r[0]: r for r in rows[1:]}
    assert set(by_title) == {"红色物业调研", "集体经济调研"}
    assert by_title["红色物业调研"][1] == "党建"
    assert by_title["红色物业调研"][3:5] == ["张伟", "李娜"]
    assert by_title["红色物业调研"][7] == "已提交报告"
    rows = _sheet(client.get("/research/export/?field=economy"))
    assert [r[0] for r in rows[1:]] == ["集体经济调研"]
    client.force_login(world["users"]["cadre"])
    assert [r[0] for r in _sheet(client.get("/research/export/"))[1:]] == ["红色物业调研"]


def test_results_export_ranks_the_topics(world, research, client):
    defense = research["defense"]
    second = make_topic(world["units"]["office"], world["cadres"]["bystander"], title="第二课题",
                        report=True)  # fmt: skip
    rf.services.defense_topics_set(defense=defense, topics=[research["own"], second], actor=None)
    for judge in (world["users"]["staff"], world["users"]["mentor"]):
        score(defense, research["own"], judge, "30", "50")
        score(defense, second, judge, "35", "55")
    client.force_login(world["users"]["leader"])
    rows = _sheet(client.get(f"/research/defenses/{defense.pk}/results/export/"))
    assert rows[0] == ["名次", "课题名称", "领域", "组长", "组员", "平均分", "有效评分评委数",
                       "选题（40.0）", "成果（60.0）"]  # fmt: skip
    assert rows[1] == [1, "第二课题", "党建", "王芳", None, 90, 2, 35, 55]
    assert rows[2] == [2, "红色物业调研", "党建", "张伟", "李娜", 80, 2, 30, 50]


# --- query counts ----------------------------------------------------------------------------

N = 5


def _constant(client, url, grow, count, django_assert_max_num_queries, django_assert_num_queries):
    grow(N)
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
    assert response.status_code == 200
    shown = count(response)
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert count(response) == shown + 4 * N


def _grow_topics(world):
    def grow(n):
        for _ in range(n):
            unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
            leader, member = f.CadreFactory(unit=unit), f.CadreFactory(unit=unit)
            topic = make_topic(unit, leader, member, title=f"课题{next(_names)}", report=True)
            Milestone.objects.create(topic=topic, title="开题", due_on=datetime.date(2020, 1, 1))

    return grow


def test_topic_list_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["staff"])
    _constant(client, "/research/", _grow_topics(world),
              lambda r: r.content.decode().count('data-testid="topic-row"'),
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_topic_export_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["staff"])
    _constant(client, "/research/export/", _grow_topics(world),
              lambda r: len(_sheet(r)) - 1,
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_results_and_scoring_pages_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    staff = world["users"]["staff"]
    defense = make_defense(world["units"]["town"], judges=[staff])
    grow_topics = _grow_topics(world)

    def grow(n):
        before = set(ResearchTopic.objects.values_list("pk", flat=True))
        grow_topics(n)
        added = list(ResearchTopic.objects.exclude(pk__in=before))
        rf.services.defense_topics_set(
            defense=defense, topics=[*defense.topics.all(), *added], actor=None
        )
        for topic in added:
            score(defense, topic, staff, "30", "50")

    client.force_login(staff)
    _constant(client, f"/research/defenses/{defense.pk}/results/", grow,
              lambda r: r.content.decode().count('data-testid="result-row"'),
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip
    _constant(client, f"/research/defenses/{defense.pk}/score/", grow,
              lambda r: r.content.decode().count('data-testid="score-card"'),
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip


def test_defense_list_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    def grow(n):
        for _ in range(n):
            make_defense(world["units"]["town"], judges=[world["users"]["mentor"]])

    client.force_login(world["users"]["staff"])
    _constant(client, "/research/defenses/", grow,
              lambda r: r.content.decode().count('data-testid="defense-row"'),
              django_assert_max_num_queries, django_assert_num_queries)  # fmt: skip
