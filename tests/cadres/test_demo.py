"""`seed_demo`: the demo town the README promises, the same every time for a seed."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from cadres.demo import DEMO_PASSWORD, seed_demo
from cadres.idcard import id_parse
from cadres.models import Cadre, Cohort, Programme, Unit
from cadres.selectors import cadres_visible_to
from core.models import User
from core.roles import roles_of
from scoring.choices import PeriodStatus, RoundStatus
from scoring.models import (
    Declaration,
    EvaluationAssignment,
    EvaluationRound,
    FollowUp,
    Objection,
    PeriodStanding,
    PointEntry,
    PointRule,
    ScoringPeriod,
)

TODAY = datetime.date(2025, 5, 14)  # a Wednesday in the second quarter


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo declarations' evidence files
    return tmp_path


def _snapshot():
    cadres = list(
        Cadre.objects.order_by("id_number").values_list(
            "name", "id_number", "unit__full_name", "category", "position"
        )
    )
    ledger = sorted(
        PointEntry.objects.values_list(
            "cadre__id_number", "occurred_on", "points", "kind", "event_kind", "reason"
        )
    )
    return cadres, ledger


def test_same_seed_same_town(db):
    with transaction.atomic():
        seed_demo(cadres=40, seed=3, today=TODAY)
        first = _snapshot()
        transaction.set_rollback(True)
    seed_demo(cadres=40, seed=3, today=TODAY)
    assert _snapshot() == first
    assert len(first[0]) == 40
    assert len(first[1]) > 40 * 3  # several entries a quarter for each cadre


def test_demo_world_matches_the_readme(db, client):
    summary = seed_demo(cadres=120, seed=7)
    assert summary.cadres == 120
    town = Unit.objects.get(depth=1)
    assert town.name == "金城镇"
    villages = Unit.objects.filter(kind__in=["village", "community"])
    assert villages.count() == 12
    assert Programme.objects.get().name == "磐石计划"
    assert Cohort.objects.count() == 1
    for cadre in Cadre.objects.all():
        facts = id_parse(cadre.id_number)
        assert (facts.birth_date, facts.gender) == (cadre.birth_date, cadre.gender)
        assert cadre.name_pinyin and cadre.name_initials
    expected_roles = {
        "admin": {"admin"}, "orgstaff": {"staff"}, "leader": {"leader"},
        "mentor": {"mentor"}, "evaluator": {"evaluator"}, "cadre": {"cadre"},
    }  # fmt: skip
    for username, roles in expected_roles.items():
        user = User.objects.get(username=username)
        assert roles_of(user) == roles
        assert client.login(username=username, password=DEMO_PASSWORD)
        client.logout()
    assert cadres_visible_to(User.objects.get(username="orgstaff")).count() == 120
    assert cadres_visible_to(User.objects.get(username="mentor")).count() == 10
    cadre_user = User.objects.get(username="cadre")
    assert list(cadres_visible_to(cadre_user)) == [cadre_user.cadre]


def test_the_command_refuses_to_seed_twice(db):
    call_command("seed_demo", cadres=5)
    with pytest.raises(CommandError, match="already present"):
        call_command("seed_demo", cadres=5)
    assert Cadre.objects.count() == 5


def test_demo_exports_reimport_unchanged(db):
    """The demo's units and mentors go through their own export → import round trip."""
    from cadres.unit_resources import UnitRosterResource, units_xlsx
    from core.importing import import_workbook
    from mentoring.models import Mentor
    from mentoring.resources import MentorRosterResource, mentors_xlsx

    seed_demo(cadres=30, seed=5)
    units = import_workbook(
        resource=UnitRosterResource(),
        content=units_xlsx(Unit.objects.order_by("path")),
        dry_run=True,
    )
    assert (units.new, units.updated, units.invalid, units.unchanged) == (
        0,
        0,
        0,
        Unit.objects.count(),
    )
    mentors = import_workbook(
        resource=MentorRosterResource(),
        content=mentors_xlsx(Mentor.objects.order_by("pk"), full_id=True),
        dry_run=True,
    )
    assert mentors.errors == []
    assert (mentors.new, mentors.updated, mentors.unchanged) == (0, 0, Mentor.objects.count())


