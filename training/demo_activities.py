"""Demo classes and study trips (菁学课堂) for the demo town: a season of past activities with
attendance marked (through the service, so the points follow), a few coming up, feedback.
The demo cadre account is invited to most of them, including one that starts within the
hour, so its QR sign-in can be tried at once."""

import datetime
from decimal import Decimal

from django.utils import timezone

from training import services
from training.choices import ActivityType, Attendance, Theme
from training.models import Feedback

CLASSES = [
    ("学习贯彻党的二十届三中全会精神专题班", ActivityType.THEORY, Theme.PARTY_BUILDING, "王建国"),
    ("基层党组织建设实务", ActivityType.PARTY_SPIRIT, Theme.PARTY_BUILDING, "李春梅"),
    ("乡村振兴政策解读", ActivityType.THEORY, Theme.AGRICULTURE, "陈志刚"),
    ("公文写作与政务信息报送", ActivityType.BUSINESS, Theme.NONE, "刘晓红"),
    ("群众工作方法与信访化解", ActivityType.BUSINESS, Theme.GOVERNANCE, "赵立新"),
    ("应急管理与安全生产", ActivityType.SCARCE_SKILLS, Theme.GOVERNANCE, "孙海波"),
    ("数字乡村与数据分析入门", ActivityType.SCARCE_SKILLS, Theme.URBAN_ECONOMY, "周敏"),
    ("赴红旗渠干部学院党性教育", ActivityType.STUDY_TRIP, Theme.PARTY_BUILDING, ""),
    ("招商引资与项目谋划", ActivityType.BUSINESS, Theme.URBAN_ECONOMY, "吴俊"),
    ("老旧小区改造经验交流", ActivityType.STUDY_TRIP, Theme.URBAN_RENEWAL, ""),
    ("民生实事项目全流程管理", ActivityType.BUSINESS, Theme.LIVELIHOOD, "郑丽"),
    ("廉政教育专题党课", ActivityType.PARTY_SPIRIT, Theme.PARTY_BUILDING, "钱永华"),
]
UPCOMING = [
    ("基层治理数字化专题", ActivityType.SCARCE_SKILLS, Theme.GOVERNANCE, "冯涛"),
    ("赴浙江安吉考察美丽乡村建设", ActivityType.STUDY_TRIP, Theme.AGRICULTURE, ""),
    ("年终工作总结与述职技巧", ActivityType.BUSINESS, Theme.NONE, "何静"),
]
COMMENTS = ["内容实用，案例贴近基层。", "希望增加互动讨论环节。", "收获很大。", ""]
MARKS = [Attendance.PRESENT] * 17 + [Attendance.LATE, Attendance.LEAVE, Attendance.ABSENT]


def _create(*, title, type, theme, speaker, unit, starts_at, actor, rng):
    trip = type == ActivityType.STUDY_TRIP
    hours = Decimal("8.0") if trip else Decimal(rng.choice(["2.0", "3.0", "4.0"]))
    return services.activity_create(
        actor=actor,
        title=title,
        type=type,
        theme=theme,
        unit=unit,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=float(hours)),
        place="实地考察" if trip else rng.choice(["镇党校报告厅", "镇政府三楼会议室"]),
        speaker=speaker,
        hours=hours,
        capacity=60,
        cost=Decimal(rng.choice(["800", "1500", "2400"])) * (5 if trip else 1),
    )


def seed_activities(*, cadres, town, units, users, rng, today: datetime.date) -> int:
    """Classes spread over the year up to `today`, three coming up and one today. Returns
    how many activities were created."""
    staff = users["orgstaff"]
    featured = cadres[0] if cadres else None
    tz = timezone.get_current_timezone()
    year_start = today.replace(month=1, day=1)
    span = max((today - year_start).days, 1)
    created = []
    for index, (title, type_, theme, speaker) in enumerate(CLASSES):
        day = year_start + datetime.timedelta(days=span * (index + 1) // (len(CLASSES) + 1))
        starts = datetime.datetime.combine(day, datetime.time(14, 30), tz)
        created.append(
            _create(
                title=title, type=type_, theme=theme, speaker=speaker, unit=town,
                starts_at=starts, actor=staff, rng=rng,
            )
        )  # fmt: skip
    upcoming = []
    for index, (title, type_, theme, speaker) in enumerate(UPCOMING):
        day = today + datetime.timedelta(days=7 * (index + 1))
        starts = datetime.datetime.combine(day, datetime.time(9, 0), tz)
        upcoming.append(
            _create(
                title=title, type=type_, theme=theme, speaker=speaker, unit=town,
                starts_at=starts, actor=staff, rng=rng,
            )
        )  # fmt: skip
    now = timezone.localtime().replace(second=0, microsecond=0)
    happening = _create(
        title="青年干部晨读会",
        type=ActivityType.THEORY,
        theme=Theme.NONE,
        speaker="组织委员",
        unit=town,
        starts_at=now + datetime.timedelta(minutes=20),
        actor=staff,
        rng=rng,
    )
    pool = list(cadres)
    for activity in [*created, *upcoming, happening]:
        invited = rng.sample(pool, min(len(pool), rng.randint(25, 45)))
        if featured is not None and featured not in invited:
            invited.append(featured)
        services.participants_invite(activity=activity, cadres=invited, actor=staff)
    feedback = []
    for activity in created:
        roll = list(activity.participants.select_related("cadre"))
        marks = {
            p.pk: (Attendance.PRESENT if p.cadre_id == getattr(featured, "pk", None) else rng.choice(MARKS))
            for p in roll
        }  # fmt: skip
        services.attendance_mark(activity=activity, marks=marks, actor=staff)
        attended = [p for p in roll if marks[p.pk] in (Attendance.PRESENT, Attendance.LATE)]
        for participant in rng.sample(attended, len(attended) // 3):
            feedback.append(
                Feedback(
                    participant=participant,
                    rating=rng.choice([3, 4, 4, 5, 5, 5]),
                    comment=rng.choice(COMMENTS),
                )
            )
    Feedback.objects.bulk_create(feedback, ignore_conflicts=True)
    return len(created) + len(upcoming) + 1
