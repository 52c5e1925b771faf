"""`events_record_new`: many facts at once (the daily job's overdue talks, duties and
self-reports) score exactly as one `event_record` call per fact would, once per source."""

import datetime
from decimal import Decimal

from scoring import services
from scoring.models import PointEntry, ScoringPeriod
from tests import factories as f
from tests.scoring.test_ledger import rule

D = Decimal
KIND = "mentoring.talk.overdue"
MAR = datetime.date(2026, 3, 2)


def _entries(cadre) -> list[tuple]:
    return list(
        PointEntry.objects.filter(cadre=cadre)
        .order_by("occurred_on", "source", "rule__code")
        .values_list("points", "occurred_on", "reason", "rule__code")
    )


def test_bulk_scores_like_one_call_per_fact_with_caps_and_several_rules(world):
    one, bulk = world["cadres"]["self"], world["cadres"]["bystander"]
    rule(code="OV-01", name="谈话逾期", event_kind=KIND, points=D("-2"),
         cap_period="quarter", cap_points=D("5"))  # fmt: skip
    rule(code="OV-02", name="谈话逾期提醒", event_kind=KIND, points=D("-0.5"))
    rule(code="OV-OLD", event_kind=KIND, points=D("-9"), valid_to=datetime.date(2025, 12, 31))
    days = [MAR, MAR + datetime.timedelta(days=7), MAR + datetime.timedelta(days=14),
            datetime.date(2026, 4, 6)]  # fmt: skip
    for i, day in enumerate(days):
        services.event_record(kind=KIND, cadre=one, occurred_on=day, source=f"s:{one.pk}:{i}")
    made = services.events_record_new(
        kind=KIND, items=[(bulk.pk, day, f"s:{bulk.pk}:{i}") for i, day in enumerate(days)]
    )
    assert made == 4
    assert _entries(bulk) == _entries(one)
    points = [e[0] for e in _entries(bulk) if e[3] == "OV-01"]
    assert points == [D("-2"), D("-2"), D("-1"), D("-2")]  # capped at 5 in Q1; Q2 fresh
    assert "上限" in _entries(bulk)[4][2]


def test_bulk_is_idempotent_per_source_and_counts_repeats_once(world):
    cadre = world["cadres"]["self"]
    rule(code="OV-01", event_kind=KIND, points=D("-1"))
    items = [(cadre.pk, MAR, "a"), (cadre.pk, MAR, "a"), (cadre.pk, MAR, "b")]
    assert services.events_record_new(kind=KIND, items=items) == 2
    assert services.events_record_new(kind=KIND, items=items) == 0
    services.event_record(kind=KIND, cadre=cadre, occurred_on=MAR, source="c")
    assert services.events_record_new(kind=KIND, items=[(cadre.pk, MAR, "c")]) == 0
    assert PointEntry.objects.filter(cadre=cadre).count() == 3


def test_bulk_books_a_closed_periods_fact_today_with_a_note(world):
    cadre = world["cadres"]["self"]
    rule(code="OV-01", event_kind=KIND, points=D("-1"))
    ScoringPeriod.objects.create(
        name="2026年第一季度", unit=world["units"]["town"], start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 3, 31), status="closed",
    )  # fmt: skip
    services.events_record_new(kind=KIND, items=[(cadre.pk, MAR, "late")])
    entry = PointEntry.objects.get(cadre=cadre)
    assert entry.occurred_on != MAR and "补记" in entry.reason


def test_without_a_rule_only_the_rules_are_read(world, django_assert_max_num_queries):
    cadre = world["cadres"]["self"]
    with django_assert_max_num_queries(3) as queries:  # the rules, inside a savepoint
        made = services.events_record_new(kind=KIND, items=[(cadre.pk, MAR, "x")])
    reads = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(reads) == 1 and "scoring_pointrule" in reads[0]
    assert made == 0 and not PointEntry.objects.exists()


def test_bulk_query_count_does_not_grow_with_the_facts(world, django_assert_max_num_queries):
    rule(code="OV-01", event_kind=KIND, points=D("-1"), cap_period="month", cap_points=D("3"))
    small = [f.CadreFactory(unit=world["units"]["office"]) for _ in range(3)]
    with django_assert_max_num_queries(12) as few:
        services.events_record_new(kind=KIND, items=[(c.pk, MAR, f"s{c.pk}") for c in small])
    many = [f.CadreFactory(unit=world["units"]["office"]) for _ in range(30)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        made = services.events_record_new(kind=KIND, items=[(c.pk, MAR, f"s{c.pk}") for c in many])
    assert made == 30
