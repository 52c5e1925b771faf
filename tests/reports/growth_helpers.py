"""A cadre's growth record filled in every section (成长档案): `fill(cadre, ...)` records `n`
facts of each kind in one year through the apps' models, plus one older fact per section, so
tests can filter by year and kind and count queries for N vs 5N items."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cadres.models import PositionRecord, RewardSanction
from mentoring.models import DutyRecord, GuidanceLog, Pairing, SelfReport, Talk
from scoring.models import EvaluationResult, EvaluationRound, FollowUp, PointEntry, ScoringPeriod
from training.models import (
    Activity,
    CollectiveActivity,
    CollectiveParticipation,
    Forum,
    ForumCriterion,
    ForumScore,
    ForumSpeaker,
    MonthlyReport,
    Participant,
    Posting,
    ResearchMember,
    ResearchTopic,
    Writing,
)

YEAR = 2025
OLD_YEAR = 2023
SECRET = "家中老人病重需关照"

# Section titles of every kind, as the page shows them.
SECTION_TITLES = [
    "菁学课堂", "菁才论坛", "实践锻炼", "课题研究", "信息宣传", "集体活动",
    "导师帮带", "谈心谈话", "思想汇报与月小结", "多维评价", "积分", "职务变动与奖惩",
]  # fmt: skip


def _day(year: int, i: int) -> datetime.date:
    return datetime.date(year, 1 + i % 12, 1 + (i // 12) % 28)


def _moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def fill(cadre, *, unit, judge, talker, n: int = 1, year: int = YEAR, tag: str = "") -> None:
    """`n` facts of every kind for `cadre` in `year` (titles carry `tag` and the index)."""
    from tests import factories as f

    pairing = Pairing.objects.filter(cadre=cadre).first() or f.PairingFactory(
        mentor=f.MentorFactory(unit=unit), cadre=cadre
    )
    for i in range(n):
        day = _day(year, i)
        t = f"{tag}{year}-{i}"
        activity = Activity.objects.create(
            title=f"党性教育课{t}", type="party_spirit", unit=unit, starts_at=_moment(day),
            ends_at=_moment(day, 11), place="党校", hours=Decimal("2.0"),
        )  # fmt: skip
        Participant.objects.create(activity=activity, cadre=cadre, attendance="present")
        forum = Forum.objects.create(
            title=f"金城青年说{t}", format="lecture", topic="乡村振兴", unit=unit,
            starts_at=_moment(day), ends_at=_moment(day, 11), place="礼堂",
            results_published_at=_moment(day, 12),
        )  # fmt: skip
        speaker = ForumSpeaker.objects.create(forum=forum, cadre=cadre, talk_title=f"我的驻村{t}")
        criterion = ForumCriterion.objects.create(forum=forum, name="内容", max_score=10)
        ForumScore.objects.create(speaker=speaker, criterion=criterion, judge=judge, score=9)
        posting = Posting.objects.create(
            cadre=cadre, type="village", host_unit=unit, role="村支书助理", starts_on=day,
            ends_on=day + datetime.timedelta(days=60), goals="熟悉基层", assessment="excellent",
        )  # fmt: skip
        MonthlyReport.objects.create(
            posting=posting, month=day.replace(day=1), work_done="走访农户",
            status="accepted", submitted_at=_moment(day),
        )  # fmt: skip
        topic = ResearchTopic.objects.create(
            title=f"基层治理调研{t}", field="livelihood", unit=unit, starts_on=day,
            due_on=day + datetime.timedelta(days=90),
        )  # fmt: skip
        ResearchMember.objects.create(topic=topic, cadre=cadre, role="leader")
        Writing.objects.create(
            cadre=cadre, kind="gov_info", title=f"政务信息{t}", outlet="区委办",
            published_on=day, level="city", status="accepted",
        )  # fmt: skip
        collective = CollectiveActivity.objects.create(
            title=f"义务植树{t}", kind="labour", unit=unit, held_on=day, hours=Decimal("3"),
        )  # fmt: skip
        CollectiveParticipation.objects.create(activity=collective, cadre=cadre, note="表现积极")
        GuidanceLog.objects.create(
            pairing=pairing, cadre=cadre, date=day, method="exchange", focus="skills",
            content=f"交流工作思路{t}",
        )  # fmt: skip
        DutyRecord.objects.create(
            pairing=pairing, cadre=cadre, kind="seminar", done_on=day, title=f"座谈{t}"
        )
        Talk.objects.create(
            cadre=cadre, level="org", talked_on=day, talker=talker, topics=f"思想动态{t}",
            confidential_note=SECRET,
        )  # fmt: skip
        SelfReport.objects.create(
            cadre=cadre, kind="monthly", period_start=day.replace(day=1),
            title=f"月小结{t}", content="本月工作", status="accepted",
            submitted_at=_moment(day),
        )  # fmt: skip
        round_ = EvaluationRound.objects.create(
            name=f"季度评鉴{t}", kind="quarter", unit=unit, period_start=day,
            period_end=day, opens_on=day, closes_on=day, status="finalised",
        )  # fmt: skip
        EvaluationResult.objects.create(
            round=round_, cadre=cadre, score=Decimal("88.50"), ratings=6,
            dimension_scores={"thought": "90", "political": "88", "organising": "85",
                              "performance": "87", "potential": "91", "recognition": "89"},
        )  # fmt: skip
        period, _ = ScoringPeriod.objects.get_or_create(
            unit=unit, start=day, end=day + datetime.timedelta(days=1),
            defaults={"name": f"积分周期{t}"},
        )  # fmt: skip
        FollowUp.objects.create(
            period=period, cadre=cadre, reason="积分排名靠后", total=Decimal("3"), rank=9,
            due_on=day,
        )  # fmt: skip
        PointEntry.objects.create(
            cadre=cadre, points=Decimal("2.5"), kind="manual", occurred_on=day,
            reason="加分", author=judge,
        )  # fmt: skip
        PositionRecord.objects.create(
            cadre=cadre, unit_name="金城镇党政办", position=f"副主任{t}", start_date=day,
            is_promotion=True,
        )  # fmt: skip
        RewardSanction.objects.create(cadre=cadre, kind="award", title=f"优秀共产党员{t}", date=day)
