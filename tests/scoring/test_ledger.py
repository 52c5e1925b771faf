"""The points ledger: rules and caps, idempotent events, reversals, append-only storage."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from scoring import services
from scoring.models import PointEntry, PointRule
from scoring.selectors import entries_visible_to, points_total

D = Decimal


def rule(**overrides) -> PointRule:
    fields = {
        "code": "XK-01",
        "name": "参加菁学课堂",
        "category": "learn",
        "event_kind": "training.attendance.present",
        "points": D("2"),
        "valid_from": datetime.date(2020, 1, 1),
        **overrides,
    }
    return PointRule.objects.create(**fields)


@pytest.fixture
def cadre(world):
    return world["cadres"]["bystander"]


def test_period_bounds():
    day = datetime.date(2024, 2, 29)
    assert services.period_bounds("month", day) == (datetime.date(2024, 2, 1), day)
    assert services.period_bounds("quarter", datetime.date(2024, 12, 31)) == (
        datetime.date(2024, 10, 1),
        datetime.date(2024, 12, 31),
    )
    assert services.period_bounds("year", day) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
    )


def test_an_event_applies_every_valid_rule_and_is_idempotent(cadre):
    base = rule()
    rule(code="XK-02", name="课堂积极发言", points=D("0.5"))
    rule(code="XK-OLD", valid_to=datetime.date(2022, 12, 31), points=D("9"))
    day = datetime.date(2024, 3, 5)
    first = services.event_record(
        kind="training.attendance.present",
        cadre=cadre,
        occurred_on=day,
        source="training.attendance:1",
    )
    again = services.event_record(
        kind="training.attendance.present",
        cadre=cadre,
        occurred_on=day,
        source="training.attendance:1",
    )
    assert sorted(e.points for e in first) == [D("0.5"), D("2")]
    assert {e.pk for e in again} == {e.pk for e in first}
    assert PointEntry.objects.count() == 2
    assert first[0].rule in (base, PointRule.objects.get(code="XK-02"))


def test_editing_a_rule_never_rewrites_points_already_awarded(cadre):
    base = rule(points=D("2"))
    kind = "training.attendance.present"
    day = datetime.date(2024, 3, 5)
    (before,) = services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:1")
    base.points = D("5")
    base.save()
    (after,) = services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:2")
    assert PointEntry.objects.get(pk=before.pk).points == D("2")
    assert after.points == D("5")
    assert points_total(cadre=cadre, start=day, end=day) == D("7")


def test_caps_apply_per_period_and_reset_across_its_boundary(cadre):
    rule(cap_period="month", cap_points=D("5"))
    kind = "training.attendance.present"
    awarded = [
        services.event_record(kind=kind, cadre=cadre, occurred_on=day, source=f"a:{i}")[0].points
        for i, day in enumerate(
            [datetime.date(2024, 1, d) for d in (3, 10, 17, 31)] + [datetime.date(2024, 2, 1)]
        )
    ]
    assert awarded == [D("2"), D("2"), D("1"), D("0"), D("2")]
    capped = PointEntry.objects.get(source="a:2")
    assert capped.reason == "已达每月上限5.00分（原应2.00分）"
    jan = points_total(cadre=cadre, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 31))
    assert jan == D("5")


def test_a_reversal_frees_its_share_of_the_cap(cadre):
    rule(cap_period="quarter", cap_points=D("4"))
    kind = "training.attendance.present"
    day = datetime.date(2024, 5, 6)
    services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:1")
    services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:2")
    services.event_withdraw(kind=kind, source="a:1", actor=None)
    third = services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:3")
    assert third[0].points == D("2")
    assert points_total(cadre=cadre, start=day, end=day) == D("4")


def test_withdrawing_an_event_reverses_it_once(cadre, world):
    rule()
    staff = world["users"]["staff"]
    kind = "training.attendance.present"
    day = datetime.date(2024, 3, 5)
    (entry,) = services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:1")
    (reversal,) = services.event_withdraw(kind=kind, source="a:1", actor=staff, reason="改为缺勤")
    assert services.event_withdraw(kind=kind, source="a:1", actor=staff) == []
    assert (reversal.points, reversal.reverses, reversal.author, reversal.reason) == (
        D("-2"),
        entry,
        staff,
        "改为缺勤",
    )
    assert points_total(cadre=cadre, start=day, end=day) == D("0")
    # The original stays as it was: nothing is edited.
    entry.refresh_from_db()
    assert entry.points == D("2")


def test_manual_awards_need_a_reason_and_reversals_need_one_too(cadre, world):
    staff = world["users"]["staff"]
    day = datetime.date(2024, 6, 1)
    with pytest.raises(ValidationError) as caught:
        services.points_award(cadre=cadre, points=D("3"), reason=" ", actor=staff, occurred_on=day)
    assert caught.value.message_dict == {"reason": ["手工加减分必须填写理由。"]}
    deduction = services.points_award(
        cadre=cadre, points=D("-1.5"), reason="会议无故缺席", actor=staff, occurred_on=day
    )
    with pytest.raises(ValidationError):
        services.entry_reverse(entry=deduction, actor=staff, reason="")
    reversal = services.entry_reverse(entry=deduction, actor=staff, reason="已补请假手续")
    with pytest.raises(ValidationError) as twice:
        services.entry_reverse(entry=deduction, actor=staff, reason="again")
    assert twice.value.message_dict == {"entry": ["该明细已被冲销。"]}
    with pytest.raises(ValidationError):
        services.entry_reverse(entry=reversal, actor=staff, reason="undo")
    assert PointEntry.objects.count() == 2
    assert points_total(cadre=cadre, start=day, end=day) == D("0")


def test_python_refuses_to_edit_or_delete_ledger_rows(cadre, world):
    entry = services.points_award(
        cadre=cadre, points=D("1"), reason="x", actor=None, occurred_on=datetime.date(2024, 1, 1)
    )
    entry.points = D("100")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        PointEntry.objects.filter(pk=entry.pk).update(points=D("100"))
    with pytest.raises(ValidationError):
        PointEntry.objects.all().delete()
    assert PointEntry.objects.get(pk=entry.pk).points == D("1")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE scoring_pointentry SET points = 100 WHERE id = %s",
        "DELETE FROM scoring_pointentry WHERE id = %s",
    ],
)
def test_the_database_refuses_update_and_delete(cadre, sql):
    assert connection.vendor == "postgresql", (
        "the append-only trigger is PostgreSQL's: set DATABASE_URL"
    )
    entry = services.points_award(
        cadre=cadre, points=D("1"), reason="x", actor=None, occurred_on=datetime.date(2024, 1, 1)
    )
    with (
        pytest.raises((IntegrityError, DatabaseError)) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert "append-only" in str(caught.value)
    assert PointEntry.objects.get(pk=entry.pk).points == D("1")


def test_a_cadre_sees_only_their_own_entries(world):
    day = datetime.date(2024, 1, 1)
    for cadre in world["cadres"].values():
        services.points_award(cadre=cadre, points=D("1"), reason="x", actor=None, occurred_on=day)
    assert not entries_visible_to(world["users"]["cadre"]).exists()  # not yet published
    period = services.period_create(
        actor=None, name="2024年1月", unit=world["units"]["town"], start=day, end=day
    )
    services.period_publish(period=period, actor=None, today=datetime.date(2024, 2, 1))
    mine = entries_visible_to(world["users"]["cadre"])
    assert [e.cadre for e in mine] == [world["cadres"]["self"]]
    assert entries_visible_to(world["users"]["evaluator"]).count() == 0
    assert entries_visible_to(world["users"]["staff"]).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_awards_keep_caps_and_totals_exact():
    """Eight threads report different events for one cadre at once: the month cap of 10
    is reached exactly, never exceeded (each service locks the cadre's row)."""
    from tests import factories as f

    assert connection.vendor == "postgresql", "row locks need PostgreSQL: set DATABASE_URL"
    cadre = f.CadreFactory(unit=f.make_unit("金城镇"))
    rule(cap_period="month", cap_points=D("10"), points=D("3"))
    day = datetime.date(2024, 4, 10)
    barrier = threading.Barrier(8)
    errors = []

    def report(index: int) -> None:
        try:
            barrier.wait()
            services.event_record(
                kind="training.attendance.present",
                cadre=cadre,
                occurred_on=day,
                source=f"t:{index}",
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert PointEntry.objects.filter(cadre=cadre).count() == 8
    assert points_total(cadre=cadre, start=day, end=day) == D("10")


def test_the_database_refuses_a_cap_period_without_cap_points(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        rule(cap_period="month", cap_points=None)
    assert not PointRule.objects.exists()


def test_system_written_reasons_are_stored_in_the_products_language(cadre):
    from django.utils import translation

    rule(cap_period="month", cap_points=D("3"), points=D("2"))
    day = datetime.date(2024, 3, 5)
    kind = "training.attendance.present"
    with translation.override("en"):
        services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:1")
        (capped,) = services.event_record(kind=kind, cadre=cadre, occurred_on=day, source="a:2")
        (withdrawn,) = services.event_withdraw(kind=kind, source="a:2")
    assert capped.points == D("1") and capped.reason == "已达每月上限3.00分（原应2.00分）"
    assert withdrawn.reason == "来源记录已撤销"
