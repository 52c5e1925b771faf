"""Recording, correcting and deleting mentor duties "四个一": who may, what is refused (by
field, nothing written), and the points that follow (`mentoring.duty.done`)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from mentoring.models import DutyRecord
from mentoring.services import duties as services
from scoring.models import PointEntry
from tests.mentoring.duties_helpers import duty_world, pdf, points, record, rule

TODAY = datetime.date(2025, 4, 20)


@pytest.fixture
def duties(world):
    return duty_world(world)


def _errors(exc) -> dict:
    return exc.value.message_dict


def _call(pairing, actor, **kw):
    values = {"kind": "research", "done_on": TODAY, "title": "赴村调研", "today": TODAY, **kw}
    return services.duty_record(pairing=pairing, actor=actor, **values)


def test_the_mentor_records_a_duty_and_the_cadre_earns_its_points(world, duties):
    rule("mentoring.duty.done", "2")
    own, cadre = duties["own"], world["cadres"]["self"]
    before = points(cadre)
    row = _call(own, world["users"]["mentor"], summary=" 走访三户 ", attachment=pdf())
    assert (row.kind, row.done_on, row.title, row.summary) == (
        "research",
        TODAY,
        "赴村调研",
        "走访三户",
    )
    assert row.cadre == cadre and row.created_by == world["users"]["mentor"]
    assert row.attachment.name.startswith("mentor-duties/") and row.attachment.name.endswith(".pdf")
    assert points(cadre) - before == Decimal("2")
    entry = PointEntry.objects.get(event_kind="mentoring.duty.done", cadre=cadre,
                                   source=f"mentoring.dutyrecord:{row.pk}#1")  # fmt: skip
    assert entry.points == Decimal("2")


def test_staff_with_the_cadre_in_scope_and_the_admin_may_record(world, duties):
    assert _call(duties["own"], world["users"]["staff"]).created_by == world["users"]["staff"]
    assert _call(duties["far"], world["users"]["admin"]).pk


@pytest.mark.parametrize("who", ["other_mentor", "leader", "evaluator", "cadre", "other_cadre"])
def test_others_may_not_record(world, duties, who):
    with pytest.raises(PermissionDenied):
        _call(duties["own"], world["users"][who])
    assert DutyRecord.objects.filter(pairing=duties["own"]).count() == 1


def test_staff_may_not_record_outside_their_subtree(world, duties):
    with pytest.raises(PermissionDenied):
        _call(duties["far"], world["users"]["staff"])


def test_the_mentor_may_not_record_once_the_pairing_has_ended(world, duties):
    own = duties["own"]
    own.status, own.end_date = "ended", TODAY - datetime.timedelta(days=1)
    own.save()
    with pytest.raises(ValidationError) as exc:
        _call(own, world["users"]["mentor"], done_on=TODAY - datetime.timedelta(days=3))
    assert _errors(exc) == {"pairing": ["该帮带结对已结束，不能再记录履职。"]}
    # Staff still may, for a day within the pairing, and not after its end.
    assert _call(own, world["users"]["staff"], done_on=TODAY - datetime.timedelta(days=3)).pk
    with pytest.raises(ValidationError) as exc:
        _call(own, world["users"]["staff"], done_on=TODAY)
    assert _errors(exc) == {
        "done_on": [f"完成日期不能晚于结对结束日期（{own.end_date.isoformat()}）。"]
    }


def test_refusals_name_the_field_and_write_nothing(world, duties):
    mentor, own = world["users"]["mentor"], duties["own"]
    before = list(DutyRecord.objects.values_list("pk", flat=True))
    cases = [
        ({"kind": "walk"}, {"kind": ["请选择履职事项。"]}),
        ({"done_on": None}, {"done_on": ["请填写完成日期。"]}),
        ({"done_on": TODAY + datetime.timedelta(days=1)}, {"done_on": ["完成日期不能晚于今天。"]}),
        ({"done_on": datetime.date(2021, 12, 31)},
         {"done_on": ["完成日期不能早于结对开始日期（2022-01-01）。"]}),
        ({"title": "  "}, {"title": ["请填写标题。"]}),
        ({"attachment": SimpleUploadedFile("a.pdf", b"MZ not a pdf")},
         {"attachment": ["文件须为PDF、Word (.docx)、JPEG、PNG格式。"]}),
    ]  # fmt: skip
    for fields, errors in cases:
        with pytest.raises(ValidationError) as exc:
            _call(own, mentor, **fields)
        assert _errors(exc) == errors
    assert list(DutyRecord.objects.values_list("pk", flat=True)) == before
    assert not PointEntry.objects.filter(event_kind="mentoring.duty.done").exists()


@override_settings(QINGMIAO_MENTOR_DUTIES={"article": {"frequency": "month", "grace_days": 7}})
def test_a_duty_not_configured_is_refused(world, duties):
    with pytest.raises(ValidationError) as exc:
        _call(duties["own"], world["users"]["mentor"], kind="seminar")
    assert _errors(exc) == {"kind": ["请选择履职事项。"]}


def test_correcting_the_title_keeps_the_points(world, duties):
    rule("mentoring.duty.done")
    cadre = world["cadres"]["self"]
    row = record(duties["own"], days_ago=2)
    services.duty_update(record=row, actor=world["users"]["mentor"], title="新标题")
    row.refresh_from_db()
    assert (row.title, row.version) == ("新标题", 1)
    assert points(cadre) == Decimal("1")
    assert PointEntry.objects.filter(event_kind="mentoring.duty.done").count() == 1


@pytest.mark.parametrize("change", [{"done_on": 5}, {"kind": "research"}])
def test_a_changed_date_or_duty_withdraws_and_scores_again_under_the_next_version(
    world, duties, change
):
    rule("mentoring.duty.done")
    cadre = world["cadres"]["self"]
    row = record(duties["own"], days_ago=2)
    if "done_on" in change:
        change = {"done_on": timezone.localdate() - datetime.timedelta(days=5)}
    services.duty_update(record=row, actor=world["users"]["staff"], **change)
    row.refresh_from_db()
    assert row.version == 2
    assert points(cadre) == Decimal("1")
    sources = set(
        PointEntry.objects.filter(event_kind="mentoring.duty.done", cadre=cadre)
        .exclude(reverses__isnull=False)
        .values_list("source", flat=True)
    )
    assert sources == {f"mentoring.dutyrecord:{row.pk}#1", f"mentoring.dutyrecord:{row.pk}#2"}


def test_a_correction_is_checked_like_a_record_and_by_the_same_people(world, duties):
    row = duties["own_record"]
    with pytest.raises(PermissionDenied):
        services.duty_update(record=row, actor=world["users"]["other_mentor"], title="x")
    with pytest.raises(PermissionDenied):
        services.duty_update(record=row, actor=world["users"]["leader"], title="x")
    with pytest.raises(ValidationError) as exc:
        services.duty_update(
            record=row, actor=world["users"]["mentor"],
            done_on=timezone.localdate() + datetime.timedelta(days=1),
        )  # fmt: skip
    assert _errors(exc) == {"done_on": ["完成日期不能晚于今天。"]}
    row.refresh_from_db()
    assert row.title == "指导撰写工作信息一篇"


def test_an_attachment_given_replaces_the_stored_one(world, duties):
    row = duties["own_record"]
    old = row.attachment.name
    services.duty_update(record=row, actor=world["users"]["mentor"], attachment=pdf("b.pdf"))
    row.refresh_from_db()
    assert row.attachment.name != old and row.attachment.name.endswith(".pdf")


def test_the_author_deletes_within_7_days_and_the_points_are_withdrawn(world, duties):
    rule("mentoring.duty.done")
    cadre = world["cadres"]["self"]
    row = record(duties["own"], days_ago=2)
    assert points(cadre) == Decimal("1")
    services.duty_delete(record=row, actor=world["users"]["mentor"])
    assert not DutyRecord.objects.filter(pk=row.pk).exists()
    assert points(cadre) == Decimal("0")


def test_after_7_days_only_staff_may_delete(world, duties):
    row = duties["own_record"]
    DutyRecord.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    with pytest.raises(ValidationError) as exc:
        services.duty_delete(record=row, actor=world["users"]["mentor"])
    assert exc.value.messages == ["履职记录只能在记录后7天内删除。"]
    services.duty_delete(record=row, actor=world["users"]["staff"])
    assert not DutyRecord.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("who", ["other_mentor", "leader", "cadre"])
def test_others_may_not_delete(world, duties, who):
    with pytest.raises(PermissionDenied):
        services.duty_delete(record=duties["own_record"], actor=world["users"][who])
    assert DutyRecord.objects.filter(pk=duties["own_record"].pk).exists()
