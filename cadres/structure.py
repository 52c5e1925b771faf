"""Structure targets (干部结构目标) of domain.md: of the middle-level cadres (中层干部), at
least 20 % aged 35 or under, and of those at least 1/3 aged 30 or under.

Who is middle-level: a serving cadre who is not a village/community cadre and whose position
(职务) contains one of `settings.QINGMIAO_MIDDLE_LEVEL_POSITION_WORDS` (the product has no
middle-level flag; the position is what rosters reliably carry). Ages are full years on the
day (周岁, `cadres.ages`): "35 or under" is the age band boundary the cadre list uses.
The shares are compared as exact fractions, so 1 of 5 meets 20 % and 1 of 3 meets 1/3.
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, Q

from cadres.ages import birth_date_range_for_band, years_before
from cadres.choices import AgeBand, CadreCategory


def middle_level_q(prefix: str = "") -> Q:
    """Cadres that count as middle-level (see the module docstring)."""
    words = settings.QINGMIAO_MIDDLE_LEVEL_POSITION_WORDS
    if not words:
        return Q(pk__in=[])
    by_position = reduce(or_, (Q(**{f"{prefix}position__contains": w}) for w in words))
    return by_position & ~Q(**{f"{prefix}category": CadreCategory.VILLAGE})


def age_at_most_q(band: str, today: datetime.date, prefix: str = "") -> Q:
    """Cadres whose age today is at most the upper bound of `band` (le30: 30, 31_35: 35)."""
    born_after, _ = birth_date_range_for_band(band, today)
    return Q(**{f"{prefix}birth_date__gt": born_after})


def age_at_most_years_q(years: int, today: datetime.date, prefix: str = "") -> Q:
    """Cadres aged at most `years` full years on `today` (35岁以下 includes 35: 以下 counts the
    number itself)."""
    return Q(**{f"{prefix}birth_date__gt": years_before(today, years + 1)})


def target_under_35() -> Fraction:
    return Fraction(settings.QINGMIAO_STRUCTURE_UNDER_35_SHARE)


def target_under_30() -> Fraction:
    return Fraction(settings.QINGMIAO_STRUCTURE_UNDER_30_SHARE)


@dataclass(frozen=True)
class StructureShares:
    middle: int  # middle-level cadres
    under_35: int  # of them, aged 35 or under
    under_30: int  # of them, aged 30 or under

    @property
    def under_35_share(self) -> Fraction | None:
        """Share of the middle-level cadres aged 35 or under; None without middle-level cadres."""
        return Fraction(self.under_35, self.middle) if self.middle else None

    @property
    def under_30_share(self) -> Fraction | None:
        """Share of those aged 35 or under who are 30 or under; None when there are none."""
        return Fraction(self.under_30, self.under_35) if self.under_35 else None

    @property
    def under_35_met(self) -> bool | None:
        """The 20 % target: None (not applicable) without middle-level cadres."""
        share = self.under_35_share
        return None if share is None else share >= target_under_35()

    @property
    def under_30_met(self) -> bool | None:
        """The 1/3 target: None (not applicable) when no middle-level cadre is 35 or under."""
        share = self.under_30_share
        return None if share is None else share >= target_under_30()


def structure_shares(cadres, today: datetime.date) -> StructureShares:
    """The middle-level counts of `cadres` (a queryset of serving cadres), in one query."""
    middle = middle_level_q()
    figures = cadres.aggregate(
        middle=Count("pk", filter=middle),
        under_35=Count("pk", filter=middle & age_at_most_q(AgeBand.FROM_31_TO_35, today)),
        under_30=Count("pk", filter=middle & age_at_most_q(AgeBand.UNDER_30, today)),
    )
    return StructureShares(figures["middle"], figures["under_35"], figures["under_30"])
