"""Writes of the cadres app: profiles (with history and photos), units, programmes, cohorts,
enrolments. Every refusal names the field and leaves the database as it was."""

import datetime
import io
import os
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cadres import services
from cadres.choices import CadreStatus, EnrolmentStatus, Framework, Gender, UnitKind
from cadres.models import Cadre, Cohort, EligibilityRule, Enrolment, Programme, Unit
from cadres.selectors import cadre_history
from tests import factories as f

D = datetime.date
HistoricalCadre = Cadre.history.model
BIRTH = D(1992, 5, 17)


def refusal(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


def new_cadre_fields(unit: Unit, **overrides) -> dict:
    return {
        "name": "张伟",
        "id_number": f.id_number_for(BIRTH, male=True),
        "political_status": "party_member",
        "education": "bachelor",
        "category": "administrative",
        "unit": unit,
        **overrides,
    }


def image_upload(
    fmt: str = "JPEG", size=(60, 80), name: str = "photo.jpg", noise: bool = False, exif=None
) -> SimpleUploadedFile:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (30, 140, 60))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"exif": exif} if exif is not None else {}))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


# --- cadre_create ----------------------------------------------------------------------------


def test_cadre_create_derives_birth_date_gender_and_pinyin_and_records_the_actor(world):
    staff = world["users"]["staff"]

    cadre = services.cadre_create(actor=staff, **new_cadre_fields(world["units"]["office"]))

    cadre.refresh_from_db()
    assert cadre.birth_date == BIRTH
    assert cadre.gender == Gender.MALE
    assert (cadre.name_pinyin, cadre.name_initials) == ("zhangwei", "zw")
    assert cadre.status == CadreStatus.ACTIVE
    (created,) = cadre.history.all()
    assert created.history_type == "+"
    assert created.history_user == staff


def test_cadre_create_normalises_what_the_clerk_typed(world):
    fields = new_cadre_fields(
        world["units"]["office"],
        name=" 李 娜 ",
        id_number="11010519491231002x",
        phone="138 0013 8000",
    )

    cadre = services.cadre_create(actor=world["users"]["staff"], **fields)

    cadre.refresh_from_db()
    assert (cadre.name, cadre.id_number, cadre.phone) == (
        "李娜",
        "11010519491231002X",
        "13800138000",
    )
    assert (cadre.birth_date, cadre.gender) == (D(1949, 12, 31), Gender.FEMALE)


def test_cadre_create_refuses_a_birth_date_that_contradicts_the_id_number(world):
    before = (Cadre.objects.count(), HistoricalCadre.objects.count())
    fields = new_cadre_fields(world["units"]["office"], birth_date=D(1992, 5, 18))

    errors = refusal(services.cadre_create, actor=world["users"]["staff"], **fields)

    assert errors == {"birth_date": ["出生日期与身份证号不一致（身份证号为1992-05-17）。"]}
    assert (Cadre.objects.count(), HistoricalCadre.objects.count()) == before


def test_cadre_create_refuses_a_gender_that_contradicts_the_id_number(world):
    before = Cadre.objects.count()
    fields = new_cadre_fields(world["units"]["office"], gender=Gender.FEMALE)

    errors = refusal(services.cadre_create, actor=world["users"]["staff"], **fields)

    assert errors == {"gender": ["性别与身份证号不一致（身份证号为男）。"]}
    assert Cadre.objects.count() == before


def test_cadre_create_refuses_a_duplicate_id_number(world):
    existing = world["cadres"]["bystander"]
    before = Cadre.objects.count()
    fields = new_cadre_fields(
        world["units"]["office"], id_number=existing.id_number, gender=existing.gender
    )

    errors = refusal(services.cadre_create, actor=world["users"]["staff"], **fields)

    assert errors == {"id_number": ["该身份证号已存在于干部档案中。"]}
    assert Cadre.objects.count() == before


