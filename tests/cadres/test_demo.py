"""`seed_demo`: the demo town the README promises, the same every time for a seed."""

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


def _snapshot():
    return list(
        Cadre.objects.order_by("id_number").values_list(
            "name", "id_number", "unit__full_name", "category", "position"
        )
    )


def test_same_seed_same_town(db):
    with transaction.atomic():
        seed_demo(cadres=40, seed=3)
        first = _snapshot()
        transaction.set_rollback(True)
    seed_demo(cadres=40, seed=3)
    assert _snapshot() == first
    assert len(first) == 40


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
