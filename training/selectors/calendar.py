"""The training calendar: dated entries from every kind of training event the user may see.

Each source is a function `(user, start, end) -> list[CalendarEntry]` costing a fixed number
of queries; adding a kind of event is one more `_source(...)` in `SOURCES`."""

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


Source = Callable[[object, datetime.date, datetime.date], list[CalendarEntry]]


def _source(
    name: str,
    *,
    visible: Callable,
    when: str,
    kind: Callable[[object], str],
    detail: str,
    permission: str = "",
    until: str = "",
    extra: tuple[str, ...] = (),
    all_day: bool = False,
    doc: str = "",
) -> Source:
    """A calendar source named `<name>_entries`: the rows of `visible(user)` whose `when`
    (an aware datetime; a date for `all_day` entries) falls in the range, as entries linking
    to the `detail` page. `until` is the end time field, `kind(row)` the label and `extra`
    further fields `kind` reads. Without `permission` (when given) there is nothing."""

    def entries(user, start: datetime.date, end: datetime.date) -> list[CalendarEntry]:
        if permission and not user.has_perm(permission):
            return []
        if all_day:
            in_range = {f"{when}__range": (start, end)}
        else:
            lower, upper = bounds(start, end)
            in_range = {f"{when}__gte": lower, f"{when}__lt": upper}
        names = ["pk", "title", "place", when, *([until] if until else []), *extra]
        rows = visible(user).filter(**in_range).only(*names).order_by(when, "id")
        tz = timezone.get_current_timezone()
        return [
            CalendarEntry(
                starts_at=(
                    datetime.datetime.combine(getattr(row, when), datetime.time.min, tzinfo=tz)
                    if all_day
                    else getattr(row, when)
                ),
                ends_at=getattr(row, until) if until else None,
                title=row.title,
                kind=kind(row),
                url=reverse(detail, args=[row.pk]),
                place=row.place,
                uid=f"{name}-{row.pk}",
                all_day=all_day,
            )
            for row in rows
        ]

    entries.__name__ = entries.__qualname__ = f"{name}_entries"
    entries.__doc__ = doc
    return entries


activity_entries = _source(
    "activity",
    visible=activities_visible_to,
    when="starts_at",
    until="ends_at",
    extra=("type",),
    kind=lambda a: str(a.get_type_display()),
    detail="activity_detail",
    permission="training.view_activity",
    doc="菁学课堂 classes and study trips the user may see, starting in [start, end].",
)
forum_entries = _source(
    "forum",
    visible=forums_visible_to,
    when="starts_at",
    until="ends_at",
    kind=lambda f: _("菁才论坛"),
    detail="forum_detail",
    permission="training.view_forum",
    doc="菁才论坛 forums the user may see (organised in scope, or a cadre in scope takes part).",
)
defense_entries = _source(
    "defense",
    visible=defenses_visible_to,
    when="held_at",
    kind=lambda d: _("课题答辩"),
    detail="defense_detail",
    doc="Research defenses (课题答辩会) for staff and leaders in scope and for their judges.",
)
collective_entries = _source(
    "collective",
    visible=collectives_visible_to,
    when="held_on",
    extra=("kind",),
    kind=lambda c: str(c.get_kind_display()),
    detail="collective_detail",
    all_day=True,
    permission="training.view_collectiveactivity",
    doc="Collective activities (集体活动) the user may see, on their day (no time of day).",
)
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
