"""Multi-party evaluation (多维评价): aggregation with trimming and weights, the points formula,
finalising into the ledger, form validation, assignments, round changes, progress, what a
cadre may see, and concurrent submissions and finalising.

Every expected number below is worked out by hand in the comment beside it.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from scoring import services
from scoring.choices import Dimension, EntryKind, EvaluatorGroup, PeriodStatus, RoundStatus
from scoring.models import (
    EvaluationAssignment,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    PointEntry,
    ScoringPeriod,
)
from scoring.models.evaluations import default_dimension_weights, default_group_weights
from scoring.selectors import (
    group_means,
    results_visible_to,
    round_cadre_progress,
    round_progress,
    round_results,
)
from scoring.services.evaluations import points_for
from tests import factories as f

D = Decimal
LEADER, COLLEAGUE, MENTOR, PUBLIC = (g.value for g in EvaluatorGroup)
PERIOD_START = datetime.date(2024, 1, 1)
PERIOD_END = datetime.date(2024, 3, 31)
OPENS = datetime.date(2024, 4, 1)
CLOSES = datetime.date(2024, 4, 10)
DAY = datetime.date(2024, 4, 5)  # inside the filling window


def make_round(unit, **overrides) -> EvaluationRound:
    fields = {
        "name": "2024年第一季度评鉴",
        "kind": "quarter",
        "unit": unit,
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        "opens_on": OPENS,
        "closes_on": CLOSES,
        **overrides,
    }
    return services.round_create(actor=None, **fields)


def form(value: int = 80, **by_dimension) -> dict[str, int]:
    """A complete form: every dimension `value` unless given separately."""
    return {d: by_dimension.get(d, value) for d in Dimension.values}


def evaluator():
    return f.UserFactory(roles=["evaluator"])


def assign(round_, cadre, group, count: int = 1) -> list[EvaluationAssignment]:
    users = [evaluator() for _ in range(count)]
    services.assignments_add(
        round_=round_, cadres=[cadre], evaluators=users, group=group, actor=None
    )
    return list(
        EvaluationAssignment.objects.filter(round=round_, cadre=cadre, evaluator__in=users)
        .select_related("evaluator")
        .order_by("pk")
    )


def submit(assignment, scores, today=DAY):
    return services.evaluation_submit(
        assignment=assignment, scores=scores, actor=assignment.evaluator, today=today
    )


def rated(round_, plan: dict, *, close: bool = True) -> EvaluationRound:
    """Assign one evaluator per form in `plan` ({cadre: {group: [form or score, …]}}), open
    the round, submit every form and (by default) close the round."""
    pending = []
    for cadre, groups in plan.items():
        for group, forms in groups.items():
            for assignment, scores in zip(
                assign(round_, cadre, group, len(forms)), forms, strict=True
            ):
                pending.append((assignment, scores if isinstance(scores, dict) else form(scores)))
    round_ = services.round_open(round_=round_, actor=None)
    for assignment, scores in pending:
        submit(assignment, scores)
    if close:
        round_ = services.round_close(round_=round_, actor=None)
    return round_


@pytest.fixture
def town(world):
    return world["units"]["town"]


@pytest.fixture
def cadres(world):
    return world["cadres"]


# --- aggregation ------------------------------------------------------------------------------


def test_aggregation_without_trimming_weights_the_group_means(town, cadres):
    round_ = rated(
        make_round(town),  # group weights 40/30/20/10 by default
        {
            cadres["self"]: {
                LEADER: [80, 90],  # mean 85
                COLLEAGUE: [70, 75, 77],  # mean 74
                MENTOR: [88],  # 88
                PUBLIC: [60, 65],  # 62.5
            }
        },
    )
    means = group_means(round_)[cadres["self"].pk]
    assert means[(LEADER, "thought")] == D(85)
    assert means[(COLLEAGUE, "thought")] == D(74)
    assert means[(MENTOR, "recognition")] == D(88)
    assert means[(PUBLIC, "performance")] == D("62.5")
    result = round_results(round_)[cadres["self"].pk]
    # (85×40 + 74×30 + 88×20 + 62.5×10) / 100 = (3400 + 2220 + 1760 + 625) / 100 = 80.05
    assert result.score == D("80.05")
    assert result.dimensions == {d: D("80.05") for d in Dimension.values}
    assert result.ratings == 8


@pytest.mark.parametrize(
    ("trim", "trim_min", "scores", "expected"),
    [
        # 5 ratings: 50 and 100 go, (70 + 80 + 90) / 3
        (True, 5, [50, 70, 80, 90, 100], D("80.00")),
        # 6 ratings: 40 and 100 go, (60 + 70 + 80 + 90) / 4
        (True, 5, [100, 40, 80, 60, 90, 70], D("75.00")),
        # ties: exactly one 60 and one 90 go, (60 + 70 + 90) / 3 = 73.333…
        (True, 5, [60, 90, 60, 70, 90], D("73.33")),
        # ties at both ends: one 60 and one 100 go, (60 + 60 + 100 + 100) / 4
        (True, 5, [60, 60, 60, 100, 100, 100], D("80.00")),
        # all equal: two of five go, the mean stays
        (True, 5, [77, 77, 77, 77, 77], D("77.00")),
        # 4 ratings are below the minimum: (40 + 70 + 80 + 90) / 4, not (70 + 80) / 2
        (True, 5, [40, 70, 80, 90], D("70.00")),
        # trimming switched off: (50 + 70 + 80 + 90 + 100) / 5
        (False, 5, [50, 70, 80, 90, 100], D("78.00")),
        (False, 3, [40, 70, 80, 90], D("70.00")),
        # the minimum is the round's: 4 ratings trimmed at 4, (70 + 80) / 2
        (True, 4, [40, 70, 80, 90], D("75.00")),
        # … and 5 ratings untrimmed at 6
        (True, 6, [50, 70, 80, 90, 100], D("78.00")),
        # at the smallest allowed minimum, 3 ratings leave the middle one
        (True, 3, [10, 70, 100], D("70.00")),
    ],
)
def test_trimming_drops_exactly_one_highest_and_one_lowest(
    town, cadres, trim, trim_min, scores, expected
):
    round_ = rated(
        make_round(town, trim_extremes=trim, trim_min_ratings=trim_min),
        {cadres["self"]: {LEADER: scores}},
    )
    result = round_results(round_)[cadres["self"].pk]
    assert result.score == expected
    assert result.dimensions == dict.fromkeys(Dimension.values, expected)
    assert result.ratings == len(scores)  # trimmed forms still count as submitted


def test_trimming_is_per_group_and_per_dimension(town, cadres):
    leader_forms = [
        form(50, thought=10),
        form(70, thought=20),
        form(80, thought=30),
        form(90, thought=40),
        form(100, thought=50),
    ]
    round_ = rated(
        make_round(town, group_weights={LEADER: 1, COLLEAGUE: 1}),
        {cadres["self"]: {LEADER: leader_forms, COLLEAGUE: [50, 100]}},
    )
    means = group_means(round_)[cadres["self"].pk]
    assert means[(LEADER, "thought")] == D(30)  # (20 + 30 + 40) / 3
    assert means[(LEADER, "political")] == D(80)  # (70 + 80 + 90) / 3
    assert means[(COLLEAGUE, "political")] == D(75)  # two ratings, none dropped
    result = round_results(round_)[cadres["self"].pk]
    # thought (30 + 75) / 2 = 52.5, the other five (80 + 75) / 2 = 77.5;
    # composite (52.5 + 5 × 77.5) / 6 = 440 / 6 = 73.333…
    assert result.dimensions["thought"] == D("52.50")
    assert result.dimensions["political"] == D("77.50")
    assert result.score == D("73.33")


def test_group_weights_are_renormalised_over_the_groups_that_rated(town, cadres):
    round_ = rated(
        make_round(town),  # 40/30/20/10
        {
            cadres["self"]: {LEADER: [80], PUBLIC: [50]},
            cadres["mentee"]: {MENTOR: [66]},
        },
    )
    results = round_results(round_)
    # (80×40 + 50×10) / (40 + 10) = 3700 / 50 = 74
    assert results[cadres["self"].pk].score == D("74.00")
    # the mentor group alone: 66
    assert results[cadres["mentee"].pk].score == D("66.00")
    assert cadres["bystander"].pk not in results  # nobody rated them


def test_dimension_weights(town, cadres):
    weights = {
        "thought": 2,
        "political": 2,
        "organising": 1,
        "performance": 3,
        "potential": 1,
        "recognition": 1,
    }
    first = {
        "thought": 90,
        "political": 80,
        "organising": 70,
        "performance": 60,
        "potential": 100,
        "recognition": 50,
    }
    second = {
        "thought": 100,
        "political": 90,
        "organising": 80,
        "performance": 70,
        "potential": 100,
        "recognition": 60,
    }
    round_ = rated(
        make_round(town, dimension_weights=weights),
        {cadres["self"]: {LEADER: [first, second]}},
    )
    result = round_results(round_)[cadres["self"].pk]
    assert result.dimensions == {
        "thought": D("95.00"),
        "political": D("85.00"),
        "organising": D("75.00"),
        "performance": D("65.00"),
        "potential": D("100.00"),
        "recognition": D("55.00"),
    }
    # (95×2 + 85×2 + 75 + 65×3 + 100 + 55) / 10 = (190 + 170 + 75 + 195 + 100 + 55) / 10
    assert result.score == D("78.50")


def test_a_dimension_weighted_zero_does_not_count(town, cadres):
    round_ = rated(
        make_round(town, dimension_weights={"thought": 1, "recognition": 0}),
        {cadres["self"]: {LEADER: [form(60, thought=90, recognition=10)]}},
    )
    assert round_results(round_)[cadres["self"].pk].score == D("90.00")


def test_rounding_happens_only_at_the_end(town, cadres):
    thirds = [form(80, thought=t, political=t, organising=t) for t in (80, 81, 81)]
    round_ = rated(make_round(town), {cadres["self"]: {LEADER: thirds}})
    result = round_results(round_)[cadres["self"].pk]
    # three dimensions at 242/3 = 80.666…, three at 80: composite 80.333… → 80.33
    # (rounding the dimensions first would give (80.67×3 + 80×3) / 6 = 80.335 → 80.34)
    assert result.dimensions["thought"] == D("80.67")
    assert result.score == D("80.33")


def test_means_are_exact_fractions_until_the_final_rounding(town, cadres):
    round_ = rated(
        make_round(town, group_weights={LEADER: 3, COLLEAGUE: 5}),
        {cadres["self"]: {LEADER: [80, 80, 81], COLLEAGUE: [80]}},
    )
    # (241/3 × 3 + 80 × 5) / 8 = 641 / 8 = 80.125 exactly → 80.13 (half up); a mean cut to a
    # few decimals (80.3333…) would give 80.12499… → 80.12
    result = round_results(round_)[cadres["self"].pk]
    assert result.score == D("80.13")
    assert result.dimensions["thought"] == D("80.13")


def test_pending_forms_are_ignored(town, cadres):
    round_ = make_round(town)
    done, waiting = assign(round_, cadres["self"], LEADER, 2)
    (untouched,) = assign(round_, cadres["mentee"], LEADER)
    round_ = services.round_open(round_=round_, actor=None)
    submit(done, form(80))
    round_ = services.round_close(round_=round_, actor=None)
    results = round_results(round_)
    assert set(results) == {cadres["self"].pk}
    assert results[cadres["self"].pk].score == D("80.00")
    assert results[cadres["self"].pk].ratings == 1
    assert waiting.status == untouched.status == EvaluationAssignment.Status.PENDING


# --- formula and points -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factor", "baseline", "text"),
    [
        (D("0.2"), D("0"), "积分 = 综合得分 × 0.2"),
        (D("0.25"), D("0"), "积分 = 综合得分 × 0.25"),
        (D("10"), D("0"), "积分 = 综合得分 × 10"),
        (D("0.5"), D("60"), "积分 =（综合得分 − 60）× 0.5"),
        (D("1"), D("75.5"), "积分 =（综合得分 − 75.5）× 1"),
    ],
)
def test_formula_text(town, factor, baseline, text):
    round_ = make_round(town, points_factor=factor, points_baseline=baseline)
    round_.refresh_from_db()  # as stored: 0.200, 60.00, …
    assert round_.formula() == text


@pytest.mark.parametrize(
    ("factor", "baseline", "score", "points"),
    [
        (D("0.2"), D("0"), D("85.00"), D("17.00")),
        (D("0.2"), D("0"), D("80.05"), D("16.01")),  # 16.010
        (D("0.3"), D("0"), D("80.15"), D("24.05")),  # 24.045 rounds half up
        (D("0.3"), D("0"), D("80.13"), D("24.04")),  # 24.039
        (D("0.5"), D("60"), D("85.50"), D("12.75")),  # (85.5 − 60) × 0.5
        (D("0.5"), D("60"), D("60.00"), D("0.00")),
        (D("0.5"), D("60"), D("55.25"), D("-2.38")),  # −2.375, half away from zero
        (D("1"), D("75"), D("50.00"), D("-25.00")),
        (D("0"), D("0"), D("99.99"), D("0.00")),
    ],
)
def test_points_for(town, factor, baseline, score, points):
    round_ = make_round(town, points_factor=factor, points_baseline=baseline)
    round_.refresh_from_db()
    assert points_for(round_, score) == points


# --- finalising ---------------------------------------------------------------------------


def test_finalise_writes_one_entry_per_rated_cadre(world, town, cadres):
    staff = world["users"]["staff"]
    round_ = make_round(town, points_factor=D("0.5"), points_baseline=D("60"))
    plan = {
        cadres["self"]: {LEADER: [90, 80], COLLEAGUE: [70]},
        cadres["mentee"]: {MENTOR: [form(50, thought=80)]},
    }
    round_ = rated(round_, plan, close=False)
    assign(round_, cadres["bystander"], LEADER)  # never submitted
    round_ = services.round_close(round_=round_, actor=None)

    stored = services.round_finalise(round_=round_, actor=staff)

    round_.refresh_from_db()
    assert round_.status == RoundStatus.FINALISED
    assert len(stored) == 2
    entries = {e.cadre_id: e for e in PointEntry.objects.filter(kind=EntryKind.EVALUATION)}
    assert set(entries) == {cadres["self"].pk, cadres["mentee"].pk}
    # 张伟: (85×40 + 70×30) / 70 = 5500 / 70 = 78.571… → 78.57; (78.57 − 60) × 0.5 = 9.285
    mine = entries[cadres["self"].pk]
    assert mine.points == D("9.29")
    assert mine.occurred_on == PERIOD_END
    assert mine.author == staff
    assert mine.event_kind == "evaluation.result"
    assert mine.source == f"scoring.evaluationround:{round_.pk}"
    assert mine.reason == ("2024年第一季度评鉴：综合得分78.57，积分 =（综合得分 − 60）× 0.5")
    # 李娜: thought 80, others 50: (80 + 5×50) / 6 = 55; (55 − 60) × 0.5 = −2.5
    theirs = entries[cadres["mentee"].pk]
    assert theirs.points == D("-2.50")
    assert "综合得分55.00" in theirs.reason
    results = {r.cadre_id: r for r in EvaluationResult.objects.filter(round=round_)}
    assert set(results) == set(entries)
    assert results[cadres["self"].pk].score == D("78.57")
    assert results[cadres["self"].pk].ratings == 3
    assert results[cadres["self"].pk].entry == mine
    assert results[cadres["self"].pk].dimension_scores == dict.fromkeys(Dimension.values, "78.57")
    assert results[cadres["mentee"].pk].dimension_scores == {
        **dict.fromkeys(Dimension.values, "50.00"),
        "thought": "80.00",
    }
    assert results[cadres["mentee"].pk].ratings == 1
    assert results[cadres["mentee"].pk].entry == theirs


def test_finalise_books_today_when_the_period_is_closed(town, cadres):
    ScoringPeriod.objects.create(
        name="2024年第一季度",
        unit=town,
        start=PERIOD_START,
        end=PERIOD_END,
        status=PeriodStatus.CLOSED,
    )
    round_ = rated(make_round(town), {cadres["self"]: {LEADER: [80]}})
    services.round_finalise(round_=round_, actor=None)
    entry = PointEntry.objects.get(kind=EntryKind.EVALUATION)
    assert entry.occurred_on == timezone.localdate()
    assert entry.points == D("16.00")  # 80 × 0.2
    assert entry.reason.startswith("2024年第一季度评鉴：综合得分80.00，积分 = 综合得分 × 0.2；")
    assert "补记：发生于2024-03-31，该期已关闭" in entry.reason


@pytest.mark.parametrize("stage", ["draft", "open"])
def test_finalise_is_refused_unless_closed(town, cadres, stage):
    round_ = make_round(town)
    (assignment,) = assign(round_, cadres["self"], LEADER)
    if stage == "open":
        round_ = services.round_open(round_=round_, actor=None)
        submit(assignment, form(80))
    with pytest.raises(ValidationError) as caught:
        services.round_finalise(round_=round_, actor=None)
    assert set(caught.value.message_dict) == {"status"}
    round_.refresh_from_db()
    assert round_.status == stage
    assert not PointEntry.objects.exists()
    assert not EvaluationResult.objects.exists()


def test_finalise_is_refused_twice(town, cadres):
    round_ = rated(make_round(town), {cadres["self"]: {LEADER: [80]}})
    services.round_finalise(round_=round_, actor=None)
    with pytest.raises(ValidationError) as caught:
        services.round_finalise(round_=round_, actor=None)
    assert set(caught.value.message_dict) == {"status"}
    assert PointEntry.objects.count() == 1
    assert EvaluationResult.objects.count() == 1


def test_finalise_without_any_submitted_form_is_refused(town, cadres):
    round_ = make_round(town)
    assign(round_, cadres["self"], LEADER)
    services.round_open(round_=round_, actor=None)
    round_ = services.round_close(round_=round_, actor=None)
    with pytest.raises(ValidationError) as caught:
        services.round_finalise(round_=round_, actor=None)
    assert set(caught.value.message_dict) == {"status"}
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert not PointEntry.objects.exists()


# --- filling in a form --------------------------------------------------------------------


@pytest.fixture
def open_assignment(town, cadres):
    round_ = make_round(town)
    (assignment,) = assign(round_, cadres["self"], LEADER)
    services.round_open(round_=round_, actor=None)
    return assignment


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        (form(80, thought=101), "thought"),
        (form(80, political=-1), "political"),
        (form(80, organising=7.5), "organising"),
        (form(80, performance="7.5"), "performance"),
        (form(80, potential="八十"), "potential"),
        (form(80, recognition=None), "recognition"),
        (form(80, thought=True), "thought"),
        ({d: 80 for d in Dimension.values if d != "political"}, "political"),
        ({**form(80), "charm": 90}, "scores"),
    ],
)
def test_submit_validates_each_score(open_assignment, scores, field):
    with pytest.raises(ValidationError) as caught:
        submit(open_assignment, scores)
    assert set(caught.value.message_dict) == {field}
    open_assignment.refresh_from_db()
    assert open_assignment.status == EvaluationAssignment.Status.PENDING
    assert not EvaluationScore.objects.exists()


def test_submit_accepts_the_bounds_and_whole_number_text(open_assignment):
    submit(open_assignment, form(0, thought=100, political="95"))
    scores = dict(open_assignment.scores.values_list("dimension", "score"))
    assert scores == {**form(0), "thought": 100, "political": 95}


def test_only_the_assigned_evaluator_may_submit(world, open_assignment):
    for intruder in (evaluator(), world["users"]["admin"], world["users"]["staff"]):
        with pytest.raises(ValidationError) as caught:
            services.evaluation_submit(
                assignment=open_assignment, scores=form(80), actor=intruder, today=DAY
            )
        assert set(caught.value.message_dict) == {"evaluator"}
    assert not EvaluationScore.objects.exists()


@pytest.mark.parametrize(
    ("status", "today"),
    [
        ("draft", DAY),
        ("closed", DAY),
        ("open", CLOSES + datetime.timedelta(days=1)),
        ("open", OPENS - datetime.timedelta(days=1)),
    ],
)
def test_submit_only_while_the_round_is_open(town, cadres, status, today):
    round_ = make_round(town)
    (assignment,) = assign(round_, cadres["self"], LEADER)
    if status != "draft":
        services.round_open(round_=round_, actor=None)
    if status == "closed":
        services.round_close(round_=round_, actor=None)
    with pytest.raises(ValidationError) as caught:
        submit(assignment, form(80), today=today)
    assert set(caught.value.message_dict) == {"status"}
    assert "2024-04-01" in caught.value.message_dict["status"][0]
    assert "2024-04-10" in caught.value.message_dict["status"][0]
    assert not EvaluationScore.objects.exists()


def test_submit_on_the_first_and_last_day(open_assignment):
    submit(open_assignment, form(70), today=OPENS)
    submit(open_assignment, form(75), today=CLOSES)
    assert set(open_assignment.scores.values_list("score", flat=True)) == {75}


def test_revising_a_form_replaces_its_scores(town, cadres, open_assignment):
    submit(open_assignment, form(80), today=OPENS)
    submit(open_assignment, form(60, thought=90), today=DAY)
    open_assignment.refresh_from_db()
    assert open_assignment.status == EvaluationAssignment.Status.SUBMITTED
    assert EvaluationScore.objects.count() == 6
    assert dict(open_assignment.scores.values_list("dimension", "score")) == form(60, thought=90)
    round_ = services.round_close(round_=open_assignment.round, actor=None)
    # (90 + 5 × 60) / 6 = 65
    assert round_results(round_)[cadres["self"].pk].score == D("65.00")


# --- assignments --------------------------------------------------------------------------


def test_assignments_skip_self_rating_and_are_idempotent(world, town, cadres):
    from core.roles import role_group

    round_ = make_round(town)
    other = evaluator()
    colleague = world["users"]["cadre"]  # 张伟's own account, also a colleague evaluator
    with pytest.raises(ValidationError) as refused:  # a cadre-only account cannot fill forms
        services.assignments_add(
            round_=round_, cadres=[cadres["bystander"]], evaluators=[colleague], group=COLLEAGUE,
            actor=None,
        )  # fmt: skip
    assert "evaluators" in refused.value.message_dict
    colleague.groups.add(role_group("evaluator"))
    colleague._qingmiao_roles = None
    evaluators = [colleague, other]
    added = services.assignments_add(
        round_=round_,
        cadres=[cadres["self"], cadres["bystander"]],
        evaluators=evaluators,
        group=COLLEAGUE,
        actor=None,
    )
    assert added == 3
    pairs = set(round_.assignments.values_list("cadre_id", "evaluator_id"))
    assert pairs == {
        (cadres["self"].pk, other.pk),
        (cadres["bystander"].pk, other.pk),
        (cadres["bystander"].pk, world["users"]["cadre"].pk),
    }
    again = services.assignments_add(
        round_=round_,
        cadres=[cadres["self"], cadres["bystander"]],
        evaluators=evaluators,
        group=LEADER,  # a pair already assigned keeps its group
        actor=None,
    )
    assert again == 0
    assert round_.assignments.count() == 3
    assert set(round_.assignments.values_list("group", flat=True)) == {COLLEAGUE}


def test_assignments_refuse_cadres_outside_a_unit_round(world, cadres):
    round_ = make_round(world["units"]["office"])  # 张伟 and 王芳; 李娜 is in the village
    with pytest.raises(ValidationError) as caught:
        services.assignments_add(
            round_=round_,
            cadres=[cadres["self"], cadres["mentee"], cadres["outsider"]],
            evaluators=[evaluator()],
            group=LEADER,
            actor=None,
        )
    assert set(caught.value.message_dict) == {"cadres"}
    assert "2" in caught.value.message_dict["cadres"][0]
    assert not EvaluationAssignment.objects.exists()


def test_assignments_refuse_cadres_outside_a_cohort_round(world, town, cadres):
    round_ = make_round(town, cohort=world["cohort"])  # only 李娜 is enrolled
    with pytest.raises(ValidationError) as caught:
        services.assignments_add(
            round_=round_,
            cadres=[cadres["mentee"], cadres["bystander"]],
            evaluators=[evaluator()],
            group=MENTOR,
            actor=None,
        )
    assert set(caught.value.message_dict) == {"cadres"}
    assert not EvaluationAssignment.objects.exists()
    assert (
        services.assignments_add(
            round_=round_,
            cadres=[cadres["mentee"]],
            evaluators=[evaluator()],
            group=MENTOR,
            actor=None,
        )
        == 1
    )


def test_assignments_refuse_a_cadre_who_left(town, cadres):
    cadre = cadres["bystander"]
    cadre.status = "left"
    cadre.save(update_fields=["status"])
    round_ = make_round(town)
    with pytest.raises(ValidationError) as caught:
        services.assignments_add(
            round_=round_, cadres=[cadre], evaluators=[evaluator()], group=LEADER, actor=None
        )
    assert set(caught.value.message_dict) == {"cadres"}


def test_assignments_need_a_group_cadres_and_evaluators(town, cadres):
    round_ = make_round(town)
    with pytest.raises(ValidationError) as caught:
        services.assignments_add(round_=round_, cadres=[], evaluators=[], group="boss", actor=None)
    assert set(caught.value.message_dict) == {"group", "cadres", "evaluators"}


def test_assignments_are_closed_with_the_round(town, cadres):
    round_ = make_round(town)
    assign(round_, cadres["self"], LEADER)
    services.round_open(round_=round_, actor=None)
    assign(round_, cadres["self"], COLLEAGUE)  # still possible while open
    round_ = services.round_close(round_=round_, actor=None)
    with pytest.raises(ValidationError) as caught:
        assign(round_, cadres["bystander"], LEADER)
    assert set(caught.value.message_dict) == {"status"}
    assert round_.assignments.count() == 2


def test_a_pending_assignment_may_be_removed_a_submitted_one_not(town, cadres):
    round_ = make_round(town)
    done, waiting = assign(round_, cadres["self"], LEADER, 2)
    services.round_open(round_=round_, actor=None)
    submit(done, form(80))
    services.assignment_remove(assignment=waiting, actor=None)
    assert not EvaluationAssignment.objects.filter(pk=waiting.pk).exists()
    with pytest.raises(ValidationError) as caught:
        services.assignment_remove(assignment=done, actor=None)
    assert set(caught.value.message_dict) == {"status"}
    assert EvaluationAssignment.objects.filter(pk=done.pk).exists()
    assert EvaluationScore.objects.filter(assignment=done).count() == 6


def test_round_open_needs_assignments(town):
    round_ = make_round(town)
    with pytest.raises(ValidationError) as caught:
        services.round_open(round_=round_, actor=None)
    assert set(caught.value.message_dict) == {"status"}
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


# --- changing a round -----------------------------------------------------------------------


def test_a_draft_round_may_change_everything(world, town):
    round_ = make_round(town)
    round_ = services.round_update(
        round_=round_,
        actor=None,
        unit=world["units"]["office"],
        cohort=world["cohort"],
        period_end=datetime.date(2024, 3, 30),
    )
    round_.refresh_from_db()
    assert round_.unit == world["units"]["office"]
    assert round_.cohort == world["cohort"]
    assert round_.period_end == datetime.date(2024, 3, 30)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit", lambda world: world["units"]["office"]),
        ("cohort", lambda world: world["cohort"]),
        ("period_start", lambda world: datetime.date(2024, 1, 2)),
        ("period_end", lambda world: datetime.date(2024, 3, 30)),
    ],
)
def test_an_open_round_keeps_its_population_and_period(world, town, cadres, field, value):
    value = value(world)
    round_ = make_round(town)
    assign(round_, cadres["self"], LEADER)
    round_ = services.round_open(round_=round_, actor=None)
    with pytest.raises(ValidationError) as caught:
        services.round_update(round_=round_, actor=None, **{field: value})
    assert set(caught.value.message_dict) == {field}
    round_.refresh_from_db()
    assert (round_.unit, round_.cohort, round_.period_start, round_.period_end) == (
        town,
        None,
        PERIOD_START,
        PERIOD_END,
    )


def test_an_open_round_may_change_weights_formula_and_window(town, cadres):
    round_ = make_round(town)
    assign(round_, cadres["self"], LEADER)
    round_ = services.round_open(round_=round_, actor=None)
    services.round_update(
        round_=round_,
        actor=None,
        unit=town,  # unchanged values are fine
        period_end=PERIOD_END,
        group_weights={LEADER: 1, PUBLIC: 1},
        points_factor=D("0.5"),
        closes_on=datetime.date(2024, 4, 20),
    )
    round_.refresh_from_db()
    assert round_.group_weights == {LEADER: 1, COLLEAGUE: 0, MENTOR: 0, PUBLIC: 1}
    assert round_.points_factor == D("0.5")
    assert round_.closes_on == datetime.date(2024, 4, 20)
    assert round_.status == RoundStatus.OPEN


def test_a_finalised_round_cannot_change(town, cadres):
    round_ = rated(make_round(town), {cadres["self"]: {LEADER: [80]}})
    services.round_finalise(round_=round_, actor=None)
    for change in ({"name": "改名"}, {"points_factor": D("1")}, {"closes_on": CLOSES}):
        with pytest.raises(ValidationError) as caught:
            services.round_update(round_=round_, actor=None, **change)
        assert set(caught.value.message_dict) == {"status"}
    round_.refresh_from_db()
    assert round_.name == "2024年第一季度评鉴"
    assert round_.points_factor == D("0.2")


def test_round_update_refuses_fields_it_does_not_manage(town, cadres):
    round_ = make_round(town)
    with pytest.raises(TypeError):
        services.round_update(round_=round_, actor=None, status=RoundStatus.FINALISED)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


# --- validating a round -------------------------------------------------------------------


def test_a_new_round_gets_the_model_default_weights(town):
    round_ = make_round(town)
    round_.refresh_from_db()
    assert round_.dimension_weights == default_dimension_weights()
    assert round_.group_weights == default_group_weights()
    assert round_.trim_extremes is True
    assert round_.trim_min_ratings == 5


def test_missing_weight_keys_count_as_zero_and_whole_number_text_is_accepted(town):
    round_ = make_round(town, group_weights={LEADER: "3", COLLEAGUE: 2.0})
    assert round_.group_weights == {LEADER: 3, COLLEAGUE: 2, MENTOR: 0, PUBLIC: 0}


@pytest.mark.parametrize(
    ("field", "weights"),
    [
        ("dimension_weights", {"thought": 1, "charm": 1}),
        ("dimension_weights", {"thought": -1, "political": 2}),
        ("dimension_weights", {"thought": 1.5}),
        ("dimension_weights", {"thought": "两"}),
        ("dimension_weights", {"thought": None, "political": 1}),
        ("dimension_weights", dict.fromkeys(Dimension.values, 0)),
        ("dimension_weights", [1, 1, 1, 1, 1, 1]),
        ("group_weights", {"boss": 100}),
        ("group_weights", {LEADER: 40, PUBLIC: -10}),
        ("group_weights", {LEADER: 0.5}),
        ("group_weights", {LEADER: True}),
        ("group_weights", {LEADER: 0, COLLEAGUE: 0}),
    ],
)
def test_weights_validation(town, field, weights):
    with pytest.raises(ValidationError) as caught:
        make_round(town, **{field: weights})
    assert set(caught.value.message_dict) == {field}
    assert not EvaluationRound.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"period_end": datetime.date(2023, 12, 31)}, "period_end"),
        ({"closes_on": datetime.date(2024, 3, 31)}, "closes_on"),
        ({"points_factor": D("-0.1")}, "points_factor"),
        ({"trim_min_ratings": 2}, "trim_min_ratings"),
        ({"trim_min_ratings": 0}, "trim_min_ratings"),
    ],
)
def test_round_validation(town, overrides, field):
    with pytest.raises(ValidationError) as caught:
        make_round(town, **overrides)
    assert set(caught.value.message_dict) == {field}
    assert not EvaluationRound.objects.exists()


def test_weights_are_validated_on_update_too(town):
    round_ = make_round(town)
    with pytest.raises(ValidationError) as caught:
        services.round_update(round_=round_, actor=None, group_weights={LEADER: -1})
    assert set(caught.value.message_dict) == {"group_weights"}
    round_.refresh_from_db()
    assert round_.group_weights == default_group_weights()


# --- progress -----------------------------------------------------------------------------


def test_progress_counts_per_group_and_per_cadre(world, town, cadres):
    round_ = make_round(town)
    leaders = assign(round_, cadres["self"], LEADER, 3)
    colleagues = assign(round_, cadres["self"], COLLEAGUE, 2)
    public = assign(round_, cadres["mentee"], PUBLIC, 2)
    services.round_open(round_=round_, actor=None)
    for assignment in [leaders[0], leaders[1], colleagues[0], public[1]]:
        submit(assignment, form(80))
    progress = {p.group: (p.submitted, p.assigned) for p in round_progress(round_)}
    assert progress == {LEADER: (2, 3), COLLEAGUE: (1, 2), MENTOR: (0, 0), PUBLIC: (1, 2)}
    assert [p.label for p in round_progress(round_)] == ["领导", "同事", "导师", "群众"]
    per_cadre = {
        c.pk: (c.submitted, c.assigned)
        for c in round_cadre_progress(round_, world["users"]["staff"])
    }
    assert per_cadre == {cadres["self"].pk: (3, 5), cadres["mentee"].pk: (1, 2)}
    # a mentor sees only their mentee's line
    mentor_view = round_cadre_progress(round_, world["users"]["mentor"])
    assert [c.pk for c in mentor_view] == [cadres["mentee"].pk]


# --- what a cadre sees ------------------------------------------------------------------


def test_a_cadre_sees_only_their_own_results_of_finalised_rounds(world, town, cadres):
    scored = rated(
        make_round(town),
        {cadres["self"]: {LEADER: [80, 90]}, cadres["bystander"]: {LEADER: [70]}},
    )
    services.round_finalise(round_=scored, actor=None)
    waiting = rated(
        make_round(town, name="2024年第二季度评鉴"),
        {cadres["self"]: {LEADER: [60]}},
    )  # closed, not scored
    users = world["users"]

    mine = list(results_visible_to(users["cadre"]))
    assert [(r.round, r.cadre_id, r.score) for r in mine] == [
        (scored, cadres["self"].pk, D("85.00"))
    ]
    assert waiting.pk not in {r.round_id for r in results_visible_to(users["admin"])}
    assert {r.cadre_id for r in results_visible_to(users["staff"])} == {
        cadres["self"].pk,
        cadres["bystander"].pk,
    }
    assert not results_visible_to(users["evaluator"]).exists()
    assert not results_visible_to(users["mentor"]).exists()  # their mentee was not rated

    # anonymity: a result row names nobody who rated and holds no single form
    row = results_visible_to(users["cadre"]).values().get()
    assert set(row) == {
        "id",
        "round_id",
        "cadre_id",
        "score",
        "dimension_scores",
        "ratings",
        "entry_id",
        "created_at",
    }
    assert set(row["dimension_scores"]) == set(Dimension.values)
    evaluator_ids = {str(pk) for pk in scored.assignments.values_list("evaluator_id", flat=True)}
    assert not evaluator_ids & {str(v) for v in row["dimension_scores"].values()}


# --- concurrency --------------------------------------------------------------------------


def _run_at_once(count: int, work) -> list[Exception]:
    barrier = threading.Barrier(count)
    errors: list[Exception] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_then_concurrent_finalise():
    """Eight evaluators send their forms for one cadre at the same moment; then two staff
    press “score” at once: the result is exact and the ledger has one entry."""
    assert connection.vendor == "postgresql", "row locks need PostgreSQL: set DATABASE_URL"
    town = f.make_unit("金城镇")
    cadre = f.CadreFactory(unit=town)
    other = f.CadreFactory(unit=town)
    round_ = make_round(town)
    leaders = assign(round_, cadre, LEADER, 8)
    (colleague,) = assign(round_, cadre, COLLEAGUE)
    (for_other,) = assign(round_, other, PUBLIC)
    round_ = services.round_open(round_=round_, actor=None)
    leader_scores = [60, 95, 65, 90, 70, 85, 75, 80]

    errors = _run_at_once(8, lambda i: submit(leaders[i], form(leader_scores[i], thought=100 - i)))
    assert errors == []
    submit(colleague, form(70))
    submit(for_other, form(88))
    assert EvaluationScore.objects.filter(assignment__cadre=cadre).count() == 9 * 6
    round_ = services.round_close(round_=round_, actor=None)

    finalised = []
    errors = _run_at_once(
        2, lambda i: finalised.append(services.round_finalise(round_=round_, actor=None))
    )
    assert len(finalised) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert set(errors[0].message_dict) == {"status"}

    # leaders: 60 and 95 dropped, (65 + 70 + 75 + 80 + 85 + 90) / 6 = 77.5;
    # thought 100…93: 100 and 93 dropped, (99 + 98 + 97 + 96 + 95 + 94) / 6 = 96.5;
    # with colleagues 70 at 40:30 — others (77.5×40 + 70×30) / 70 = 5200 / 70 = 74.2857…,
    # thought (96.5×40 + 70×30) / 70 = 5960 / 70 = 85.1428…;
    # composite (5 × 5200 + 5960) / 420 = 31960 / 420 = 76.0952… → 76.10 → × 0.2 = 15.22
    result = EvaluationResult.objects.get(cadre=cadre)
    assert result.score == D("76.10")
    assert result.ratings == 9
    assert result.dimension_scores["thought"] == "85.14"
    assert result.dimension_scores["political"] == "74.29"
    assert PointEntry.objects.filter(cadre=cadre).count() == 1
    assert PointEntry.objects.get(cadre=cadre).points == D("15.22")
    assert PointEntry.objects.get(cadre=other).points == D("17.60")  # 88 × 0.2
    assert PointEntry.objects.count() == 2
    assert EvaluationResult.objects.count() == 2
