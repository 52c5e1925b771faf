"""Demo data for written output (信息宣传) and collective activities (集体活动), written through
the services so that points follow wherever point rules exist for the event kinds
(`training.writing.adopted.<level>`, `training.collective.<kind>`)."""

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from training.choices import AdoptionLevel, CollectiveKind, WritingKind
from training.services import collective as collective_services
from training.services import writing as writing_services

# A one-page PDF standing in for an adoption notice or a screenshot of the published piece.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

TOPICS = [
    "乡村振兴", "人居环境整治", "基层治理", "网格化管理", "为民办实事", "安全生产",
    "防汛抗旱", "垃圾分类", "营商环境", "党建引领", "新时代文明实践", "老旧小区改造",
]  # fmt: skip
TITLES = {
    WritingKind.GOV_INFO: [
        "金城镇多措并举推进{topic}工作",
        "金城镇“三个一”机制助力{topic}",
        "{topic}见实效：金城镇探索“党建+”新路径",
        "金城镇扎实开展{topic}专项行动",
    ],
    WritingKind.ONLINE_COMMENT: [
        "以“绣花功夫”做好{topic}",
        "{topic}要多些“泥土味”",
        "让{topic}成果更可感可及",
    ],
    WritingKind.NEWS: [
        "青年干部下沉一线助力{topic}",
        "金城镇：{topic}跑出“加速度”",
        "田间地头话{topic}",
    ],
}
OUTLETS = {
    AdoptionLevel.NONE: ["金城镇党政办", "区融媒体中心", "市日报社"],
    AdoptionLevel.TOWN: ["金城镇党政办《金城简报》", "金城镇微信公众号"],
    AdoptionLevel.DISTRICT: ["区委办公室《信息专报》", "区融媒体中心"],
    AdoptionLevel.CITY: ["市委办公室《每日要情》", "市日报"],
    AdoptionLevel.PROVINCE: ["省委办公厅《信息快报》", "省日报"],
    AdoptionLevel.NATIONAL: ["人民网", "新华网"],
}
# How often each level is claimed; staff correct some claims one level down on review.
LEVEL_WEIGHTS = [
    (AdoptionLevel.NONE, 6),
    (AdoptionLevel.TOWN, 14),
    (AdoptionLevel.DISTRICT, 11),
    (AdoptionLevel.CITY, 6),
    (AdoptionLevel.PROVINCE, 2),
    (AdoptionLevel.NATIONAL, 1),
]
ORDER = [level.value for level, _weight in LEVEL_WEIGHTS]
RETURN_COMMENTS = [
    "佐证材料不清晰，请上传采用通知或刊发页面截图。",
    "采用单位与佐证材料不一致，请核对。",
    "采用日期有误，请按刊发日期填写。",
]

ACTIVITIES = [
    ("植树节义务植树", CollectiveKind.LABOUR, "镇生态林地", "3", "3-12"),
    ("“学雷锋”志愿服务进社区", CollectiveKind.VOLUNTEER, "金城社区", "2.5", "3-05"),
    ("青年干部素质拓展训练", CollectiveKind.OUTWARD, "市青少年拓展基地", "6", "4-20"),
    ("河道清洁义务劳动", CollectiveKind.LABOUR, "金城河沿岸", "3", "5-18"),
    ("防汛物资搬运志愿服务", CollectiveKind.VOLUNTEER, "镇应急物资仓库", "4", "6-15"),
    ("青年干部读书分享会", CollectiveKind.OTHER, "镇新时代文明实践所", "2", "7-08"),
    ("重阳节敬老志愿服务", CollectiveKind.VOLUNTEER, "镇敬老院", "2.5", "10-11"),
    ("秋收助农义务劳动", CollectiveKind.LABOUR, "东浦村农田", "4", "9-26"),
]  # fmt: skip
NOTES = ["", "", "", "表现突出", "带队组织", "主动报名", "全程参与"]


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("evidence.pdf", EVIDENCE_PDF, content_type="application/pdf")


def _day_before(today: datetime.date, rng: random.Random, days: int) -> datetime.date:
    return today - datetime.timedelta(days=rng.randint(0, days))


