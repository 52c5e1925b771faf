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


def standings(
    *,
    user,
    start: datetime.date,
    end: datetime.date,
    previous: tuple[datetime.date, datetime.date] | None = None,
    cohort_id: int | None = None,
) -> QuerySet[Cadre]:
    """Each serving cadre in the user's scope (or in one cohort of it) with their total for
    the period, the previous period's total, rank overall and within their unit (ties share
    a rank), and percentile — one SQL statement (aggregate + window functions).

    The population is what `user` may see, so staff and leaders rank their own subtree.
    """
    from django.db.models import F, Q, Value, Window
    from django.db.models.functions import Coalesce, PercentRank, Rank

    from cadres.choices import CadreStatus, EnrolmentStatus

    zero = Value(Decimal("0"))
    in_period = Q(point_entries__occurred_on__range=(start, end))
    cadres = cadres_visible_to(user).filter(status=CadreStatus.ACTIVE)
    if cohort_id is not None:
        cadres = cadres.filter(
            enrolments__cohort_id=cohort_id, enrolments__status=EnrolmentStatus.ACTIVE
        )
    annotations = {"total": Coalesce(Sum("point_entries__points", filter=in_period), zero)}
    if previous is not None:
        before = Q(point_entries__occurred_on__range=previous)
        annotations["previous_total"] = Coalesce(Sum("point_entries__points", filter=before), zero)
    ranked = cadres.annotate(**annotations).annotate(
        overall_rank=Window(Rank(), order_by=F("total").desc()),
        unit_rank=Window(Rank(), partition_by=[F("unit_id")], order_by=F("total").desc()),
        percentile=Window(PercentRank(), order_by=F("total").asc()),
    )
    return ranked.select_related("unit").order_by("overall_rank", "name_pinyin", "id")
