"""Enrolling from the cohort page: search candidates, then join with or without an exception."""

from django.utils import timezone

from cadres.models import Enrolment
from tests import factories as f


def test_candidates_are_visible_serving_cadres_not_already_in_the_cohort(world, client):
    client.force_login(world["users"]["staff"])
    cohort = world["cohort"]
    f.CadreFactory(name="王强", unit=world["units"]["office"], status="left")
    html = client.get(f"/cohorts/{cohort.pk}/candidates/?q=w").content.decode()
    assert html.count('data-testid="candidate"') == 1  # 王芳 only
    assert "王芳" in html
    assert "王强" not in html  # left the service
    assert "赵敏" not in html  # other town
    html = client.get(f"/cohorts/{cohort.pk}/candidates/?q=ln").content.decode()
    assert "李娜" not in html  # already active in this cohort


def test_over_age_candidate_is_flagged_and_needs_a_reason(world, client):
    office = world["units"]["office"]
    old = f.CadreFactory(name="吴刚", unit=office, age=45)
    client.force_login(world["users"]["staff"])
    cohort = world["cohort"]
    html = client.get(f"/cohorts/{cohort.pk}/candidates/?q=wg").content.decode()
    assert "须填写破格理由" in html
    today = timezone.localdate().isoformat()

    refused = client.post(f"/cohorts/{cohort.pk}/", {"cadre": old.pk, "joined_on": today})
    assert refused.status_code == 200
    assert "超过“行政”类干部的年龄上限40周岁" in refused.content.decode()
    assert not Enrolment.objects.filter(cadre=old).exists()

    accepted = client.post(
        f"/cohorts/{cohort.pk}/",
        {"cadre": old.pk, "joined_on": today, "exception_reason": "急难险重任务表现突出"},
    )
    assert accepted.status_code == 302
    enrolment = Enrolment.objects.get(cadre=old)
    assert enrolment.exception_reason == "急难险重任务表现突出"
    assert enrolment.age_at_enrolment == 45
    assert enrolment.enrolled_by == world["users"]["staff"]


def test_a_cadre_outside_scope_cannot_be_posted_into_a_cohort(world, client):
    client.force_login(world["users"]["staff"])
    outsider = world["cadres"]["outsider"]
    response = client.post(
        f"/cohorts/{world['cohort'].pk}/", {"cadre": outsider.pk, "joined_on": "2022-03-01"}
    )
    assert response.status_code == 200
    assert not Enrolment.objects.filter(cadre=outsider, cohort=world["cohort"]).exists()
