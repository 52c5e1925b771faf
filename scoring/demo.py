"""Demo points (动态积分) for the demo town: a dozen rules of the 学/赛/访/研 framework, three
quarters of ledger entries, a closed period with its follow-up talks (约谈), a period in its
publication window (公示) with objections (异议), a scored evaluation round (季评鉴) and one
in progress. Called at the end of `cadres.demo.seed_demo`.

The first cadres' events (the demo cadre's among them) go through `event_record`, and the
featured cadres (the demo cadre, the demo mentor's mentees) get their awards by hand,
declarations, objections and evaluations through the services, as the pages write them.
The rest of the town gets the same kinds of events in bulk, capped the way `event_record`
caps them: that service writes one entry at a time, and three quarters for 10,000 cadres
that way would take many minutes.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, Unit
from core.models import User
from scoring import services
from scoring.choices import (
    CapPeriod,
    Dimension,
    EntryKind,
    EvaluatorGroup,
    RoundKind,
    RuleCategory,
)
from scoring.models import EvaluationAssignment, FollowUp, PointEntry, PointRule
from scoring.models.evaluations import default_dimension_weights, default_group_weights
from scoring.services.rules import rule_create

RECORDED = 2  # the first cadres, whose events go through `event_record` one by one
FEATURED = 12  # cadres with declarations, awards by hand, objections and evaluations
ONE_DAY = datetime.timedelta(days=1)

# code, name, category, event kind, points, cap period, cap points, evidence + approval
RULES = [
    ("XUE-01", "参加集中培训", RuleCategory.LEARN, "training.attendance.present", "2", CapPeriod.QUARTER, "5", False),
    ("XUE-02", "培训无故缺勤", RuleCategory.LEARN, "training.attendance.absent", "-2", "", None, False),
    ("XUE-03", "完成线上学习专题", RuleCategory.LEARN, "learning.online.completed", "0.5", CapPeriod.QUARTER, "3", False),
    ("SAI-01", "青年论坛主讲", RuleCategory.COMPETE, "training.forum.speaker", "5", "", None, False),
    ("SAI-02", "岗位练兵比武获奖", RuleCategory.COMPETE, "competition.prize", "8", CapPeriod.YEAR, "16", False),
    ("FANG-01", "走访入户（民情日记）", RuleCategory.VISIT, "visit.household", "0.5", CapPeriod.MONTH, "3", False),
    ("FANG-02", "参加志愿服务", RuleCategory.VISIT, "training.collective.volunteer", "1", CapPeriod.QUARTER, "4", False),
    ("YAN-01", "课题结题（组长）", RuleCategory.RESEARCH, "training.research.completed.leader", "4", "", None, False),
    ("YAN-02", "课题答辩第一名", RuleCategory.RESEARCH, "training.research.rank.1", "10", "", None, False),
    ("YAN-03", "信息稿件被镇级采用", RuleCategory.RESEARCH, "training.writing.adopted.town", "1", "", None, True),
    ("YAN-04", "信息稿件被区级采用", RuleCategory.RESEARCH, "training.writing.adopted.district", "3", "", None, True),
    ("YAN-05", "信息稿件被市级采用", RuleCategory.RESEARCH, "training.writing.adopted.city", "6", "", None, True),
    ("YAN-06", "信息稿件被省级采用", RuleCategory.RESEARCH, "training.writing.adopted.province", "10", "", None, True),
    ("XUE-04", "提交参观调研报告", RuleCategory.LEARN, "training.trip_report.submitted", "1", CapPeriod.QUARTER, "3", False),
    ("SAI-03", "青年论坛评比第一名", RuleCategory.COMPETE, "training.forum.rank.1", "5", "", None, False),
    ("SAI-04", "参加青年论坛", RuleCategory.COMPETE, "training.forum.attendee", "0.5", CapPeriod.QUARTER, "2", False),
    ("FANG-03", "挂职月报审核通过", RuleCategory.VISIT, "training.posting.report.accepted", "0.5", "", None, False),
    ("FANG-04", "挂职锻炼考核优秀", RuleCategory.VISIT, "training.posting.assessed.excellent", "6", "", None, False),
    ("FANG-05", "参加义务劳动", RuleCategory.VISIT, "training.collective.labour", "1", CapPeriod.QUARTER, "4", False),
    ("YAN-07", "参加课题研究（成员）", RuleCategory.RESEARCH, "training.research.completed.member", "2", "", None, False),
    ("QT-01", "谈心谈话逾期未完成", RuleCategory.OTHER, "mentoring.talk.overdue", "-2", "", None, False),
    ("QT-02", "思想汇报、月小结审阅通过", RuleCategory.LEARN, "mentoring.self_report.accepted", "0.5", CapPeriod.QUARTER, "3", False),
    ("QT-03", "思想汇报、月小结逾期未交", RuleCategory.OTHER, "mentoring.self_report.overdue", "-1", "", None, False),
    ("DUTY-01", "导师履职（四个一）完成", RuleCategory.OTHER, "mentoring.duty.done", "1", CapPeriod.QUARTER, "6", False),
]  # fmt: skip

# A one-page PDF standing in for the adoption notice a cadre uploads with a declaration.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class PointsSummary:
    rules: int
    entries: int
    periods: int
    rounds: int


def _quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return services.period_bounds(CapPeriod.QUARTER, day)


def _quarter_name(start: datetime.date) -> str:
    return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度"


class _Events:
    """What a cadre did in a quarter, drawn from one seeded generator: the same draws feed
    the services (featured cadres) and the bulk writer (everyone else)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = defaultdict(int)

    def _source(self, name: str) -> str:
        self.serial[name] += 1
        return f"demo.{name}:{self.serial[name]}"

    def of(self, quarter: tuple[datetime.date, datetime.date], today: datetime.date):
        """(event kind, day, source, quantity) for one cadre and quarter, up to `today`:
        five or six events a quarter on average."""
        rng, (start, end) = self.rng, quarter
        diligence = rng.random()
        events = []
        for week in (2, 6, 10):  # 青年夜校, monthly: the third attendance meets the cap
            roll = rng.random()
            day = start + datetime.timedelta(weeks=week, days=3)
            if roll < 0.6 + 0.35 * diligence:
                events.append(("training.attendance.present", day, "attendance", 1))
            elif roll > 0.96:
                events.append(("training.attendance.absent", day, "attendance", 1))
        for month in range(3):  # 民情日记: households visited, reported some months
            if rng.random() < 0.3 + 0.4 * diligence:
                day = start + datetime.timedelta(days=24 + 30 * month)
                events.append(("visit.household", day, "visit", rng.randint(2, 9)))
        if rng.random() < 0.6:
            day = end - datetime.timedelta(days=5)
            events.append(("learning.online.completed", day, "course", rng.randint(1, 7)))
        for _volunteering in range(rng.choice((0, 0, 1, 1, 2))):
            day = start + datetime.timedelta(days=rng.randint(0, 88))
            events.append(("training.collective.volunteer", day, "volunteer", 1))
        for kind, chance in (
            ("training.forum.speaker", 0.06),
            ("competition.prize", 0.03),
            ("training.research.completed.leader", 0.05),
            ("training.research.rank.1", 0.02),
            ("mentoring.talk.overdue", 0.04),
        ):
            if rng.random() < chance:
                day = start + datetime.timedelta(days=rng.randint(10, 85))
                events.append((kind, day, kind.split(".")[0], 1))
        last = min(end, today)
        return [
            (kind, day, self._source(name), quantity)
            for kind, day, name, quantity in events
            if day <= last
        ]


