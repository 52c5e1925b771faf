"""The training calendar: dated entries from every kind of training event the user may see.

Each source is a function `(user, start, end) -> list[CalendarEntry]` costing a fixed number
of queries; adding a kind of event (forums, defenses, collective activities) is one more
function in `SOURCES`."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from training.selectors.activities import activities_visible_to
from training.selectors.collective import collectives_visible_to
from training.selectors.forums import forums_visible_to
from training.selectors.research import defenses_visible_to


@dataclass(frozen=True)
class CalendarEntry:
    starts_at: datetime.datetime  # aware
    ends_at: datetime.datetime | None
    title: str
    kind: str  # label shown beside the title, e.g. 理论政策 / 菁才论坛
    url: str
    place: str = ""
    uid: str = ""  # stable id for iCalendar, e.g. "activity-12"
    all_day: bool = False

    @property
    def date(self) -> datetime.date:
        return timezone.localdate(self.starts_at)

    @property
    def time(self) -> datetime.time:
        return timezone.localtime(self.starts_at).time()


def bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware local datetimes from the start of `start` to the end of `end` (exclusive)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def activity_entries(user, start: datetime.date, end: datetime.date) -> list[CalendarEntry]:
    """菁学课堂 classes and study trips the user may see, starting in [start, end]."""
    if not user.has_perm("training.view_activity"):
        return []
    lower, upper = bounds(start, end)
    rows = (
        activities_visible_to(user)
        .filter(starts_at__gte=lower, starts_at__lt=upper)
        .only("pk", "title", "type", "starts_at", "ends_at", "place")
        .order_by("starts_at", "id")
    )
    return [
        CalendarEntry(
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            title=a.title,
            kind=str(a.get_type_display()),
            url=reverse("activity_detail", args=[a.pk]),
            place=a.place,
            uid=f"activity-{a.pk}",
        )
        for a in rows
    ]


def forum_entries(user, start: datetime.date, end: datetime.date) -> list[CalendarEntry]:
    """菁才论坛 forums the user may see (organised in scope, or a cadre in scope takes part)."""
    if not user.has_perm("training.view_forum"):
        return []
    lower, upper = bounds(start, end)
    rows = (
        forums_visible_to(user)
        .filter(starts_at__gte=lower, starts_at__lt=upper)
        .only("pk", "title", "starts_at", "ends_at", "place")
        .order_by("starts_at", "id")
    )
    return [
        CalendarEntry(
            starts_at=f.starts_at,
            ends_at=f.ends_at,
            title=f.title,
            kind=_("菁才论坛"),
            url=reverse("forum_detail", args=[f.pk]),
            place=f.place,
            uid=f"forum-{f.pk}",
        )
        for f in rows
    ]


def defense_entries(user, start: datetime.date, end: datetime.date) -> list[CalendarEntry]:
    """Research defenses (课题答辩会) for staff and leaders in scope and for their judges."""
    lower, upper = bounds(start, end)
    rows = (
        defenses_visible_to(user)
        .filter(held_at__gte=lower, held_at__lt=upper)
        .only("pk", "title", "held_at", "place")
        .order_by("held_at", "id")
    )
    return [
        CalendarEntry(
            starts_at=d.held_at,
            ends_at=None,
            title=d.title,
            kind=_("课题答辩"),
            url=reverse("defense_detail", args=[d.pk]),
            place=d.place,
            uid=f"defense-{d.pk}",
        )
        for d in rows
    ]


def collective_entries(user, start: datetime.date, end: datetime.date) -> list[CalendarEntry]:
    """Collective activities (集体活动) the user may see, on their day (no time of day)."""
    if not user.has_perm("training.view_collectiveactivity"):
        return []
    tz = timezone.get_current_timezone()
    rows = (
        collectives_visible_to(user)
        .filter(held_on__range=(start, end))
        .only("pk", "title", "kind", "held_on", "place")
        .order_by("held_on", "id")
    )
    return [
        CalendarEntry(
            starts_at=datetime.datetime.combine(c.held_on, datetime.time.min, tzinfo=tz),
            ends_at=None,
            title=c.title,
            kind=str(c.get_kind_display()),
            url=reverse("collective_detail", args=[c.pk]),
            place=c.place,
            uid=f"collective-{c.pk}",
            all_day=True,
        )
        for c in rows
    ]


Source = Callable[[object, datetime.date, datetime.date], list[CalendarEntry]]
SOURCES: list[Source] = [
    activity_entries,
    forum_entries,
    defense_entries,
    collective_entries,
]


def calendar_entries(user, start: datetime.date, end: datetime.date) -> list[CalendarEntry]:
    """Entries of every source starting between `start` and `end` (inclusive dates), in time
    order. A fixed number of queries per source, whatever the number of entries."""
    entries = [entry for source in SOURCES for entry in source(user, start, end)]
    return sorted(entries, key=lambda e: (e.starts_at, e.title))


def month_grid(
    year: int, month: int, entries: list[CalendarEntry], today: datetime.date
) -> list[list[dict]]:
    """Weeks (Monday first) of days `{date, in_month, today, entries}` covering the month."""
    import calendar

    by_day: dict[datetime.date, list[CalendarEntry]] = {}
    for entry in entries:
        by_day.setdefault(entry.date, []).append(entry)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "today": day == today,
                "entries": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]


def weekday_labels() -> list[str]:
    return [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
