"""Demo data for talks (谈心谈话): a year of talks at every level with a cadence, with about
one cadre in seven letting a level lapse (so the overdue list and `mentoring.talk.overdue`
have something to show), and mentor talks with the demo mentor's mentees.

The history is bulk-written as records carried over from paper (no points); each cadre's
latest org-department talk and every mentor talk go through `talk_record`, so points follow
wherever a rule exists for `mentoring.talk.recorded`."""

import datetime
import random

from cadres.models import Cadre
from core.cadence import PeriodStatus, schedule
from mentoring.choices import TalkLevel
from mentoring.models import Talk
from mentoring.selectors import mentee_ids_of_user
from mentoring.selectors.talks import talk_cadences
from mentoring.services.talks import talk_record

TOPICS = {
    TalkLevel.ORG: ["思想动态和成长规划", "年度工作表现反馈", "岗位调整意向沟通"],
    TalkLevel.TOWN: ["季度工作完成情况", "重点任务推进中的困难", "作风纪律提醒"],
    TalkLevel.VILLAGE: ["本周驻村工作安排", "群众诉求办理情况", "村级事务协调"],
    TalkLevel.MENTOR: ["调研报告写作指导", "群众工作方法交流", "近期学习心得"],
}
CONCERNS = ["", "", "工作任务较重，时间紧", "家庭照顾有困难", "对岗位前景有顾虑"]
ACTIONS = ["", "下月再次跟进", "安排业务培训", "协调分管领导帮助解决"]
NOTES = ["", "", "家庭经济困难，建议关注", "与同事关系紧张，需化解"]


def seed_talks(*, cadres: list[Cadre], users: dict, rng: random.Random, today: datetime.date):
    staff = users["orgstaff"]
    cadres = list(Cadre.objects.filter(pk__in=[c.pk for c in cadres]).select_related("unit"))
    lapsing = {c.pk for c in cadres if rng.random() < 0.15}
    rows, latest = [], []
    for cadence in talk_cadences():
        rule = cadence.rule(today)
        periods = schedule(rule, today=today, upcoming=0)
        closed = [p for p in periods if p.status == PeriodStatus.OVERDUE]
        for cadre in cadres:
            if not cadence.applies_to(cadre):
                continue
            for index, period in enumerate(periods):
                skip = cadre.pk in lapsing and (not closed or period.index >= closed[-1].index)
                if skip or rng.random() < 0.05:
                    continue
                last_day = min(period.end, today)
                day = period.start + datetime.timedelta(
                    days=rng.randint(0, (last_day - period.start).days)
                )
                talk = Talk(
                    cadre=cadre, level=cadence.level, talked_on=day, talker=staff,
                    topics=rng.choice(TOPICS[cadence.level]), concerns=rng.choice(CONCERNS),
                    actions=rng.choice(ACTIONS), confidential_note=rng.choice(NOTES),
                )  # fmt: skip
                if cadence.level == TalkLevel.ORG and index == len(periods) - 1:
                    latest.append(talk)
                else:
                    rows.append(talk)
    Talk.objects.bulk_create(rows, batch_size=2000)
    for talk in latest:
        _record(talk, actor=staff, today=today)
    mentor = users.get("mentor")
    if mentor is not None:
        for cadre in Cadre.objects.filter(pk__in=mentee_ids_of_user(mentor)):
            for _ in range(rng.randint(1, 3)):
                day = today - datetime.timedelta(days=rng.randint(0, 120))
                talk = Talk(
                    cadre=cadre, level=TalkLevel.MENTOR, talked_on=day,
                    topics=rng.choice(TOPICS[TalkLevel.MENTOR]), concerns=rng.choice(CONCERNS),
                    actions=rng.choice(ACTIONS), confidential_note=rng.choice(NOTES),
                )  # fmt: skip
                _record(talk, actor=mentor, today=today)
    return Talk.objects.count()


def _record(talk: Talk, *, actor, today: datetime.date) -> Talk:
    return talk_record(
        cadre=talk.cadre, level=talk.level, talked_on=talk.talked_on, topics=talk.topics,
        concerns=talk.concerns, actions=talk.actions, confidential_note=talk.confidential_note,
        actor=actor, today=today,
    )  # fmt: skip
