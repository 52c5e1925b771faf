"""Collective activities (集体活动): services (points on participation, withdrawn on removal,
kind and date fixed once participants exist), pages per role, recording by cohort, unit and
name, the export and constant query counts."""

import datetime
import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from scoring.models import PointEntry
from tests import factories as f
from tests.training.writing_helpers import ROLES, expect, points, rule
from training.models import CollectiveActivity, CollectiveParticipation
from training.services import collective as services

_names = itertools.count(1)
DAY = datetime.date(2025, 3, 12)


def make(unit, *, title="植树节义务劳动", kind="labour", held_on=DAY, actor=None):
    return services.collective_create(
        actor=actor, title=title, kind=kind, unit=unit, held_on=held_on, place="东浦村",
        hours=Decimal("3"), description="",
    )  # fmt: skip


def record(activity, *cadres, note=""):
    return services.participants_record(activity=activity, cadres=cadres, actor=None, note=note)


@pytest.fixture
def activities(world):
    c = world["cadres"]
    own = make(world["units"]["town"])
    record(own, c["self"], c["mentee"])
    quiet = make(world["units"]["town"], title="镇内素质拓展", kind="outward")
    record(quiet, c["bystander"])
    other = make(world["units"]["other_town"], title="东湖镇志愿服务", kind="volunteer")
    record(other, c["outsider"])
    return {"own": own, "quiet": quiet, "other": other}


# --- services --------------------------------------------------------------------------------


def test_participation_records_points_and_removal_withdraws(world):
    rule("training.collective.labour", "1", "JT-01")
    me, mentee = world["cadres"]["self"], world["cadres"]["mentee"]
    activity = make(world["units"]["town"])
    added = record(activity, me, mentee, me, note="表现突出")
    assert len(added) == 2
    assert points(me) == 1 and points(mentee) == 1
    entry = PointEntry.objects.get(cadre=me)
    row = CollectiveParticipation.objects.get(cadre=me)
    assert (entry.event_kind, entry.source, entry.occurred_on) == (
        "training.collective.labour", f"training.collectiveparticipation:{row.pk}", DAY,
    )  # fmt: skip
    assert row.note == "表现突出"

    assert record(activity, me) == []  # already recorded: nothing new, no new points
    assert PointEntry.objects.count() == 2

    services.participants_remove(activity=activity, participations=[row], actor=None)
    assert points(me) == 0 and points(mentee) == 1
    assert not CollectiveParticipation.objects.filter(cadre=me).exists()
    # Recorded again: a new participation, scored again.
    record(activity, me)
    assert points(me) == 1


def test_kind_and_date_are_fixed_once_participants_exist(world):
    activity = make(world["units"]["town"])
    services.collective_update(activity=activity, actor=None, kind="volunteer")
    record(activity, world["cadres"]["self"])
    with pytest.raises(ValidationError) as caught:
        services.collective_update(
            activity=activity, actor=None, kind="outward", held_on=DAY.replace(day=13)
        )
    assert set(caught.value.message_dict) == {"kind", "held_on"}
    activity.refresh_from_db()
    assert (activity.kind, activity.held_on) == ("volunteer", DAY)
    services.collective_update(activity=activity, actor=None, place="镇广场", hours=Decimal("2"))
    activity.refresh_from_db()
    assert activity.place == "镇广场"


def test_bad_activity_fields_are_named(world):
    with pytest.raises(ValidationError) as caught:
        services.collective_create(
            actor=None, title=" ", kind="party", unit=None, held_on=None, place="",
            hours=Decimal("0"), description="",
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"title", "kind", "unit", "held_on", "hours"}
    assert not CollectiveActivity.objects.exists()


def test_recording_nobody_is_refused(world):
    activity = make(world["units"]["town"])
    with pytest.raises(ValidationError) as caught:
        record(activity)
    assert "cadres" in caught.value.message_dict


# --- pages -----------------------------------------------------------------------------------

