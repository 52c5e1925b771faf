"""Classes: invitations within capacity, conflicts, attendance reported to points and withdrawn
on correction, QR sign-in rules (window, invitation, expired code, twice)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from scoring.models import PointEntry, PointRule
from scoring.selectors import points_total
from tests import factories as f
from training import services
from training.models import Participant

START = timezone.make_aware(datetime.datetime(2024, 5, 10, 9, 0))


def make_activity(world, **overrides):
    fields = {
        "title": "乡村振兴政策解读",
        "type": "theory",
        "theme": "agriculture",
        "unit": world["units"]["town"],
        "starts_at": START,
        "ends_at": START + datetime.timedelta(hours=2),
        "place": "镇党校101室",
        "speaker": "刘教授",
        "hours": Decimal("2"),
        "capacity": None,
        "cost": None,
        **overrides,
    }
    return services.activity_create(actor=world["users"]["staff"], **fields)


@pytest.fixture
def rules(db):
    day = datetime.date(2020, 1, 1)
    PointRule.objects.create(
        code="XK-01", name="参加菁学课堂", category="learn",
        event_kind="training.attendance.present", points=Decimal("2"), valid_from=day,
    )  # fmt: skip
    PointRule.objects.create(
        code="XK-02", name="迟到", category="learn",
        event_kind="training.attendance.late", points=Decimal("1"), valid_from=day,
    )  # fmt: skip
    PointRule.objects.create(
        code="XK-09", name="无故缺席", category="learn",
        event_kind="training.attendance.absent", points=Decimal("-2"), valid_from=day,
    )  # fmt: skip


def test_an_activity_is_validated(world):
    with pytest.raises(ValidationError) as caught:
        make_activity(world, title=" ", ends_at=START, hours=Decimal("0"), place="")
    assert set(caught.value.message_dict) == {"title", "ends_at", "hours", "place"}


def test_invitations_respect_capacity_and_are_idempotent(world):
    activity = make_activity(world, capacity=2)
    c = world["cadres"]
    assert (
        services.participants_invite(activity=activity, cadres=[c["self"], c["mentee"]], actor=None)
        == 2
    )
    assert services.participants_invite(activity=activity, cadres=[c["self"]], actor=None) == 0
    with pytest.raises(ValidationError) as caught:
        services.participants_invite(activity=activity, cadres=[c["bystander"]], actor=None)
    assert "最多还能邀请0人" in caught.value.message_dict["cadres"][0]
    assert activity.participants.count() == 2


def test_overlapping_activities_are_reported_as_conflicts(world):
    first = make_activity(world)
    second = make_activity(
        world, title="应急管理", starts_at=START + datetime.timedelta(hours=1),
        ends_at=START + datetime.timedelta(hours=3),
    )  # fmt: skip
    later = make_activity(
        world, title="下午课", starts_at=START + datetime.timedelta(hours=2),
        ends_at=START + datetime.timedelta(hours=4),
    )  # fmt: skip
    me = world["cadres"]["self"]
    services.participants_invite(activity=first, cadres=[me], actor=None)
    assert services.conflicts(second, [me]) == {me.pk: [first]}
    assert services.conflicts(later, [me]) == {}  # back to back is not a conflict


def test_attendance_scores_points_and_corrections_withdraw_them(world, rules):
    activity = make_activity(world)
    me = world["cadres"]["self"]
    services.participants_invite(activity=activity, cadres=[me], actor=None)
    row = Participant.objects.get()
    day = START.date()
    actor = world["users"]["staff"]

    def total():
        return points_total(cadre=me, start=day, end=day)

    assert services.attendance_mark(activity=activity, marks={row.pk: "present"}, actor=actor) == 1
    assert total() == Decimal("2")
    assert services.attendance_mark(activity=activity, marks={row.pk: "present"}, actor=actor) == 0
    assert total() == Decimal("2")  # marking the same again changes nothing
    services.attendance_mark(activity=activity, marks={row.pk: "absent"}, actor=actor)
    assert total() == Decimal("-2")  # +2 reversed, −2 for absence
    services.attendance_mark(activity=activity, marks={row.pk: "present"}, actor=actor)
    assert total() == Decimal("2")  # corrected back: scored again, the absence reversed
    kinds = list(PointEntry.objects.order_by("id").values_list("kind", "points"))
    assert kinds == [
        ("event", Decimal("2")),
        ("reversal", Decimal("-2")),
        ("event", Decimal("-2")),
        ("reversal", Decimal("2")),
        ("event", Decimal("2")),
    ]
    with pytest.raises(ValidationError):
        services.attendance_mark(activity=activity, marks={row.pk: "sleeping"}, actor=actor)
    with pytest.raises(ValidationError):
        services.participant_remove(participant=row, actor=actor)  # marked: correct instead


def test_attendance_refuses_participants_of_another_activity(world):
    activity = make_activity(world)
    other = make_activity(world, title="别的课")
    services.participants_invite(activity=other, cadres=[world["cadres"]["self"]], actor=None)
    stranger = Participant.objects.get()
    with pytest.raises(ValidationError):
        services.attendance_mark(activity=activity, marks={stranger.pk: "present"}, actor=None)
    assert Participant.objects.get().attendance == ""


def test_qr_signin_rules(world, rules):
    activity = make_activity(world)
    me = world["cadres"]["self"]
    services.participants_invite(activity=activity, cadres=[me], actor=None)
    user = world["users"]["cadre"]
    at = START - datetime.timedelta(minutes=10)

    def code(when):
        return services.signin_code(activity, at=when)

    too_early = START - datetime.timedelta(minutes=45)
    with pytest.raises(ValidationError, match="签到时间"):
        services.signin(activity=activity, user=user, code=code(too_early), at=too_early)
    stale = code(at - datetime.timedelta(minutes=2))
    with pytest.raises(ValidationError, match="过期"):
        services.signin(activity=activity, user=user, code=stale, at=at)
    outsider = f.UserFactory(username="zhaomin", roles=["cadre"])
    world["cadres"]["outsider"].user = outsider
    world["cadres"]["outsider"].save(update_fields=["user"])
    with pytest.raises(ValidationError, match="邀请名单"):
        services.signin(activity=activity, user=outsider, code=code(at), at=at)
    # The code shown half a minute ago is still accepted (a scan takes a moment).
    row = services.signin(
        activity=activity, user=user, code=code(at - datetime.timedelta(seconds=30)), at=at
    )
    assert row.attendance == "present" and row.signed_in_at == at
    again = services.signin(
        activity=activity, user=user, code=code(at + datetime.timedelta(minutes=1)),
        at=at + datetime.timedelta(minutes=1),
    )  # fmt: skip
    assert again.signed_in_at == at  # twice: nothing changes
    assert PointEntry.objects.filter(cadre=me).count() == 1


def test_qr_signin_after_the_grace_minutes_is_late(world, rules):
    activity = make_activity(world)
    services.participants_invite(activity=activity, cadres=[world["cadres"]["self"]], actor=None)
    at = START + datetime.timedelta(minutes=12)
    row = services.signin(
        activity=activity, user=world["users"]["cadre"], code=services.signin_code(activity, at=at),
        at=at,
    )  # fmt: skip
    assert row.attendance == "late"
    assert PointEntry.objects.get().points == Decimal("1")
    too_late = START + datetime.timedelta(minutes=31)
    with pytest.raises(ValidationError, match="签到时间"):
        services.signin(
            activity=activity, user=world["users"]["cadre"],
            code=services.signin_code(activity, at=too_late), at=too_late,
        )  # fmt: skip


def test_invitation_helpers_resolve_cohorts_and_unit_subtrees(world):
    assert list(services.cadres_of(cohort=world["cohort"])) == [world["cadres"]["mentee"]]
    names = {c.name for c in services.cadres_of(unit=world["units"]["town"])}
    assert names == {"张伟", "李娜", "王芳"}
