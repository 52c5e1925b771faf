"""The growth record (成长档案) page and API: every section assembled from the apps, filters by
year and kind, the confidential talk note never shown, scoping per role, and a query count
that does not grow with the number of items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.growth import GrowthKind, growth_items
from tests import factories as f
from tests.reports.growth_helpers import OLD_YEAR, SECRET, SECTION_TITLES, YEAR, fill

ROLES = ["admin", "staff", "leader", "mentor", "other_mentor", "evaluator", "cadre", "other_cadre"]


@pytest.fixture
def record(world):
    """The mentee with one fact of every kind in YEAR and one in OLD_YEAR; a second mentor
    (of the bystander) and a second cadre account (the bystander's)."""
    users, c = world["users"], world["cadres"]
    other_mentor = f.UserFactory(username="mentor2", roles=["mentor"])
    f.PairingFactory(
        mentor=f.MentorFactory(user=other_mentor, unit=world["units"]["town"]),
        cadre=c["bystander"],
    )
    other_cadre = f.UserFactory(username="cadre2", roles=["cadre"])
    c["bystander"].user = other_cadre
    c["bystander"].save(update_fields=["user"])
    kw = {"unit": world["units"]["town"], "judge": users["staff"], "talker": users["staff"]}
    fill(c["mentee"], **kw)
    fill(c["mentee"], year=OLD_YEAR, tag="旧", **kw)
    fill(c["self"], **kw)
    return {
        **users,
        "other_mentor": other_mentor,
        "other_cadre": other_cadre,
        "mentee": c["mentee"],
        "self": c["self"],
    }


def test_every_section_is_assembled_from_the_apps(record):
    items = growth_items(cadres=[record["mentee"].pk])
    assert {i.kind for i in items} == set(GrowthKind.values)
    forum = next(i for i in items if i.kind == GrowthKind.FORUM)
    assert "第 1 名" in forum.detail
    assert any("优秀" in i.detail for i in items if i.kind == GrowthKind.POSTING)
    assert any("市级采用" in i.detail for i in items if i.kind == GrowthKind.WRITING)
    assert any(i.title.startswith("提拔任用") for i in items if i.kind == GrowthKind.CAREER)
    assert all(SECRET not in f"{i.title}{i.detail}{i.extra}" for i in items)


def test_page_shows_every_section_with_its_items(record, client):
    client.force_login(record["staff"])
    page = client.get(f"/cadres/{record['mentee'].pk}/growth/").content.decode()
    for kind in GrowthKind.values:
        assert f'data-testid="section-{kind}"' in page
    for title in SECTION_TITLES:
        assert title in page
    for text in ["党性教育课2025-0", "金城青年说2025-0", "挂职月报 2025-01", "基层治理调研2025-0",
                 "政务信息2025-0", "义务植树2025-0", "交流工作思路2025-0", "思想动态2025-0",
                 "月小结2025-0", "季度评鉴2025-0", "2025Q1 积分", "副主任2025-0",
                 "优秀共产党员2025-0", "李娜", "东浦村"]:  # fmt: skip
        assert text in page, text
    assert "<svg" in page  # radar and trend
    assert SECRET not in page


def test_own_record_from_the_menu(record, client):
    client.force_login(record["cadre"])
    assert "/growth/mine/" in client.get("/").content.decode()
    page = client.get("/growth/mine/").content.decode()
    assert "我的成长档案" in page and "党性教育课2025-0" in page and SECRET not in page
    assert "李娜" not in page


def test_linked_from_the_cadre_detail(record, client):
    client.force_login(record["staff"])
    page = client.get(f"/cadres/{record['mentee'].pk}/").content.decode()
    assert f"/cadres/{record['mentee'].pk}/growth/" in page


def test_year_filter(record, client):
    client.force_login(record["staff"])
    url = f"/cadres/{record['mentee'].pk}/growth/"
    all_years = client.get(url).content.decode()
    assert "党性教育课2025-0" in all_years and f"党性教育课旧{OLD_YEAR}-0" in all_years
    only = client.get(url, {"year": YEAR}).content.decode()
    assert "党性教育课2025-0" in only and f"党性教育课旧{OLD_YEAR}-0" not in only
    old = client.get(url, {"year": OLD_YEAR}).content.decode()
    assert "党性教育课2025-0" not in old and f"副主任旧{OLD_YEAR}-0" in old
    assert client.get(url, {"year": "abc"}).status_code == 200


def test_kind_filter(record, client):
    client.force_login(record["staff"])
    url = f"/cadres/{record['mentee'].pk}/growth/"
    page = client.get(url, {"kind": ["class", "talk"]}).content.decode()
    assert 'data-testid="section-class"' in page and 'data-testid="section-talk"' in page
    assert 'data-testid="section-forum"' not in page and "金城青年说2025-0" not in page
    assert SECRET not in page


def test_api_returns_every_section_and_filters(record, client):
    client.force_login(record["mentor"])
    url = f"/api/v1/cadres/{record['mentee'].pk}/growth-record/"
    response = client.get(url)
    assert response.status_code == 200
    data = response.json()
    assert data["cadre"]["name"] == "李娜"
    assert [s["kind"] for s in data["sections"]] == GrowthKind.values
    assert all(s["items"] for s in data["sections"])
    assert data["trend"] and len(data["profile"]) == 6
    assert SECRET not in response.content.decode()
    data = client.get(url, {"year": OLD_YEAR, "kind": ["writing", "career"]}).json()
    assert [s["kind"] for s in data["sections"]] == ["writing", "career"]
    assert {i["date"][:4] for s in data["sections"] for i in s["items"]} == {str(OLD_YEAR)}


ACCESS = [
    # (what, url, expected per role in ROLES order)
    ("mentee's page", "/cadres/{mentee}/growth/", [200, 200, 200, 200, 404, 403, 404, 404]),
    ("own page", "/cadres/{self}/growth/", [200, 200, 200, 404, 404, 403, 200, 404]),
    ("mine", "/growth/mine/", [404, 404, 404, 404, 404, 403, 200, 200]),
    ("mentee's api", "/api/v1/cadres/{mentee}/growth-record/",
     [200, 200, 200, 200, 404, 403, 404, 404]),
    ("own api", "/api/v1/cadres/{self}/growth-record/", [200, 200, 200, 404, 404, 403, 200, 404]),
]  # fmt: skip


@pytest.mark.parametrize(("what", "url", "expected"), ACCESS, ids=[a[0] for a in ACCESS])
@pytest.mark.parametrize("role", ROLES)
def test_access_per_role(record, client, what, url, expected, role):
    client.force_login(record[role])
    path = url.format(mentee=record["mentee"].pk, self=record["self"].pk)
    assert client.get(path).status_code == expected[ROLES.index(role)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/cadres/{pk}/growth/", "/api/v1/cadres/{pk}/growth-record/"])
def test_queries_do_not_grow_with_items(world, client, url):
    users, units = world["users"], world["units"]
    few, many = world["cadres"]["mentee"], world["cadres"]["bystander"]
    kw = {"unit": units["town"], "judge": users["staff"], "talker": users["staff"]}
    fill(few, n=2, **kw)
    fill(many, n=10, tag="多", **kw)
    client.force_login(users["staff"])
    assert _queries(client, url.format(pk=many.pk)) <= _queries(client, url.format(pk=few.pk))


def test_reader_sees_only_what_they_may(record, client):
    """Points not yet published (公示) stay off the cadre's own record, and 约谈 tasks are
    for the office; draft evaluation rounds appear to no one."""
    from scoring.models import EvaluationRound

    EvaluationRound.objects.filter(name="季度评鉴2025-0").update(status="closed")
    client.force_login(record["cadre"])
    own = client.get("/growth/mine/").content.decode()
    assert "党性教育课2025-0" in own
    assert "2025Q1 积分" not in own and "约谈：" not in own and "季度评鉴2025-0" not in own
    client.force_login(record["staff"])
    office = client.get(f"/cadres/{record['self'].pk}/growth/").content.decode()
    assert "2025Q1 积分" in office and "约谈：" in office and "季度评鉴2025-0" not in office


def test_pdf_of_a_cadre_with_data_in_every_section_from_the_apps(record, client):
    """The real sources (not a stand-in): the PDF names the cadre, every section title and
    facts of each app, in embedded CJK fonts, and never the confidential talk note."""
    from tests.pdfs import assert_cjk_fonts_embedded, pdf_text

    client.force_login(record["staff"])
    response = client.get(f"/cadres/{record['mentee'].pk}/growth/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(content).replace("\n", "")
    assert "李娜" in text and "内部资料" in text
    for title in SECTION_TITLES:
        assert title in text, title
    for fact in [
        "党性教育课",
        "金城青年说",
        "基层治理调研",
        "政务信息",
        "交流工作思路",
        "优秀共产党员",
    ]:
        assert fact in text, fact
    assert SECRET not in text
    assert_cjk_fonts_embedded(content)


def test_page_links_the_pdf_of_the_year_shown(record, client):
    client.force_login(record["staff"])
    pk = record["mentee"].pk
    assert (
        f'href="/cadres/{pk}/growth/pdf/"' in client.get(f"/cadres/{pk}/growth/").content.decode()
    )
    page = client.get(f"/cadres/{pk}/growth/", {"year": YEAR}).content.decode()
    assert f'href="/cadres/{pk}/growth/pdf/?year={YEAR}"' in page


@pytest.mark.parametrize("path", ["/cadres/{pk}/growth/", "/api/v1/cadres/{pk}/growth-record/"])
def test_a_year_in_other_digits_is_ignored(record, client, path):
    client.force_login(record["staff"])
    for odd in ["²", "２０２５", "20255", "-1"]:
        assert client.get(path.format(pk=record["mentee"].pk), {"year": odd}).status_code == 200


def test_pdf_of_an_odd_year_is_not_found(record, client):
    client.force_login(record["staff"])
    for odd in ["²", "２０２５", "abc"]:
        url = f"/cadres/{record['mentee'].pk}/growth/pdf/"
        assert client.get(url, {"year": odd}).status_code == 404


def test_a_mentor_does_not_read_another_mentors_guidance_of_a_shared_mentee(world, client):
    import datetime

    from mentoring.models import GuidanceLog, Pairing

    users, mentee = world["users"], world["cadres"]["mentee"]
    first = Pairing.objects.get(cadre=mentee, mentor__user=users["mentor"])
    other = f.UserFactory(username="mentor2", roles=["mentor"])
    f.PairingFactory(mentor=f.MentorFactory(user=other, unit=world["units"]["town"]), cadre=mentee)
    GuidanceLog.objects.create(
        pairing=first, cadre=mentee, date=datetime.date(2025, 3, 1), method="exchange",
        focus="skills", content="仅第一位导师可见的帮带内容",
    )  # fmt: skip
    for reader, sees in [(other, False), (users["mentor"], True), (users["staff"], True)]:
        client.force_login(reader)
        page = client.get(f"/cadres/{mentee.pk}/growth/").content.decode()
        api = client.get(f"/api/v1/cadres/{mentee.pk}/growth-record/").content.decode()
        assert ("仅第一位导师可见的帮带内容" in page) is sees, reader
        assert ("仅第一位导师可见的帮带内容" in api) is sees, reader