class _BulkLedger:
    """Event entries with `event_record`'s rule and cap arithmetic, written with COPY (or
    one `executemany`): a hundred thousand model instances would take a minute."""

    COLUMNS = (
        "cadre", "points", "kind", "rule", "event_kind", "source", "occurred_on", "reason",
        "created_at",
    )  # fmt: skip

    def __init__(self, rules: dict[str, PointRule]):
        self.rules = rules
        self.used: dict[tuple, Decimal] = defaultdict(Decimal)
        self.bounds: dict[tuple, tuple] = {}  # (cap period, day) → the period's first and last day
        self.rows: list[tuple] = []
        ops = connection.ops
        self.now = ops.adapt_datetimefield_value(timezone.now())
        self.day = ops.adapt_datefield_value
        self.decimal = ops.adapt_decimalfield_value

    def add(self, cadre_id: int, kind: str, day: datetime.date, source: str, quantity: int):
        rule = self.rules[kind]
        points, note = rule.points * quantity, ""
        if rule.cap_period:
            bounds = self.bounds.get((rule.cap_period, day))
            if bounds is None:
                bounds = self.bounds[rule.cap_period, day] = services.period_bounds(
                    rule.cap_period, day
                )
            key = (cadre_id, rule.pk, bounds)
            used = self.used[key]
            if points >= 0:
                allowed = max(Decimal(0), min(points, rule.cap_points - used))
            else:
                allowed = min(Decimal(0), max(points, -rule.cap_points - used))
            if allowed != points:
                note = _("已达%(period)s上限%(cap)s分（原应%(points)s分）") % {
                    "period": CapPeriod(rule.cap_period).label,
                    "cap": rule.cap_points,
                    "points": points,
                }
            self.used[key] = used + allowed
            points = allowed
        self.rows.append(
            (
                cadre_id,
                self.decimal(points, 8, 2),
                EntryKind.EVENT.value,
                rule.pk,
                kind,
                source,
                self.day(day),
                note or rule.name,
                self.now,
            )
        )

    def save(self) -> None:
        meta = PointEntry._meta
        table = connection.ops.quote_name(meta.db_table)
        columns = ", ".join(
            connection.ops.quote_name(meta.get_field(name).column) for name in self.COLUMNS
        )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if hasattr(raw, "copy"):  # psycopg 3 on PostgreSQL: COPY, several times faster
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.COLUMNS))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self.rows)  # noqa: S608


