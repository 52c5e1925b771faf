"""Pairing services: the 2+1 template rules (wrong type refused, all or nothing), capacity,
duplicates, ending (scoping follows), updating, the history with its actor, suggestions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cadres.selectors import cadres_visible_to
from mentoring.choices import MentorType, PairingRole, PairingStatus
from mentoring.models import Pairing
from mentoring.selectors import mentee_ids_of_user
from mentoring.selectors.pairings import mentor_suggestions
from mentoring.services import pairings as services
from tests import factories as f

START = datetime.date(2026, 1, 5)


@pytest.fixture
def trio(world):
    town, village = world["units"]["town"], world["units"]["village"]
    return {
        "town_secretary": f.MentorFactory(
            name="周书记", mentor_type=MentorType.TOWN_SECRETARY, unit=town
        ),
        "village_secretary": f.MentorFactory(
            name="吴书记", mentor_type=MentorType.VILLAGE_SECRETARY, unit=village
        ),
        "peer": f.MentorFactory(name="郑科长", mentor_type=MentorType.MIDDLE_LEVEL, unit=town),
    }


def test_2plus1_creates_three_pairings_with_their_roles(world, trio):
    cadre = world["cadres"]["self"]
    created = services.pairings_apply_2plus1(
        actor=world["users"]["staff"], cadre=cadre, start_date=START, goals="熟悉基层", **trio
    )
    assert sorted((p.mentor.name, p.role) for p in created) == [
        ("吴书记", PairingRole.VILLAGE_SECRETARY),
        ("周书记", PairingRole.TOWN_SECRETARY),
        ("郑科长", PairingRole.PEER),
    ]
    assert Pairing.objects.filter(cadre=cadre, status=PairingStatus.ACTIVE).count() == 3


def test_2plus1_accepts_a_senior_peer(world, trio):
    trio["peer"] = f.MentorFactory(mentor_type=MentorType.SENIOR_PEER, unit=world["units"]["town"])
    created = services.pairings_apply_2plus1(
        actor=None, cadre=world["cadres"]["self"], start_date=START, **trio
    )
    assert len(created) == 3


@pytest.mark.parametrize(
    ("field", "wrong_type"),
    [
        ("town_secretary", MentorType.VILLAGE_SECRETARY),
        ("village_secretary", MentorType.MIDDLE_LEVEL),
        ("peer", MentorType.TOWN_SECRETARY),
    ],
)
def test_2plus1_refuses_a_wrong_type_and_writes_nothing(world, trio, field, wrong_type):
    trio[field] = f.MentorFactory(name="错配", mentor_type=wrong_type, unit=world["units"]["town"])
    before = Pairing.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.pairings_apply_2plus1(
            actor=None, cadre=world["cadres"]["self"], start_date=START, **trio
        )
    assert list(exc.value.message_dict) == [field]
    assert "错配" in exc.value.message_dict[field][0]
    assert Pairing.objects.count() == before


def test_2plus1_is_all_or_nothing_when_one_mentor_is_full(world, trio):
    """The first two would fit; the peer has no place left: none of the three is created."""
    peer = trio["peer"]
    peer.capacity = 1
    peer.save()
    f.PairingFactory(mentor=peer, cadre=world["cadres"]["bystander"])
    before = Pairing.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.pairings_apply_2plus1(
            actor=None, cadre=world["cadres"]["self"], start_date=START, **trio
        )
    assert "郑科长最多带教1人，目前已带教1人" in exc.value.message_dict["peer"][0]
    assert Pairing.objects.count() == before


def test_2plus1_needs_all_three_and_three_different_people(world, trio):
    with pytest.raises(ValidationError) as exc:
        services.pairings_apply_2plus1(
            actor=None,
            cadre=world["cadres"]["self"],
            town_secretary=trio["town_secretary"],
            village_secretary=None,
            peer=None,
        )
    assert set(exc.value.message_dict) == {"village_secretary", "peer"}


def test_capacity_names_the_mentor_and_the_figures(world):
    mentor = f.MentorFactory(name="钱导师", capacity=2, unit=world["units"]["town"])
    for key in ("self", "bystander"):
        services.pairing_create(actor=None, mentor=mentor, cadre=world["cadres"][key])
    with pytest.raises(ValidationError) as exc:
        services.pairing_create(actor=None, mentor=mentor, cadre=world["cadres"]["mentee"])
    assert exc.value.message_dict == {
        "mentor": ["钱导师最多带教2人，目前已带教2人，没有空余名额。"]
    }
    assert Pairing.objects.filter(mentor=mentor).count() == 2


def test_ending_frees_a_place(world):
    mentor = f.MentorFactory(capacity=1, unit=world["units"]["town"])
    first = services.pairing_create(actor=None, mentor=mentor, cadre=world["cadres"]["self"])
    services.pairing_end(actor=None, pairing=first, reason="岗位调整")
    services.pairing_create(actor=None, mentor=mentor, cadre=world["cadres"]["bystander"])
    assert Pairing.objects.filter(mentor=mentor, status=PairingStatus.ACTIVE).count() == 1


def test_no_duplicate_active_pairing_but_a_new_one_after_ending(world):
    mentor = f.MentorFactory(name="孙导师", unit=world["units"]["town"])
    cadre = world["cadres"]["self"]
    first = services.pairing_create(actor=None, mentor=mentor, cadre=cadre)
    with pytest.raises(ValidationError) as exc:
        services.pairing_create(actor=None, mentor=mentor, cadre=cadre, role=PairingRole.PEER)
    assert exc.value.message_dict == {"mentor": ["孙导师与张伟已有进行中的结对。"]}
    services.pairing_end(actor=None, pairing=first, reason="重新结对")
    services.pairing_create(actor=None, mentor=mentor, cadre=cadre)
    assert Pairing.objects.filter(mentor=mentor, cadre=cadre).count() == 2


def test_a_cadre_may_have_several_mentors(world, trio):
    cadre = world["cadres"]["mentee"]  # already paired with the world's mentor
    services.pairing_create(actor=None, mentor=trio["peer"], cadre=cadre, role=PairingRole.PEER)
    assert Pairing.objects.filter(cadre=cadre, status=PairingStatus.ACTIVE).count() == 2


def test_role_needs_the_right_mentor_type(world, trio):
    with pytest.raises(ValidationError) as exc:
        services.pairing_create(
            actor=None,
            mentor=trio["peer"],
            cadre=world["cadres"]["self"],
            role=PairingRole.TOWN_SECRETARY,
        )
    assert "镇党委书记导师应由镇党委书记担任" in exc.value.message_dict["mentor"][0]


def test_out_of_pool_mentor_and_retired_cadre_refused(world):
    mentor = f.MentorFactory(is_active=False, unit=world["units"]["town"])
    cadre = world["cadres"]["self"]
    cadre.status = "retired"
    cadre.save()
    with pytest.raises(ValidationError) as exc:
        services.pairing_create(actor=None, mentor=mentor, cadre=cadre)
    assert set(exc.value.message_dict) == {"mentor", "cadre"}


def test_ending_removes_the_mentee_from_the_mentor_scope(world):
    mentor_user = world["users"]["mentor"]
    mentee = world["cadres"]["mentee"]
    assert cadres_visible_to(mentor_user).filter(pk=mentee.pk).exists()
    pairing = Pairing.objects.get(cadre=mentee, mentor__user=mentor_user)
    services.pairing_end(actor=world["users"]["staff"], pairing=pairing, reason="调离")
    assert not mentee_ids_of_user(mentor_user).exists()
    assert not cadres_visible_to(mentor_user).filter(pk=mentee.pk).exists()


def test_end_needs_a_reason_a_valid_date_and_an_active_pairing(world):
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])
    with pytest.raises(ValidationError) as exc:
        services.pairing_end(
            actor=None, pairing=pairing, reason=" ", end_date=datetime.date(2021, 1, 1)
        )
    assert set(exc.value.message_dict) == {"reason", "end_date"}
    services.pairing_end(actor=None, pairing=pairing, reason="期满")
    with pytest.raises(ValidationError) as exc:
        services.pairing_end(actor=None, pairing=pairing, reason="期满")
    assert set(exc.value.message_dict) == {"status"}


def test_history_records_every_change_with_its_actor(world):
    staff = world["users"]["staff"]
    mentor = f.MentorFactory(mentor_type=MentorType.SENIOR_PEER, unit=world["units"]["town"])
    pairing = services.pairing_create(actor=staff, mentor=mentor, cadre=world["cadres"]["self"])
    services.pairing_update(actor=staff, pairing=pairing, role=PairingRole.PEER, goals="写好材料")
    services.pairing_end(actor=world["users"]["admin"], pairing=pairing, reason="期满")
    records = list(pairing.history.order_by("history_date"))
    assert [(r.history_type, r.role, r.status, r.history_user) for r in records] == [
        ("+", PairingRole.OTHER, PairingStatus.ACTIVE, staff),
        ("~", PairingRole.PEER, PairingStatus.ACTIVE, staff),
        ("~", PairingRole.PEER, PairingStatus.ENDED, world["users"]["admin"]),
    ]
    assert records[-1].end_reason == "期满"


def test_update_refuses_ended_pairings_and_wrong_roles(world):
    pairing = Pairing.objects.get(cadre=world["cadres"]["mentee"])  # a middle-level mentor
    with pytest.raises(ValidationError) as exc:
        services.pairing_update(actor=None, pairing=pairing, role=PairingRole.VILLAGE_SECRETARY)
    assert "mentor" in exc.value.message_dict
    services.pairing_end(actor=None, pairing=pairing, reason="期满")
    with pytest.raises(ValidationError):
        services.pairing_update(actor=None, pairing=pairing, goals="新目标")


def test_suggestions_prefer_the_unit_then_expertise_then_free_capacity(
    world, django_assert_num_queries
):
    town, village, other = (world["units"][k] for k in ("town", "village", "other_town"))
    cadre = world["cadres"]["mentee"]  # 东浦村
    cadre.major = "农业经济"
    cadre.save()
    far = f.MentorFactory(name="外镇", unit=other, expertise="农业经济", capacity=9)
    town_plain = f.MentorFactory(name="镇里", unit=town, expertise="公文写作", capacity=9)
    town_match = f.MentorFactory(name="镇里农业", unit=town, expertise="农业经济、党建", capacity=2)
    own_village = f.MentorFactory(name="村里", unit=village, capacity=1)
    full = f.MentorFactory(name="已满", unit=village, capacity=1)
    f.PairingFactory(mentor=full, cadre=world["cadres"]["self"])
    f.MentorFactory(name="出库", unit=village, is_active=False)
    paired = Pairing.objects.get(cadre=cadre).mentor  # already this cadre's mentor
    mentors = type(far).objects.all()
    with django_assert_num_queries(1):
        names = [m.name for m in mentor_suggestions(cadre=cadre, mentors=mentors)]
    assert names == [own_village.name, town_match.name, town_plain.name, far.name]
    assert paired.name not in names
