"""Eligibility at enrolment (培养对象年龄条件): town cadres ≤ 40, village cadres ≤ 35, age in
full years on the day of joining; an exception is possible only with a recorded reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cadres import services
from cadres.models import Enrolment
from tests import factories as f

D = datetime.date


@pytest.fixture
def enrol(world):
    """Enrol a new cadre born on `birth` into the world's cohort (2022 onwards) on `on`."""
    staff = world["users"]["staff"]

    def _enrol(birth, on, category="administrative", reason="", name="刘强"):
        cadre = f.CadreFactory(
            name=name, birth_date=birth, category=category, unit=world["units"]["office"]
        )
        return services.enrolment_create(
            cohort=world["cohort"], cadre=cadre, joined_on=on, actor=staff, exception_reason=reason
        )

    return _enrol


def refused(enrol, *args, **kwargs) -> list[str]:
    before = Enrolment.objects.count()
    with pytest.raises(ValidationError) as caught:
        enrol(*args, **kwargs)
    assert Enrolment.objects.count() == before
    errors = caught.value.message_dict
    assert list(errors) == ["exception_reason"]
    return errors["exception_reason"]


def test_birthday_on_the_enrolment_day_means_41_and_is_refused(enrol):
    messages = refused(enrol, D(1985, 3, 1), D(2026, 3, 1))

    assert messages == [
        "刘强入选时41周岁，超过“行政”类干部的年龄上限40周岁。 如需破格入选，请填写理由。"
    ]


def test_40_years_and_364_days_is_accepted(enrol):
    enrolment = enrol(D(1985, 3, 2), D(2026, 3, 1))

    enrolment.refresh_from_db()
    assert (enrolment.age_at_enrolment, enrolment.exception_reason) == (40, "")


@pytest.mark.parametrize(
    ("category", "label", "max_age"),
    [
        ("administrative", "行政", 40),
        ("institution", "事业", 40),
        ("selected_graduate", "选调生", 40),
        ("village", "村（社区）", 35),
    ],
)
def test_the_limit_is_inclusive_per_category(enrol, category, label, max_age):
    on = D(2026, 6, 15)

    at_limit = enrol(f.birth_for_age(max_age, on), on, category=category, name="陈静")
    messages = refused(enrol, f.birth_for_age(max_age + 1, on), on, category=category)

    assert at_limit.age_at_enrolment == max_age
    assert messages == [
        f"刘强入选时{max_age + 1}周岁，超过“{label}”类干部的年龄上限{max_age}周岁。"
        " 如需破格入选，请填写理由。"
    ]


def test_a_village_cadre_of_36_is_refused_where_a_town_cadre_of_36_is_accepted(enrol):
    on = D(2026, 6, 15)
    birth = f.birth_for_age(36, on)

    town_cadre = enrol(birth, on, category="administrative", name="陈静")
    messages = refused(enrol, birth, on, category="village")

    assert town_cadre.age_at_enrolment == 36
    assert messages == [
        "刘强入选时36周岁，超过“村（社区）”类干部的年龄上限35周岁。 如需破格入选，请填写理由。"
    ]


def test_an_exception_with_a_reason_is_accepted_and_the_reason_kept(enrol, world):
    enrolment = enrol(D(1985, 3, 1), D(2026, 3, 1), reason="  攻坚专班骨干，经党委会研究破格  ")

    enrolment.refresh_from_db()
    assert enrolment.age_at_enrolment == 41
    assert enrolment.exception_reason == "攻坚专班骨干，经党委会研究破格"
    assert enrolment.enrolled_by == world["users"]["staff"]


def test_a_blank_reason_is_no_reason(enrol):
    messages = refused(enrol, D(1985, 3, 1), D(2026, 3, 1), reason="   ")

    assert messages[0].startswith("刘强入选时41周岁")


def test_a_reason_given_for_an_eligible_cadre_is_not_recorded_as_an_exception(enrol):
    enrolment = enrol(D(1990, 1, 1), D(2026, 3, 1), reason="以防万一")

    enrolment.refresh_from_db()
    assert enrolment.exception_reason == ""


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (D(2024, 2, 28), 39),
        (D(2024, 2, 29), 40),  # leap year: the birthday itself
        (D(2025, 2, 28), 40),  # common year: not yet 41
    ],
)
def test_a_29_february_birthday_is_accepted_before_it_is_reached(enrol, on, age):
    enrolment = enrol(D(1984, 2, 29), on)

    assert enrolment.age_at_enrolment == age


def test_a_29_february_birthday_is_reached_on_1_march_in_a_common_year(enrol):
    messages = refused(enrol, D(1984, 2, 29), D(2025, 3, 1))

    assert messages[0].startswith("刘强入选时41周岁")


def test_a_29_february_birthday_reached_on_the_day_in_a_leap_year(enrol):
    accepted = enrol(D(1992, 2, 29), D(2028, 2, 28), category="village", name="陈静")
    messages = refused(enrol, D(1992, 2, 29), D(2028, 2, 29), category="village")

    assert accepted.age_at_enrolment == 35
    assert messages[0].startswith("刘强入选时36周岁")


def test_a_programmes_own_rule_replaces_the_default(world):
    programme = services.programme_create(
        name="乡村振兴青年计划",
        owner_unit=world["units"]["town"],
        start_date=D(2025, 1, 1),
        max_ages={"village": 38},
    )
    cohort = services.cohort_create(programme=programme, name="第一期", start_date=D(2025, 1, 1))
    on = D(2025, 6, 1)
    cadre = f.CadreFactory(
        birth_date=f.birth_for_age(38, on), category="village", unit=world["units"]["village"]
    )

    enrolment = services.enrolment_create(
        cohort=cohort, cadre=cadre, joined_on=on, actor=world["users"]["staff"]
    )

    assert (enrolment.age_at_enrolment, enrolment.exception_reason) == (38, "")


def test_a_category_without_a_rule_has_no_age_limit(enrol, world):
    world["programme"].eligibility.filter(category="institution").delete()

    enrolment = enrol(D(1970, 1, 1), D(2026, 3, 1), category="institution")

    assert (enrolment.age_at_enrolment, enrolment.exception_reason) == (56, "")


def test_eligibility_check_answers_without_writing(world):
    cadre = f.CadreFactory(name="刘强", birth_date=D(1985, 3, 1), unit=world["units"]["office"])
    programme = world["programme"]

    assert services.eligibility_check(cadre=cadre, programme=programme, on=D(2026, 2, 28)) is None
    assert (
        services.eligibility_check(cadre=cadre, programme=programme, on=D(2026, 3, 1))
        == "刘强入选时41周岁，超过“行政”类干部的年龄上限40周岁。"
    )
    assert not cadre.enrolments.exists()
