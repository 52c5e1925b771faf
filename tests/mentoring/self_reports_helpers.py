"""Shared data of the self-report (思想汇报, 月小结) tests: cadres dated as entered on a given
day, reports written directly (for cadres without an account), and the per-role world with a
second mentor (of the bystander) and a second cadre account (the bystander's)."""

import datetime

from django.utils import timezone

from mentoring.models import SelfReport, SelfReportStatus
from tests import factories as f

ROLES = ["admin", "staff", "leader", "mentor", "mentor2", "evaluator", "cadre", "cadre2"]


def expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def entered(cadre, day: datetime.date):
    """Date the cadre's entry (the cadence counts from it) on `day`."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    type(cadre).objects.filter(pk=cadre.pk).update(created_at=moment)
    cadre.refresh_from_db()
    return cadre


def report(cadre, kind="monthly", start=None, status=SelfReportStatus.SUBMITTED, **kw):
    start = start or timezone.localdate().replace(day=1)
    if kind == "thought":
        start = start.replace(month=1, day=1)
    return SelfReport.objects.create(
        cadre=cadre, kind=kind, period_start=start, title=kw.pop("title", "本月工作小结"),
        content=kw.pop("content", "学习与工作情况"), status=status,
        submitted_at=timezone.now(), **kw,
    )  # fmt: skip


def self_report_world(world):
    users, c = world["users"], world["cadres"]
    mentor2 = f.UserFactory(username="mentor2", roles=["mentor"])
    f.PairingFactory(mentor=f.MentorFactory(user=mentor2, unit=world["units"]["town"]),
                     cadre=c["bystander"])  # fmt: skip
    cadre2 = f.UserFactory(username="cadre2", roles=["cadre"])
    c["bystander"].user = cadre2
    c["bystander"].save(update_fields=["user"])
    users["mentor2"], users["cadre2"] = mentor2, cadre2
    return {
        "mentee": report(c["mentee"]),
        "own": report(c["self"]),
        "outsider": report(c["outsider"]),
    }