PAGES = [
    ("list", "/training/collective/", expect(_=200, evaluator=403)),
    ("list filtered", "/training/collective/?kind=labour&year=2025", expect(_=200, evaluator=403)),
    ("export", "/training/collective/export/", expect(_=200, evaluator=403)),
    ("new", "/training/collective/new/", expect(_=403, admin=200, staff=200)),
    ("detail", "/training/collective/{own}/", expect(_=200, evaluator=403)),
    ("detail without them", "/training/collective/{quiet}/",
     expect(_=200, evaluator=403, mentor=404, cadre=404)),
    ("other town's detail", "/training/collective/{other}/",
     expect(_=404, admin=200, evaluator=403)),
    ("edit", "/training/collective/{own}/edit/", expect(_=403, admin=200, staff=200)),
    ("edit other town's", "/training/collective/{other}/edit/",
     expect(_=403, admin=200, staff=404)),
    ("candidates", "/training/collective/{own}/candidates/?q=w",
     expect(_=403, admin=200, staff=200)),
    ("other town's candidates", "/training/collective/{other}/candidates/?q=w",
     expect(_=403, admin=200, staff=404)),
]  # fmt: skip


def _path(url, activities):
    return url.format(**{k: v.pk for k, v in activities.items()})


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, activities, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_path(url, activities)).status_code == expected[ROLES.index(role)]


