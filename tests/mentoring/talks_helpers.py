"""Shared data of the talk (谈心谈话) tests: talks by staff and by the mentor with a
confidential note, a second mentor, and a 约谈 task."""

import datetime
from decimal import Decimal

from django.utils import timezone

from mentoring.services import talks as services
from scoring.models import FollowUp, PointEntry, PointRule, ScoringPeriod
from tests import factories as f

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
SECRET = "家庭困难需关注"


def expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def rule(kind: str, points: str = "1") -> PointRule:
    return PointRule.objects.create(
        code=kind[-8:], name=kind, category="other", event_kind=kind,
        points=Decimal(points), valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip


def points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))


def follow_up_for(cadre, unit) -> FollowUp:
    period = ScoringPeriod.objects.create(
        name="2025年上半年", unit=unit, start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 6, 30),
    )  # fmt: skip
    return FollowUp.objects.create(
        period=period, cadre=cadre, reason="积分排名靠后", total=Decimal("3"), rank=9,
        due_on=datetime.date(2025, 8, 1),
    )  # fmt: skip


def talk(cadre, actor, *, level="org", days_ago=3, note="", **kw):
    return services.talk_record(
        cadre=cadre, level=level, actor=actor, topics=kw.pop("topics", "思想动态与工作困难"),
        talked_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        confidential_note=note, **kw,
    )  # fmt: skip


def talk_world(world):
    """The mentee talked with by staff (a note) and by the mentor (a note); a second mentor
    mentoring the bystander and co-mentoring the mentee; the cadre (self) talked with by staff."""
    users, c = world["users"], world["cadres"]
    other_mentor = f.UserFactory(username="mentor2", roles=["mentor"])
    profile = f.MentorFactory(user=other_mentor, unit=world["units"]["town"])
    f.PairingFactory(mentor=profile, cadre=c["bystander"])
    f.PairingFactory(mentor=profile, cadre=c["mentee"])
    return {
        "other_mentor": other_mentor,
        "staff_talk": talk(c["mentee"], users["staff"], note=SECRET),
        "mentor_talk": talk(c["mentee"], users["mentor"], level="mentor", note="导师保密记录"),
        "self_talk": talk(c["self"], users["staff"], level="town", note="本人不可见的记录"),
    }
