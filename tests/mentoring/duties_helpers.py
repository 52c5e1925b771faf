"""Shared data of the mentor duty (导师履职) tests: the world's mentor also mentors the cadre with
an account ("self"); a second mentor mentors the bystander, who has an account too; a third
mentors the outsider in the other town."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mentoring.models import Pairing
from mentoring.services import duties as services
from scoring.models import PointEntry, PointRule
from tests import factories as f

ROLES = [
    "admin", "staff", "leader", "mentor", "other_mentor", "evaluator", "cadre", "other_cadre",
]  # fmt: skip
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def rule(kind: str, points: str = "1") -> PointRule:
    return PointRule.objects.create(
        code=kind[-12:], name=kind, category="other", event_kind=kind,
        points=Decimal(points), valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip


def points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))


def record(pairing, *, kind="article", days_ago=1, actor=None, **fields):
    values = {"title": "指导撰写工作信息一篇", "summary": "", **fields}
    return services.duty_record(
        pairing=pairing, kind=kind,
        done_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        actor=actor or pairing.mentor.user, **values,
    )  # fmt: skip


def duty_world(world):
    users, c, units = world["users"], world["cadres"], world["units"]
    mentor_profile = Pairing.objects.get(cadre=c["mentee"]).mentor
    own = f.PairingFactory(mentor=mentor_profile, cadre=c["self"])
    other_mentor = f.UserFactory(username="mentor2", roles=["mentor"])
    other = f.PairingFactory(
        mentor=f.MentorFactory(user=other_mentor, unit=units["town"]), cadre=c["bystander"]
    )
    other_cadre = f.UserFactory(username="cadre2", roles=["cadre"])
    c["bystander"].user = other_cadre
    c["bystander"].save(update_fields=["user"])
    far_user = f.UserFactory(username="mentor3", roles=["mentor"])
    far = f.PairingFactory(
        mentor=f.MentorFactory(user=far_user, unit=units["other_town"]), cadre=c["outsider"]
    )
    users["other_mentor"] = other_mentor
    users["other_cadre"] = other_cadre
    return {
        "own": own,
        "other": other,
        "far": far,
        "own_record": record(own, attachment=pdf()),
        "other_record": record(other),
        "far_record": record(far),
    }
