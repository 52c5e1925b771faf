"""The demo town's season of training, seeded through the training services."""

import datetime

import pytest
from django.utils import timezone

from cadres.demo import seed_demo
from cadres.models import Cadre
from scoring.models import PointEntry
from training.models import Activity, Feedback, Participant

TODAY = datetime.date(2025, 5, 14)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def demo(db):
    return seed_demo(cadres=60, seed=3, today=TODAY)


def test_a_season_of_classes_with_attendance_and_points(demo):
    past = Activity.objects.filter(starts_at__date__lte=TODAY)
    coming = Activity.objects.filter(starts_at__date__gt=TODAY)
    assert past.count() == 12
    assert coming.exclude(title="青年干部晨读会").count() == 3
    assert not Participant.objects.filter(activity__in=past, attendance="").exists()
    assert not Participant.objects.filter(activity__in=coming).exclude(attendance="").exists()
    assert past.filter(type="study_trip").exists()
    # Marked through the service: each mark earned its points under the demo rules.
    present = Participant.objects.filter(activity__in=past, attendance="present").count()
    scored = PointEntry.objects.filter(
        event_kind="training.attendance.present", source__startswith="training.participant:"
    ).values("source")
    assert 0 < scored.count() <= present
    assert Feedback.objects.exists()


def test_the_demo_cadre_can_try_qr_sign_in_at_once(demo):
    featured = Cadre.objects.get(user__username="cadre")
    soon = Activity.objects.get(title="青年干部晨读会")
    assert soon.participants.filter(cadre=featured).exists()
    assert timezone.now() < soon.starts_at <= timezone.now() + datetime.timedelta(minutes=21)
    invited = Activity.objects.filter(participants__cadre=featured)
    assert invited.count() == Activity.objects.count()