def test_cadre_create_reports_every_invalid_field_at_once(world):
    before = Cadre.objects.count()
    fields = new_cadre_fields(
        world["units"]["office"],
        name="",
        id_number="320482199205170011",  # wrong check digit
        phone="2380013800",
        political_status="masses",
        party_join_date=D(2015, 7, 1),
        work_start_date=timezone.localdate() + datetime.timedelta(days=1),
    )

    errors = refusal(services.cadre_create, actor=world["users"]["staff"], **fields)

    assert errors == {
        "name": ["姓名不能为空。"],
        "id_number": ["身份证号校验码不正确。"],
        "phone": ["手机号码应为以1开头的11位数字。"],
        "work_start_date": ["参加工作时间不能晚于今天。"],
        "party_join_date": ["只有中共党员或预备党员填写入党时间。"],
    }
    assert Cadre.objects.count() == before


def test_cadre_create_refuses_dates_before_birth(world):
    fields = new_cadre_fields(
        world["units"]["office"], party_join_date=BIRTH, work_start_date=D(1990, 1, 1)
    )
    before = Cadre.objects.count()

    errors = refusal(services.cadre_create, actor=world["users"]["staff"], **fields)

    assert errors == {
        "party_join_date": ["入党时间不能早于出生日期。"],
        "work_start_date": ["参加工作时间不能早于出生日期。"],
    }
    assert Cadre.objects.count() == before


def test_cadre_create_rejects_fields_that_are_derived(world):
    before = Cadre.objects.count()
    fields = new_cadre_fields(world["units"]["office"], name_pinyin="x")

    with pytest.raises(TypeError, match="unknown cadre fields: \\['name_pinyin'\\]"):
        services.cadre_create(actor=world["users"]["staff"], **fields)

    assert Cadre.objects.count() == before


# --- cadre_update and history ----------------------------------------------------------------


def test_cadre_update_records_who_changed_what_with_before_and_after(world):
    staff = world["users"]["staff"]
    cadre = world["cadres"]["bystander"]

    services.cadre_update(
        cadre=cadre, actor=staff, reason="职务调整", position="副科长", is_reserve=True
    )

    cadre.refresh_from_db()
    assert (cadre.position, cadre.is_reserve) == ("副科长", True)
    latest = cadre.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == staff
    assert latest.history_change_reason == "职务调整"
    delta = latest.diff_against(latest.prev_record)
    assert sorted((c.field, c.old, c.new) for c in delta.changes) == [
        ("is_reserve", False, True),
        ("position", "科员", "副科长"),
    ]
    newest = cadre_history(cadre=cadre)[0]
    assert newest["who"] == staff
    assert sorted(newest["fields"], key=lambda c: c["field"]) == sorted(
        [
            {"field": "职务", "old": "科员", "new": "副科长"},
            {"field": "后备干部", "old": "否", "new": "是"},
        ],
        key=lambda c: c["field"],
    )


def test_cadre_history_never_shows_a_full_id_number(world):
    cadre = world["cadres"]["bystander"]
    old_id, old_birth = cadre.id_number, cadre.birth_date
    new_birth = D(1995, 8, 8)
    new_id = f.id_number_for(new_birth, male=False)

    services.cadre_update(
        cadre=cadre, actor=world["users"]["staff"], id_number=new_id, birth_date=new_birth
    )

    fields = {c["field"]: (c["old"], c["new"]) for c in cadre_history(cadre=cadre)[0]["fields"]}
    assert fields == {
        "身份证号": (
            f"{old_id[:4]}**********{old_id[-4:]}",
            f"{new_id[:4]}**********{new_id[-4:]}",
        ),
        "出生日期": (old_birth.isoformat(), "1995-08-08"),
    }


def test_cadre_update_renames_and_refreshes_the_pinyin_keys(world):
    cadre = world["cadres"]["bystander"]

    services.cadre_update(cadre=cadre, actor=world["users"]["staff"], name="曾 小 贤")

    cadre.refresh_from_db()
    assert (cadre.name, cadre.name_pinyin, cadre.name_initials) == ("曾小贤", "zengxiaoxian", "zxx")


def test_cadre_update_without_a_real_change_writes_no_history(world):
    cadre = world["cadres"]["bystander"]
    before = cadre.history.count()

    services.cadre_update(
        cadre=cadre, actor=world["users"]["staff"], position=cadre.position, name=f" {cadre.name}"
    )

    assert cadre.history.count() == before