def test_import_roster_command_takes_units_and_mentors(db, tmp_path):
    from io import StringIO

    from cadres.unit_resources import units_xlsx

    seed_demo(cadres=5, seed=2)
    path = tmp_path / "units.xlsx"
    path.write_bytes(units_xlsx(Unit.objects.order_by("path")))
    out = StringIO()
    call_command("import_roster", str(path), "--kind", "units", "--dry-run", stdout=out)
    assert f"new 0, updated 0, unchanged {Unit.objects.count()}, invalid 0" in out.getvalue()


def test_demo_points_show_every_stage_of_the_year(db):
    """Rules of the 学/赛/访/研 framework, three quarters of points, a closed period with its
    follow-up talks, a period in its publication window with objections, a scored
    evaluation round and one in progress: every points page has something to show."""
    from scoring.selectors import own_standings, previous_period, standings_of
    from scoring.selectors.points_page import latest_profile

    seed_demo(cadres=60, seed=7, today=TODAY)
    rules = PointRule.objects.all()
    assert rules.count() >= 12
    assert set(rules.values_list("category", flat=True)) >= {
        "learn",
        "compete",
        "visit",
        "research",
    }
    assert rules.filter(needs_evidence=True, needs_approval=True).count() == 4  # 信息采用
    assert rules.exclude(cap_period="").exists()

    days = PointEntry.objects.values_list("occurred_on", flat=True)
    assert min(days) >= datetime.date(2024, 10, 1) and max(days) <= TODAY
    for start, end in [("2024-10-01", "2024-12-31"), ("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-05-14")]:  # fmt: skip
        assert PointEntry.objects.filter(occurred_on__range=(start, end)).count() > 60
    assert PointEntry.objects.filter(reason__startswith="已达").exists()  # a cap was met
    kinds = set(PointEntry.objects.values_list("kind", flat=True))
    assert kinds == {"event", "manual", "declaration", "evaluation"}
    assert Declaration.objects.filter(status="pending").count() == 3
    assert Declaration.objects.filter(status="rejected").count() == 1

    closed = ScoringPeriod.objects.get(status=PeriodStatus.CLOSED)
    assert (closed.start, closed.end) == (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))
    follow_ups = FollowUp.objects.filter(period=closed)
    assert (
        follow_ups.filter(status="open").exists() and follow_ups.filter(status="done").count() == 1
    )
    published = ScoringPeriod.objects.get(status=PeriodStatus.PUBLISHED)
    assert (published.start, published.end) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 3, 31),
    )
    assert published.window_ends_on >= TODAY  # objections can still be filed
    assert sorted(Objection.objects.filter(period=published).values_list("status", flat=True)) == [
        "answered",
        "open",
    ]
    assert not closed.objections.filter(status="open").exists()
    # The published table is the ledger's standings, the answered objection's correction in.
    town = Unit.objects.get(depth=1)
    live = standings_of(
        Cadre.objects.filter(town.subtree_q("unit__"), status="active"),
        start=published.start,
        end=published.end,
        previous=previous_period(published.start, published.end),
    )
    table = PeriodStanding.objects.filter(period=published).order_by("rank", "cadre__name_pinyin")
    assert [(r.cadre_id, r.total, r.rank) for r in table] == [
        (s.pk, s.total, s.overall_rank) for s in live
    ]

    scored = EvaluationRound.objects.get(status=RoundStatus.FINALISED)
    assert (scored.period_start, scored.period_end) == (published.start, published.end)
    current = EvaluationRound.objects.get(status=RoundStatus.OPEN)
    assert current.opens_on <= TODAY <= current.closes_on
    forms = EvaluationAssignment.objects.filter(round=current)
    assert set(forms.values_list("evaluator__username", flat=True)) == {
        "leader",
        "evaluator",
        "mentor",
    }
    assert forms.filter(status="submitted").exists() and forms.filter(status="pending").exists()

    cadre_user = User.objects.get(username="cadre")
    assert [line.period for line in own_standings(cadre_user.cadre)] == [published, closed]
    assert latest_profile(cadre_user, cadre_user.cadre) is not None  # the radar
