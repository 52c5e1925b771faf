"""Pairings past their end date: the daily upkeep (and the data migration) ends them with the
reason 到期结束, so they no longer hold a place in their mentor's capacity nor give the mentor
sight of the cadre; creating a pairing first ends the mentor's expired ones."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cadres.selectors import cadres_visible_to
from core.reminders import reminders_run
from mentoring.choices import PairingStatus
from mentoring.models import Pairing
from mentoring.services import pairings as services
from tests import factories as f

UPKEEP = "mentoring.services.pairings.pairings_end_expired"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def pairings(world):
    mentor = f.MentorFactory(user=f.UserFactory(username="m3", roles=["mentor"]), capacity=2)
    c = world["cadres"]
    past = f.PairingFactory(mentor=mentor, cadre=c["bystander"], end_date=YESTERDAY)
    today = f.PairingFactory(mentor=mentor, cadre=c["self"], end_date=TODAY)
    return {"mentor": mentor, "past": past, "today": today}


def test_upkeep_ends_pairings_past_their_end_date_once(world, pairings):
    assert reminders_run(TODAY, sources=[], event_sources=[UPKEEP])[UPKEEP] == 1
    past, ends_today = pairings["past"], pairings["today"]
    past.refresh_from_db()
    ends_today.refresh_from_db()
    assert (past.status, past.end_reason, past.end_date) == (
        PairingStatus.ENDED, "到期结束", YESTERDAY,
    )  # fmt: skip
    assert ends_today.status == PairingStatus.ACTIVE  # its last day is today
    latest = past.history.order_by("-history_date", "-history_id").first()
    assert latest.status == PairingStatus.ENDED and latest.history_user is None
    assert past.history.count() == 2
    assert services.pairings_end_expired(TODAY) == 0  # run twice: nothing more
    assert past.history.count() == 2
    assert services.pairings_end_expired(TODAY + datetime.timedelta(days=1)) == 1


def test_an_expired_pairing_frees_the_place_and_the_sight(world, pairings):
    mentor, user = pairings["mentor"], pairings["mentor"].user
    assert set(cadres_visible_to(user).values_list("name", flat=True)) == {"张伟"}
    # Full by status (2 of 2 active) but one is past its end: pairing a third cadre works.
    created = services.pairing_create(
        actor=world["users"]["staff"], mentor=mentor, cadre=world["cadres"]["mentee"]
    )
    assert created.status == PairingStatus.ACTIVE
    assert Pairing.objects.get(pk=pairings["past"].pk).status == PairingStatus.ENDED
    # And the same cadre can be paired again with that mentor.
    pairings["today"].delete()
    again = services.pairing_create(
        actor=world["users"]["staff"], mentor=mentor, cadre=world["cadres"]["bystander"]
    )
    assert again.status == PairingStatus.ACTIVE


def test_data_migration_ends_the_expired_ones(world, pairings):
    migration = importlib.import_module("mentoring.migrations.0007_pairings_end_expired")
    migration.end_expired(apps, None)
    statuses = dict(Pairing.objects.values_list("pk", "status"))
    assert statuses[pairings["past"].pk] == PairingStatus.ENDED
    assert statuses[pairings["today"].pk] == PairingStatus.ACTIVE
    assert Pairing.objects.get(pk=pairings["past"].pk).end_reason == "到期结束"


def test_upkeep_has_a_constant_query_count(world, django_assert_max_num_queries):
    for n in (3, 15):
        for _ in range(n):
            f.PairingFactory(cadre=world["cadres"]["bystander"], end_date=YESTERDAY)
        with django_assert_max_num_queries(6):
            assert services.pairings_end_expired(TODAY) == n
