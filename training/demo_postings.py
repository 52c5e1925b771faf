"""Demo season of practice postings (菁岗练兵): a task force with four members, village
secondments, rotations, shadowing and a secondment; most monthly reports filed and reviewed
(points follow through the services), a few months left overdue, two postings assessed."""

import datetime

from django.utils import timezone

from core.cadence import Frequency, calendar_start
from training.choices import PostingType, Review
from training.models import MonthlyReport
from training.services import postings as services

WORK = [
    "走访农户{n}户，收集群众诉求并逐一登记办理。",
    "参与人居环境整治，协调清理河道{n}公里。",
    "协助村“两委”筹备党员大会，整理会议材料。",
    "跟进项目征迁，完成{n}户入户测量和政策解释。",
    "参加网格化巡查，排查安全隐患{n}处并督促整改。",
]
LESSONS = ["基层工作要多听群众意见。", "协调工作要讲方法、讲耐心。", "政策解释要通俗易懂。"]
PLANS = ["继续做好入户走访。", "推进项目收尾工作。", "总结本阶段工作经验。"]


def _months_back(today: datetime.date, n: int) -> datetime.date:
    first = today.replace(day=1)
    for _ in range(n):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def seed_postings(*, cadres, town, units, users, rng, today) -> dict:
    """About twelve postings for the first cadres, through the services. Returns counts."""
    staff = users["orgstaff"]
    supervisor = users["leader"]
    villages = [u for u in units if getattr(u, "kind", "") == "village"] or list(units)
    offices = [u for u in units if u not in villages] or list(units)
    own = [c for c in cadres if c.user_id and c.user_id == users["cadre"].pk]
    people = (own + [c for c in cadres if c not in own])[:12]
    if len(people) < 6:
        return {"postings": 0, "reports": 0}
    task_force = services.task_force_create(
        actor=staff, name="人居环境整治攻坚专班", goal="半年内完成全镇村庄环境整治提升。",
        unit=town, starts_on=_months_back(today, 5), ends_on=today + datetime.timedelta(days=45),
    )  # fmt: skip
    postings = [
        services.task_force_member_add(
            task_force=task_force, actor=staff, cadre=cadre, role=role, supervisor=supervisor
        )
        for cadre, role in zip(people[:4], ["组长助理", "联络员", "宣传员", "督查员"], strict=True)
    ]
    plans = [
        (PostingType.VILLAGE, 6, 120, "村支书助理"),
        (PostingType.VILLAGE, 4, 60, "村主任助理"),
        (PostingType.ROTATION, 5, 30, "综合岗"),
        (PostingType.ROTATION, 8, -20, "业务岗"),  # ended: assessed below
        (PostingType.SHADOWING, 3, 90, "跟班学习"),
        (PostingType.SECONDMENT, 9, -10, "副主任"),  # ended: assessed below
        (PostingType.SHADOWING, 2, 150, "跟班学习"),
        (PostingType.VILLAGE, -1, 200, "驻村工作队员"),  # planned: starts next month
    ]
    for cadre, (kind, back, ahead, role) in zip(people[4:], plans, strict=False):
        start = _months_back(today, back) + datetime.timedelta(days=rng.randint(0, 10))
        # Not before the demo's points history begins (two quarters before this one).
        start = max(start, _months_back(today.replace(month=(today.month - 1) // 3 * 3 + 1), 6))
        host = rng.choice(villages if kind == PostingType.VILLAGE else offices)
        postings.append(
            services.posting_create(
                actor=staff, cadre=cadre, type=kind, host_unit=host, role=role, task_force=None,
                starts_on=start, ends_on=max(start, today + datetime.timedelta(days=ahead)),
                supervisor=supervisor, goals=f"在{host.name}{role}岗位锻炼，熟悉基层工作。",
                needs_monthly_reports=kind != PostingType.SHADOWING,
            )
        )  # fmt: skip

    now = timezone.now()
    reports = []
    for posting in postings:
        if not posting.needs_monthly_reports:
            continue
        months = services.report_months(posting, today)
        for month in months:
            current = month == calendar_start(Frequency.MONTH, today)
            if current or rng.random() < 0.12:  # a few left overdue, the current month open
                continue
            reports.append(
                MonthlyReport(
                    posting=posting, month=month, submitted_at=now,
                    work_done=rng.choice(WORK).format(n=rng.randint(5, 40)),
                    lessons=rng.choice(LESSONS), next_plan=rng.choice(PLANS),
                    status=Review.SUBMITTED,
                )
            )  # fmt: skip
    MonthlyReport.objects.bulk_create(reports)
    for report in MonthlyReport.objects.filter(posting__in=postings).select_related("posting"):
        roll = rng.random()
        if roll < 0.75:
            services.monthly_report_review(report=report, accept=True, actor=supervisor)
        elif roll < 0.85:
            services.monthly_report_review(
                report=report, accept=False, comment="请补充具体数据和照片。", actor=supervisor
            )
    ended = [p for p in postings if p.ends_on < today][:2]
    for posting, grade in zip(ended, ["excellent", "pass"], strict=False):
        services.posting_assess(
            posting=posting, grade=grade, comment="锻炼期间表现良好，完成锻炼目标。",
            actor=staff, today=today,
        )  # fmt: skip
    return {"postings": len(postings), "reports": len(reports), "assessed": len(ended)}