POSTS = [
    ("create (invalid)", "/training/collective/new/", expect(_=403, admin=200, staff=200)),
    ("edit other town's", "/training/collective/{other}/edit/",
     expect(_=403, admin=200, staff=404)),
    ("add", "/training/collective/{own}/participants/", expect(_=403, admin=302, staff=302)),
    ("add other town's", "/training/collective/{other}/participants/",
     expect(_=403, admin=302, staff=404)),
    ("remove", "/training/collective/{own}/participants/{row}/remove/",
     expect(_=403, admin=302, staff=302)),
    ("remove other town's", "/training/collective/{other}/participants/{other_row}/remove/",
     expect(_=403, admin=302, staff=404)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, activities, client, name, url, expected, role):
    client.force_login(world["users"][role])
    path = url.format(
        own=activities["own"].pk,
        other=activities["other"].pk,
        row=activities["own"].participations.first().pk,
        other_row=activities["other"].participations.first().pk,
    )
    before = list(CollectiveParticipation.objects.order_by("pk").values_list("pk", flat=True))
    status = client.post(path, {"unit": world["units"]["office"].pk}).status_code
    assert status == expected[ROLES.index(role)]
    if status in (403, 404):
        after = list(CollectiveParticipation.objects.order_by("pk").values_list("pk", flat=True))
        assert after == before


def test_cadre_sees_their_activities_and_only_themself(world, activities, client_for):
    content = client_for(world["users"]["cadre"]).get("/training/collective/").content.decode()
    assert "植树节义务劳动" in content
    assert "镇内素质拓展" not in content
    assert "东湖镇志愿服务" not in content
    detail = client_for(world["users"]["cadre"]).get(
        f"/training/collective/{activities['own'].pk}/"
    )
    roll = detail.content.decode()
    assert "张伟" in roll and "李娜" not in roll
    assert "登记参加人员" not in roll


def test_mentor_sees_their_mentees_activities(world, activities, client_for):
    content = client_for(world["users"]["mentor"]).get("/training/collective/").content.decode()
    assert "植树节义务劳动" in content
    assert "镇内素质拓展" not in content


def test_staff_create_edit_and_refused_kind_change(world, client_for):
    client = client_for(world["users"]["staff"])
    data = {
        "title": "重阳节敬老志愿服务", "kind": "volunteer", "unit": world["units"]["town"].pk,
        "held_on": "2025-10-29", "place": "镇敬老院", "hours": "2.5", "description": "陪伴老人",
    }  # fmt: skip
    response = client.post("/training/collective/new/", data)
    activity = CollectiveActivity.objects.get()
    assert response["Location"] == f"/training/collective/{activity.pk}/"
    assert activity.created_by == world["users"]["staff"]
    record(activity, world["cadres"]["self"])
    response = client.post(f"/training/collective/{activity.pk}/edit/", {**data, "kind": "other"})
    assert response.status_code == 200
    assert "已登记参加人员的活动不能更改类别" in response.content.decode()
    activity.refresh_from_db()
    assert activity.kind == "volunteer"
    # Another town's unit is neither offered nor accepted.
    response = client.post(
        "/training/collective/new/", {**data, "unit": world["units"]["other_town"].pk}
    )
    assert response.status_code == 200
    assert CollectiveActivity.objects.count() == 1


def test_record_by_cohort_unit_and_name_with_points(world, client_for):
    rule("training.collective.volunteer", "1", "JT-02")
    activity = make(world["units"]["town"], kind="volunteer")
    client = client_for(world["users"]["staff"])
    url = f"/training/collective/{activity.pk}/participants/"
    response = client.post(url, {"cohort": world["cohort"].pk, "note": "带队"}, follow=True)
    assert "已登记1人参加。" in response.content.decode()
    assert list(activity.participations.values_list("cadre__name", "note")) == [("李娜", "带队")]
    client.post(url, {"unit": world["units"]["office"].pk})
    assert set(activity.participations.values_list("cadre__name", flat=True)) == {
        "李娜", "张伟", "王芳",
    }  # fmt: skip
    assert points(world["cadres"]["self"]) == 1

    found = client.get(f"/training/collective/{activity.pk}/candidates/?q=zm").content.decode()
    assert "赵敏" not in found  # another town's cadre
    response = client.post(url, {"cadre": world["cadres"]["outsider"].pk}, follow=True)
    assert "alert-danger" in response.content.decode()
    assert activity.participations.count() == 3
    assert (
        "张伟"
        not in client.get(f"/training/collective/{activity.pk}/candidates/?q=zw").content.decode()
    )  # already recorded

    row = activity.participations.get(cadre=world["cadres"]["self"])
    client.post(f"/training/collective/{activity.pk}/participants/{row.pk}/remove/")
    assert activity.participations.count() == 2
    assert points(world["cadres"]["self"]) == 0


def test_by_name_candidates(world, client_for):
    activity = make(world["units"]["town"])
    client = client_for(world["users"]["staff"])
    found = client.get(f"/training/collective/{activity.pk}/candidates/?q=ln").content.decode()
    assert "李娜" in found
    assert 'name="note"' in found
    client.post(
        f"/training/collective/{activity.pk}/participants/",
        {"cadre": world["cadres"]["mentee"].pk, "note": "主动报名"},
    )
    assert activity.participations.get().note == "主动报名"


def test_list_filters(world, client_for):
    town, village = world["units"]["town"], world["units"]["village"]
    make(town, title="甲活动", kind="labour")
    make(village, title="乙活动", kind="volunteer", held_on=DAY.replace(year=2024))
    client = client_for(world["users"]["staff"])

    def titles(query):
        content = client.get(f"/training/collective/?{query}").content.decode()
        return [t for t in ("甲活动", "乙活动") if t in content]

    assert titles("") == ["甲活动", "乙活动"]
    assert titles("kind=volunteer") == ["乙活动"]
    assert titles(f"unit={village.pk}") == ["乙活动"]
    assert titles("year=2025") == ["甲活动"]


def test_export_with_participant_counts(world, activities, client_for):
    response = client_for(world["users"]["staff"]).get("/training/collective/export/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "名称", "类别")
    counts = {r[1]: r[7] for r in rows[1:]}
    assert counts == {"植树节义务劳动": 2, "镇内素质拓展": 1}
    assert rows[1][4] is not None


# --- query counts ----------------------------------------------------------------------------

N = 5


def _grow(world, n):
    for _ in range(n):
        unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
        activity = make(unit, title=f"活动{next(_names)}")
        record(activity, f.CadreFactory(unit=unit), f.CadreFactory(unit=unit))


def test_list_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["staff"])
    _grow(world, N)
    client.get("/training/collective/")
    with django_assert_max_num_queries(14) as small:
        response = client.get("/training/collective/")
    shown = response.content.decode().count('data-testid="collective-row"')
    _grow(world, 4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get("/training/collective/")
    assert response.content.decode().count('data-testid="collective-row"') == shown + 4 * N


def test_detail_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    activity = make(world["units"]["town"])
    client.force_login(world["users"]["staff"])

    def grow(n):
        record(activity, *[f.CadreFactory(unit=world["units"]["office"]) for _ in range(n)])

    grow(N)
    client.get(f"/training/collective/{activity.pk}/")
    with django_assert_max_num_queries(16) as small:
        client.get(f"/training/collective/{activity.pk}/")
    grow(4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(f"/training/collective/{activity.pk}/")
    assert response.content.decode().count("data-qm-row") == 5 * N
