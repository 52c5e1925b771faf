"""Overdue required talks (谈心谈话) for the daily job (`core.reminders`).

- `talk_reminders` (a notification source): for every level with a required rhythm
  (`settings.QINGMIAO_TALK_CADENCES`) whose standing is overdue for some serving cadres, each
  active staff user (组织部门工作人员) whose unit's subtree holds such cadres gets ONE digest
  per level and lapsed period ("12名干部的村（社区）谈心谈话已逾期"), linking to the overdue
  talks page filtered to that level. Key `mentoring.talks.overdue:<level>:<period start>`:
  the job re-run the same day, or any day until the next period lapses, sends nothing new.
  Nobody else is told: the cadres' own reminders are the staff's to give.
- `talk_overdue_events` (an event source): `mentoring.talk.overdue` for each serving cadre and
  level whose standing is overdue, for the lapsed period the standing is about only (source
  `mentoring.events_talks.overdue_source`), through `scoring.services.events_record_new`.

Both load everything in a bounded number of queries whatever the number of cadres: the serving
cadres with their units, the days they were talked with (`talk_compliance`), and (for the
digests) the staff users with their units; the rest is computed in Python.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cadres.choices import CadreStatus
from cadres.models import Cadre, Unit
from core.models import Notification, User
from core.notifications import NotificationRow
from core.reminders import run_cached
from core.roles import GROUP_NAMES, Role
from mentoring.events_talks import OVERDUE, overdue_source
from mentoring.selectors.talks import LevelStatus, talk_compliance


def _overdue(today: datetime.date) -> list[tuple[Cadre, LevelStatus]]:
    """(cadre, status) for each serving cadre and level whose standing today is overdue
    (computed once per run of the daily job)."""

    def compute():
        cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE).order_by("pk")
        return [
            (entry.cadre, status)
            for entry in talk_compliance(cadres, today=today)
            for status in entry.overdue
        ]

    return run_cached(("mentoring.talks.overdue", today), compute)


def digest_key(level: str, period_start: datetime.date) -> str:
    return f"mentoring.talks.overdue:{level}:{period_start.isoformat()}"


def _staff_by_path() -> dict[str, list[int]]:
    """Active staff users attached to a unit, by that unit's path (one query)."""
    staff: dict[str, list[int]] = defaultdict(list)
    for user_id, path in (
        User.objects.filter(
            is_active=True, groups__name=GROUP_NAMES[Role.STAFF], unit__isnull=False
        )
        .values_list("pk", "unit__path")
        .distinct()
    ):
        staff[path].append(user_id)
    return staff


def talk_reminders(today: datetime.date) -> Iterator[NotificationRow]:
    """One digest per staff user, level and lapsed period (see the module docstring)."""
    overdue = list(_overdue(today))
    if not overdue:
        return
    staff = _staff_by_path()
    counts: Counter[tuple[int, str, datetime.date]] = Counter()
    labels: dict[str, str] = {}
    for cadre, status in overdue:
        labels[status.level] = status.label
        for path in Unit.lineage_paths(cadre.unit.path):
            for user_id in staff.get(path, ()):
                counts[user_id, status.level, status.period_start] += 1
    page = reverse("overdue_talks")
    for (user_id, level, start), count in sorted(counts.items()):
        yield NotificationRow(
            user_id=user_id,
            key=digest_key(level, start),
            title=_("%(count)s名干部的%(level)s谈心谈话已逾期")
            % {"count": count, "level": labels[level]},
            body=_(
                "%(start)s起的周期内未开展%(level)s谈心谈话、且此后也未谈话的在职干部共%(count)s名，请督促落实。"
            )
            % {"start": f"{start:%Y-%m-%d}", "level": labels[level], "count": count},
            url=f"{page}?{urlencode({'level': level})}",
            level=Notification.Level.WARNING,
        )


def talk_overdue_events(today: datetime.date) -> int:
    """Report `mentoring.talk.overdue` once per serving cadre, level and lapsed period."""
    from scoring.services import events_record_new

    items = [
        (cadre.pk, status.deadline + datetime.timedelta(days=1),
         overdue_source(cadre.pk, status.level, status.period_start))
        for cadre, status in _overdue(today)
    ]  # fmt: skip
    return events_record_new(kind=OVERDUE, items=items)