def seed_points(
    *,
    cadres: list[Cadre],
    town: Unit,
    users: dict[str, User],
    seed: int,
    today: datetime.date,
    record_activities=None,
) -> PointsSummary:
    """Points for the demo town up to `today` (the same for the same seed and day). Runs
    once: the rules' codes are unique, so a second run on the same database refuses.
    `record_activities()` runs once the rules exist and before any period is published, so
    the facts other apps record there earn points and appear in the published tables."""
    if PointRule.objects.filter(code=RULES[0][0]).exists():
        raise RuntimeError("demo points already present")
    rng = random.Random(seed * 7919 + 4)
    staff, leader, mentor, evaluator = (
        users[name] for name in ("orgstaff", "leader", "mentor", "evaluator")
    )
    current = _quarter(today)
    last = _quarter(current[0] - ONE_DAY)
    before = _quarter(last[0] - ONE_DAY)
    rules = _rules(staff, valid_from=before[0].replace(month=1, day=1))

    featured = cadres[:FEATURED]
    events = _Events(rng)
    bulk = _BulkLedger(rules)
    for quarter in (before, last, current):
        for index, cadre in enumerate(cadres):
            for kind, day, source, quantity in events.of(quarter, today):
                if index < RECORDED:
                    services.event_record(
                        kind=kind, cadre=cadre, occurred_on=day, source=source, quantity=quantity
                    )
                else:
                    bulk.add(cadre.pk, kind, day, source, quantity)
    bulk.save()
    if record_activities is not None:
        record_activities()
    _analyse()
    _manual_points(featured, staff, quarters=(before, last))
    _declarations(featured, rules, staff, quarters=(before, last), today=today)
    rounds = _evaluations(
        featured,
        rng=rng,
        town=town,
        staff=staff,
        raters={EvaluatorGroup.LEADER: leader, EvaluatorGroup.COLLEAGUE: evaluator},
        mentor=mentor,
        quarters=(last, current),
        today=today,
    )
    periods = _periods(
        featured,
        town=town,
        staff=staff,
        cadre_user=users["cadre"],
        quarters=(before, last),
        today=today,
    )
    return PointsSummary(
        rules=len(rules), entries=PointEntry.objects.count(), periods=periods, rounds=rounds
    )


