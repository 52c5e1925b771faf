"""The shared cadre picker of training pages (training.views.people): choosing by cohort, unit
subtree or one cadre stays within the user's scope and among serving cadres; the candidate
search excludes whoever is already chosen and shows at most CANDIDATES_SHOWN rows."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Q
from django.test import RequestFactory

from tests import factories as f
from training.forms_collective import ParticipantsForm
from training.views import people


def _request(user, method="post", **data):
    factory = RequestFactory()
    request = factory.post("/", data) if method == "post" else factory.get("/", data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _flashed(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_picked_by_cohort_keeps_only_cadres_in_scope(world):
    staff = world["users"]["staff"]
    # The outsider joins 金城镇's cohort too: still not theirs to choose.
    f.EnrolmentFactory(cohort=world["cohort"], cadre=world["cadres"]["outsider"])
    _form, cadres = people.picked_cadres(_request(staff, cohort=world["cohort"].pk))
    assert cadres == [world["cadres"]["mentee"]]


def test_picked_by_unit_takes_the_subtree_of_serving_cadres_by_name(world):
    c = world["cadres"]
    c["bystander"].status = "left"
    c["bystander"].save(update_fields=["status"])
    _form, cadres = people.picked_cadres(
        _request(world["users"]["staff"], unit=world["units"]["town"].pk)
    )
    assert cadres == sorted([c["self"], c["mentee"]], key=lambda x: (x.name_pinyin, x.pk))


def test_picked_one_cadre_with_the_extra_fields_of_a_subclass(world):
    request = _request(world["users"]["staff"], cadre=world["cadres"]["self"].pk, note="很好")
    form, cadres = people.picked_cadres(request, ParticipantsForm)
    assert cadres == [world["cadres"]["self"]]
    assert form.cleaned_data["note"] == "很好"


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "请选择一个批次、一个单位或一名干部。"),
        ({"cohort": "COHORT", "unit": "TOWN"}, "请选择一个批次、一个单位或一名干部。"),
        ({"cadre": "OUTSIDER"}, "该干部不在您的范围内或不在职。"),
    ],
)
def test_a_bad_choice_is_flashed_and_nothing_picked(world, data, message):
    ids = {
        "COHORT": world["cohort"].pk,
        "TOWN": world["units"]["town"].pk,
        "OUTSIDER": world["cadres"]["outsider"].pk,
    }
    request = _request(world["users"]["staff"], **{k: ids[v] for k, v in data.items()})
    form, cadres = people.picked_cadres(request)
    assert cadres is None and not form.is_valid()
    assert _flashed(request) == [message]


def test_pick_form_offers_the_users_cohorts_and_units_with_readable_labels(world):
    form = people.pick_form(_request(world["users"]["staff"], method="get"))
    cohort = world["cohort"]
    assert [str(label) for _v, label in form["cohort"].field.choices] == [
        "—",
        f"{cohort.programme.name} · {cohort.name}",
    ]
    units = [str(label) for _v, label in form["unit"].field.choices]
    assert units[0] == "—" and world["units"]["other_town"].full_name not in units
    assert world["units"]["office"].full_name in units
    assert [b.name for b in form.groups] == ["cohort", "unit"]


def _rows(user, search, *exclude):
    request = _request(user, method="get", q=search)
    response = people.candidates(request, "training/research/_member_candidates.html",
                                 {"topic": {"pk": 1}}, *exclude)  # fmt: skip
    return response.content.decode()


def test_candidates_match_by_name_in_scope_and_drop_the_excluded(world):
    staff, c = world["users"]["staff"], world["cadres"]
    assert "王芳" in _rows(staff, "wf")
    assert "赵敏" not in _rows(staff, "zm")  # outside the town
    assert "王芳" not in _rows(staff, "wf", Q(pk=c["bystander"].pk))
    # Each exclusion applies on its own: either one hides a cadre.
    one, two, _three = (
        f.CadreFactory(name=n, unit=world["units"]["office"]) for n in ("吴一", "吴二", "吴三")
    )
    rows = _rows(staff, "吴", Q(pk=one.pk), Q(pk=two.pk))
    assert "吴一" not in rows and "吴二" not in rows and "吴三" in rows
    assert 'data-testid="candidate"' not in _rows(staff, "")
    assert "没有可添加的干部" in _rows(staff, "qqqq")


def test_candidates_are_capped(world):
    office = world["units"]["office"]
    f.CadreFactory.create_batch(people.CANDIDATES_SHOWN + 5, unit=office, name="吴测试")
    page = _rows(world["users"]["staff"], "吴测试")
    assert page.count('data-testid="candidate"') == people.CANDIDATES_SHOWN