def test_cadre_update_refused_leaves_the_profile_and_history_untouched(world):
    cadre = world["cadres"]["bystander"]
    snapshot = Cadre.objects.values().get(pk=cadre.pk)
    history_before = cadre.history.count()

    errors = refusal(
        services.cadre_update,
        cadre=cadre,
        actor=world["users"]["staff"],
        position="副科长",
        phone="12345",
    )

    assert errors == {"phone": ["手机号码应为以1开头的11位数字。"]}
    assert Cadre.objects.values().get(pk=cadre.pk) == snapshot
    assert cadre.history.count() == history_before


def test_cadre_update_refuses_another_cadres_id_number(world):
    cadre = world["cadres"]["bystander"]
    other = world["cadres"]["outsider"]  # same gender
    snapshot = Cadre.objects.values().get(pk=cadre.pk)

    errors = refusal(
        services.cadre_update,
        cadre=cadre,
        actor=world["users"]["staff"],
        id_number=other.id_number,
        birth_date=other.birth_date,
    )

    assert errors == {"id_number": ["该身份证号已存在于干部档案中。"]}
    assert Cadre.objects.values().get(pk=cadre.pk) == snapshot


# --- photos ----------------------------------------------------------------------------------


def test_a_photo_is_stored_as_a_jpeg_under_a_random_name_and_scaled_down(world, media):
    upload = image_upload("PNG", size=(1200, 1600), name="证件照.png")

    cadre = services.cadre_create(
        actor=world["users"]["staff"], photo=upload, **new_cadre_fields(world["units"]["office"])
    )

    cadre.refresh_from_db()
    assert re.fullmatch(r"photos/[0-9a-f]{32}\.jpg", cadre.photo.name)
    assert stored_files(media) == [cadre.photo.name]
    with Image.open(media / cadre.photo.name) as stored:
        assert (stored.format, stored.size) == ("JPEG", (600, 800))
    assert cadre.history.first().history_user == world["users"]["staff"]


def test_a_stored_photo_has_its_metadata_stripped(world, media):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 45.0, 0.0)}  # GPS latitude
    upload = image_upload("JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif()[0x010F] == "PhoneMaker"
    upload.seek(0)

    cadre = services.cadre_create(
        actor=world["users"]["staff"], photo=upload, **new_cadre_fields(world["units"]["office"])
    )

    with Image.open(media / cadre.photo.name) as stored:
        assert dict(stored.getexif()) == {}


def test_a_photo_over_the_size_limit_is_refused_and_nothing_is_written(world, media, settings):
    settings.QINGMIAO_PHOTO_MAX_BYTES = 1024 * 1024
    upload = image_upload("PNG", size=(700, 700), name="big.png", noise=True)
    assert upload.size > 1024 * 1024
    before = Cadre.objects.count()

    errors = refusal(
        services.cadre_create,
        actor=world["users"]["staff"],
        photo=upload,
        **new_cadre_fields(world["units"]["office"]),
    )

    assert errors == {"photo": ["照片不能超过1.0 MB。"]}
    assert Cadre.objects.count() == before
    assert stored_files(media) == []


def test_a_photo_exactly_at_the_size_limit_is_accepted(world, media, settings):
    upload = image_upload("JPEG")
    settings.QINGMIAO_PHOTO_MAX_BYTES = upload.size

    cadre = services.cadre_create(
        actor=world["users"]["staff"], photo=upload, **new_cadre_fields(world["units"]["office"])
    )

    assert stored_files(media) == [cadre.photo.name]


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(
            SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg"),
            id="not-an-image-named-jpg",
        ),
        pytest.param(image_upload("GIF", name="photo.jpg"), id="gif-named-jpg"),
        pytest.param(image_upload("BMP", name="photo.png"), id="bmp-named-png"),
    ],
)
def test_a_file_that_is_not_a_jpeg_or_png_is_refused_by_content(world, media, upload):
    before = Cadre.objects.count()

    errors = refusal(
        services.cadre_create,
        actor=world["users"]["staff"],
        photo=upload,
        **new_cadre_fields(world["units"]["office"]),
    )

    assert errors == {"photo": ["照片必须是JPEG或PNG图片。"]}
    assert Cadre.objects.count() == before
    assert stored_files(media) == []


