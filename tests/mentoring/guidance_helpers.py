import datetime

from django.utils import timezone

from mentoring.models import Pairing
from mentoring.services import guidance as services
from tests import factories as f

ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]


def expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def log_for(pairing, *, days_ago=1, tasks=(), **fields):
    values = {
        "date": timezone.localdate() - datetime.timedelta(days=days_ago),
        "method": "exchange",
        "focus": ["skills", "methods"],
        "content": "交流工作思路",
        **fields,
    }
    return services.guidance_log_create(
        pairing=pairing, actor=pairing.mentor.user, tasks=list(tasks), **values
    )


def make_guidance(world):
    """The world's mentor logs for their mentee; a second mentor (another user) mentors the
    cadre with an account ("self") and the mentee too; a third mentors the outsider."""
    own_pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    other_user = f.UserFactory(username="mentor2", roles=["mentor"])
    other_mentor = f.MentorFactory(user=other_user, unit=world["units"]["town"])
    self_pairing = f.PairingFactory(mentor=other_mentor, cadre=world["cadres"]["self"])
    shared = f.PairingFactory(mentor=other_mentor, cadre=world["cadres"]["mentee"])
    far_user = f.UserFactory(username="mentor3", roles=["mentor"])
    far_pairing = f.PairingFactory(
        mentor=f.MentorFactory(user=far_user, unit=world["units"]["other_town"]),
        cadre=world["cadres"]["outsider"],
    )
    return {
        "own_pairing": own_pairing,
        "self_pairing": self_pairing,
        "own": log_for(own_pairing, tasks=[{"text": "写一篇调研报告", "due_on": None}]),
        "self": log_for(self_pairing),
        "shared": log_for(shared),
        "far": log_for(far_pairing),
        "other_user": other_user,
    }
