"""Talks (谈心谈话) pages, export and API per role: scoping, the confidential note hidden from
the cadre and from other mentors everywhere, recording through a page and the API, and
constant query counts."""

import io

import openpyxl
import pytest
from django.utils import timezone

from mentoring.models import Talk
from tests import factories as f
from tests.mentoring.talks_helpers import ROLES, SECRET, expect, talk, talk_world


@pytest.fixture
def talks(world):
    return talk_world(world)


def _path(url, world):
    c = world["cadres"]
    return url.format(
        mentee=c["mentee"].pk, me=c["self"].pk, bystander=c["bystander"].pk,
        outsider=c["outsider"].pk,
        staff_talk=Talk.objects.filter(talker__username="staff", cadre=c["mentee"]).get().pk,
        mentor_talk=Talk.objects.filter(talker__username="mentor").get().pk,
    )  # fmt: skip


PAGES = [
    ("new", "/mentoring/talks/new/", expect(_=200, leader=403, evaluator=403, cadre=403)),
    ("new for mentee", "/mentoring/talks/new/?cadre={mentee}",
     expect(_=200, leader=403, evaluator=403, cadre=403)),
    ("new for outsider", "/mentoring/talks/new/?cadre={outsider}",
     expect(_=404, admin=200, leader=403, evaluator=403, cadre=403)),
    ("mentee's talks", "/mentoring/cadres/{mentee}/talks/", expect(_=200, evaluator=403, cadre=404)),
    ("mentee's export", "/mentoring/cadres/{mentee}/talks/?format=xlsx",
     expect(_=200, evaluator=403, cadre=404)),
    ("own talks", "/mentoring/cadres/{me}/talks/", expect(_=200, evaluator=403, mentor=404)),
    ("outsider's talks", "/mentoring/cadres/{outsider}/talks/", expect(_=404, admin=200, evaluator=403)),
    ("edit staff talk", "/mentoring/talks/{staff_talk}/edit/",
     expect(_=403, admin=200, staff=200)),
    ("edit mentor talk", "/mentoring/talks/{mentor_talk}/edit/",
     expect(_=403, admin=200, staff=200, mentor=200)),
    ("overdue", "/mentoring/talks/overdue/", expect(_=403, admin=200, staff=200)),
    ("overdue export", "/mentoring/talks/overdue/?format=xlsx", expect(_=403, admin=200, staff=200)),
    ("api list", "/api/v1/talks/", expect(_=200, evaluator=403)),
    ("api detail", "/api/v1/talks/{staff_talk}/", expect(_=200, evaluator=403, cadre=404)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, talks, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_path(url, world)).status_code == expected[ROLES.index(role)]


def _form(cadre, level="org"):
    return {
        "cadre": cadre.pk, "level": level, "talked_on": timezone.localdate().isoformat(),
        "topics": "近期工作情况", "concerns": "", "actions": "", "confidential_note": "",
    }  # fmt: skip


WRITES = [
    ("record org talk", "/mentoring/talks/new/", "mentee", "org",
     expect(_=403, admin=302, staff=302, mentor=200)),
    ("record mentor talk", "/mentoring/talks/new/", "mentee", "mentor",
     expect(_=403, admin=200, staff=200, mentor=302)),
    ("record for outsider", "/mentoring/talks/new/", "outsider", "org",
     expect(_=403, admin=302, staff=200, mentor=200)),
    ("edit staff talk", "/mentoring/talks/{staff_talk}/edit/", "mentee", "org",
     expect(_=403, admin=302, staff=302)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "who", "level", "expected"), WRITES,
                         ids=[w[0] for w in WRITES])  # fmt: skip
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, talks, client, name, url, who, level, expected, role):
    client.force_login(world["users"][role])
    before = list(Talk.objects.order_by("pk").values_list("pk", "topics"))
    response = client.post(_path(url, world), _form(world["cadres"][who], level))
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code != 302:
        assert list(Talk.objects.order_by("pk").values_list("pk", "topics")) == before


def test_a_refused_level_shows_beside_the_field(world, client_for):
    response = client_for(world["users"]["mentor"]).post(
        "/mentoring/talks/new/", _form(world["cadres"]["mentee"], "org")
    )
    assert response.context["form"].errors["level"] == [
        "只有组织部门工作人员可以登记该层级的谈话。"
    ]


# --- confidentiality ---------------------------------------------------------------------------


def _workbook_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


def _everything(client, world, cadre):
    """Every page, export and API response through which a talk of `cadre` can be read."""
    texts = []
    for url in (f"/mentoring/cadres/{cadre.pk}/talks/", "/api/v1/talks/",
                f"/api/v1/talks/?cadre={cadre.pk}"):  # fmt: skip
        texts.append(client.get(url).content.decode())
    for row in Talk.objects.filter(cadre=cadre):
        texts.append(client.get(f"/api/v1/talks/{row.pk}/").content.decode())
    texts.append(
        _workbook_text(client.get(f"/mentoring/cadres/{cadre.pk}/talks/?format=xlsx").content)
    )
    return "\n".join(texts)


