"""The overdue talks page: counts per level at the top, filters by unit (its subtree, within
scope) and level, the export following the filters."""

import io

import openpyxl
import pytest
from django.test import override_settings
from django.utils import timezone

from mentoring.models import Talk
from tests import factories as f

TODAY = timezone.localdate()


@pytest.fixture
def staff_client(world, client):
    client.force_login(world["users"]["staff"])
    return client


@pytest.fixture(autouse=True)
def cadences():
    with override_settings(QINGMIAO_TALK_CADENCES={
        "org": {"frequency": "half_year", "grace_days": 0},
        "town": {"frequency": "quarter", "grace_days": 0},
    }):  # fmt: skip
        yield


def _names(response):
    return sorted((r.cadre.name, r.status.level) for r in response.context["page"].object_list)


def _counts(response):
    return {code: n for code, _, n in response.context["levels"]}


def test_counts_per_level_and_filters(world, staff_client):
    c = world["cadres"]
    Talk.objects.create(cadre=c["self"], level="town", talked_on=TODAY, talker=f.UserFactory())
    response = staff_client.get("/mentoring/talks/overdue/")
    # 金城镇's three cadres; 赵敏 of 东湖镇 is out of scope.
    assert _counts(response) == {"org": 3, "town": 2}
    html = response.content.decode()
    assert 'data-testid="overdue-count-org"' in html and "组织部门" in html
    response = staff_client.get("/mentoring/talks/overdue/?level=town")
    assert _names(response) == [("李娜", "town"), ("王芳", "town")]
    assert _counts(response) == {"org": 3, "town": 2}  # the counts ignore the level filter
    office = world["units"]["office"].pk
    response = staff_client.get(f"/mentoring/talks/overdue/?unit={office}")
    assert _names(response) == [("张伟", "org"), ("王芳", "org"), ("王芳", "town")]
    assert _counts(response) == {"org": 2, "town": 1}
    response = staff_client.get(f"/mentoring/talks/overdue/?unit={office}&level=town&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["王芳"]


def test_unit_outside_scope_and_unknown_level_are_ignored(world, staff_client):
    other = world["units"]["other_town"].pk
    response = staff_client.get(f"/mentoring/talks/overdue/?unit={other}&level=nope")
    assert response.context["unit"] is None and response.context["level"] is None
    assert "赵敏" not in {r.cadre.name for r in response.context["page"].object_list}
    assert len(response.context["page"].object_list) == 6


def test_admin_filters_any_unit(world, client):
    client.force_login(world["users"]["admin"])
    other = world["units"]["other_town"].pk
    response = client.get(f"/mentoring/talks/overdue/?unit={other}")
    assert _names(response) == [("赵敏", "org"), ("赵敏", "town")]


def test_digest_link_opens_the_level(world, staff_client):
    """The daily digest links to ?level=<level>: the page opens on that level."""
    response = staff_client.get("/mentoring/talks/overdue/?level=org")
    assert {lv for _, lv in _names(response)} == {"org"}
    assert "selected>组织部门" in response.content.decode()
