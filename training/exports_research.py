"""Excel exports of research topics and of a defense's ranked results."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.workbooks import xlsx_bytes
from training.choices import MemberRole, ResearchField
from training.selectors.research import TopicStatus


def _date(value):
    return value.isoformat() if value else ""


def topics_xlsx(topics) -> bytes:
    """The topic list as shown (filters and scoping applied); `topics` comes from
    `selectors.topic_list` with `with_members`."""
    headers = [
        _("课题名称"), _("领域"), _("组织单位"), _("组长"), _("组员"), _("立项日期"),
        _("结题期限"), _("状态"), _("节点数"), _("逾期节点"), _("报告提交时间"), _("答辩会"),
    ]  # fmt: skip

    def rows():
        for t in topics.iterator(chunk_size=500):
            members = [m for m in t.members.all() if m.role == MemberRole.MEMBER]
            yield [
                t.title,
                str(ResearchField(t.field).label),
                t.unit.full_name,
                t.leader_name or "",
                "、".join(m.cadre.name for m in members),
                _date(t.starts_on),
                _date(t.due_on),
                str(TopicStatus(t.status).label),
                t.milestone_count,
                t.overdue_count,
                timezone.localtime(t.report_submitted_at).strftime("%Y-%m-%d %H:%M")
                if t.report_submitted_at
                else "",
                t.defense.title if t.defense else "",
            ]

    return xlsx_bytes(
        title=_("调研课题"),
        headers=headers,
        rows=rows(),
        widths={_("课题名称"): 40, _("组织单位"): 24, _("组员"): 30, _("答辩会"): 24},
    )


def defense_results_xlsx(defense, results: dict) -> bytes:
    """Ranked topics with the mean, the judges counted and each criterion's mean."""
    criteria = results["criteria"]
    headers = [
        _("名次"), _("课题名称"), _("领域"), _("组长"), _("组员"), _("平均分"), _("有效评分评委数"),
        *[_("%(name)s（%(max)s）") % {"name": c.name, "max": c.max_score} for c in criteria],
    ]  # fmt: skip
    rows = []
    for row in results["rows"]:
        topic, result = row["topic"], row["result"]
        members = list(topic.members.all())
        rows.append(
            [
                result.rank or "",
                topic.title,
                str(ResearchField(topic.field).label),
                "、".join(m.cadre.name for m in members if m.role == MemberRole.LEADER),
                "、".join(m.cadre.name for m in members if m.role == MemberRole.MEMBER),
                float(result.mean) if result.mean is not None else "",
                result.judges,
                *[float(v) if v is not None else "" for v in row["by_criterion"]],
            ]
        )
    return xlsx_bytes(
        title=_("答辩结果"),
        headers=headers,
        rows=rows,
        widths={_("课题名称"): 40, _("组员"): 30},
    )
