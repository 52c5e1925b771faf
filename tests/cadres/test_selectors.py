"""Reads: finding cadres by name or pinyin, age bands, programme membership, scoping, and who
may see a full ID number."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from cadres import selectors, services
from cadres.models import Cadre
from tests import factories as f

D = datetime.date


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


@pytest.fixture
def zeng(world):
    return [
        f.CadreFactory(name="曾国藩", unit=world["units"]["office"]),
        f.CadreFactory(name="曾小贤", unit=world["units"]["office"]),
    ]


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("张伟", {"张伟"}, id="name"),
        pytest.param("伟", {"张伟"}, id="part-of-name"),
        pytest.param("zhangwei", {"张伟"}, id="full-pinyin"),
        pytest.param("zhang", {"张伟"}, id="pinyin-prefix"),
        pytest.param("zw", {"张伟"}, id="initials"),
        pytest.param("ZW", {"张伟"}, id="initials-upper-case"),
        pytest.param(" zhang wei ", {"张伟"}, id="pinyin-with-spaces"),
        pytest.param("w", {"王芳"}, id="one-initial"),
        pytest.param("zengguofan", {"曾国藩"}, id="polyphonic-surname-full"),
        pytest.param("zeng", {"曾国藩", "曾小贤"}, id="polyphonic-surname"),
        pytest.param("zxx", {"曾小贤"}, id="polyphonic-surname-initials"),
        pytest.param("ceng", set(), id="not-the-ordinary-reading"),
        pytest.param("wei", set(), id="pinyin-matches-from-the-start-only"),
    ],
)
def test_search_by_name_pinyin_or_initials(world, zeng, text, found):
    staff = world["users"]["staff"]

    assert names(selectors.cadre_list(user=staff, search=text)) == found


def test_search_by_the_tail_of_an_id_number(world):
    bystander = world["cadres"]["bystander"]
    tail = bystander.id_number[-6:]

    assert names(selectors.cadre_list(user=world["users"]["staff"], search=tail)) == {"王芳"}


def test_an_empty_search_lists_everyone_in_scope(world):
    assert names(selectors.cadre_list(user=world["users"]["staff"], search="  ")) == {
        "张伟",
        "李娜",
        "王芳",
    }


def test_search_never_reaches_outside_the_users_scope(world):
    outsider = world["cadres"]["outsider"]

    assert names(selectors.cadre_list(user=world["users"]["staff"], search="赵敏")) == set()
    assert names(selectors.cadre_list(user=world["users"]["staff"], search="zm")) == set()
    assert names(selectors.cadre_list(user=world["users"]["admin"], search="zm")) == {outsider.name}


def test_search_follows_a_rename(world):
    cadre = world["cadres"]["bystander"]
    services.cadre_update(cadre=cadre, actor=world["users"]["staff"], name="曾芳")

    staff = world["users"]["staff"]
    assert names(selectors.cadre_list(user=staff, search="zengfang")) == {"曾芳"}
    assert names(selectors.cadre_list(user=staff, search="wangfang")) == set()


# --- age bands -------------------------------------------------------------------------------

TODAY = D(2026, 3, 1)
BIRTHS = {
    D(1995, 3, 2): 30,  # turns 31 tomorrow
    D(1995, 3, 1): 31,  # turned 31 today
    D(1990, 3, 2): 35,
    D(1990, 3, 1): 36,
    D(1985, 3, 2): 40,
    D(1985, 3, 1): 41,
}


@pytest.mark.parametrize(
    ("band", "ages"),
    [("le30", {30}), ("31_35", {31, 35}), ("36_40", {36, 40}), ("gt40", {41})],
)
def test_age_band_filter_boundaries(db, band, ages):
    cadres = {f.CadreFactory(birth_date=birth).pk: age for birth, age in BIRTHS.items()}
    for pk, age in cadres.items():
        assert Cadre.objects.get(pk=pk).age(TODAY) == age

    found = selectors.filter_by_age_band(Cadre.objects.all(), band, TODAY)

    assert {cadres[pk] for pk in found.values_list("pk", flat=True)} == ages


def test_age_band_filter_on_29_february(db):
    leap_day = D(2028, 2, 29)
    turned_31 = f.CadreFactory(birth_date=D(1997, 2, 28))
    still_30 = f.CadreFactory(birth_date=D(1997, 3, 1))
    leapling = f.CadreFactory(birth_date=D(1996, 2, 29))  # 32 today

    under_30 = selectors.filter_by_age_band(Cadre.objects.all(), "le30", leap_day)
    band_31_35 = selectors.filter_by_age_band(Cadre.objects.all(), "31_35", leap_day)

    assert list(under_30) == [still_30]
    assert set(band_31_35) == {turned_31, leapling}


# --- programme filter ------------------------------------------------------------------------


def test_programme_filter_lists_active_members_of_any_cohort_of_the_programme(world):
    staff = world["users"]["staff"]
    programme = world["programme"]
    second_cohort = f.CohortFactory(programme=programme)
    bystander = world["cadres"]["bystander"]
    f.EnrolmentFactory(cohort=second_cohort, cadre=bystander)
    left = f.CadreFactory(name="刘强", unit=world["units"]["office"])
    services.enrolment_end(
        enrolment=f.EnrolmentFactory(cohort=world["cohort"], cadre=left),
        status="left",
        left_on=D(2023, 1, 1),
        actor=staff,
    )

    found = selectors.filter_by_programme(Cadre.objects.all(), programme.pk)

    assert names(found) == {"李娜", "王芳"}
    assert names(
        selectors.filter_by_programme(Cadre.objects.all(), world["other_programme"].pk)
    ) == {"赵敏"}


# --- scoping and full ID numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "target", "full"),
    [
        ("admin", "outsider", True),
        ("staff", "bystander", True),
        ("leader", "bystander", False),
        ("mentor", "mentee", False),
        ("cadre", "self", True),
        ("cadre", "bystander", False),
        ("evaluator", "bystander", False),
    ],
)
def test_cadre_may_see_full_id(world, role, target, full):
    user = world["users"][role]

    assert selectors.cadre_may_see_full_id(user, world["cadres"][target]) is full


def test_a_profile_without_an_account_is_not_anyones_own(world):
    unlinked = world["cadres"]["bystander"]
    assert unlinked.user_id is None

    assert selectors.cadre_may_see_full_id(AnonymousUser(), unlinked) is False


@pytest.mark.parametrize(
    ("role", "programmes"),
    [
        ("admin", {"programme", "other_programme"}),
        ("staff", {"programme"}),
        ("leader", {"programme"}),
        ("mentor", {"programme"}),  # the mentee is enrolled in it
        ("cadre", set()),  # the cadre is enrolled nowhere
        ("evaluator", set()),
    ],
)
def test_programmes_visible_to(world, role, programmes):
    visible = set(selectors.programmes_visible_to(world["users"][role]))

    assert visible == {world[key] for key in programmes}


def test_staff_of_a_village_see_programmes_owned_above_them(world):
    village_staff = f.UserFactory(roles=["staff"], unit=world["units"]["village"])

    assert set(selectors.programmes_visible_to(village_staff)) == {world["programme"]}
    assert set(selectors.units_visible_to(village_staff)) == {world["units"]["village"]}
    assert names(selectors.cadres_visible_to(village_staff)) == {"李娜"}


def test_enrolments_and_cohort_members_are_scoped(world):
    cohort = world["cohort"]
    users = world["users"]

    assert list(selectors.cohort_members(cohort=cohort, user=users["staff"])) == [
        world["enrolment"]
    ]
    assert list(selectors.cohort_members(cohort=cohort, user=users["mentor"])) == [
        world["enrolment"]
    ]
    assert list(selectors.cohort_members(cohort=cohort, user=users["cadre"])) == []
    assert set(
        selectors.enrolments_visible_to(users["admin"]).values_list("cadre__name", flat=True)
    ) == {
        "李娜",
        "赵敏",
    }


def test_overview_counts_only_what_the_user_may_see(world):
    services.cadre_update(
        cadre=world["cadres"]["bystander"], actor=world["users"]["staff"], is_reserve=True
    )

    figures = selectors.overview(user=world["users"]["staff"])

    assert figures == {
        "total": 3,
        "reserve": 1,
        "talent_pool": 0,
        "under_35": 3,
        "categories": [("行政", 2), ("事业", 0), ("村（社区）", 1), ("选调生", 0)],
        "programmes": 1,
        "active_enrolments": 1,
    }
