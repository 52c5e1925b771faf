"""Ages in full years (周岁), the way eligibility rules count them."""

import datetime

from cadres.choices import AgeBand


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """Full years on `on`: the birthday itself counts (born 1985-03-01 → 41 on 2026-03-01).

    A 29 February birthday is reached on 1 March in common years.
    """
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


years_between = age_on


def age_band(age: int) -> str:
    if age <= 30:
        return AgeBand.UNDER_30
    if age <= 35:
        return AgeBand.FROM_31_TO_35
    if age <= 40:
        return AgeBand.FROM_36_TO_40
    return AgeBand.OVER_40


def birth_date_range_for_band(
    band: str, today: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """(born after, born on or before) such that the age today falls in `band`.

    Used to turn an age-band filter into an indexable birth-date range.
    """
    bounds = {
        AgeBand.UNDER_30: (None, 30),
        AgeBand.FROM_31_TO_35: (31, 35),
        AgeBand.FROM_36_TO_40: (36, 40),
        AgeBand.OVER_40: (41, None),
    }[AgeBand(band)]
    low_age, high_age = bounds
    # age >= low  ⇔ born on or before today minus `low` years
    latest = years_before(today, low_age) if low_age is not None else None
    # age <= high ⇔ born after today minus (high + 1) years
    earliest_exclusive = years_before(today, high_age + 1) if high_age is not None else None
    return earliest_exclusive, latest


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)
