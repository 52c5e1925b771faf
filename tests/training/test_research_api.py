"""`/api/v1/research-topics/` and `/api/v1/defenses/`: every role on every endpoint, writes
through the services with errors naming the field, a judge's card, results, publication
with points, constant queries; and the demo season."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories as f
from tests.training import research_fixtures as rf
from tests.training.research_fixtures import make_topic, pdf_upload, points, score
from training.models import DefenseScore, Milestone, ResearchTopic

research = rf.research
research_rules = rf.research_rules
ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def _path(url, research):
    return url.format(**{k: v.pk for k, v in research.items()})


READS = [
    # (name, url, expected status or row count in ROLES order)
    ("topics", "/api/v1/research-topics/", _expect(admin=3, staff=2, leader=2, mentor=1,
                                                   cadre=1, evaluator=403)),
    ("own topic", "/api/v1/research-topics/{own}/", _expect(_=200, evaluator=403)),
    ("other town's topic", "/api/v1/research-topics/{other}/",
     _expect(_=404, admin=200, evaluator=403)),
    ("defenses", "/api/v1/defenses/", _expect(admin=2, staff=1, leader=1, mentor=1,
                                              cadre=403, evaluator=403)),
    ("defense", "/api/v1/defenses/{defense}/", _expect(_=200, cadre=403, evaluator=403)),
    ("other town's defense", "/api/v1/defenses/{other_defense}/",
     _expect(_=404, admin=200, cadre=403, evaluator=403)),
    ("results", "/api/v1/defenses/{defense}/results/",
     _expect(_=403, admin=200, staff=200, leader=200)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), READS, ids=[r[0] for r in READS])
@pytest.mark.parametrize("role", ROLES)
def test_reads_per_role(world, research, client, name, url, expected, role):
    client.force_login(world["users"][role])
    response = client.get(_path(url, research))
    want = expected[ROLES.index(role)]
    if name in ("topics", "defenses") and want != 403:
        assert response.json()["count"] == want
    else:
        assert response.status_code == want


WRITES = [
    ("create topic", "post", "/api/v1/research-topics/", _expect(_=403, admin=201, staff=201)),
    ("edit topic", "patch", "/api/v1/research-topics/{own}/",
     _expect(_=403, admin=200, staff=200)),
    ("add member", "post", "/api/v1/research-topics/{own}/members/",
     _expect(_=403, admin=201, staff=201)),
    ("add milestone", "post", "/api/v1/research-topics/{own}/milestones/",
     _expect(_=403, admin=201, staff=201, cadre=201)),
    ("upload report", "post", "/api/v1/research-topics/{own}/report/", _expect(_=403, cadre=200)),
    ("upload report other town's", "post", "/api/v1/research-topics/{other}/report/",
     _expect(_=404, admin=403, evaluator=403)),
    ("create defense", "post", "/api/v1/defenses/", _expect(_=403, admin=201, staff=201)),
    ("score", "post", "/api/v1/defenses/{defense}/scores/",
     _expect(_=403, staff=200, mentor=200, cadre=404, evaluator=404)),
    ("score other town's", "post", "/api/v1/defenses/{other_defense}/scores/",
     _expect(_=404, admin=403)),
    ("criteria", "post", "/api/v1/defenses/{defense}/criteria/",
     _expect(_=403, admin=200, staff=200)),
    ("publish", "post", "/api/v1/defenses/{defense}/publish/",
     _expect(_=403, admin=200, staff=200)),
    ("publish other town's", "post", "/api/v1/defenses/{other_defense}/publish/",
     _expect(_=403, admin=400, staff=404)),
]  # fmt: skip


def _payload(name, world, research):
    if name == "create topic":
        return {"title": "新课题", "field": "economy", "unit": world["units"]["office"].pk,
                "starts_on": "2025-01-01", "due_on": "2025-06-30",
                "leader": world["cadres"]["bystander"].pk}  # fmt: skip
    if name == "edit topic":
        return {"summary": "补充研究内容"}
    if name == "add member":
        return {"cadre": world["cadres"]["bystander"].pk}
    if name == "add milestone":
        return {"title": "中期汇报", "due_on": "2025-05-01"}
    if name.startswith("upload"):
        return {"report": pdf_upload()}
    if name == "create defense":
        return {"title": "答辩会", "unit": world["units"]["town"].pk,
                "held_at": "2025-06-01T09:00:00+08:00", "place": "党校"}  # fmt: skip
    if name.startswith("score"):
        defense = research["defense"]
        topic = research["own"]
        if "other" in name:
            defense, topic = research["other_defense"], research["other"]
        return {"topic": topic.pk, "scores": {str(k): v for k, v in
                                              rf.card(defense, "30", "50").items()}}  # fmt: skip
    if name == "criteria":
        return {"criteria": [{"name": "选题", "max_score": "50", "position": 1}]}
    if name.startswith("publish"):
        score(research["defense"], research["own"], world["users"]["staff"], "30", "50")
    return {}


@pytest.mark.parametrize(("name", "method", "url", "expected"), WRITES,
                         ids=[w[0] for w in WRITES])  # fmt: skip
@pytest.mark.parametrize("role", ROLES)
def test_writes_per_role(world, research, client, name, method, url, expected, role):
    data = _payload(name, world, research)
    client.force_login(world["users"][role])
    before = (ResearchTopic.objects.count(), Milestone.objects.count(),
              DefenseScore.objects.count())  # fmt: skip
    if name.startswith("upload"):
        response = client.post(_path(url, research), data)
    else:
        response = getattr(client, method)(_path(url, research), data,
                                           content_type="application/json")  # fmt: skip
    assert response.status_code == expected[ROLES.index(role)], response.content
    if response.status_code in (403, 404):
        after = (ResearchTopic.objects.count(), Milestone.objects.count(),
                 DefenseScore.objects.count())  # fmt: skip
        assert after == before


def test_topic_detail_nests_members_and_milestones(world, research, client):
    own = research["own"]
    Milestone.objects.create(topic=own, title="开题", due_on=datetime.date(2020, 1, 1))
    client.force_login(world["users"]["mentor"])
    data = client.get(f"/api/v1/research-topics/{own.pk}/").json()
    assert data["status"] == "submitted"
    assert data["has_report"] is True
    assert [(m["cadre_name"], m["role"]) for m in data["members"]] == [
        ("张伟", "leader"), ("李娜", "member")]  # fmt: skip
    assert data["overdue_count"] == 1 and data["milestones"][0]["title"] == "开题"


def test_api_errors_name_the_field(world, research, client):
    client.force_login(world["users"]["staff"])
    response = client.post("/api/v1/research-topics/", {
        "title": "x", "field": "economy", "unit": world["units"]["office"].pk,
        "starts_on": "2025-06-01", "due_on": "2025-01-01",
        "leader": world["cadres"]["self"].pk}, content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"due_on": ["结题期限不能早于立项日期。"]}
    own = research["own"]
    leader = own.members.get(role="leader")
    response = client.delete(f"/api/v1/research-topics/{own.pk}/members/{leader.pk}/")
    assert response.status_code == 400
    assert response.json() == {"member": ["张伟是组长，不能移除；请先指定新的组长。"]}
    client.force_login(world["users"]["mentor"])
    card = {
        "topic": own.pk,
        "scores": {str(k): v for k, v in rf.card(research["defense"], "99", "1").items()},
    }
    response = client.post(f"/api/v1/defenses/{research['defense'].pk}/scores/", card,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert list(response.json().values()) == [["“选题”的得分须在0到40.0之间。"]]


def test_publish_and_unpublish_over_the_api(world, research, research_rules, client):
    defense = research["defense"]
    me = world["cadres"]["self"]
    score(defense, research["own"], world["users"]["staff"], "30", "50")
    score(defense, research["own"], world["users"]["mentor"], "40", "60")
    client.force_login(world["users"]["staff"])
    results = client.get(f"/api/v1/defenses/{defense.pk}/results/").json()
    assert results["rows"][0]["rank"] == 1 and results["rows"][0]["mean"] == "90.00"
    assert {j["done"] for j in results["judges"]} == {1}
    published = client.post(f"/api/v1/defenses/{defense.pk}/publish/").json()
    assert published["version"] == 1 and published["published_at"]
    assert points(me) == Decimal("15")
    client.force_login(world["users"]["mentor"])
    late = client.post(f"/api/v1/defenses/{defense.pk}/scores/", {
        "topic": research["own"].pk,
        "scores": {str(k): v for k, v in rf.card(defense, "1", "1").items()}},
        content_type="application/json")  # fmt: skip
    assert late.status_code == 400 and late.json() == {"judge": ["答辩结果已发布，评分已结束。"]}
    client.force_login(world["users"]["staff"])
    client.post(f"/api/v1/defenses/{defense.pk}/unpublish/")
    assert points(me) == 0


def test_topic_list_api_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    def grow(n):
        for i in range(n):
            topic = make_topic(world["units"]["office"], f.CadreFactory(unit=world["units"]["office"]),
                               f.CadreFactory(unit=world["units"]["office"]), title=f"课题{i}")  # fmt: skip
            Milestone.objects.create(topic=topic, title="开题", due_on=datetime.date(2020, 1, 1))

    client.force_login(world["users"]["staff"])
    grow(3)
    client.get("/api/v1/research-topics/")
    with django_assert_max_num_queries(12) as small:
        assert client.get("/api/v1/research-topics/").json()["count"] == 3
    grow(12)
    with django_assert_num_queries(len(small)):
        assert client.get("/api/v1/research-topics/").json()["count"] == 15


def test_demo_season(world):
    from training.demo_research import seed_research
    from training.models import Defense

    users = {"orgstaff": world["users"]["staff"], **world["users"]}
    cadres = [f.CadreFactory(unit=world["units"]["office"]) for _ in range(30)]
    today = timezone.localdate()
    summary = seed_research(cadres=cadres, town=world["units"]["town"],
                            units=[world["units"]["office"], world["units"]["village"]],
                            users=users, rng=random.Random(7), today=today)  # fmt: skip
    assert summary == {"topics": 6, "defenses": 1}
    topics = ResearchTopic.objects.all()
    assert topics.exclude(report="").count() == 4
    assert set(topics.values_list("field", flat=True)) == {
        "party_building", "economy", "livelihood", "other"}  # fmt: skip
    assert Milestone.objects.filter(done_on__isnull=True, due_on__lt=today).exists()
    defense = Defense.objects.get()
    assert defense.results_published_at is not None and defense.results_version == 1
    assert set(defense.judges.values_list("username", flat=True)) == {"leader", "staff", "mentor"}
    assert DefenseScore.objects.count() == 3 * 3 * 4


def test_a_cadre_account_cannot_be_put_on_a_panel(world, research, client_for):
    """Judging opens the topics' reports, so the API offers only what the page offers."""
    defense = research["defense"]
    client = client_for(world["users"]["staff"])
    response = client.post(
        f"/api/v1/defenses/{defense.pk}/judges/",
        {"judges": [world["users"]["cadre"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["judges"]
    assert set(defense.judges.all()) == {world["users"]["staff"], world["users"]["mentor"]}
    bystander_report = f"/research/{research['bystander'].pk}/report/download/"
    assert client_for(world["users"]["cadre"]).get(bystander_report).status_code == 404