def test_a_new_photo_replaces_the_old_file_after_commit(
    world, media, django_capture_on_commit_callbacks
):
    staff = world["users"]["staff"]
    cadre = services.cadre_create(
        actor=staff, photo=image_upload(), **new_cadre_fields(world["units"]["office"])
    )
    old_name = cadre.photo.name

    with django_capture_on_commit_callbacks(execute=True):
        services.cadre_update(cadre=cadre, actor=staff, photo=image_upload("PNG", name="n.png"))

    cadre.refresh_from_db()
    assert cadre.photo.name != old_name
    assert stored_files(media) == [cadre.photo.name]
    assert cadre.history.first().history_user == staff


def test_an_invalid_new_photo_changes_nothing(world, media):
    staff = world["users"]["staff"]
    cadre = services.cadre_create(
        actor=staff, photo=image_upload(), **new_cadre_fields(world["units"]["office"])
    )
    snapshot = Cadre.objects.values().get(pk=cadre.pk)
    files = stored_files(media)

    errors = refusal(
        services.cadre_update,
        cadre=cadre,
        actor=staff,
        position="副科长",
        photo=SimpleUploadedFile("x.jpg", b"garbage", content_type="image/jpeg"),
    )

    assert errors == {"photo": ["照片必须是JPEG或PNG图片。"]}
    assert Cadre.objects.values().get(pk=cadre.pk) == snapshot
    assert stored_files(media) == files


# --- units -----------------------------------------------------------------------------------


def test_unit_create_builds_the_full_name_from_the_parent(db):
    town = services.unit_create(name="金城镇", kind=UnitKind.TOWN)
    office = services.unit_create(name=" 党政办 ", kind=UnitKind.OFFICE, parent=town)

    office.refresh_from_db()
    assert (office.name, office.full_name, office.depth) == ("党政办", "金城镇/党政办", 2)
    town.refresh_from_db()
    assert list(Unit.objects.get_children(town)) == [office]


def test_the_same_name_is_allowed_under_different_parents(db):
    a = f.make_unit("金城镇")
    b = f.make_unit("东湖镇")

    services.unit_create(name="党政办", kind=UnitKind.OFFICE, parent=a)
    services.unit_create(name="党政办", kind=UnitKind.OFFICE, parent=b)

    assert sorted(Unit.objects.filter(name="党政办").values_list("full_name", flat=True)) == [
        "东湖镇/党政办",
        "金城镇/党政办",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("  ", "单位名称不能为空。", id="blank"),
        pytest.param("党政办/综合科", "单位名称不能包含“/”。", id="slash"),
        pytest.param("党政办", "同一上级单位下已有名为“党政办”的单位。", id="sibling-name"),
    ],
)
def test_unit_create_refusals(db, name, message):
    f.make_unit("党政办", f.make_unit("金城镇"))
    town = Unit.objects.get(name="金城镇")
    before = Unit.objects.count()

    errors = refusal(services.unit_create, name=name, kind=UnitKind.OFFICE, parent=town)

    assert errors == {"name": [message]}
    assert Unit.objects.count() == before
    town.refresh_from_db()
    assert town.numchild == 1


def test_unit_create_refuses_a_sibling_name_when_the_caller_holds_the_parent_from_before(db):
    # The way demo data and imports call it: one parent instance, many children.
    town = services.unit_create(name="金城镇", kind=UnitKind.TOWN)
    services.unit_create(name="党政办", kind=UnitKind.OFFICE, parent=town)

    errors = refusal(services.unit_create, name="党政办", kind=UnitKind.OFFICE, parent=town)

    assert errors == {"name": ["同一上级单位下已有名为“党政办”的单位。"]}
    assert list(Unit.objects.values_list("full_name", flat=True)) == ["金城镇", "金城镇/党政办"]


