"""The training calendar (month grid, upcoming, iCalendar) and the activity list's workbook."""

import datetime
import io
import itertools
import re

import openpyxl
import pytest
from django.utils import timezone

from tests import factories as f
from tests.training.test_pages import ROLES, _expect, invite, make_activity
from training import services
from training.selectors.calendar import SOURCES, calendar_entries

_names = itertools.count(1)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


PAGES = [
    ("calendar", "/training/calendar/", _expect(_=200, evaluator=403)),
    ("calendar month", "/training/calendar/?month=2025-02", _expect(_=200, evaluator=403)),
    ("calendar ics", "/training/calendar/?format=ics", _expect(_=200, evaluator=403)),
    ("activity xlsx", "/training/?format=xlsx", _expect(_=200, evaluator=403)),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(url).status_code == expected[ROLES.index(role)]


@pytest.fixture
def february(world):
    """Feb 2025 starts on a Saturday: the grid runs Mon 27 Jan – Sun 2 Mar (5 weeks)."""
    town = world["units"]["town"]
    own = make_activity(town, title="二月党课", starts_at=_at(datetime.date(2025, 2, 14), 14))
    invite(own, world["cadres"]["self"])
    edge = make_activity(town, title="月初前的调研", type="study_trip",
                         starts_at=_at(datetime.date(2025, 1, 27)))  # fmt: skip
    make_activity(town, title="三月的课", starts_at=_at(datetime.date(2025, 3, 3)))
    make_activity(world["units"]["other_town"], title="东湖镇二月课",
                  starts_at=_at(datetime.date(2025, 2, 14)))  # fmt: skip
    return {"own": own, "edge": edge}


def test_month_grid_monday_first(world, february, client_for):
    response = client_for(world["users"]["staff"]).get("/training/calendar/?month=2025-02")
    content = response.content.decode()
    assert "2025年2月" in content
    assert content.count('data-testid="week"') == 5
    dates = re.findall(r'data-date="([\d-]+)"', content)
    assert (dates[0], dates[-1], len(dates)) == ("2025-01-27", "2025-03-02", 35)
    assert content.index("周一") < content.index("周日")
    cell = content[content.index('data-date="2025-02-14"') :].split("</td>")[0]
    assert "二月党课" in cell and "14:00" in cell
    assert "东湖镇二月课" not in content  # other town
    assert "三月的课" not in content  # after the grid
    first = content[content.index('data-date="2025-01-27"') :].split("</td>")[0]
    assert "月初前的调研" in first and "text-muted" in first  # shown, outside the month
    assert 'href="?month=2025-01"' in content and 'href="?month=2025-03"' in content
    assert 'data-testid="today"' not in content


def test_today_is_highlighted_and_upcoming_listed(world, client_for):
    soon = make_activity(world["units"]["town"], title="明天的课")
    invite(soon, world["cadres"]["self"])
    make_activity(world["units"]["town"], title="两个月后的课",
                  starts_at=timezone.now() + datetime.timedelta(days=60))  # fmt: skip
    content = client_for(world["users"]["cadre"]).get("/training/calendar/").content.decode()
    today = timezone.localdate().isoformat()
    assert f'data-date="{today}" class="qm-calendar-day table-success"' in content.replace(
        " text-muted bg-light", ""
    )
    upcoming = content[content.index('data-testid="upcoming"') :]
    assert "明天的课" in upcoming
    assert "两个月后的课" not in content  # not invited, and far away


def test_cadre_sees_only_their_activities(world, february):
    entries = calendar_entries(
        world["users"]["cadre"], datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)
    )
    assert [(e.title, e.kind, e.url) for e in entries] == [
        ("二月党课", "理论政策", f"/training/{february['own'].pk}/")
    ]
    assert entries[0].date == datetime.date(2025, 2, 14)
    assert calendar_entries(world["users"]["evaluator"], datetime.date(2025, 1, 1),
                            datetime.date(2025, 3, 31)) == []  # fmt: skip


def test_sources_are_a_list_of_functions():
    assert [s.__name__ for s in SOURCES] == [
        "activity_entries",
        "forum_entries",
        "defense_entries",
        "collective_entries",
    ]


def test_ics_export(world, february, client_for):
    services.activity_update(activity=february["own"], actor=None, place="党校，报告厅; 二楼")
    response = client_for(world["users"]["staff"]).get(
        "/training/calendar/?month=2025-02&format=ics"
    )
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2  # the grid: 27 Jan – 2 Mar
    assert f"UID:activity-{february['own'].pk}@testserver" in text
    assert "DTSTART:20250214T060000Z" in text  # 14:00 in Asia/Shanghai
    assert "DTEND:20250214T080000Z" in text
    assert "SUMMARY:二月党课" in text
    assert "LOCATION:党校，报告厅\\; 二楼" in text  # ASCII ; and , are escaped
    assert f"URL:http://testserver/training/{february['own'].pk}/" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_ics_folds_long_lines():
    from training.ics import _fold

    line = "SUMMARY:" + "青年干部" * 30
    folded = _fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_calendar_queries_are_constant(
    world, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(world["users"]["staff"])
    url = "/training/calendar/"
    day = timezone.localdate().replace(day=15)

    def grow(n):
        for _ in range(n):
            activity = make_activity(world["units"]["town"], starts_at=_at(day))
            invite(activity, f.CadreFactory(unit=world["units"]["office"]))

    grow(5)
    client.get(url)
    with django_assert_max_num_queries(16) as small:
        response = client.get(url)
    shown = response.content.decode().count('data-testid="entry"')
    grow(20)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="entry"') == shown + 20


# --- the activity list's workbook -------------------------------------------------------------


def test_activity_list_workbook_follows_filters_and_scope(world, february, client_for):
    c = world["cadres"]
    services.activity_update(activity=february["own"], actor=None, speaker="王教授",
                             capacity=30, cost="800")  # fmt: skip
    invite(february["own"], c["mentee"])
    rows = {p.cadre_id: p.pk for p in february["own"].participants.all()}
    services.attendance_mark(activity=february["own"], marks={rows[c["self"].pk]: "present"},
                             actor=None)  # fmt: skip
    client = client_for(world["users"]["staff"])
    response = client.get("/training/?format=xlsx&start=2025-02-01&end=2025-02-28")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("名称", "类型", "主题", "组织单位", "开始时间", "地点", "主讲人",
                         "学时", "人数上限", "邀请人数", "出席人数", "费用（元）")  # fmt: skip
    assert values[1:] == [
        ("二月党课", "理论政策", "党建引领", "金城镇", datetime.datetime(2025, 2, 14, 14, 0),
         "党校报告厅", "王教授", 2, 30, 2, 1, 800),
    ]  # fmt: skip
    # A cadre's workbook has only their own activities.
    response = client_for(world["users"]["cadre"]).get("/training/?format=xlsx")
    titles = [r[0] for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert titles == ["二月党课"]
