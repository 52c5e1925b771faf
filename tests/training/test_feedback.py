"""Attendees rate an activity (1–5, with a comment) after it starts; staff see every rating
and the mean, a cadre only their own."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from training import services
from training.models import Feedback, Participant


@pytest.fixture
def activity(world):
    start = timezone.now() - datetime.timedelta(hours=1)
    made = services.activity_create(
        actor=None, title="应急管理实务", type="business", theme="", unit=world["units"]["town"],
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), place="镇党校",
        speaker="", hours=Decimal("2"), capacity=None, cost=None,
    )  # fmt: skip
    c = world["cadres"]
    services.participants_invite(activity=made, cadres=[c["self"], c["bystander"]], actor=None)
    rows = {p.cadre_id: p.pk for p in made.participants.all()}
    services.attendance_mark(
        activity=made,
        marks={rows[c["self"].pk]: "present", rows[c["bystander"].pk]: "absent"},
        actor=None,
    )
    return made


def test_only_attendees_rate_once_the_activity_started(world, activity):
    me = world["users"]["cadre"]
    with pytest.raises(ValidationError) as caught:
        services.feedback_submit(activity=activity, user=me, rating=6)
    assert "1到5" in caught.value.message_dict["rating"][0]
    services.feedback_submit(activity=activity, user=me, rating="4", comment="案例很实用")
    services.feedback_submit(activity=activity, user=me, rating=5, comment="再来一次")
    assert list(Feedback.objects.values_list("rating", "comment")) == [(5, "再来一次")]
    with pytest.raises(ValidationError, match="出席"):
        services.feedback_submit(activity=activity, user=world["users"]["staff"], rating=3)
    with pytest.raises(ValidationError, match="开始后"):
        services.feedback_submit(
            activity=activity,
            user=me,
            rating=3,
            at=activity.starts_at - datetime.timedelta(minutes=1),
        )


def test_feedback_through_the_page_and_who_sees_it(world, client, activity):
    client.force_login(world["users"]["cadre"])
    page = client.get(f"/training/{activity.pk}/")
    assert page.context["may_rate"] and page.context["feedback_rows"] is None
    response = client.post(
        f"/training/{activity.pk}/feedback/", {"rating": "4", "comment": "讲得透彻"}
    )
    assert response.status_code == 302
    assert Feedback.objects.get().participant == Participant.objects.get(
        activity=activity, cadre=world["cadres"]["self"]
    )
    bad = client.post(f"/training/{activity.pk}/feedback/", {"rating": "9"}, follow=True)
    assert "1到5" in bad.content.decode() and Feedback.objects.get().rating == 4
    client.force_login(world["users"]["staff"])
    page = client.get(f"/training/{activity.pk}/")
    assert [f.comment for f in page.context["feedback_rows"]] == ["讲得透彻"]
    assert page.context["feedback_summary"]["mean"] == 4
    assert not page.context["may_rate"]  # staff did not attend
    client.force_login(world["users"]["evaluator"])
    assert client.post(f"/training/{activity.pk}/feedback/", {"rating": "3"}).status_code == 403