def test_the_cadre_never_reads_a_confidential_note(world, talks, client_for):
    client = client_for(world["users"]["cadre"])
    text = _everything(client, world, world["cadres"]["self"])
    assert "思想动态与工作困难" in text  # the talk itself is visible
    assert "本人不可见的记录" not in text
    assert "保密记录" not in text  # not even an empty column or a label
    api = client.get("/api/v1/talks/").json()["results"]
    assert api and all("confidential_note" not in row for row in api)


def test_another_mentor_never_reads_a_confidential_note(world, talks, client_for):
    client = client_for(talks["other_mentor"])
    text = _everything(client, world, world["cadres"]["mentee"])
    assert "思想动态与工作困难" in text
    assert SECRET not in text and "导师保密记录" not in text
    rows = client.get("/api/v1/talks/").json()["results"]
    assert len(rows) == 2 and all("confidential_note" not in row for row in rows)


def test_the_talker_reads_only_their_own_note(world, talks, client_for):
    client = client_for(world["users"]["mentor"])
    text = _everything(client, world, world["cadres"]["mentee"])
    assert "导师保密记录" in text and SECRET not in text
    rows = {r["id"]: r for r in client.get("/api/v1/talks/").json()["results"]}
    assert rows[talks["mentor_talk"].pk]["confidential_note"] == "导师保密记录"
    assert "confidential_note" not in rows[talks["staff_talk"].pk]


def test_staff_in_scope_read_every_note(world, talks, client_for):
    text = _everything(client_for(world["users"]["staff"]), world, world["cadres"]["mentee"])
    assert SECRET in text and "导师保密记录" in text


def test_leader_sees_talks_but_no_note(world, talks, client_for):
    text = _everything(client_for(world["users"]["leader"]), world, world["cadres"]["mentee"])
    assert "思想动态与工作困难" in text and SECRET not in text and "导师保密记录" not in text


# --- recording through a page and the API ------------------------------------------------------


def test_mentor_records_a_talk_on_the_page(world, client_for):
    data = {**_form(world["cadres"]["mentee"], "mentor"), "confidential_note": "私下说明"}
    response = client_for(world["users"]["mentor"]).post("/mentoring/talks/new/", data)
    row = Talk.objects.get()
    assert response["Location"] == f"/mentoring/cadres/{row.cadre_id}/talks/"
    assert (row.talker, row.level, row.confidential_note) == (
        world["users"]["mentor"], "mentor", "私下说明",
    )  # fmt: skip


def test_api_records_and_corrects(world, client_for):
    client = client_for(world["users"]["staff"])
    data = {**_form(world["cadres"]["mentee"]), "confidential_note": "只给工作人员"}
    created = client.post("/api/v1/talks/", data, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["confidential_note"] == "只给工作人员" and body["talker"] == world["users"]["staff"].pk
    )
    bad = client.patch(
        f"/api/v1/talks/{body['id']}/", {"talked_on": "2999-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "talked_on" in bad.json()
    ok = client.patch(
        f"/api/v1/talks/{body['id']}/", {"topics": "更正"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["topics"] == "更正"
    leader = client_for(world["users"]["leader"])
    assert (
        leader.patch(
            f"/api/v1/talks/{body['id']}/", {"topics": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    mentor = client_for(world["users"]["mentor"])
    refused = mentor.patch(
        f"/api/v1/talks/{body['id']}/", {"topics": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Talk.objects.get().topics == "更正"


# --- overdue list and query counts -------------------------------------------------------------


def test_overdue_page_lists_lapsed_talks_in_scope(world, client_for):
    content = client_for(world["users"]["staff"]).get("/mentoring/talks/overdue/").content.decode()
    assert "李娜" in content and "王芳" in content and "赵敏" not in content


def _many(world, n):
    unit, staff = world["units"]["village"], world["users"]["staff"]
    for _ in range(n):
        cadre = f.CadreFactory(unit=unit, category="village")
        talk(cadre, staff, note="n")


@pytest.mark.parametrize(
    "url",
    ["/mentoring/talks/overdue/", "/api/v1/talks/", "/mentoring/cadres/{mentee}/talks/",
     "/mentoring/talks/overdue/?format=xlsx"],
)  # fmt: skip
def test_constant_queries(world, client_for, django_assert_max_num_queries, url):
    client = client_for(world["users"]["staff"])
    path = url.format(mentee=world["cadres"]["mentee"].pk)
    counts = []
    for n in (3, 15):
        _many(world, n)
        for _ in range(n):
            talk(world["cadres"]["mentee"], world["users"]["staff"])
        with django_assert_max_num_queries(40) as captured:
            assert client.get(path).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
