"""Ages in full years (周岁) and age bands, as eligibility rules and list filters count them."""

import datetime

import pytest

from cadres.ages import age_band, age_on, birth_date_range_for_band, years_between
from cadres.choices import AgeBand

D = datetime.date


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(1985, 3, 1), D(2026, 3, 1), 41),  # the birthday itself counts
        (D(1985, 3, 1), D(2026, 2, 28), 40),  # the day before
        (D(1985, 3, 2), D(2026, 3, 1), 40),  # 40 years and 364 days
        (D(1985, 12, 31), D(2026, 1, 1), 40),
        (D(1985, 1, 1), D(2025, 12, 31), 40),
        (D(2000, 6, 15), D(2000, 6, 15), 0),
    ],
)
def test_age_on_counts_full_years(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (D(2025, 2, 28), 40),  # common year: not yet
        (D(2025, 3, 1), 41),  # common year: reached on 1 March
        (D(2024, 2, 28), 39),
        (D(2024, 2, 29), 40),  # leap year: on the day itself
    ],
)
def test_a_29_february_birthday(on, age):
    assert age_on(D(1984, 2, 29), on) == age


def test_years_of_service_count_the_same_way():
    assert years_between(D(2015, 7, 1), D(2025, 6, 30)) == 9
    assert years_between(D(2015, 7, 1), D(2025, 7, 1)) == 10


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (18, AgeBand.UNDER_30),
        (30, AgeBand.UNDER_30),
        (31, AgeBand.FROM_31_TO_35),
        (35, AgeBand.FROM_31_TO_35),
        (36, AgeBand.FROM_36_TO_40),
        (40, AgeBand.FROM_36_TO_40),
        (41, AgeBand.OVER_40),
        (60, AgeBand.OVER_40),
    ],
)
def test_age_band_boundaries(age, band):
    assert age_band(age) == band


def test_birth_date_range_of_the_31_to_35_band():
    assert birth_date_range_for_band("31_35", D(2026, 3, 1)) == (D(1990, 3, 1), D(1995, 3, 1))


def test_open_ended_bands_have_one_bound():
    assert birth_date_range_for_band("le30", D(2026, 3, 1)) == (D(1995, 3, 1), None)
    assert birth_date_range_for_band("gt40", D(2026, 3, 1)) == (None, D(1985, 3, 1))


@pytest.mark.parametrize(
    "today",
    [D(2026, 3, 1), D(2028, 2, 29), D(2027, 2, 28), D(2027, 3, 1), D(2025, 12, 31)],
)
@pytest.mark.parametrize("band", list(AgeBand))
def test_birth_date_range_selects_exactly_the_people_in_the_band(band, today):
    """Every birth date from 45 to 25 years ago falls in the band's range exactly when
    the person's age today is in the band (29 February birthdays and todays included)."""
    born_after, born_by = birth_date_range_for_band(band, today)
    birth = D(today.year - 45, 1, 1)
    matched = 0
    while birth <= D(today.year - 25, 12, 31):
        in_range = (born_after is None or birth > born_after) and (
            born_by is None or birth <= born_by
        )
        assert in_range == (age_band(age_on(birth, today)) == band), birth
        matched += in_range
        birth += datetime.timedelta(days=1)
    assert matched > 0
