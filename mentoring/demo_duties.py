"""Demo mentor duties "四个一" (导师履职) for the demo's current pairings: a year of records,
about one pairing in five letting its duties lapse (so "我的履职", the pairing pages and
`mentoring.duty.overdue` have something to show) and a few duties skipped here and there.

Older history is bulk-written as records carried over from paper (no points); the last 90
days' records are scored like any other (`mentoring.duty.done`), and the demo mentor account's
latest records go through `duty_record`."""

import datetime
import random

from core.cadence import PeriodStatus, schedule
from mentoring import events_duties as events
from mentoring.models import DutyRecord
from mentoring.selectors import current_pairings
from mentoring.selectors.duties import duty_kinds, duty_rule
from mentoring.services.duties import duty_record
from scoring.services import event_record

TITLES = {
    "article": ["指导撰写村级工作简报", "修改乡村振兴工作信息", "指导撰写防汛工作信息"],
    "research": ["赴村开展人居环境整治调研", "走访种植大户了解产业发展", "调研网格化治理情况"],
    "special_guidance": ["公文写作专题辅导", "群众工作方法专题辅导", "基层党建实务专题辅导"],
    "seminar": ["年度成长座谈会", "青年干部交流座谈", "导师与干部年度座谈"],
}
SCORED_DAYS = 90


def _plan(rng: random.Random, pairing, today: datetime.date, lapsing: bool):
    since = today - datetime.timedelta(days=365)
    for kind in duty_kinds():
        rule = duty_rule(pairing, kind)
        periods = schedule(rule, today=today, upcoming=0)
        lapsed = [p for p in periods if p.status == PeriodStatus.OVERDUE]
        for period in periods:
            first = max(period.start, pairing.start_date)
            last = min(period.end, today, pairing.end_date or today)
            if last < since or first > last:
                continue
            if lapsing and lapsed and period.index >= lapsed[-1].index:
                continue
            if rng.random() < 0.08:
                continue
            day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
            yield kind, day


def seed_duties(*, cadres, users, rng: random.Random, today: datetime.date) -> int:
    """Create duty records for the current pairings of `cadres`; returns how many."""
    pairings = current_pairings(on=today).filter(cadre__in=[c.pk for c in cadres])
    pairings = list(pairings.select_related("mentor", "mentor__user", "cadre").order_by("pk"))
    rows, latest = [], []
    for pairing in pairings:
        lapsing = rng.random() < 0.2
        planned = sorted(_plan(rng, pairing, today, lapsing), key=lambda p: p[1])
        newest = dict(planned)  # kind → its latest day
        for kind, day in planned:
            title = rng.choice(TITLES[kind])
            if pairing.mentor.user_id is not None and newest[kind] == day:
                latest.append((pairing, kind, day, title))
                continue
            record = DutyRecord(
                pairing=pairing, cadre=pairing.cadre, kind=kind, done_on=day,
                title=title, summary="", created_by_id=pairing.mentor.user_id,
            )  # fmt: skip
            rows.append(record)
    DutyRecord.objects.bulk_create(rows, batch_size=2000)
    recent = today - datetime.timedelta(days=SCORED_DAYS)
    for record in rows:
        if record.done_on >= recent:
            event_record(
                kind=events.DONE,
                cadre=record.cadre,
                occurred_on=record.done_on,
                source=events.done_source(record),
            )
    for pairing, kind, day, title in latest:
        duty_record(
            pairing=pairing, kind=kind, done_on=day, title=title, actor=pairing.mentor.user,
            today=today,
        )  # fmt: skip
    return len(rows) + len(latest)
