"""Self-declared items (个人申报) on the pages: a cadre declares with evidence, staff review
the queue and approve or reject, evidence is downloaded only within scope."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring import services
from scoring.models import Declaration, PointEntry, PointRule
from tests import factories as f

D = Decimal
DAY = datetime.date(2024, 9, 2)
ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
PDF = b"%PDF-1.4\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
_serial = itertools.count(1)


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_rule(**overrides) -> PointRule:
    fields = {
        "code": f"ZZ-{next(_serial):02d}",
        "name": "政务信息被市级采用",
        "category": "research",
        "event_kind": "writing.adopted.city",
        "points": D("3"),
        "cap_period": "year",
        "cap_points": D("5"),
        "needs_evidence": True,
        "needs_approval": True,
        "valid_from": datetime.date(2020, 1, 1),
        **overrides,
    }
    return PointRule.objects.create(**fields)


def upload(content: bytes = PDF, name: str = "采用通知.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def declare(cadre, rule, description="信息被市委办采用", evidence=True) -> Declaration:
    return services.declaration_submit(
        cadre=cadre,
        rule=rule,
        occurred_on=DAY,
        description=description,
        evidence=upload() if evidence else None,
        actor=None,
    )


@pytest.fixture
def declared(world, media):
    """A writing rule and a pending declaration with evidence from three of the cadres."""
    rule = make_rule()
    c = world["cadres"]
    return {
        **world,
        "rule": rule,
        "declarations": {key: declare(c[key], rule) for key in ("self", "bystander", "outsider")},
    }


# --- access: every role on every page --------------------------------------------------------

PAGES = [
    ("declarations", "/points/declarations/", _expect(_=403, admin=200, staff=200, cadre=200)),
    (
        "declarations by status",
        "/points/declarations/?status=pending&page=3",
        _expect(_=403, admin=200, staff=200, cadre=200),
    ),
    ("new declaration", "/points/declarations/new/", _expect(_=403, admin=200, cadre=200)),
    ("review own", "/points/declarations/{self}/", _expect(_=403, admin=200, staff=200)),
    ("review outsider's", "/points/declarations/{outsider}/", _expect(_=403, admin=200, staff=404)),
    ("review missing", "/points/declarations/999999/", _expect(_=403, admin=404, staff=404)),
    (
        "own evidence",
        "/points/declarations/{self}/evidence/",
        _expect(_=403, admin=200, staff=200, cadre=200),
    ),
    (
        "bystander's evidence",
        "/points/declarations/{bystander}/evidence/",
        _expect(_=403, admin=200, staff=200, cadre=404),
    ),
    (
        "outsider's evidence",
        "/points/declarations/{outsider}/evidence/",
        _expect(_=403, admin=200, staff=404, cadre=404),
    ),
]


def _ids(w) -> dict:
    return {key: d.pk for key, d in w["declarations"].items()}


@pytest.mark.parametrize("role", ROLES)
def test_every_declaration_page_for_every_role(declared, client, role):
    client.force_login(declared["users"][role])
    ids = _ids(declared)
    failures = []
    for name, template, expected in PAGES:
        url = template.format(**ids)
        status = client.get(url).status_code
        want = expected[ROLES.index(role)]
        if status != want:
            failures.append(f"{name} {url}: got {status}, expected {want}")
    assert failures == []


def test_anonymous_is_sent_to_login(declared, client):
    ids = _ids(declared)
    for name, template, _expected in PAGES:
        response = client.get(template.format(**ids))
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("role", ROLES)
def test_only_cadres_declare_and_only_staff_decide(declared, client, role, media):
    client.force_login(declared["users"][role])
    rule = declared["rule"]
    before = Declaration.objects.count()
    submitted = client.post(
        "/points/declarations/new/",
        {
            "rule": rule.pk,
            "occurred_on": "2024-09-05",
            "description": "调研报告获批示",
            "evidence": upload(),
        },
    )
    target = declared["declarations"]["bystander"]
    decided = client.post(f"/points/declarations/{target.pk}/", {"decision": "approve"})
    assert submitted.status_code == {"cadre": 302, "admin": 200}.get(role, 403)
    assert Declaration.objects.count() == before + (role == "cadre")
    assert decided.status_code == (302 if role in ("admin", "staff") else 403)
    target.refresh_from_db()
    assert target.status == ("approved" if role in ("admin", "staff") else "pending")


# --- a cadre declares -------------------------------------------------------------------------


def test_a_cadre_declares_with_evidence_and_sees_it_in_their_list(world, client, media):
    rule = make_rule()
    make_rule(code="XK-01", needs_approval=False, name="参加菁学课堂")
    make_rule(code="OLD-01", valid_to=datetime.date(2021, 12, 31), name="旧规则")
    client.force_login(world["users"]["cadre"])
    form = client.get("/points/declarations/new/")
    offered = list(form.context["form"].fields["rule"].queryset)
    assert offered == [rule]  # only rules needing approval, valid today
    assert "需佐证" in form.content.decode()
    response = client.post(
        "/points/declarations/new/",
        {
            "rule": rule.pk,
            "occurred_on": "2024-09-05",
            "description": "《乡村振兴调研》被市委办采用",
            "evidence": upload(PNG, "截图.PNG"),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/points/declarations/"
    html = response.content.decode()
    assert "申报已提交，请等待审核。" in html
    assert "《乡村振兴调研》被市委办采用" in html and "待审核" in html
    declaration = Declaration.objects.get()
    assert (declaration.cadre, declaration.rule, declaration.occurred_on) == (
        world["cadres"]["self"],
        rule,
        datetime.date(2024, 9, 5),
    )
    assert declaration.evidence.name.startswith("evidence/")
    assert "截图" not in declaration.evidence.name


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"evidence": None}, "evidence", "该规则需要上传佐证材料。"),
        ({"evidence": b"MZ\x90\x00 not a pdf"}, "evidence", "文件须为PDF、JPEG、PNG格式。"),
        ({"evidence": PDF + b"0" * (10 * 1024 * 1024)}, "evidence", "文件不能超过10 MB。"),
        ({"description": "  "}, "description", "请填写申报事项。"),
        ({"rule": ""}, "rule", "该字段是必填项。"),
        ({"occurred_on": "2019-05-01"}, "rule", "该规则在发生日期不适用。"),
    ],
)
def test_declaration_form_shows_why_it_refuses(world, client, media, changes, field, message):
    rule = make_rule()
    client.force_login(world["users"]["cadre"])
    data = {"rule": rule.pk, "occurred_on": "2024-09-05", "description": "信息采用"}
    evidence = changes.pop("evidence", PDF)
    data.update(changes)
    if evidence is not None:
        data["evidence"] = upload(evidence)
    response = client.post("/points/declarations/new/", data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not Declaration.objects.exists()
    assert list(media.rglob("*.*")) == []


def test_an_account_without_a_profile_is_told_so(world, client):
    client.force_login(world["users"]["admin"])
    response = client.get("/points/declarations/new/")
    assert "您的账号没有关联干部档案" in response.content.decode()
    assert response.context["cadre"] is None
    rule = make_rule()
    client.post(
        "/points/declarations/new/",
        {"rule": rule.pk, "occurred_on": "2024-09-05", "description": "x", "evidence": upload()},
    )
    assert not Declaration.objects.exists()


def test_a_cadre_sees_only_their_own_declarations(declared, client):
    client.force_login(declared["users"]["cadre"])
    response = client.get("/points/declarations/")
    rows = list(response.context["page"].object_list)
    assert rows == [declared["declarations"]["self"]]
    html = response.content.decode()
    assert "/points/declarations/new/" in html
    assert f"/points/declarations/{rows[0].pk}/evidence/" in html
    assert f'href="/points/declarations/{rows[0].pk}/"' not in html  # no review link


# --- staff review -----------------------------------------------------------------------------


def test_queue_lists_pending_first_and_filters_by_status(declared, client):
    w = declared
    staff = w["users"]["staff"]
    decided = w["declarations"]["self"]
    services.declaration_decide(declaration=decided, approve=False, actor=staff, reason="不符")
    newer = declare(w["cadres"]["mentee"], w["rule"], description="后提交")
    client.force_login(staff)
    response = client.get("/points/declarations/")
    rows = list(response.context["page"].object_list)
    assert rows == [newer, w["declarations"]["bystander"], decided]
    assert response.context["pending_count"] == 2
    html = response.content.decode()
    assert "2 件待审核" in html and "赵敏" not in html
    assert "不符" in html
    rejected = client.get("/points/declarations/?status=rejected")
    assert list(rejected.context["page"].object_list) == [decided]
    pending = client.get("/points/declarations/?status=pending")
    assert list(pending.context["page"].object_list) == [newer, w["declarations"]["bystander"]]


def test_staff_approve_a_declaration_within_the_cap(declared, client):
    w = declared
    staff = w["users"]["staff"]
    first = w["declarations"]["bystander"]
    second = declare(w["cadres"]["bystander"], w["rule"], description="第二篇")
    client.force_login(staff)
    page = client.get(f"/points/declarations/{first.pk}/").content.decode()
    assert "信息被市委办采用" in page and f"/points/declarations/{first.pk}/evidence/" in page
    assert "每年 最多5分" in page
    done = client.post(f"/points/declarations/{first.pk}/", {"decision": "approve"}, follow=True)
    assert "已通过王芳的申报，记3.00分。" in done.content.decode()
    client.post(f"/points/declarations/{second.pk}/", {"decision": "approve", "reason": "属实"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by, first.entry.points) == ("approved", staff, D("3"))
    assert (second.status, second.decision_reason, second.entry.points) == (
        "approved",
        "属实",
        D("2"),
    )
    assert second.entry.kind == "declaration"
    assert "已达每年上限" in second.entry.reason
    ledger = client.get(f"/points/ledger/?cadre={first.cadre_id}&kind=declaration")
    assert {e.pk for e in ledger.context["page"].object_list} == {
        first.entry_id,
        second.entry_id,
    }


def test_rejection_needs_a_reason_and_a_decision_is_made_once(declared, client):
    w = declared
    target = w["declarations"]["bystander"]
    client.force_login(w["users"]["staff"])
    no_reason = client.post(f"/points/declarations/{target.pk}/", {"decision": "reject"})
    assert no_reason.status_code == 200
    assert "退回申报必须填写理由。" in no_reason.context["form"].errors["reason"]
    assert "退回申报必须填写理由。" in no_reason.content.decode()
    target.refresh_from_db()
    assert target.status == "pending"
    done = client.post(
        f"/points/declarations/{target.pk}/",
        {"decision": "reject", "reason": "佐证不清晰"},
        follow=True,
    )
    assert "已退回王芳的申报。" in done.content.decode()
    target.refresh_from_db()
    assert (target.status, target.decision_reason, target.entry) == ("rejected", "佐证不清晰", None)
    again = client.post(f"/points/declarations/{target.pk}/", {"decision": "approve"})
    assert again.status_code == 200
    assert "该申报已审核。" in again.content.decode()
    target.refresh_from_db()
    assert target.status == "rejected"
    assert not PointEntry.objects.filter(kind="declaration").exists()
    bad = client.post(f"/points/declarations/{target.pk}/", {"decision": "maybe"})
    assert bad.status_code == 200 and "decision" in bad.context["form"].errors


def test_staff_who_mentor_a_cadre_elsewhere_do_not_review_them(declared, client):
    w = declared
    other_staff = f.UserFactory(roles=["staff", "mentor"], unit=w["units"]["other_town"])
    f.PairingFactory(
        mentor=f.MentorFactory(user=other_staff, unit=w["units"]["other_town"]),
        cadre=w["cadres"]["bystander"],
    )
    client.force_login(other_staff)
    target = w["declarations"]["bystander"]
    assert client.get(f"/points/declarations/{target.pk}/").status_code == 404
    assert client.get(f"/points/declarations/{target.pk}/evidence/").status_code == 404
    queue = client.get("/points/declarations/")
    assert list(queue.context["page"].object_list) == [w["declarations"]["outsider"]]


# --- evidence download ----------------------------------------------------------------------


def test_evidence_is_an_attachment_named_and_typed_by_us(world, client, media):
    rule = make_rule()
    declaration = services.declaration_submit(
        cadre=world["cadres"]["self"],
        rule=rule,
        occurred_on=DAY,
        description="截图",
        evidence=upload(PNG, '../"evil".html'),
        actor=None,
    )
    for role in ("cadre", "staff", "admin"):
        client.force_login(world["users"][role])
        response = client.get(f"/points/declarations/{declaration.pk}/evidence/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"] == (
            f'attachment; filename="declaration-{declaration.pk}-evidence.png"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PNG


def test_no_evidence_or_a_lost_file_is_not_found(world, client, media):
    rule = make_rule(needs_evidence=False)
    without = declare(world["cadres"]["self"], rule, evidence=False)
    lost = declare(world["cadres"]["self"], rule)
    lost.evidence.storage.delete(lost.evidence.name)
    client.force_login(world["users"]["cadre"])
    assert client.get(f"/points/declarations/{without.pk}/evidence/").status_code == 404
    assert client.get(f"/points/declarations/{lost.pk}/evidence/").status_code == 404


# --- query counts ----------------------------------------------------------------------------

N = 5


def _grow(world, rule, n: int) -> None:
    """Declarations of new cadres in new units; every second one decided by the staff user."""
    staff = world["users"]["staff"]
    for i in range(n):
        unit = f.make_unit(f"科室{next(_serial)}", world["units"]["town"])
        declaration = declare(f.CadreFactory(unit=unit), rule, evidence=False)
        if i % 2:
            services.declaration_decide(declaration=declaration, approve=True, actor=staff)


@pytest.mark.parametrize(
    ("url", "batch"),
    [("/points/declarations/", 1), ("/points/declarations/?status=approved", 2)],
)
def test_declaration_queue_queries_do_not_grow(
    world, client, media, url, batch, django_assert_max_num_queries, django_assert_num_queries
):
    """`batch` declarations are added per row the page is expected to gain."""
    rule = make_rule(needs_evidence=False, cap_period="", cap_points=None)
    client.force_login(world["users"]["staff"])
    _grow(world, rule, batch * N)
    client.get(url)
    with django_assert_max_num_queries(9) as small:
        response = client.get(url)
    shown = len(response.context["page"].object_list)
    _grow(world, rule, batch * 4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == shown + 4 * N
