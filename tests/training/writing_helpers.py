"""Shared helpers of the written-output and collective-activity tests."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.models import PointEntry, PointRule
from training.services import writing as writing_services

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DAY = datetime.date(2025, 4, 15)
ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]


def expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def pdf(name="notice.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def rule(kind: str, points: str, code: str) -> PointRule:
    return PointRule.objects.create(
        code=code,
        name=code,
        category="research",
        event_kind=kind,
        points=Decimal(points),
        valid_from=datetime.date(2020, 1, 1),
    )


def points(cadre) -> Decimal:
    return sum((e.points for e in PointEntry.objects.filter(cadre=cadre)), Decimal(0))


def submit(cadre, *, actor=None, level="city", title="我镇推进乡村振兴纪实", evidence=True, **kw):
    values = {
        "kind": "gov_info",
        "title": title,
        "outlet": "区委办公室《金城信息》",
        "published_on": DAY,
        "level": level,
        **kw,
    }
    return writing_services.writing_submit(
        cadre=cadre,
        actor=actor or cadre.user,
        evidence=pdf() if evidence else None,
        **values,
    )