def _analyse() -> None:
    """Fresh statistics after the bulk load, as autovacuum would gather: without them the
    planner takes the new tables for empty and ranks 10,000 cadres by nested loops."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE cadres_cadre, cadres_unit, cadres_enrolment, scoring_pointentry"
            )


def _rules(actor: User, *, valid_from: datetime.date) -> dict[str, PointRule]:
    by_kind = {}
    for code, name, category, kind, points, cap_period, cap, approval in RULES:
        by_kind[kind] = rule_create(
            actor=actor,
            code=code,
            name=name,
            category=category,
            event_kind=kind,
            points=Decimal(points),
            cap_period=cap_period,
            cap_points=Decimal(cap) if cap else None,
            needs_evidence=approval,
            needs_approval=approval,
            valid_from=valid_from,
            valid_to=None,
        )
    return by_kind


def _manual_points(featured: list[Cadre], staff: User, *, quarters) -> None:
    """Awards and deductions staff enter by hand, with their reasons."""
    before, last = quarters
    manual = [
        (0, "3", "获评镇级“优秀共产党员”", before[1] - datetime.timedelta(days=20)),
        (3, "2", "防汛抗台值守表现突出，镇党委通报表扬", last[0] + datetime.timedelta(days=40)),
        (5, "-1", "值班期间脱岗，通报批评", last[0] + datetime.timedelta(days=15)),
        (8, "1.5", "牵头完成网格信息核查专项任务", before[0] + datetime.timedelta(days=50)),
    ]
    for index, points, reason, day in manual:
        if index < len(featured):
            services.points_award(
                cadre=featured[index],
                points=Decimal(points),
                reason=reason,
                actor=staff,
                occurred_on=day,
            )


def _declarations(featured, rules, staff, *, quarters, today) -> None:
    """Articles adopted at each level, declared with the adoption notice: approved, one sent
    back, and a few waiting for staff."""
    before, last = quarters
    plan = [
        # cadre, event kind, day, description, decision (True approve, False reject, None wait)
        (0, "training.writing.adopted.city", before[0] + datetime.timedelta(days=33), "《金城镇“网格+志愿”破解老旧小区治理难题》被市委组织部信息采用", True),
        (1, "training.writing.adopted.district", before[0] + datetime.timedelta(days=61), "《东浦村党建引领土地流转》被区委办信息刊发", True),
        (2, "training.writing.adopted.town", last[0] + datetime.timedelta(days=20), "《镇便民服务中心推行“周末不打烊”》被镇政务信息采用", True),
        (4, "training.writing.adopted.province", last[0] + datetime.timedelta(days=47), "《年轻干部“四为”培养实践》被省级刊物采用", True),
        (6, "training.writing.adopted.city", last[0] + datetime.timedelta(days=70), "《西岗村人居环境整治经验》投稿市级信息", False),
        (0, "training.writing.adopted.district", today - datetime.timedelta(days=6), "《金城镇夜校：让年轻干部学用结合》被区级简报采用", None),
        (3, "training.writing.adopted.town", today - datetime.timedelta(days=3), "《社区议事会化解停车难》被镇信息采用", None),
        (7, "training.writing.adopted.city", today - datetime.timedelta(days=1), "《农业农村服务中心助农直播》被市级媒体转载", None),
    ]  # fmt: skip
    for index, kind, day, description, decision in plan:
        if index >= len(featured) or day < before[0]:
            continue
        declaration = services.declaration_submit(
            cadre=featured[index],
            rule=rules[kind],
            occurred_on=day,
            description=description,
            evidence=ContentFile(EVIDENCE_PDF, name="采用通知.pdf"),
            actor=None,
        )
        if decision is not None:
            services.declaration_decide(
                declaration=declaration,
                approve=decision,
                actor=staff,
                reason="" if decision else "采用证明为投稿回执，请补充刊发页面或采用通知。",
            )


def _scores(rng: random.Random, level: int) -> dict[str, int]:
    return {d.value: max(0, min(100, level + rng.randint(-6, 6))) for d in Dimension}


def _evaluations(cadres, *, rng, town, staff, raters, mentor, quarters, today) -> int:
    """Last quarter's 季评鉴 scored (every form in; the cadres get a radar), this quarter's
    open with part of the forms submitted."""
    if not cadres:
        return 0
    last, current = quarters
    mentees = {c.pk for c in cadres[:10]}  # the demo mentor's pairings
    levels = {c.pk: rng.randint(72, 92) for c in cadres}
    specs = [
        (last, last[1] - datetime.timedelta(days=9), last[1], last[1] - datetime.timedelta(days=3)),
        (current, today - datetime.timedelta(days=7), today + datetime.timedelta(days=14), today),
    ]
    for number, (quarter, opens_on, closes_on, filled_on) in enumerate(specs):
        round_ = services.round_create(
            actor=staff,
            name=f"{_quarter_name(quarter[0])}季评鉴",
            kind=RoundKind.QUARTER,
            unit=town,
            cohort=None,
            period_start=quarter[0],
            period_end=quarter[1],
            opens_on=opens_on,
            closes_on=closes_on,
            dimension_weights=default_dimension_weights(),
            group_weights=default_group_weights(),
            trim_extremes=True,
            trim_min_ratings=5,
            points_factor=Decimal("0.1"),
            points_baseline=Decimal("60"),
        )
        for group, user in raters.items():
            services.assignments_add(
                round_=round_, cadres=cadres, evaluators=[user], group=group, actor=staff
            )
        services.assignments_add(
            round_=round_,
            cadres=[c for c in cadres if c.pk in mentees],
            evaluators=[mentor],
            group=EvaluatorGroup.MENTOR,
            actor=staff,
        )
        services.round_open(round_=round_, actor=staff)
        scored = number == 0
        for assignment in (
            EvaluationAssignment.objects.filter(round=round_)
            .select_related("evaluator")
            .order_by("id")
        ):
            # This quarter: the leader is nearly done, the colleague and the mentor halfway.
            share = 0.8 if assignment.evaluator_id == raters[EvaluatorGroup.LEADER].pk else 0.5
            if scored or rng.random() < share:
                services.evaluation_submit(
                    assignment=assignment,
                    scores=_scores(rng, levels[assignment.cadre_id]),
                    actor=assignment.evaluator,
                    comment="",
                    today=filled_on,
                )
        if scored:
            services.round_close(round_=round_, actor=staff)
            services.round_finalise(round_=round_, actor=staff)
    return len(specs)


def _periods(featured, *, town, staff, cadre_user, quarters, today) -> int:
    """The quarter before last published, objected to, answered and closed (its low scorers
    get a 约谈 task, one already held); last quarter published a day or two ago, so its
    window is open now, with one objection answered by a correction and one waiting."""
    before, last = quarters
    closed = services.period_create(
        actor=staff,
        name=f"{_quarter_name(before[0])}积分",
        unit=town,
        start=before[0],
        end=before[1],
        bottom_percent=5,
    )
    published_on = before[1] + datetime.timedelta(days=5)
    closed = services.period_publish(period=closed, actor=staff, today=published_on)
    if featured:
        objection = services.objection_file(
            period=closed,
            cadre=featured[0],
            text="第二次夜校培训我已签到，积分明细中没有记录。",
            actor=cadre_user,
            today=published_on,
        )
        services.objection_answer(
            objection=objection,
            actor=staff,
            answer="经核对签到表，该次培训您请假未参加，积分无误。",
        )
    closed_on = closed.window_ends_on + ONE_DAY
    services.period_close(period=closed, actor=staff, today=closed_on)
    follow_up = FollowUp.objects.filter(period=closed).order_by("rank", "id").last()
    if follow_up is not None:
        services.follow_up_complete(
            follow_up=follow_up,
            actor=staff,
            talked_on=closed_on + datetime.timedelta(days=6),
            outcome="分析了培训缺勤和走访偏少的原因，本人表示工作调整期精力分散。",
            improvement_plan="每月走访不少于6户并按时提交民情日记；下季度夜校全勤。",
            today=today,
        )

    published = services.period_create(
        actor=staff,
        name=f"{_quarter_name(last[0])}积分",
        unit=town,
        start=last[0],
        end=last[1],
        bottom_percent=5,
    )
    published_on = max(last[1] + ONE_DAY, today - 2 * ONE_DAY)
    published = services.period_publish(period=published, actor=staff, today=published_on)
    if featured:
        answered = services.objection_file(
            period=published,
            cadre=featured[0],
            text="参加了区里组织的乡村振兴专题培训，未计入积分。",
            actor=cadre_user,
            today=published_on,
        )
        services.objection_answer(
            objection=answered,
            actor=staff,
            answer="经核实属实，补记培训积分2分。",
            adjust_points=Decimal("2"),
        )
    if len(featured) > 1:
        services.objection_file(
            period=published,
            cadre=featured[1],
            text="本季度参加志愿服务4次，积分明细只记了3次，请核实。",
            actor=None,
            today=published_on,
        )
    return 2
