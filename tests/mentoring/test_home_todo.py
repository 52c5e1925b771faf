"""The home page's mentoring to-dos: a mentor's overdue duties, self-reports to review, a
cadre's own overdue self-reports — each with its count and link, only for whom it concerns."""

import datetime

from django.utils import timezone

from cadres.models import Cadre
from mentoring.models import Pairing, SelfReport


def _card(client) -> str:
    html = client.get("/").content.decode()
    start = html.find('data-testid="mentoring-todo"')
    return "" if start < 0 else html[start : html.find("</div>", start)]


def test_mentor_sees_overdue_duties_and_reports_to_review(world, client_for):
    today = timezone.localdate()
    mentee = world["cadres"]["mentee"]
    Pairing.objects.filter(cadre=mentee).update(start_date=today - datetime.timedelta(days=400))
    SelfReport.objects.create(
        cadre=mentee, kind="monthly", period_start=today.replace(day=1), title="月小结",
        content="本月工作", submitted_at=timezone.now(),
    )  # fmt: skip
    card = _card(client_for(world["users"]["mentor"]))
    assert "逾期的导师履职" in card and "/mentoring/duties/" in card
    assert "待审阅的个人报告" in card and "/mentoring/self-reports/review/" in card
    staff = _card(client_for(world["users"]["staff"]))
    assert "待审阅的个人报告" in staff and "逾期的导师履职" not in staff
    assert _card(client_for(world["users"]["evaluator"])) == ""
    assert _card(client_for(world["users"]["leader"])) == ""


def test_cadre_sees_own_overdue_self_reports_only(world, client_for):
    cadre = world["cadres"]["self"]
    entered = timezone.now() - datetime.timedelta(days=120)
    Cadre.objects.filter(pk=cadre.pk).update(created_at=entered)
    card = _card(client_for(world["users"]["cadre"]))
    assert "逾期未交的个人报告" in card and "/mentoring/self-reports/mine/" in card
    assert "待审阅" not in card
    Cadre.objects.filter(pk=cadre.pk).update(created_at=timezone.now())
    assert _card(client_for(world["users"]["cadre"])) == ""  # nothing lapsed yet
