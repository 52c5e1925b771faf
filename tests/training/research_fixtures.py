"""Shared setup of the research (菁智汇) tests: topics in and outside the town, a defense
with a rubric and a panel, and small real PDF / Word files."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scoring.models import PointEntry, PointRule
from training.demo_research import _pdf
from training.services import research as services

KINDS = {
    "training.research.completed.leader": "5",
    "training.research.completed.member": "3",
    "training.research.rank.1": "10",
    "training.research.rank.2": "6",
    "training.research.rank.3": "4",
}


def pdf_upload(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _pdf("t"), "application/pdf")


def docx_upload(name="report.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def make_topic(unit, leader, *members, title="基层治理调研", field="party_building",
               report=False, actor=None):  # fmt: skip
    topic = services.topic_create(
        actor=actor, leader=leader, members=members, title=title, field=field, unit=unit,
        summary="", starts_on=datetime.date(2025, 1, 1), due_on=datetime.date(2025, 12, 31),
    )  # fmt: skip
    if report:
        services.report_upload(topic=topic, upload=pdf_upload(), actor=actor)
        topic.refresh_from_db()
    return topic


def make_defense(unit, *, topics=(), judges=(), criteria=(("选题", "40"), ("成果", "60")),
                 held_at=None, title="结题答辩会"):  # fmt: skip
    defense = services.defense_create(
        actor=None, title=title, unit=unit,
        held_at=held_at or timezone.now() - datetime.timedelta(hours=2), place="党校",
    )  # fmt: skip
    if topics:
        services.defense_topics_set(defense=defense, topics=topics, actor=None)
    if criteria:
        services.defense_criteria_set(
            defense=defense,
            criteria=[{"name": n, "max_score": m, "position": i} for i, (n, m) in
                      enumerate(criteria)],
            actor=None,
        )  # fmt: skip
    if judges:
        services.defense_judges_set(defense=defense, judges=judges, actor=None)
    return defense


def card(defense, *values):
    """{criterion id: value} in the rubric's order."""
    return dict(zip(defense.criteria.order_by("position", "id").values_list("pk", flat=True),
                    values, strict=True))  # fmt: skip


def score(defense, topic, judge, *values):
    return services.defense_score(
        defense=defense, topic=topic, judge=judge, scores=card(defense, *values)
    )


def points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))


@pytest.fixture
def research_rules(db):
    return [
        PointRule.objects.create(
            code=f"YJ-{i}",
            name=kind,
            category="research",
            event_kind=kind,
            points=Decimal(value),
            valid_from=datetime.date(2020, 1, 1),
        )
        for i, (kind, value) in enumerate(KINDS.items())
    ]


@pytest.fixture
def research(world):
    """own: 张伟 (the cadre account) leads, 李娜 (the mentor's mentee) is a member, report in;
    bystander: 王芳 alone, in town, report in; other: 赵敏 in 东湖镇, report in.
    defense: in town, started two hours ago, own topic, judged by staff and mentor.
    other_defense: in 东湖镇."""
    u, c, users = world["units"], world["cadres"], world["users"]
    own = make_topic(u["office"], c["self"], c["mentee"], title="红色物业调研", report=True)
    bystander = make_topic(u["office"], c["bystander"], title="集体经济调研", field="economy",
                           report=True)  # fmt: skip
    other = make_topic(u["other_town"], c["outsider"], title="东湖镇课题", report=True)
    defense = make_defense(u["town"], topics=[own], judges=[users["staff"], users["mentor"]])
    other_defense = make_defense(u["other_town"], topics=[other], title="东湖镇答辩会")
    return {
        "own": own,
        "bystander": bystander,
        "other": other,
        "defense": defense,
        "other_defense": other_defense,
    }
