"""Query counts of list pages and endpoints do not grow with the number of rows.

Each case renders with N rows, then with 5N rows (spread over new units, cohorts and
programmes so that a missing select_related shows up), and must issue the same number of
queries, within a pinned budget. A first request warms per-process caches (content types).
Logged in as organisation staff, who see the whole of 金城镇.
"""

import itertools

import pytest

from tests import factories as f

N = 5
_names = itertools.count(1)


@pytest.fixture
def constant_queries(world, client, django_assert_max_num_queries, django_assert_num_queries):
    client.force_login(world["users"]["staff"])

    def check(url: str, *, grow, rows, budget: int) -> None:
        """`grow(n)` adds n rows; `rows(response)` counts the rows the response shows."""
        grow(N)
        client.get(url)
        with django_assert_max_num_queries(budget) as small:
            response = client.get(url)
        assert response.status_code == 200
        shown = rows(response)

        grow(4 * N)
        with django_assert_num_queries(len(small)):
            response = client.get(url)
        assert response.status_code == 200
        assert rows(response) == shown + 4 * N

    return check


def new_unit(world):
    return f.make_unit(f"科室{next(_names)}", world["units"]["town"])


def add_cadres(world, n: int) -> None:
    for _ in range(n):
        f.CadreFactory(name="曾国藩", unit=new_unit(world), is_reserve=True)


def add_enrolments(world, n: int, cohort=None) -> None:
    staff = world["users"]["staff"]
    for _ in range(n):
        target = cohort or f.CohortFactory(programme=world["programme"])
        cadre = f.CadreFactory(unit=new_unit(world))
        f.EnrolmentFactory(cohort=target, cadre=cadre, enrolled_by=staff)


def add_programmes(world, n: int) -> None:
    for _ in range(n):
        programme = f.ProgrammeFactory(owner_unit=new_unit(world))
        f.CohortFactory(programme=programme)


def page_rows(response) -> int:
    return len(response.context["page"].object_list)


def api_rows(response) -> int:
    return len(response.json()["results"])


def test_cadre_list_page(world, constant_queries):
    constant_queries("/cadres/", grow=lambda n: add_cadres(world, n), rows=page_rows, budget=11)


def test_cadre_list_page_with_every_filter(world, constant_queries):
    town = world["units"]["town"].pk
    constant_queries(
        f"/cadres/?unit={town}&is_reserve=true&age_band=le30&q=zeng&sort=unit",
        grow=lambda n: add_cadres(world, n),
        rows=page_rows,
        budget=12,
    )


def test_api_cadre_list(world, constant_queries):
    constant_queries(
        "/api/v1/cadres/", grow=lambda n: add_cadres(world, n), rows=api_rows, budget=9
    )


def test_api_unit_list(world, constant_queries):
    chain = [world["units"]["office"]]

    def grow(n):
        for _ in range(n):  # each new unit under the previous one: every row has its own parent
            chain.append(f.make_unit(f"组{next(_names)}", chain[-1]))

    constant_queries("/api/v1/units/", grow=grow, rows=api_rows, budget=9)


def test_api_enrolment_list(world, constant_queries):
    constant_queries(
        "/api/v1/enrolments/", grow=lambda n: add_enrolments(world, n), rows=api_rows, budget=8
    )


def test_programme_list_page(world, constant_queries):
    constant_queries(
        "/programmes/",
        grow=lambda n: add_programmes(world, n),
        rows=lambda r: len(r.context["programmes"]),
        budget=8,
    )


def test_cohort_detail_page(world, constant_queries):
    cohort = world["cohort"]
    constant_queries(
        f"/cohorts/{cohort.pk}/",
        grow=lambda n: add_enrolments(world, n, cohort=cohort),
        rows=lambda r: len(r.context["members"]),
        budget=10,
    )
