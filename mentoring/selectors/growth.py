"""Mentoring's timeline items for the growth record (`core.growth`): guidance logs and the
mentor duties done for the cadre (guidance), talks (level and topics only; the confidential
note never leaves the talks pages), and self-reports submitted or accepted. A fixed number
of queries for any number of cadres."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.growth import GrowthItem, GrowthKind
from mentoring.models import DutyRecord, GuidanceLog, SelfReport, Talk
from mentoring.models.self_reports import SelfReportStatus
from mentoring.selectors.guidance import guidance_logs_visible_to


def _range(rows, field: str, start, end):
    if start:
        rows = rows.filter(**{f"{field}__gte": start})
    if end:
        rows = rows.filter(**{f"{field}__lte": end})
    return rows


def _line(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _guidance(cadres, start, end, viewer=None) -> list[GrowthItem]:
    # A reader sees the logs their own scope gives them (a mentor: only their own pairings',
    # never another mentor's of a shared mentee); without a reader, the office's view.
    logs_in_scope = (
        GuidanceLog.objects.all() if viewer is None else guidance_logs_visible_to(viewer)
    )
    logs = _range(
        logs_in_scope.filter(cadre__in=cadres)
        .select_related("pairing__mentor")
        .only("id", "cadre_id", "date", "method", "content", "pairing__mentor__name"),
        "date",
        start,
        end,
    )
    items = [
        GrowthItem(
            cadre_id=log.cadre_id,
            date=log.date,
            kind=GrowthKind.GUIDANCE,
            title=_("帮带：%(method)s") % {"method": log.get_method_display()},
            detail=_("导师 %(mentor)s · %(content)s")
            % {"mentor": log.pairing.mentor.name, "content": _line(log.content)},
            url=reverse("guidance_detail", args=[log.pk]),
        )
        for log in logs
    ]
    duties = _range(
        DutyRecord.objects.filter(cadre__in=cadres)
        .select_related("pairing__mentor")
        .only("id", "cadre_id", "done_on", "kind", "title", "pairing__mentor__name"),
        "done_on",
        start,
        end,
    )
    items += [
        GrowthItem(
            cadre_id=d.cadre_id,
            date=d.done_on,
            kind=GrowthKind.GUIDANCE,
            title=_("导师履职：%(kind)s") % {"kind": d.get_kind_display()},
            detail=_("导师 %(mentor)s · %(title)s")
            % {"mentor": d.pairing.mentor.name, "title": _line(d.title)},
        )
        for d in duties
    ]
    return items


def _talks(cadres, start, end) -> list[GrowthItem]:
    # Only the fields a reader of the record may see: never `confidential_note`.
    talks = _range(
        Talk.objects.filter(cadre__in=cadres).only(
            "id", "cadre_id", "talked_on", "level", "topics"
        ),
        "talked_on",
        start,
        end,
    )
    return [
        GrowthItem(
            cadre_id=t.cadre_id,
            date=t.talked_on,
            kind=GrowthKind.TALK,
            title=_("谈心谈话（%(level)s）") % {"level": t.get_level_display()},
            detail=_line(t.topics),
            url=reverse("cadre_talks", args=[t.cadre_id]),
        )
        for t in talks
    ]


def _self_reports(cadres, start, end) -> list[GrowthItem]:
    reports = _range(
        SelfReport.objects.filter(
            cadre__in=cadres,
            status__in=[SelfReportStatus.SUBMITTED, SelfReportStatus.ACCEPTED],
        ).only("id", "cadre_id", "kind", "period_start", "title", "status"),
        "period_start",
        start,
        end,
    )
    return [
        GrowthItem(
            cadre_id=r.cadre_id,
            date=r.period_start,
            kind=GrowthKind.SELF_REPORT,
            title=_("%(kind)s %(period)s")
            % {
                "kind": r.get_kind_display(),
                "period": r.period_start.strftime("%Y" if r.kind == "thought" else "%Y-%m"),
            },
            detail=_("%(title)s · %(status)s")
            % {"title": _line(r.title), "status": r.get_status_display()},
            url=reverse("self_report_detail", args=[r.pk]),
            extra={"status": r.status},
        )
        for r in reports
    ]


def growth_items(*, cadres, start=None, end=None, viewer=None) -> list[GrowthItem]:
    """Mentoring's items for `cadres` (a queryset or ids) dated within [start, end]."""
    return [
        *_guidance(cadres, start, end, viewer),
        *_talks(cadres, start, end),
        *_self_reports(cadres, start, end),
    ]