def seed_writing(*, cadres, town, units, users, rng: random.Random, today: datetime.date) -> int:
    """About 40 pieces over the last ten months across kinds and levels: most verified (some
    at a corrected level, a few as 未采用), some waiting and some returned. The demo cadre
    account has one of each. Returns how many pieces were created."""
    staff = users["orgstaff"]
    cadre_user = users["cadre"]
    own = next((c for c in cadres if c.user_id == cadre_user.pk), None)
    authors = rng.sample(list(cadres), min(len(cadres), 25))
    count = 40
    plan = []  # (cadre, outcome)
    if own is not None:
        plan += [(own, "verified"), (own, "corrected"), (own, "pending"), (own, "returned")]
    outcomes = ["verified"] * 24 + ["corrected"] * 4 + ["pending"] * 5 + ["returned"] * 3
    rng.shuffle(outcomes)
    plan += [(authors[i % len(authors)], outcome) for i, outcome in enumerate(outcomes)]
    levels, weights = zip(*LEVEL_WEIGHTS, strict=True)
    for cadre, outcome in plan[:count]:
        kind = rng.choice(list(WritingKind))
        level = rng.choices(levels, weights=weights)[0]
        if outcome == "corrected" and level in (AdoptionLevel.NONE, AdoptionLevel.TOWN):
            level = AdoptionLevel.DISTRICT
        title = rng.choice(TITLES[kind]).format(topic=rng.choice(TOPICS))
        writing = writing_services.writing_submit(
            cadre=cadre,
            actor=cadre.user if cadre.user_id else staff,
            evidence=_evidence() if level else None,
            kind=kind,
            title=title,
            outlet=rng.choice(OUTLETS[level]),
            published_on=_day_before(today, rng, 300),
            level=level,
        )
        if outcome == "verified":
            writing_services.writing_verify(writing=writing, actor=staff)
        elif outcome == "corrected":
            lower = ORDER[ORDER.index(level) - 1]
            writing_services.writing_verify(
                writing=writing, actor=staff, level=lower, comment="经核实，按实际采用层级认定。"
            )
        elif outcome == "returned":
            writing_services.writing_return(
                writing=writing, actor=staff, comment=rng.choice(RETURN_COMMENTS)
            )
    return min(len(plan), count)


def seed_collective(*, cadres, town, units, users, rng: random.Random, today: datetime.date) -> int:
    """Eight collective activities of the current year up to `today` (organised by the town
    or one of its units) with 10–30 participants each; the demo cadre takes part in most.
    Returns how many participations were recorded."""
    staff = users["orgstaff"]
    cadre_user = users["cadre"]
    own = next((c for c in cadres if c.user_id == cadre_user.pk), None)
    organisers = [town, *units]
    start = today.replace(month=1, day=1)
    span = max((today - start).days, 0)
    recorded = 0
    for index, (title, kind, place, hours, month_day) in enumerate(ACTIVITIES):
        month, day = (int(part) for part in month_day.split("-"))
        held_on = datetime.date(today.year, month, day)
        if held_on > today:  # early in the year: spread over the days so far
            held_on = start + datetime.timedelta(days=span * index // len(ACTIVITIES))
        activity = collective_services.collective_create(
            actor=staff,
            title=title,
            kind=kind,
            unit=town if index % 3 == 0 else rng.choice(organisers),
            held_on=held_on,
            place=place,
            hours=Decimal(hours),
            description=f"{title}，由组织部门统一组织，青年干部参加。",
        )
        size = min(len(cadres), rng.randint(10, 30))
        chosen = rng.sample(list(cadres), size)
        if own is not None and own not in chosen and index % 4 != 3:
            chosen.append(own)
        by_note: dict[str, list] = {}
        for cadre in chosen:
            by_note.setdefault(rng.choice(NOTES), []).append(cadre)
        for note, group in by_note.items():
            recorded += len(
                collective_services.participants_record(
                    activity=activity, cadres=group, actor=staff, note=note
                )
            )
    return recorded
