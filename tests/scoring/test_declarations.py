"""Self-declared items (个人申报): evidence, approval within the cap, rejection with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring import services
from scoring.models import Declaration, PointEntry, PointRule

DAY = datetime.date(2024, 9, 2)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def writing_rule(db):
    return PointRule.objects.create(
        code="ZZ-01",
        name="政务信息被市级采用",
        category="research",
        event_kind="writing.adopted.city",
        points=Decimal("3"),
        cap_period="year",
        cap_points=Decimal("5"),
        needs_evidence=True,
        needs_approval=True,
        valid_from=datetime.date(2020, 1, 1),
    )


def pdf(name="采用通知.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n", content_type="application/pdf")


def test_evidence_is_required_and_checked_by_content(world, writing_rule, media):
    cadre = world["cadres"]["self"]
    with pytest.raises(ValidationError) as missing:
        services.declaration_submit(
            cadre=cadre, rule=writing_rule, occurred_on=DAY, description="信息采用", actor=None
        )
    assert missing.value.message_dict == {"evidence": ["该规则需要上传佐证材料。"]}
    fake = SimpleUploadedFile("采用通知.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as wrong:
        services.declaration_submit(
            cadre=cadre,
            rule=writing_rule,
            occurred_on=DAY,
            description="信息采用",
            evidence=fake,
            actor=None,
        )
    assert wrong.value.message_dict == {"evidence": ["文件须为PDF、JPEG、PNG格式。"]}
    assert not Declaration.objects.exists()
    assert list(media.rglob("*")) == []


def test_approval_writes_one_entry_within_the_cap(world, writing_rule, media):
    cadre, staff = world["cadres"]["self"], world["users"]["staff"]
    first, second = (
        services.declaration_submit(
            cadre=cadre,
            rule=writing_rule,
            occurred_on=DAY,
            description=f"信息{i}",
            evidence=pdf(),
            actor=None,
        )
        for i in range(2)
    )
    assert first.evidence.name.startswith("evidence/") and first.evidence.name.endswith(".pdf")
    services.declaration_decide(declaration=first, approve=True, actor=staff)
    services.declaration_decide(declaration=second, approve=True, actor=staff)
    points = list(PointEntry.objects.order_by("id").values_list("points", "kind", "author"))
    assert points == [
        (Decimal("3"), "declaration", staff.pk),
        (Decimal("2"), "declaration", staff.pk),
    ]
    with pytest.raises(ValidationError) as again:
        services.declaration_decide(declaration=first, approve=True, actor=staff)
    assert again.value.message_dict == {"status": ["该申报已审核。"]}
    assert PointEntry.objects.count() == 2


def test_rejection_needs_a_reason_and_writes_nothing(world, writing_rule, media):
    declaration = services.declaration_submit(
        cadre=world["cadres"]["self"],
        rule=writing_rule,
        occurred_on=DAY,
        description="网评",
        evidence=pdf(),
        actor=None,
    )
    staff = world["users"]["staff"]
    with pytest.raises(ValidationError):
        services.declaration_decide(declaration=declaration, approve=False, actor=staff)
    decided = services.declaration_decide(
        declaration=declaration, approve=False, actor=staff, reason="未见采用通知落款"
    )
    assert (decided.status, decided.decision_reason, decided.entry) == (
        "rejected",
        "未见采用通知落款",
        None,
    )
    assert not PointEntry.objects.exists()


def test_rules_needing_approval_are_not_scored_by_events(world, writing_rule):
    entries = services.event_record(
        kind="writing.adopted.city", cadre=world["cadres"]["self"], occurred_on=DAY, source="w:1"
    )
    assert entries == []