def test_unit_rename_rewrites_the_full_names_of_the_whole_subtree(db):
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    section = f.make_unit("综合科", office)
    team = f.make_unit("信息组", section)
    sibling = f.make_unit("党建办", town)
    other_town = f.make_unit("东湖镇")
    other_office = f.make_unit("党政办", other_town)

    services.unit_rename(unit=office, name="综合办")

    names = dict(Unit.objects.values_list("pk", "full_name"))
    assert names == {
        town.pk: "金城镇",
        office.pk: "金城镇/综合办",
        section.pk: "金城镇/综合办/综合科",
        team.pk: "金城镇/综合办/综合科/信息组",
        sibling.pk: "金城镇/党建办",
        other_town.pk: "东湖镇",
        other_office.pk: "东湖镇/党政办",
    }
    office.refresh_from_db()
    assert office.name == "综合办"


def test_renaming_a_town_renames_everything_below_it(db):
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    other_town = f.make_unit("东湖镇")

    renamed = services.unit_rename(unit=town, name="金城街道")

    assert renamed.full_name == "金城街道"
    office.refresh_from_db()
    other_town.refresh_from_db()
    assert (office.full_name, other_town.full_name) == ("金城街道/党政办", "东湖镇")


def test_renaming_a_unit_held_from_before_its_parent_was_renamed(db):
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)  # the caller keeps this instance
    services.unit_rename(unit=Unit.objects.get(pk=town.pk), name="金城街道")

    services.unit_rename(unit=office, name="综合办")

    assert list(Unit.objects.values_list("full_name", flat=True)) == [
        "金城街道",
        "金城街道/综合办",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "单位名称不能为空。"),
        ("  ", "单位名称不能为空。"),
        ("综合/办", "单位名称不能包含“/”。"),
    ],
)
def test_unit_rename_refuses_empty_names_and_slashes(db, name, message):
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)
    before = list(Unit.objects.values_list("pk", "name", "full_name"))

    errors = refusal(services.unit_rename, unit=office, name=name)

    assert errors == {"name": [message]}
    assert list(Unit.objects.values_list("pk", "name", "full_name")) == before


def test_unit_rename_refuses_the_name_of_a_sibling(db):
    town = f.make_unit("金城镇")
    f.make_unit("党政办", town)
    office = f.make_unit("党建办", town)
    before = list(Unit.objects.values_list("pk", "name", "full_name"))

    errors = refusal(services.unit_rename, unit=office, name="党政办")

    assert errors == {"name": ["同一上级单位下已有名为“党政办”的单位。"]}
    assert list(Unit.objects.values_list("pk", "name", "full_name")) == before


def test_unit_get_or_create_path_reuses_existing_units(db):
    town = f.make_unit("金城镇")
    office = f.make_unit("党政办", town)

    unit = services.unit_get_or_create_path(path=" 金城镇 / 党政办 /综合科")

    assert unit.full_name == "金城镇/党政办/综合科"
    assert Unit.objects.get_parent(unit) == office
    assert Unit.objects.count() == 3


# --- programmes and cohorts ------------------------------------------------------------------


def test_programme_create_sets_the_default_age_rules_and_framework(db):
    town = f.make_unit("金城镇")

    programme = services.programme_create(
        name=" 磐石计划 ", owner_unit=town, start_date=D(2025, 1, 1)
    )

    programme.refresh_from_db()
    assert programme.name == "磐石计划"
    assert programme.framework == ["learn", "compete", "visit", "research"]
    assert programme.framework_labels == ["学为要", "赛为先", "访为径", "研为本"]
    assert dict(programme.eligibility.values_list("category", "max_age")) == {
        "administrative": 40,
        "institution": 40,
        "selected_graduate": 40,
        "village": 35,
    }


