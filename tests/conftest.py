import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    """A small county: 金城镇 (offices + villages) and a neighbouring town, one user per role.

    Staff and leader belong to 金城镇 and must never see 东湖镇; the mentor mentors one
    cadre; the cadre account is linked to its own profile.
    """
    from tests import factories as f

    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    village = f.make_unit("东浦村", town, kind="village")
    other_town = f.make_unit("东湖镇")
    cadre_self = f.CadreFactory(name="张伟", unit=office)
    mentee = f.CadreFactory(name="李娜", unit=village, category="village", male=False)
    bystander = f.CadreFactory(name="王芳", unit=office, male=False)
    outsider = f.CadreFactory(name="赵敏", unit=other_town, male=False)
    users = {
        "admin": f.UserFactory(username="admin", roles=["admin"]),
        "staff": f.UserFactory(username="staff", roles=["staff"], unit=town),
        "leader": f.UserFactory(username="leader", roles=["leader"], unit=town),
        "mentor": f.UserFactory(username="mentor", roles=["mentor"]),
        "evaluator": f.UserFactory(username="evaluator", roles=["evaluator"]),
        "cadre": f.UserFactory(username="cadre", roles=["cadre"]),
    }
    cadre_self.user = users["cadre"]
    cadre_self.save(update_fields=["user"])
    f.PairingFactory(mentor=f.MentorFactory(user=users["mentor"], unit=town), cadre=mentee)
    programme = f.ProgrammeFactory(owner_unit=town)
    cohort = f.CohortFactory(programme=programme)
    enrolment = f.EnrolmentFactory(cohort=cohort, cadre=mentee)
    other_programme = f.ProgrammeFactory(owner_unit=other_town)
    other_cohort = f.CohortFactory(programme=other_programme)
    f.EnrolmentFactory(cohort=other_cohort, cadre=outsider)
    return {
        "units": {"town": town, "office": office, "village": village, "other_town": other_town},
        "cadres": {
            "self": cadre_self,
            "mentee": mentee,
            "bystander": bystander,
            "outsider": outsider,
        },
        "users": users,
        "programme": programme,
        "cohort": cohort,
        "enrolment": enrolment,
        "other_programme": other_programme,
        "other_cohort": other_cohort,
    }


@pytest.fixture
def client_for(client):
    """Log the test client in as one of the world's users."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's default language (a request may have switched it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Import progress and throttles live in the cache: each test starts with it empty."""
    from django.core.cache import cache

    cache.clear()
