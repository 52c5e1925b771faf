"""Demo season of 菁才论坛 ("金城青年说"): one forum per quarter of the current year so far,
with speakers, attendees, a three-item rubric, three judges, scores, and the past ones
published, all through the services so that points follow."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from training.choices import ForumFormat
from training.models import ForumScore
from training.services import forums as services

TOPICS = [
    ("乡村振兴中的青年担当", "我在村里的第一个项目"),
    ("基层治理的“小切口”", "网格化管理的一点体会"),
    ("营商环境与服务效能", "一次企业走访的收获"),
    ("城市更新里的群众工作", "老旧小区改造的沟通之道"),
]
TALKS = [
    "做群众的贴心人",
    "从一份调研报告说起",
    "数字赋能基层减负",
    "人居环境整治的实践",
    "党建引领网格治理",
    "夜市经济调研心得",
    "防汛一线的七天",
    "读《习近平的七年知青岁月》",
]
CRITERIA = [("内容质量", Decimal(40)), ("表达能力", Decimal(30)), ("现场效果", Decimal(30))]


def seed_forums(*, cadres, town, units, users, rng: random.Random, today: datetime.date):
    """Create the season; returns the forums. Forums whose day has passed are scored by the
    judges (leader, orgstaff, mentor) and published; the current quarter's one, if still
    ahead, has speakers, registered attendees and judges but no scores yet."""
    actor = users["orgstaff"]
    judges = [users["leader"], users["orgstaff"], users["mentor"]]
    pool = [c for c in cadres if c.status == "active"] or list(cadres)
    formats = list(ForumFormat.values)
    forums = []
    for quarter in range(1, (today.month - 1) // 3 + 2):
        month = (quarter - 1) * 3 + 2  # the middle month of the quarter
        day = datetime.date(today.year, month, 20)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))
        topic, title = TOPICS[(quarter - 1) % len(TOPICS)]
        forum = services.forum_create(
            actor=actor,
            series="金城青年说",
            title=f"金城青年说·{today.year}年第{quarter}期",
            format=formats[(quarter - 1) % len(formats)],
            topic=topic,
            unit=rng.choice(units) if units and quarter % 2 == 0 else town,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            place=rng.choice(["镇党校报告厅", "镇便民服务中心三楼会议室", "新时代文明实践站"]),
            hours=Decimal("2.0"),
        )
        services.criteria_set(
            forum=forum,
            criteria=[
                {"name": n, "max_score": m, "position": i}
                for i, (n, m) in enumerate(CRITERIA, start=1)
            ],
            actor=actor,
        )
        forum.judges.set(judges)
        chosen = rng.sample(pool, min(len(pool), 6 + 12))
        n_speakers = min(rng.randint(4, 6), len(chosen))
        speakers = [
            services.speaker_add(
                forum=forum,
                cadre=cadre,
                talk_title=title if i == 0 else rng.choice(TALKS),
                actor=actor,
            )
            for i, cadre in enumerate(chosen[:n_speakers])
        ]
        attendees = chosen[n_speakers:]
        if attendees:
            at = starts_at + datetime.timedelta(hours=3)
            if day < today:
                services.attendees_add(forum=forum, cadres=attendees, actor=actor, at=at)
            else:
                services.attendees_add(
                    forum=forum,
                    cadres=attendees,
                    actor=actor,
                    at=starts_at - datetime.timedelta(days=7),
                )
        if day < today:
            criteria = list(forum.criteria.all())
            now = timezone.now()
            rows = []
            for speaker in speakers:
                talent = rng.uniform(0.62, 0.95)
                for judge in judges:
                    for criterion in criteria:
                        share = min(max(talent + rng.uniform(-0.08, 0.08), 0), 1)
                        value = (criterion.max_score * Decimal(str(round(share, 3)))).quantize(
                            Decimal("0.5")
                        )
                        rows.append(
                            ForumScore(
                                speaker=speaker,
                                criterion=criterion,
                                judge=judge,
                                score=value,
                                created_at=now,
                                updated_at=now,
                            )
                        )
            # Bulk for speed: the same rows score_card_save writes, all complete and in bounds.
            ForumScore.objects.bulk_create(rows)
            forum = services.forum_results_publish(forum=forum, actor=actor)
        forums.append(forum)
    return forums