def test_programme_create_overrides_single_age_rules(db):
    town = f.make_unit("金城镇")

    programme = services.programme_create(
        name="磐石计划",
        owner_unit=town,
        start_date=D(2025, 1, 1),
        framework=[Framework.LEARN, Framework.RESEARCH],
        max_ages={"village": 38},
    )

    assert programme.framework == ["learn", "research"]
    assert dict(programme.eligibility.values_list("category", "max_age")) == {
        "administrative": 40,
        "institution": 40,
        "selected_graduate": 40,
        "village": 38,
    }


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"start_date": D(2025, 1, 1), "end_date": D(2024, 12, 31)},
            {"end_date": ["结束日期不能早于开始日期。"]},
        ),
        (
            {"start_date": D(2025, 1, 1), "framework": ["learn", "sing"]},
            {"framework": ["未知的培养框架：sing"]},
        ),
    ],
)
def test_programme_create_refusals_write_nothing(db, kwargs, errors):
    town = f.make_unit("金城镇")

    assert refusal(services.programme_create, name="磐石计划", owner_unit=town, **kwargs) == errors
    assert (Programme.objects.count(), EligibilityRule.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "max_ages",
    [
        pytest.param({"villag": 30}, id="unknown-category"),
        pytest.param({"village": 80}, id="age-out-of-range"),
    ],
)
def test_programme_create_refuses_invalid_age_rules_by_field(db, max_ages):
    town = f.make_unit("金城镇")

    with pytest.raises(ValidationError) as caught:
        services.programme_create(
            name="磐石计划", owner_unit=town, start_date=D(2025, 1, 1), max_ages=max_ages
        )

    assert list(caught.value.message_dict) == ["max_ages"]
    assert (Programme.objects.count(), EligibilityRule.objects.count()) == (0, 0)


def test_cohort_create_refuses_a_duplicate_name_in_the_same_programme(db):
    programme = f.ProgrammeFactory()
    services.cohort_create(programme=programme, name="第一期", start_date=D(2025, 1, 1))
    other = services.cohort_create(
        programme=f.ProgrammeFactory(), name="第一期", start_date=D(2025, 1, 1)
    )

    errors = refusal(
        services.cohort_create, programme=programme, name=" 第一期 ", start_date=D(2025, 3, 1)
    )

    assert errors == {"name": ["该培养计划下已有同名批次。"]}
    assert Cohort.objects.count() == 2
    assert other.name == "第一期"


def test_cohort_create_refuses_an_end_before_the_start(db):
    programme = f.ProgrammeFactory()

    errors = refusal(
        services.cohort_create,
        programme=programme,
        name="第一期",
        start_date=D(2025, 1, 1),
        end_date=D(2024, 1, 1),
    )

    assert errors == {"end_date": ["结束日期不能早于开始日期。"]}
    assert Cohort.objects.count() == 0


# --- enrolments ------------------------------------------------------------------------------


@pytest.fixture
def cohort(world):
    return f.CohortFactory(
        programme=world["programme"], start_date=D(2025, 1, 1), end_date=D(2025, 12, 31)
    )


def test_enrolment_create_records_age_actor_and_status(world, cohort):
    cadre = f.CadreFactory(unit=world["units"]["office"], birth_date=D(1990, 6, 30))
    staff = world["users"]["staff"]

    enrolment = services.enrolment_create(
        cohort=cohort, cadre=cadre, joined_on=D(2025, 6, 30), actor=staff
    )

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.age_at_enrolment == 35
    assert enrolment.enrolled_by == staff
    assert (enrolment.left_on, enrolment.exception_reason) == (None, "")


@pytest.mark.parametrize(
    ("joined_on", "message"),
    [
        (D(2024, 12, 31), "加入日期早于批次开始日期。"),
        (D(2026, 1, 1), "加入日期晚于批次结束日期。"),
    ],
)
def test_enrolment_create_refuses_dates_outside_the_cohort(world, cohort, joined_on, message):
    cadre = world["cadres"]["bystander"]

    errors = refusal(
        services.enrolment_create,
        cohort=cohort,
        cadre=cadre,
        joined_on=joined_on,
        actor=world["users"]["staff"],
    )

    assert errors == {"joined_on": [message]}
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_enrolment_create_refuses_a_cadre_who_has_left(world, cohort):
    cadre = f.CadreFactory(unit=world["units"]["office"], status=CadreStatus.TRANSFERRED)

    errors = refusal(
        services.enrolment_create,
        cohort=cohort,
        cadre=cadre,
        joined_on=D(2025, 3, 1),
        actor=world["users"]["staff"],
    )

    assert errors == {"cadre": ["只有在职干部可以入选培养。"]}
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_a_cadre_is_at_most_once_active_in_a_cohort_but_may_rejoin(world, cohort):
    staff = world["users"]["staff"]
    cadre = world["cadres"]["bystander"]
    first = services.enrolment_create(
        cohort=cohort, cadre=cadre, joined_on=D(2025, 1, 1), actor=staff
    )

    errors = refusal(
        services.enrolment_create, cohort=cohort, cadre=cadre, joined_on=D(2025, 2, 1), actor=staff
    )
    assert errors == {"cadre": ["王芳已在该批次中。"]}
    assert Enrolment.objects.filter(cohort=cohort).count() == 1

    services.enrolment_end(
        enrolment=first, status=EnrolmentStatus.LEFT, left_on=D(2025, 3, 1), actor=staff
    )
    again = services.enrolment_create(
        cohort=cohort, cadre=cadre, joined_on=D(2025, 9, 1), actor=staff
    )

    assert list(
        Enrolment.objects.filter(cohort=cohort).order_by("joined_on").values_list("pk", "status")
    ) == [(first.pk, "left"), (again.pk, "active")]


