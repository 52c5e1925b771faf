"""Deterministic demo data: 金城镇 with offices and 12 villages, the 磐石计划, mentors and accounts.

Bulk writes throughout, so `--cadres 10000` stays well under a minute.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cadres import choices, services
from cadres.idcard import id_with_check_digit
from cadres.models import Cadre, Enrolment, PositionRecord, RewardSanction, Unit
from cadres.pinyin import pinyin_keys
from core.models import User
from core.roles import GROUP_NAMES, Role, role_group
from mentoring.choices import MentorType, PairingRole
from mentoring.demo import seed_mentoring
from mentoring.models import Mentor, Pairing
from scoring.demo import seed_points
from training.demo import seed_training

DEMO_PASSWORD = "qingmiao-demo"  # noqa: S105  (printed by the demo command; never production)
TOWN = "金城镇"
OFFICES = [
    ("党政办公室", choices.UnitKind.OFFICE),
    ("党建工作办公室", choices.UnitKind.OFFICE),
    ("经济发展局", choices.UnitKind.OFFICE),
    ("社会事业局", choices.UnitKind.OFFICE),
    ("城市建设局", choices.UnitKind.OFFICE),
    ("综合执法局", choices.UnitKind.OFFICE),
    ("财政所", choices.UnitKind.INSTITUTION),
    ("便民服务中心", choices.UnitKind.INSTITUTION),
    ("农业农村服务中心", choices.UnitKind.INSTITUTION),
    ("文化体育服务中心", choices.UnitKind.INSTITUTION),
]
VILLAGES = [
    ("东浦村", choices.UnitKind.VILLAGE),
    ("西岗村", choices.UnitKind.VILLAGE),
    ("南庄村", choices.UnitKind.VILLAGE),
    ("北渚村", choices.UnitKind.VILLAGE),
    ("汤庄村", choices.UnitKind.VILLAGE),
    ("河头村", choices.UnitKind.VILLAGE),
    ("花山村", choices.UnitKind.VILLAGE),
    ("后阳村", choices.UnitKind.VILLAGE),
    ("方边村", choices.UnitKind.VILLAGE),
    ("新城社区", choices.UnitKind.COMMUNITY),
    ("丹金社区", choices.UnitKind.COMMUNITY),
    ("华城社区", choices.UnitKind.COMMUNITY),
]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然晨曦雨欣怡佳琪子涵思远博文志远"
    "建国海燕春梅晓东亚楠婷婷嘉怡天翼一鸣梓萱俊杰振华国栋丹丹雪莹诗雨梦瑶凯文宏伟少华"
)
SCHOOLS = [
    ("南京大学", "985"),
    ("东南大学", "985"),
    ("河海大学", "211"),
    ("苏州大学", "211"),
    ("南京师范大学", "211"),
    ("江苏大学", ""),
    ("常州大学", ""),
    ("扬州大学", ""),
    ("南京农业大学", "211"),
    ("江南大学", "211"),
    ("常州工学院", ""),
    ("江苏理工学院", ""),
]
MAJORS = [
    "行政管理",
    "汉语言文学",
    "法学",
    "经济学",
    "农学",
    "土木工程",
    "计算机科学与技术",
    "会计学",
    "社会工作",
    "城乡规划",
    "环境工程",
    "公共事业管理",
]
POSITIONS_TOWN = ["科员", "办事员", "副主任", "主任", "副局长", "综合科科长", "业务骨干"]
POSITIONS_VILLAGE = [
    "村委委员",
    "村党总支委员",
    "村党总支副书记",
    "社区居委会委员",
    "网格员",
    "村书记助理",
]
ETHNICITIES = ["汉族"] * 30 + ["回族", "满族", "苗族"]
REGION = "320482"  # 金坛 (the seed programme's place)


@dataclass
class DemoSummary:
    units: int
    cadres: int
    mentors: int
    users: list[tuple[str, str]]


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _id_number(birth: datetime.date, serial: int, male: bool) -> str:
    seq = f"{serial % 100:02d}"
    gender_digit = (serial // 100 % 5) * 2 + (1 if male else 0)
    return id_with_check_digit(f"{REGION}{birth:%Y%m%d}{seq}{gender_digit}")


@transaction.atomic
def seed_demo(
    *, cadres: int = 300, seed: int = 7, today: datetime.date | None = None
) -> DemoSummary:
    """Create the demo world (the same for the same seed within a calendar year).
    Refuses to run twice on the same database."""
    if Unit.objects.filter(name=TOWN, depth=1).exists():
        raise RuntimeError("demo data already present")
    # Everything is dated from 1 January of the current year, so one seed gives the same
    # data all year while ages stay realistic as the years pass (points: up to the day).
    day = today or timezone.localdate()
    today = day.replace(month=1, day=1)
    rng = random.Random(seed)

    town = services.unit_create(name=TOWN, kind=choices.UnitKind.TOWN)
    office_units = [services.unit_create(name=n, kind=k, parent=town) for n, k in OFFICES]
    village_units = [services.unit_create(name=n, kind=k, parent=town) for n, k in VILLAGES]

    used_ids: set[str] = set()
    rows: list[Cadre] = []
    serial = 0
    for index in range(cadres):
        village = index % 3 == 2
        unit = rng.choice(village_units if village else office_units)
        if village:
            category = choices.CadreCategory.VILLAGE
            age = rng.randint(23, 38)
        else:
            category = rng.choices(
                [
                    choices.CadreCategory.ADMINISTRATIVE,
                    choices.CadreCategory.INSTITUTION,
                    choices.CadreCategory.SELECTED_GRADUATE,
                ],
                weights=[5, 3, 1],
            )[0]
            age = rng.randint(22, 42)
        birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        male = rng.random() < 0.55
        while True:
            serial += 1
            number = _id_number(birth, serial, male)
            if number not in used_ids:
                used_ids.add(number)
                break
        education = rng.choices(
            [
                choices.Education.POSTGRADUATE,
                choices.Education.BACHELOR,
                choices.Education.JUNIOR_COLLEGE,
            ],
            weights=[2, 6, 2] if not village else [0, 4, 6],
        )[0]
        school, elite = rng.choice(SCHOOLS)
        political = rng.choices(
            [
                choices.PoliticalStatus.PARTY_MEMBER,
                choices.PoliticalStatus.PROBATIONARY,
                choices.PoliticalStatus.LEAGUE,
                choices.PoliticalStatus.MASSES,
            ],
            weights=[6, 1, 2, 1],
        )[0]
        work_start = datetime.date(birth.year + rng.randint(21, 24), 7, 1)
        if work_start > today:
            work_start = None
        party_date = None
        if political in (
            choices.PoliticalStatus.PARTY_MEMBER,
            choices.PoliticalStatus.PROBATIONARY,
        ):
            party_date = datetime.date(birth.year + rng.randint(19, 22), 6, 20)
            if party_date > today:
                party_date = today - datetime.timedelta(days=30)
        name = _name(rng)
        full, initials = pinyin_keys(name)
        rows.append(
            Cadre(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                gender=choices.Gender.MALE if male else choices.Gender.FEMALE,
                ethnicity=rng.choice(ETHNICITIES),
                birth_date=birth,
                id_number=number,
                political_status=political,
                party_join_date=party_date,
                education=education,
                degree={"postgraduate": "master", "bachelor": "bachelor"}.get(education, "none"),
                school=school if not village or rng.random() < 0.5 else "",
                elite_university=elite if education != "junior_college" else "",
                major=rng.choice(MAJORS),
                work_start_date=work_start,
                unit=unit,
                position=rng.choice(POSITIONS_VILLAGE if village else POSITIONS_TOWN),
                rank=""
                if village
                else rng.choice(["一级科员", "二级科员", "四级主任科员", "副科", "正科"]),
                category=category,
                phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                is_reserve=rng.random() < 0.2,
                in_talent_pool=rng.random() < 0.1,
            )
        )
    bulk_create_with_history(rows, Cadre, batch_size=2000)
    created = list(Cadre.objects.select_related("unit").order_by("id"))

    positions, awards = [], []
    for cadre in created[: min(len(created), 400)]:
        start = cadre.work_start_date or today
        positions.append(
            PositionRecord(
                cadre=cadre,
                unit_name=f"{TOWN}{cadre.unit.name}",
                position=cadre.position or "科员",
                start_date=start,
            )
        )
        if rng.random() < 0.3:
            awards.append(
                RewardSanction(
                    cadre=cadre,
                    kind=choices.RecordKind.AWARD,
                    title=rng.choice(["优秀共产党员", "先进工作者", "年度考核优秀"]),
                    level="镇级",
                    issuer="中共金城镇委员会",
                    date=today - datetime.timedelta(days=rng.randint(30, 900)),
                )
            )
    PositionRecord.objects.bulk_create(positions)
    RewardSanction.objects.bulk_create(awards)

    programme = services.programme_create(
        name="磐石计划",
        owner_unit=town,
        start_date=datetime.date(2021, 12, 1),
        description="金城镇“磐石计划”：学为要、赛为先、访为径、研为本的“四为”培养框架，滚动式培养年轻干部。",
    )
    cohort = services.cohort_create(
        programme=programme, name=f"{today.year}年度批次", start_date=today.replace(month=1, day=1)
    )
    rules = {r.category: r.max_age for r in programme.eligibility.all()}
    enrolments = []
    for cadre in created:
        age = cadre.age(cohort.start_date)
        if age <= rules[cadre.category] and rng.random() < 0.6:
            enrolments.append(
                Enrolment(
                    cohort=cohort, cadre=cadre, joined_on=cohort.start_date, age_at_enrolment=age
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)

    users = _accounts(town=town, cadre=created[0] if created else None)
    mentors = _mentors(
        rng=rng,
        town=town,
        villages=village_units,
        offices=office_units,
        cadres=created,
        mentor_user=users["mentor"],
        today=today,
    )
    seed_points(
        cadres=created,
        town=town,
        users=users,
        seed=seed,
        today=day,
        record_activities=lambda: (
            seed_training(
                cadres=created,
                town=town,
                units=[*office_units, *village_units],
                users=users,
                seed=seed,
                today=day,
            ),
            seed_mentoring(cadres=created, users=users, seed=seed, today=day),
        ),
    )
    return DemoSummary(
        units=Unit.objects.count(),
        cadres=len(created),
        mentors=mentors,
        users=[(username, str(Role(role).label)) for username, (role, *_) in ACCOUNTS.items()],
    )


ACCOUNTS = {
    "admin": ("admin", "系统", "管理员", False),
    "orgstaff": ("staff", "组织", "委员", True),
    "leader": ("leader", "镇", "书记", True),
    "mentor": ("mentor", "成长", "导师", False),
    "evaluator": ("evaluator", "评价", "人", False),
    "cadre": ("cadre", "", "", False),
}


def _accounts(*, town: Unit, cadre: Cadre | None) -> dict[str, User]:
    groups = {role: role_group(role) for role in GROUP_NAMES}
    users = {}
    for username, (role, last, first, in_town) in ACCOUNTS.items():
        user = User(
            username=username,
            last_name=last,
            first_name=first,
            unit=town if in_town else None,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(groups[role])
        users[username] = user
    if cadre is not None:
        users["cadre"].last_name = cadre.name
        users["cadre"].save(update_fields=["last_name"])
        Cadre.objects.filter(pk=cadre.pk).update(user=users["cadre"])
    return users


def _mentors(*, rng, town, villages, offices, cadres, mentor_user, today) -> int:
    mentors = [
        Mentor(
            name="周建华",
            mentor_type=MentorType.TOWN_SECRETARY,
            unit=town,
            position="镇党委书记",
            expertise="党建引领、乡村振兴",
            capacity=12,
            user=mentor_user,
        ),
        Mentor(
            name="钱卫东",
            mentor_type=MentorType.TOWN_SECRETARY,
            unit=town,
            position="镇党委副书记",
            expertise="城市更新、招商引资",
            capacity=12,
        ),
    ]
    for village in villages:
        mentors.append(
            Mentor(
                name=_name(rng),
                mentor_type=MentorType.VILLAGE_SECRETARY,
                unit=village,
                position="党总支书记",
                expertise="基层治理、群众工作",
                capacity=4,
            )
        )
    for office in offices[:6]:
        mentors.append(
            Mentor(
                name=_name(rng),
                mentor_type=MentorType.MIDDLE_LEVEL,
                unit=office,
                position="中层正职",
                expertise="业务能力、公文写作",
                capacity=4,
            )
        )
    for index, mentor in enumerate(mentors):
        # A phone number identifies a mentor in the 导师库 workbook when no ID number is given.
        mentor.phone = f"1390519{index:04d}"
    Mentor.objects.bulk_create(mentors)
    start = today.replace(month=1, day=1)
    pairings = []
    # The demo mentor account mentors the first ten cadres (the demo cadre among them).
    for cadre in cadres[:10]:
        pairings.append(
            Pairing(
                mentor=mentors[0], cadre=cadre, role=PairingRole.TOWN_SECRETARY, start_date=start
            )
        )
    load = {id(mentor): 0 for mentor in mentors}
    load[id(mentors[0])] = len(cadres[:10])
    for cadre in cadres[10:60]:
        # Within each mentor's capacity, as the pairing service would insist.
        free = [m for m in mentors[1:] if load[id(m)] < m.capacity]
        mentor = rng.choice(free)
        load[id(mentor)] += 1
        pairings.append(Pairing(mentor=mentor, cadre=cadre, start_date=start))
    Pairing.objects.bulk_create(pairings)
    return len(mentors)
