"""factory_boy factories for the whole product (one place, shared by every test module)."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from cadres import choices
from cadres.idcard import id_with_check_digit
from cadres.models import Cadre, Cohort, Enrolment, Programme, Unit
from cadres.pinyin import pinyin_keys
from cadres.services import DEFAULT_MAX_AGES, unit_create
from core.models import User
from core.roles import GROUP_NAMES
from mentoring.models import Mentor, Pairing

_serial = itertools.count(1)
TODAY = timezone.localdate()


def id_number_for(birth: datetime.date, *, male: bool = True, serial: int | None = None) -> str:
    """A valid 18-digit ID number (checksum included) for a birth date and gender."""
    n = next(_serial) if serial is None else serial
    gender_digit = (n % 5) * 2 + (1 if male else 0)
    return id_with_check_digit(f"320482{birth:%Y%m%d}{n // 5 % 100:02d}{gender_digit}")


def birth_for_age(age: int, on: datetime.date = TODAY) -> datetime.date:
    """A birth date such that the person is `age` full years old on `on` (birthday passed)."""
    try:
        day = on.replace(year=on.year - age)
    except ValueError:
        day = on.replace(year=on.year - age, day=28)
    return day - datetime.timedelta(days=1)


def make_unit(name: str, parent: Unit | None = None, kind: str = choices.UnitKind.OFFICE) -> Unit:
    return unit_create(name=name, kind=kind if parent else choices.UnitKind.TOWN, parent=parent)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    class Params:
        age = 30
        male = True

    name = factory.Sequence(lambda n: ["张伟", "李娜", "王芳", "刘强", "陈静", "杨洋"][n % 6])
    gender = factory.LazyAttribute(
        lambda o: choices.Gender.MALE if o.male else choices.Gender.FEMALE
    )
    birth_date = factory.LazyAttribute(lambda o: birth_for_age(o.age))
    id_number = factory.LazyAttribute(lambda o: id_number_for(o.birth_date, male=o.male))
    political_status = choices.PoliticalStatus.PARTY_MEMBER
    education = choices.Education.BACHELOR
    category = choices.CadreCategory.ADMINISTRATIVE
    unit = factory.LazyFunction(
        lambda: Unit.objects.get_root_nodes().first() or make_unit("测试镇")
    )
    position = "科员"
    name_pinyin = factory.LazyAttribute(lambda o: pinyin_keys(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: pinyin_keys(o.name)[1])


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"磐石计划{n}")
    owner_unit = factory.LazyFunction(
        lambda: Unit.objects.get_root_nodes().first() or make_unit("测试镇")
    )
    start_date = datetime.date(2021, 12, 1)
    framework = factory.LazyFunction(lambda: list(choices.Framework.values))

    @factory.post_generation
    def rules(self, create, extracted, **kwargs):
        if create:
            ages = {**DEFAULT_MAX_AGES, **(extracted or {})}
            for category, max_age in ages.items():
                self.eligibility.create(category=category, max_age=max_age)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"第{n}期")
    start_date = datetime.date(2022, 1, 1)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    cadre = factory.SubFactory(CadreFactory)
    joined_on = factory.LazyAttribute(lambda o: o.cohort.start_date)
    age_at_enrolment = factory.LazyAttribute(lambda o: o.cadre.age(o.joined_on))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-qingmiao-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[GROUP_NAMES[r] for r in extracted]))
        self.save()


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    name = factory.Sequence(lambda n: f"导师{n}")
    mentor_type = "middle_level"
    unit = factory.LazyFunction(
        lambda: Unit.objects.get_root_nodes().first() or make_unit("测试镇")
    )


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    mentor = factory.SubFactory(MentorFactory)
    cadre = factory.SubFactory(CadreFactory)
    start_date = datetime.date(2022, 1, 1)