def test_enrolment_end_closes_the_membership_and_records_who(world):
    enrolment = world["enrolment"]
    staff = world["users"]["staff"]

    ended = services.enrolment_end(
        enrolment=enrolment,
        status=EnrolmentStatus.GRADUATED,
        left_on=D(2025, 12, 31),
        actor=staff,
        reason=" 期满结业 ",
    )

    ended.refresh_from_db()
    assert (ended.status, ended.left_on, ended.end_reason, ended.ended_by) == (
        "graduated",
        D(2025, 12, 31),
        "期满结业",
        staff,
    )


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"status": "withdrawn", "left_on": D(2025, 1, 1), "reason": "  "},
            {"reason": ["退出培养必须填写原因。"]},
        ),
        (
            {"status": "graduated", "left_on": D(2021, 12, 31)},
            {"left_on": ["离开日期不能早于加入日期。"]},
        ),
        (
            {"status": "active", "left_on": D(2025, 1, 1)},
            {"status": ["请选择结业、离开或退出。"]},
        ),
    ],
)
def test_enrolment_end_refusals_leave_the_membership_active(world, kwargs, errors):
    enrolment = world["enrolment"]
    snapshot = Enrolment.objects.values().get(pk=enrolment.pk)

    assert (
        refusal(
            services.enrolment_end, enrolment=enrolment, actor=world["users"]["staff"], **kwargs
        )
        == errors
    )
    assert Enrolment.objects.values().get(pk=enrolment.pk) == snapshot


def test_an_ended_membership_cannot_be_ended_again(world):
    staff = world["users"]["staff"]
    enrolment = services.enrolment_end(
        enrolment=world["enrolment"], status="left", left_on=D(2024, 1, 1), actor=staff
    )
    snapshot = Enrolment.objects.values().get(pk=enrolment.pk)

    errors = refusal(
        services.enrolment_end,
        enrolment=enrolment,
        status="graduated",
        left_on=D(2025, 1, 1),
        actor=staff,
    )

    assert errors == {"status": ["该成员已不在培，不能重复结束。"]}
    assert Enrolment.objects.values().get(pk=enrolment.pk) == snapshot


@pytest.mark.parametrize("side", [7000, 14000])
def test_a_photo_with_too_many_pixels_is_refused_without_decoding_it(world, media, side):
    """A few KB of 1-bit PNG can describe a 196-megapixel image (a decompression bomb)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    assert upload.size < 100_000
    cadre = world["cadres"]["bystander"]

    errors = refusal(services.cadre_update, cadre=cadre, actor=None, photo=upload)

    assert errors == {"photo": ["照片像素过大，请缩小后再上传。"]}
    assert stored_files(media) == []
    cadre.refresh_from_db()
    assert not cadre.photo


def test_a_login_account_links_to_one_cadre_only(world):
    taken_by = world["cadres"]["self"]
    other = world["cadres"]["bystander"]

    errors = refusal(services.cadre_update, cadre=other, actor=None, user=taken_by.user)

    assert errors == {"user": ["该登录账号已关联其他干部档案。"]}
    other.refresh_from_db()
    assert other.user is None


def test_an_enrolment_cannot_end_in_the_future(world):
    enrolment = world["enrolment"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    errors = refusal(
        services.enrolment_end, enrolment=enrolment, status="left", left_on=tomorrow, actor=None
    )

    assert errors == {"left_on": ["离开日期不能晚于今天。"]}
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.left_on) == ("active", None)
