import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum

from cadres.models import Cadre
from cadres.selectors import cadres_visible_to
from scoring.models import PointEntry


def entries_visible_to(user) -> QuerySet[PointEntry]:
    """Ledger rows of the cadres `user` may see (a cadre: their own only)."""
    return PointEntry.objects.filter(cadre__in=cadres_visible_to(user))


def points_total(*, cadre: Cadre, start: datetime.date, end: datetime.date) -> Decimal:
    """A cadre's total for a period: by definition the sum of their entries in it."""
    total = PointEntry.objects.filter(cadre=cadre, occurred_on__range=(start, end)).aggregate(
        total=Sum("points")
    )["total"]
    return total or Decimal("0")
