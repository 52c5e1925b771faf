"""Demo guidance logs (帮带记录) for the demo's current pairings: the demo mentor account's
through the service (points follow), other mentors' (no login account) written in bulk with
their points reported the same way."""

import datetime

from mentoring.events_guidance import GUIDANCE_LOGGED, guidance_source
from mentoring.models import GuidanceLog, GuidanceTask
from mentoring.models.guidance import GuidanceFocus, GuidanceMethod, TaskStatus
from mentoring.selectors import current_pairings
from mentoring.services.guidance import guidance_log_create
from scoring.services import event_record

CONTENTS = [
    "围绕乡村振兴项目推进情况开展交流，帮助梳理工作思路，明确下一步重点。",
    "带领参加信访接待，现场示范群众工作方法，会后复盘沟通要点。",
    "布置调研题目，指导撰写调研提纲，提出修改意见。",
    "送学习资料、送工作建议，并就其提出的基层治理问题作了解答。",
    "结合近期重点工作，指导公文写作和会议组织。",
]
TASKS = ["撰写一篇调研报告", "整理一次走访记录", "研读指定学习材料并谈体会", "组织一次村民议事会"]


def _plan(rng, pairing, today):
    first = max(pairing.start_date, today - datetime.timedelta(days=120))
    span = (today - first).days
    for _n in range(rng.randint(0, 4)):
        day = first + datetime.timedelta(days=rng.randint(0, max(span, 0)))
        focus = rng.sample(GuidanceFocus.values, rng.randint(1, 2))
        tasks = [
            {"text": rng.choice(TASKS), "due_on": day + datetime.timedelta(days=30)}
            for _t in range(rng.randint(0, 2))
        ]
        yield {
            "date": day,
            "method": rng.choice(GuidanceMethod.values),
            "focus": focus,
            "content": rng.choice(CONTENTS),
            "tasks": tasks,
        }


def seed_guidance(*, cadres, users, rng, today) -> int:
    """Create logs for the current pairings of `cadres`; returns how many."""
    pairings = current_pairings(on=today).filter(cadre__in=[c.pk for c in cadres])
    pairings = pairings.select_related("mentor", "cadre").order_by("pk")
    count = 0
    bulk: list[tuple[GuidanceLog, list[dict]]] = []
    for pairing in pairings:
        for plan in _plan(rng, pairing, today):
            if pairing.mentor.user_id is not None:
                guidance_log_create(pairing=pairing, actor=pairing.mentor.user, **plan)
                count += 1
                continue
            log = GuidanceLog(
                pairing=pairing,
                cadre_id=pairing.cadre_id,
                date=plan["date"],
                method=plan["method"],
                focus=",".join(f for f in GuidanceFocus.values if f in plan["focus"]),
                content=plan["content"],
            )
            if rng.random() < 0.4:
                log.response = "感谢导师指导，我会按要求抓好落实。"
            bulk.append((log, plan["tasks"]))
    GuidanceLog.objects.bulk_create([log for log, _tasks in bulk])
    tasks = []
    for log, planned in bulk:
        for task in planned:
            done = task["due_on"] < today and rng.random() < 0.5
            tasks.append(
                GuidanceTask(
                    log=log,
                    text=task["text"],
                    due_on=task["due_on"],
                    status=TaskStatus.DONE if done else TaskStatus.OPEN,
                    follow_up="已按期完成。" if done else "",
                )
            )
    GuidanceTask.objects.bulk_create(tasks)
    by_id = {c.pk: c for c in cadres}
    for log, _planned in bulk:
        event_record(
            kind=GUIDANCE_LOGGED,
            cadre=by_id[log.cadre_id],
            occurred_on=log.date,
            source=guidance_source(log),
        )
    return count + len(bulk)
