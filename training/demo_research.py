"""Demo season of 菁智汇: six research topics across the fields, with groups and milestones
(some overdue), four reports handed in, and one past defense judged by the town's leader,
the organisation staff and a mentor, its results published (so points follow through the
services, if point rules for the `training.research.*` kinds exist)."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cadres.choices import CadreStatus
from training.choices import ResearchField
from training.services import research as services

TOPICS = [
    ("以“红色物业”推动基层治理提质增效的路径研究", ResearchField.PARTY_BUILDING),
    ("村级集体经济多元化发展模式调研", ResearchField.ECONOMY),
    ("“一老一小”民生服务供给现状与对策", ResearchField.LIVELIHOOD),
    ("农村党员队伍结构优化与发展党员工作研究", ResearchField.PARTY_BUILDING),
    ("镇域特色产业园区招商引资成效分析", ResearchField.ECONOMY),
    ("网格化管理在矛盾纠纷化解中的应用", ResearchField.OTHER),
]
MILESTONES = ["开题论证", "实地调研", "中期汇报", "形成报告初稿"]
CRITERIA = [("选题价值", "20"), ("调研深度", "30"), ("对策建议", "30"), ("报告质量", "20")]


def _pdf(title: str) -> bytes:
    """A tiny valid one-page PDF (ASCII body; enough for a download in the demo)."""
    body = b"BT /F1 18 Tf 72 720 Td (Research report) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def seed_research(*, cadres, town, units, users, rng, today) -> dict:
    staff = users["orgstaff"]
    serving = [c for c in cadres if c.status == CadreStatus.ACTIVE]
    chosen = rng.sample(serving, min(len(serving), len(TOPICS) * 4))
    topics = []
    for index, (title, field) in enumerate(TOPICS):
        group = chosen[index * 4 : index * 4 + rng.randint(3, 4)]
        if not group:
            break
        starts_on = today - datetime.timedelta(days=rng.randint(90, 200))
        topic = services.topic_create(
            actor=staff,
            leader=group[0],
            members=group[1:],
            title=title,
            field=field,
            unit=units[index % len(units)] if units else town,
            summary=f"围绕{title}开展专题调研，形成调研报告和对策建议。",
            starts_on=starts_on,
            due_on=starts_on + datetime.timedelta(days=rng.choice([150, 180, 210])),
        )
        topics.append(topic)
        reported = index < 4
        for step, name in enumerate(MILESTONES):
            due = starts_on + datetime.timedelta(days=30 * (step + 1))
            milestone = services.milestone_add(topic=topic, title=name, due_on=due, actor=staff)
            # Reported topics finished every step; the others lag (overdue steps stay open).
            if due < today and (reported or step < 2):
                services.milestone_done(
                    milestone=milestone,
                    done_on=due - datetime.timedelta(days=rng.randint(0, 5)),
                    note="按计划完成",
                    actor=staff,
                )
        if reported:
            upload = SimpleUploadedFile("report.pdf", _pdf(title), "application/pdf")
            services.report_upload(topic=topic, upload=upload, actor=staff)

    held_at = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=20), datetime.time(14, 30))
    )
    defense = services.defense_create(
        actor=staff, title="菁智汇课题结题答辩会", unit=town, held_at=held_at, place="镇党校报告厅"
    )
    defended = topics[:3]
    services.defense_topics_set(defense=defense, topics=defended, actor=staff)
    services.defense_criteria_set(
        defense=defense,
        criteria=[{"name": n, "max_score": m, "position": i} for i, (n, m) in enumerate(CRITERIA)],
        actor=staff,
    )
    judges = [users["leader"], users["orgstaff"], users["mentor"]]
    services.defense_judges_set(defense=defense, judges=judges, actor=staff)
    criteria = list(defense.criteria.order_by("position"))
    for judge in judges:
        for topic in defended:
            scores = {
                c.pk: (c.max_score * Decimal(rng.randint(70, 98)) / 100).quantize(Decimal("0.1"))
                for c in criteria
            }
            services.defense_score(
                defense=defense,
                topic=topic,
                judge=judge,
                scores=scores,
                at=held_at + datetime.timedelta(hours=1),
            )
    services.results_publish(defense=defense, actor=staff)
    return {"topics": len(topics), "defenses": 1}
