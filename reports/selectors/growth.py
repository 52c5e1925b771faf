"""The growth record (成长档案) of one cadre, composed from the apps' timeline items
(`core.growth`) and the points app's profile and trend; the page, the API, the PDF and the
batch export all read it from here. Nothing is copied: every read asks the apps."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from cadres.models import Cadre
from core.growth import GrowthItem, GrowthKind, growth_items


@dataclass
class Section:
    kind: str
    items: list[GrowthItem]

    @property
    def label(self) -> str:
        return str(GrowthKind(self.kind).label)


@dataclass
class GrowthRecord:
    cadre: Cadre
    year: int | None  # None: every year
    kinds: list[str]  # the kinds asked for (all by default)
    sections: list[Section] = field(default_factory=list)
    trend: list[tuple[str, object]] = field(default_factory=list)  # (quarter label, points)
    profile: object | None = None  # scoring's six-dimension profile (axes), if any
    generated_at: datetime.datetime | None = None

    @property
    def items(self) -> list[GrowthItem]:
        return [item for section in self.sections for item in section.items]


def growth_record(
    *, viewer, cadre: Cadre, year: int | None = None, kinds: list[str] | None = None
) -> GrowthRecord:
    """The record of `cadre` as `viewer` may read it (the caller has checked that the cadre is
    in `cadres_visible_to(viewer)`), for one year or all, for the kinds asked (all by default),
    sections in the order of `GrowthKind`, items newest first."""
    from scoring.selectors.points_page import latest_profile, quarterly_totals

    kinds = [k for k in GrowthKind.values if not kinds or k in kinds]
    start = datetime.date(year, 1, 1) if year else None
    end = datetime.date(year, 12, 31) if year else None
    by_kind: dict[str, list[GrowthItem]] = {k: [] for k in kinds}
    for item in growth_items(cadres=[cadre.pk], start=start, end=end, viewer=viewer):
        if item.kind in by_kind:
            by_kind[item.kind].append(item)
    today = timezone.localdate()
    return GrowthRecord(
        cadre=cadre,
        year=year,
        kinds=kinds,
        sections=[Section(k, by_kind[k]) for k in kinds],
        trend=list(quarterly_totals(viewer, cadre, today=today)),
        profile=latest_profile(viewer, cadre),
        generated_at=timezone.now(),
    )
