"""Written output (信息宣传) services: submission rules, verification and correction with
points appearing and withdrawn, returns, edits and withdrawal."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.models import PointEntry
from tests.training.writing_helpers import DAY, pdf, points, rule, submit
from training.models import Writing
from training.services import writing as services


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def rules(db):
    return {
        "town": rule("training.writing.adopted.town", "1", "XC-01"),
        "district": rule("training.writing.adopted.district", "3", "XC-02"),
        "city": rule("training.writing.adopted.city", "6", "XC-03"),
    }


def test_submission_waits_for_review_and_earns_nothing_yet(world, rules, media):
    me = world["cadres"]["self"]
    writing = submit(me)
    assert writing.status == "submitted"
    assert writing.submitted_by == world["users"]["cadre"]
    assert writing.verify_version == 0
    stored = list((media / "writing").iterdir())
    assert len(stored) == 1 and stored[0].suffix == ".pdf"
    assert "notice" not in stored[0].name  # a random name, not the uploaded one
    assert points(me) == 0


def test_evidence_is_required_when_a_level_is_claimed(world):
    me = world["cadres"]["self"]
    with pytest.raises(ValidationError) as caught:
        submit(me, level="district", evidence=False)
    assert caught.value.message_dict == {
        "evidence": ["填写了采用层级的，须上传佐证材料（采用通知、刊发截图等）。"]
    }
    assert not Writing.objects.exists()
    # 未采用 needs none.
    assert submit(me, level="", evidence=False).level == ""


def test_evidence_is_checked_by_content(world):
    fake = SimpleUploadedFile("notice.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.writing_submit(
            cadre=world["cadres"]["self"], actor=None, evidence=fake, kind="news",
            title="标题", outlet="金城日报", published_on=DAY, level="town",
        )  # fmt: skip
    assert caught.value.message_dict == {"evidence": ["文件须为PDF、JPEG、PNG格式。"]}
    assert not Writing.objects.exists()


def test_missing_fields_are_named(world):
    with pytest.raises(ValidationError) as caught:
        services.writing_submit(
            cadre=world["cadres"]["self"], actor=None, kind="poem", title=" ", outlet="",
            published_on=DAY.replace(year=2999), level="galaxy",
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"kind", "title", "outlet", "published_on", "level"}


def test_verification_records_points_and_correction_moves_them(world, rules):
    me, staff = world["cadres"]["self"], world["users"]["staff"]
    writing = submit(me, level="city")

    services.writing_verify(writing=writing, actor=staff)
    writing.refresh_from_db()
    assert (writing.status, writing.level, writing.verify_version) == ("accepted", "city", 1)
    assert writing.reviewed_by == staff
    assert points(me) == 6
    entry = PointEntry.objects.get()
    assert entry.event_kind == "training.writing.adopted.city"
    assert entry.source == f"training.writing:{writing.pk}#1"
    assert entry.occurred_on == DAY

    # Re-reviewed: it was really adopted by the district. 市 withdrawn, 区 recorded.
    services.writing_verify(writing=writing, actor=staff, level="district", comment="核实为区级")
    writing.refresh_from_db()
    assert (writing.level, writing.verify_version) == ("district", 2)
    assert points(me) == 3
    assert sorted(PointEntry.objects.values_list("event_kind", "source", "points")) == sorted(
        [
            ("training.writing.adopted.city", f"training.writing:{writing.pk}#1", 6),
            ("training.writing.adopted.city", f"training.writing:{writing.pk}#1", -6),
            ("training.writing.adopted.district", f"training.writing:{writing.pk}#2", 3),
        ]
    )

    # Confirming the same level again changes nothing.
    services.writing_verify(writing=writing, actor=staff, level="district")
    assert PointEntry.objects.count() == 3
    writing.refresh_from_db()
    assert writing.verify_version == 2

    # Corrected back to 市: scored again under a new version.
    services.writing_verify(writing=writing, actor=staff, level="city")
    assert points(me) == 6


def test_verified_as_not_adopted_records_no_points(world, rules):
    me = world["cadres"]["self"]
    writing = submit(me, level="town")
    services.writing_verify(writing=writing, actor=world["users"]["staff"], level="")
    writing.refresh_from_db()
    assert (writing.status, writing.level) == ("accepted", "")
    assert not PointEntry.objects.exists()


def test_a_level_cannot_be_confirmed_without_evidence(world, rules):
    writing = submit(world["cadres"]["self"], level="", evidence=False)
    with pytest.raises(ValidationError) as caught:
        services.writing_verify(writing=writing, actor=world["users"]["staff"], level="city")
    assert "level" in caught.value.message_dict
    writing.refresh_from_db()
    assert writing.status == "submitted"
    assert not PointEntry.objects.exists()


def test_return_needs_a_comment_and_withdraws_after_verification(world, rules):
    me, staff = world["cadres"]["self"], world["users"]["staff"]
    writing = submit(me, level="district")
    with pytest.raises(ValidationError) as caught:
        services.writing_return(writing=writing, actor=staff, comment="  ")
    assert caught.value.message_dict == {"comment": ["退回时须填写审核意见。"]}
    writing.refresh_from_db()
    assert writing.status == "submitted"

    services.writing_verify(writing=writing, actor=staff)
    assert points(me) == 3
    services.writing_return(writing=writing, actor=staff, comment="佐证材料看不清，请重新上传")
    writing.refresh_from_db()
    assert writing.status == "returned"
    assert writing.review_comment == "佐证材料看不清，请重新上传"
    assert points(me) == 0
    with pytest.raises(ValidationError):
        services.writing_return(writing=writing, actor=staff, comment="再次退回")

    # The cadre fixes it: back in the queue; verified again, scored again.
    services.writing_update(writing=writing, actor=me.user, evidence=pdf("clear.pdf"))
    writing.refresh_from_db()
    assert writing.status == "submitted"
    services.writing_verify(writing=writing, actor=staff)
    assert points(me) == 3
    assert PointEntry.objects.filter(source=f"training.writing:{writing.pk}#2").exists()


def test_a_verified_piece_cannot_be_edited_or_withdrawn(world, rules):
    writing = submit(world["cadres"]["self"])
    services.writing_verify(writing=writing, actor=world["users"]["staff"])
    with pytest.raises(ValidationError):
        services.writing_update(writing=writing, actor=None, title="改标题")
    with pytest.raises(ValidationError):
        services.writing_withdraw(writing=writing, actor=None)
    writing.refresh_from_db()
    assert writing.title == "我镇推进乡村振兴纪实"


def test_withdraw_removes_the_row_and_its_file(world, media, django_capture_on_commit_callbacks):
    writing = submit(world["cadres"]["self"])
    with django_capture_on_commit_callbacks(execute=True):
        services.writing_withdraw(writing=writing, actor=None)
    assert not Writing.objects.exists()
    assert list((media / "writing").iterdir()) == []


def test_duplicates_are_found(world):
    me = world["cadres"]["self"]
    first = submit(me)
    second = submit(me)
    other_day = submit(me, published_on=DAY.replace(day=16))
    found = services.writing_duplicates(cadre=me, title=first.title, published_on=DAY)
    assert set(found.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert other_day.pk not in found.exclude(pk=first.pk).values_list("pk", flat=True)
