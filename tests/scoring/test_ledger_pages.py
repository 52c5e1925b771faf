"""Staff-side ledger pages: point rules, the ledger and its export, manual awards and
deductions, reversals. Every role on every page; constant query counts on the lists."""

import datetime
import itertools
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from scoring import services
from scoring.models import PointEntry, PointRule
from tests import factories as f

D = Decimal
DAY = datetime.date(2024, 9, 2)
ROLES = ["admin", "staff", "leader", "mentor", "evaluator", "cadre"]
_serial = itertools.count(1)


def _expect(**by_role):
    default = by_role.pop("_", None)
    return [by_role.get(role, default) for role in ROLES]


def make_rule(**overrides) -> PointRule:
    fields = {
        "code": f"XK-{next(_serial):03d}",
        "name": "参加菁学课堂",
        "category": "learn",
        "event_kind": "training.attendance.present",
        "points": D("2"),
        "valid_from": datetime.date(2020, 1, 1),
        **overrides,
    }
    return PointRule.objects.create(**fields)


def award(cadre, points="3", actor=None, reason="表现突出", day=DAY, rule=None) -> PointEntry:
    return services.points_award(
        cadre=cadre, points=D(points), reason=reason, actor=actor, occurred_on=day, rule=rule
    )


@pytest.fixture
def ledger_world(world):
    """A rule and one manual entry for each of the world's cadres, by the staff user."""
    staff = world["users"]["staff"]
    rule = make_rule(code="XK-01")
    entries = {
        key: award(cadre, actor=staff if key != "outsider" else None)
        for key, cadre in world["cadres"].items()
    }
    return {**world, "rule": rule, "entries": entries}


# --- access: every role on every page --------------------------------------------------------

PAGES = [
    ("rules", "/points/rules/", _expect(_=200, evaluator=403)),
    (
        "rules of a category",
        "/points/rules/?category=learn&current=1",
        _expect(_=200, evaluator=403),
    ),
    ("new rule", "/points/rules/new/", _expect(_=403, admin=200, staff=200)),
    ("edit rule", "/points/rules/{rule}/edit/", _expect(_=403, admin=200, staff=200)),
    ("edit missing rule", "/points/rules/999999/edit/", _expect(_=403, admin=404, staff=404)),
    ("ledger", "/points/ledger/", _expect(_=200, evaluator=403)),
    (
        "ledger filtered",
        "/points/ledger/?q=zw&kind=manual&start=2024-01-01&end=2024-12-31&page=2",
        _expect(_=200, evaluator=403),
    ),
    ("ledger export", "/points/ledger/export.xlsx", _expect(_=200, evaluator=403)),
    ("award", "/points/award/", _expect(_=403, admin=200, staff=200)),
    ("award search", "/points/award/?q=w", _expect(_=403, admin=200, staff=200)),
    (
        "award to bystander",
        "/points/award/?cadre={bystander}",
        _expect(_=403, admin=200, staff=200),
    ),
    ("award to outsider", "/points/award/?cadre={outsider}", _expect(_=403, admin=200, staff=404)),
    ("award to bad id", "/points/award/?cadre=x1", _expect(_=403, admin=404, staff=404)),
    ("award candidates", "/points/award/candidates/?q=w", _expect(_=403, admin=200, staff=200)),
    (
        "reverse bystander's entry",
        "/points/entries/{bystander_entry}/reverse/",
        _expect(_=403, admin=200, staff=200),
    ),
    (
        "reverse outsider's entry",
        "/points/entries/{outsider_entry}/reverse/",
        _expect(_=403, admin=200, staff=404),
    ),
]


def _ids(w) -> dict:
    return {
        **{key: cadre.pk for key, cadre in w["cadres"].items()},
        **{f"{key}_entry": entry.pk for key, entry in w["entries"].items()},
        "rule": w["rule"].pk,
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_ledger_page_for_every_role(ledger_world, client, role):
    client.force_login(ledger_world["users"][role])
    ids = _ids(ledger_world)
    failures = []
    for name, template, expected in PAGES:
        url = template.format(**ids)
        status = client.get(url).status_code
        want = expected[ROLES.index(role)]
        if status != want:
            failures.append(f"{name} {url}: got {status}, expected {want}")
    assert failures == []


def test_anonymous_is_sent_to_login(ledger_world, client):
    ids = _ids(ledger_world)
    for name, template, _expected in PAGES:
        response = client.get(template.format(**ids))
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_and_staff_write(ledger_world, client, role):
    client.force_login(ledger_world["users"][role])
    w = ledger_world
    before = PointEntry.objects.count()
    rule = client.post(
        "/points/rules/new/",
        {
            "code": "NEW-1",
            "name": "新规则",
            "category": "compete",
            "event_kind": "forum.speaker",
            "points": "1",
            "valid_from": "2024-01-01",
        },
    )
    awarded = client.post(
        "/points/award/",
        {
            "cadre": w["cadres"]["bystander"].pk,
            "points": "2",
            "occurred_on": "2024-09-03",
            "reason": "协助组织活动",
        },
    )
    reversed_ = client.post(
        f"/points/entries/{w['entries']['bystander'].pk}/reverse/", {"reason": "重复记分"}
    )
    may_write = role in ("admin", "staff")
    for response in (rule, awarded, reversed_):
        assert response.status_code == (302 if may_write else 403)
    assert PointRule.objects.filter(code="NEW-1").exists() == may_write
    assert PointEntry.objects.count() == before + (2 if may_write else 0)


@pytest.mark.parametrize("role", ["admin", "staff", "leader", "mentor", "cadre"])
def test_ledger_shows_exactly_the_scope(ledger_world, client, role):
    """Staff and leaders their town, the mentor the mentee, the cadre nothing before the
    period is published."""
    client.force_login(ledger_world["users"][role])
    response = client.get("/points/ledger/")
    shown = {e.cadre.name for e in response.context["page"].object_list}
    expected = {
        "admin": {"张伟", "李娜", "王芳", "赵敏"},
        "staff": {"张伟", "李娜", "王芳"},
        "leader": {"张伟", "李娜", "王芳"},
        "mentor": {"李娜"},
        "cadre": set(),
    }[role]
    assert shown == expected
    content = response.content.decode()
    assert ("赵敏" in content) == (role == "admin")


def test_a_cadre_sees_their_own_entries_once_published_and_never_others(ledger_world, client):
    w = ledger_world
    staff = w["users"]["staff"]
    period = services.period_create(
        actor=staff,
        name="2024年第三季度",
        unit=w["units"]["town"],
        start=datetime.date(2024, 7, 1),
        end=datetime.date(2024, 9, 30),
    )
    services.period_publish(period=period, actor=staff, today=datetime.date(2024, 10, 8))
    client.force_login(w["users"]["cadre"])
    for url in ("/points/ledger/", f"/points/ledger/?cadre={w['cadres']['bystander'].pk}"):
        rows = client.get(url).context["page"].object_list
        assert {e.cadre.name for e in rows} <= {"张伟"}
    rows = client.get("/points/ledger/").context["page"].object_list
    assert [e.pk for e in rows] == [w["entries"]["self"].pk]
    book = openpyxl.load_workbook(BytesIO(client.get("/points/ledger/export.xlsx").content))
    names = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["张伟"]


# --- rules --------------------------------------------------------------------------------------


RULE_FORM = {
    "code": "SA-01",
    "name": "论坛主讲",
    "category": "compete",
    "event_kind": "forum.speaker",
    "points": "5",
    "cap_period": "quarter",
    "cap_points": "10",
    "valid_from": "2024-01-01",
    "valid_to": "",
}


def test_staff_create_a_rule_and_see_it_under_its_category(world, client):
    client.force_login(world["users"]["staff"])
    response = client.post("/points/rules/new/", {**RULE_FORM, "needs_evidence": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/points/rules/?category=compete"
    rule = PointRule.objects.get(code="SA-01")
    assert (rule.points, rule.cap_period, rule.cap_points, rule.needs_evidence) == (
        D("5"),
        "quarter",
        D("10"),
        True,
    )
    make_rule(code="XK-09", name="菁学课堂")
    page = client.get("/points/rules/?category=compete")
    assert [r.code for r in page.context["rules"]] == ["SA-01"]
    everything = client.get("/points/rules/").content.decode()
    assert everything.index("XK-09") < everything.index("SA-01")  # 学 before 赛
    assert "每季度 最多10分" in everything


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cap_points": ""}, "cap_points", "设置了上限周期时，须填写大于0的周期上限。"),
        ({"cap_points": "0"}, "cap_points", "设置了上限周期时，须填写大于0的周期上限。"),
        ({"cap_period": ""}, "cap_period", "填写了周期上限时，须选择上限周期。"),
        ({"valid_to": "2023-12-31"}, "valid_to", "失效日期不能早于生效日期。"),
        ({"code": "XK-01"}, "code", "编号“XK-01”已被其他规则使用。"),
        ({"event_kind": "Forum Speaker"}, "event_kind", "记分事件须为小写英文的点分名称"),
        ({"points": "0"}, "points", "分值不能为0。"),
    ],
)
def test_rule_form_shows_why_it_refuses(world, client, changes, field, message):
    make_rule(code="XK-01")
    client.force_login(world["users"]["staff"])
    response = client.post("/points/rules/new/", {**RULE_FORM, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in text for text in errors[field]), errors
    assert message in response.content.decode()
    assert not PointRule.objects.filter(name="论坛主讲").exists()


def test_editing_a_rule_never_rewrites_awarded_points(ledger_world, client):
    w = ledger_world
    rule = w["rule"]
    entry = services.event_record(
        kind=rule.event_kind, cadre=w["cadres"]["bystander"], occurred_on=DAY, source="t:1"
    )[0]
    client.force_login(w["users"]["staff"])
    form = client.get(f"/points/rules/{rule.pk}/edit/")
    assert "已记入的积分保持不变" in form.content.decode()
    response = client.post(
        f"/points/rules/{rule.pk}/edit/",
        {
            "code": rule.code,
            "name": "参加菁学课堂（新）",
            "category": "learn",
            "event_kind": rule.event_kind,
            "points": "4",
            "cap_period": "",
            "cap_points": "",
            "valid_from": "2020-01-01",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.points, rule.name) == (D("4"), "参加菁学课堂（新）")
    assert PointEntry.objects.get(pk=entry.pk).points == D("2")
    bad = client.post(
        f"/points/rules/{rule.pk}/edit/",
        {**RULE_FORM, "code": rule.code, "cap_points": "", "valid_to": "2019-01-01"},
    )
    assert set(bad.context["form"].errors) == {"cap_points", "valid_to"}
    rule.refresh_from_db()
    assert rule.name == "参加菁学课堂（新）"


def test_read_only_roles_get_no_edit_buttons(ledger_world, client):
    client.force_login(ledger_world["users"]["cadre"])
    make_rule(code="ZZ-01", needs_approval=True, name="政务信息采用")
    page = client.get("/points/rules/").content.decode()
    assert "/points/rules/new/" not in page
    assert "/edit/" not in page
    assert "可申报" in page
    assert "/points/declarations/new/" in page


# --- the ledger --------------------------------------------------------------------------------


def test_ledger_rows_explain_each_entry(ledger_world, client):
    w = ledger_world
    staff = w["users"]["staff"]
    bystander = w["cadres"]["bystander"]
    original = award(bystander, "5", actor=staff, reason="抗洪抢险表现突出", rule=w["rule"])
    reversal = services.entry_reverse(entry=original, actor=staff, reason="录入错误")
    client.force_login(staff)
    response = client.get(f"/points/ledger/?cadre={bystander.pk}")
    rows = {e.pk: e for e in response.context["page"].object_list}
    assert set(rows) == {w["entries"]["bystander"].pk, original.pk, reversal.pk}
    assert rows[original.pk].reversal_id == reversal.pk
    assert rows[reversal.pk].reverses_id == original.pk
    assert response.context["total"] == D("3")
    html = response.content.decode()
    for text in ("抗洪抢险表现突出", "+5.00", "-5.00", "XK-01 参加菁学课堂", "手工加减分",
                 "冲销更正", f"冲销 #{original.pk}", f"已被 #{reversal.pk} 冲销", "staff"):  # fmt: skip
        assert text in html, text
    # Neither the reversed entry nor the reversal offers another reversal.
    assert f"/points/entries/{original.pk}/reverse/" not in html
    assert f"/points/entries/{reversal.pk}/reverse/" not in html
    assert f"/points/entries/{w['entries']['bystander'].pk}/reverse/" in html


def test_ledger_filters(ledger_world, client):
    w = ledger_world
    staff = w["users"]["staff"]
    village_rule = make_rule(code="FW-01", category="visit", event_kind="visit.home")
    late = award(w["cadres"]["mentee"], "-1", actor=staff, day=datetime.date(2024, 11, 5))
    ruled = award(w["cadres"]["mentee"], "2", actor=staff, rule=village_rule)
    client.force_login(staff)

    def shown(query: str) -> set[int]:
        response = client.get(f"/points/ledger/?{query}")
        assert response.status_code == 200
        return {e.pk for e in response.context["page"].object_list}

    e = w["entries"]
    assert shown("q=lina") == {e["mentee"].pk, late.pk, ruled.pk}
    assert shown("q=王芳") == {e["bystander"].pk}
    assert shown(f"unit={w['units']['village'].pk}") == {e["mentee"].pk, late.pk, ruled.pk}
    assert shown(f"rule={village_rule.pk}") == {ruled.pk}
    assert shown("start=2024-11-01") == {late.pk}
    assert shown("end=2024-10-01&q=ln") == {e["mentee"].pk, ruled.pk}
    assert shown("kind=reversal") == set()
    # The other town's unit is not offered, and naming it is refused.
    assert shown(f"unit={w['units']['other_town'].pk}") == shown("")
    partial = client.get("/points/ledger/?q=lina", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "export.xlsx?q=lina" in partial.content.decode()


def test_ledger_export_is_a_real_workbook_with_the_same_filters(ledger_world, client):
    w = ledger_world
    staff = w["users"]["staff"]
    original = award(w["cadres"]["mentee"], "1.5", actor=staff, reason="志愿服务", rule=w["rule"])
    reversal = services.entry_reverse(entry=original, actor=staff, reason="重复")
    client.force_login(staff)
    response = client.get("/points/ledger/export.xlsx?q=lina")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="ledger-')
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "明细编号", "发生日期", "干部", "单位", "分值", "来源类型", "规则编号", "规则名称",
        "说明", "来源", "记录人", "记录时间", "冲销情况",
    )  # fmt: skip
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {w["entries"]["mentee"].pk, original.pk, reversal.pk}
    row = by_id[original.pk]
    assert row[1] == datetime.datetime(2024, 9, 2)
    assert row[2:9] == (
        "李娜",
        "金城镇/东浦村",
        1.5,
        "手工加减分",
        "XK-01",
        "参加菁学课堂",
        "志愿服务",
    )
    assert row[10] == "staff"
    assert isinstance(row[11], datetime.datetime)
    assert row[12] == f"已被第{reversal.pk}号明细冲销"
    assert by_id[reversal.pk][4] == -1.5
    assert by_id[reversal.pk][12] == f"冲销第{original.pk}号明细"


# --- manual awards and deductions ----------------------------------------------------------


def test_staff_find_a_cadre_and_award_points(ledger_world, client):
    w = ledger_world
    bystander = w["cadres"]["bystander"]
    client.force_login(w["users"]["staff"])
    found = client.get("/points/award/candidates/?q=wangfang").content.decode()
    assert f"/points/award/?cadre={bystander.pk}" in found
    assert "赵敏" not in client.get("/points/award/candidates/?q=zm").content.decode()
    assert "没有找到" in client.get("/points/award/?q=zm").content.decode()
    page = client.get(f"/points/award/?cadre={bystander.pk}")
    assert page.context["cadre"] == bystander
    response = client.post(
        f"/points/award/?cadre={bystander.pk}",
        {
            "cadre": bystander.pk,
            "points": "-1.5",
            "occurred_on": "2024-09-10",
            "rule": w["rule"].pk,
            "reason": "会议迟到",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/points/ledger/?cadre={bystander.pk}"
    assert "已为王芳减1.50分。" in response.content.decode()
    entry = PointEntry.objects.latest("id")
    assert (entry.cadre, entry.points, entry.kind, entry.rule, entry.reason, entry.author) == (
        bystander,
        D("-1.5"),
        "manual",
        w["rule"],
        "会议迟到",
        w["users"]["staff"],
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "  "}, "reason", "手工加减分必须填写理由。"),
        ({"points": "0"}, "points", "分值不能为0。"),
        ({"points": "abc"}, "points", "输入一个数字。"),
        ({"occurred_on": ""}, "occurred_on", "该字段是必填项。"),
    ],
)
def test_award_form_shows_why_it_refuses(ledger_world, client, changes, field, message):
    w = ledger_world
    bystander = w["cadres"]["bystander"]
    client.force_login(w["users"]["staff"])
    before = PointEntry.objects.count()
    data = {"cadre": bystander.pk, "points": "2", "occurred_on": "2024-09-10", "reason": "好"}
    response = client.post("/points/award/", {**data, **changes})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert PointEntry.objects.count() == before


def test_award_into_a_closed_period_is_refused_on_the_date(ledger_world, client):
    w = ledger_world
    staff = w["users"]["staff"]
    period = services.period_create(
        actor=staff,
        name="2024年第三季度",
        unit=w["units"]["town"],
        start=datetime.date(2024, 7, 1),
        end=datetime.date(2024, 9, 30),
        bottom_percent=0,
    )
    services.period_publish(period=period, actor=staff, today=datetime.date(2024, 10, 8))
    services.period_close(period=period, actor=staff, today=datetime.date(2024, 11, 1))
    client.force_login(staff)
    before = PointEntry.objects.count()
    response = client.post(
        "/points/award/",
        {
            "cadre": w["cadres"]["bystander"].pk,
            "points": "2",
            "occurred_on": "2024-09-10",
            "reason": "补记",
        },
    )
    assert response.status_code == 200
    assert "已关闭" in response.context["form"].errors["occurred_on"][0]
    assert PointEntry.objects.count() == before


def test_staff_cannot_award_outside_their_subtree(ledger_world, client):
    """Not to the other town, nor to a mentee seen only as their mentor."""
    w = ledger_world
    mentoring_staff = f.UserFactory(roles=["staff", "mentor"], unit=w["units"]["other_town"])
    f.PairingFactory(
        mentor=f.MentorFactory(user=mentoring_staff, unit=w["units"]["other_town"]),
        cadre=w["cadres"]["bystander"],
    )
    before = PointEntry.objects.count()
    client.force_login(w["users"]["staff"])
    outsider = w["cadres"]["outsider"]
    data = {"cadre": outsider.pk, "points": "2", "occurred_on": "2024-09-10", "reason": "好"}
    assert client.post("/points/award/", data).status_code == 404
    reverse_url = f"/points/entries/{w['entries']['outsider'].pk}/reverse/"
    assert client.post(reverse_url, {"reason": "错"}).status_code == 404
    client.force_login(mentoring_staff)
    bystander = w["cadres"]["bystander"]
    assert client.get(f"/points/award/?cadre={bystander.pk}").status_code == 404
    assert "王芳" not in client.get("/points/award/candidates/?q=wf").content.decode()
    reverse_url = f"/points/entries/{w['entries']['bystander'].pk}/reverse/"
    assert client.get(reverse_url).status_code == 404
    assert client.get(f"/points/award/?cadre={outsider.pk}").status_code == 200
    assert PointEntry.objects.count() == before


# --- reversals --------------------------------------------------------------------------------


def test_reverse_with_a_reason_and_twice_is_refused(ledger_world, client):
    w = ledger_world
    entry = w["entries"]["bystander"]
    client.force_login(w["users"]["staff"])
    confirm = client.get(f"/points/entries/{entry.pk}/reverse/").content.decode()
    assert "冲销将追加一笔 -3.00 分的相反明细" in confirm
    missing = client.post(f"/points/entries/{entry.pk}/reverse/", {"reason": " "})
    assert "冲销必须填写理由。" in missing.content.decode()
    assert not PointEntry.objects.filter(reverses=entry).exists()

    done = client.post(f"/points/entries/{entry.pk}/reverse/", {"reason": "重复记分"}, follow=True)
    assert f"已冲销第{entry.pk}号明细（+3.00分）。" in done.content.decode()
    reversal = PointEntry.objects.get(reverses=entry)
    assert (reversal.points, reversal.kind, reversal.reason, reversal.author) == (
        D("-3"),
        "reversal",
        "重复记分",
        w["users"]["staff"],
    )

    again = client.post(f"/points/entries/{entry.pk}/reverse/", {"reason": "再来一次"})
    assert again.status_code == 200
    html = again.content.decode()
    assert "该明细已被冲销。" in html
    assert f"被第 {reversal.pk} 号明细冲销，不能重复冲销" in html
    of_reversal = client.post(f"/points/entries/{reversal.pk}/reverse/", {"reason": "撤回冲销"})
    assert "冲销记录不能再冲销，请另行记录一笔。" in of_reversal.content.decode()
    assert PointEntry.objects.filter(cadre=entry.cadre).count() == 2


# --- query counts ----------------------------------------------------------------------------

N = 5


@pytest.fixture
def constant_queries(world, client, django_assert_max_num_queries, django_assert_num_queries):
    def check(user, url: str, *, grow, rows, budget: int) -> None:
        client.force_login(user)
        grow(N)
        client.get(url)
        with django_assert_max_num_queries(budget) as small:
            response = client.get(url)
        assert response.status_code == 200
        shown = rows(response)
        grow(4 * N)
        with django_assert_num_queries(len(small)):
            response = client.get(url)
        assert response.status_code == 200
        assert rows(response) == shown + 4 * N

    return check


def _grow_entries(world, n: int) -> None:
    """n rows: entries of new cadres in new units, each with its own rule; every second row
    is the reversal of the one before."""
    staff = world["users"]["staff"]
    entry = None
    for i in range(n):
        if i % 2:
            services.entry_reverse(entry=entry, actor=staff, reason="错")
            continue
        unit = f.make_unit(f"科室{next(_serial)}", world["units"]["town"])
        cadre = f.CadreFactory(name="曾国藩", unit=unit)
        entry = award(cadre, "2", actor=staff, rule=make_rule())


def test_ledger_page_queries_do_not_grow(world, constant_queries):
    constant_queries(
        world["users"]["staff"],
        "/points/ledger/?q=zeng&start=2024-01-01",
        grow=lambda n: _grow_entries(world, n),
        rows=lambda r: len(r.context["page"].object_list),
        budget=12,
    )


def test_ledger_page_queries_do_not_grow_for_a_cadre(world, constant_queries):
    staff = world["users"]["staff"]
    cadre = world["cadres"]["self"]
    for month in (3, 6, 9):  # several published periods: the cadre's filter is one query
        period = services.period_create(
            actor=staff,
            name=f"{month}月",
            unit=world["units"]["town"],
            start=datetime.date(2024, month, 1),
            end=datetime.date(2024, month, 28),
        )
        services.period_publish(period=period, actor=staff, today=datetime.date(2024, 12, 1))
    constant_queries(
        world["users"]["cadre"],
        "/points/ledger/",
        grow=lambda n: [award(cadre, "1", actor=staff) for _ in range(n)],
        rows=lambda r: len(r.context["page"].object_list),
        budget=12,
    )


def test_ledger_export_queries_do_not_grow(world, constant_queries):
    constant_queries(
        world["users"]["staff"],
        "/points/ledger/export.xlsx",
        grow=lambda n: _grow_entries(world, n),
        rows=lambda r: openpyxl.load_workbook(BytesIO(r.content)).active.max_row - 1,
        budget=8,
    )


def test_rule_list_queries_do_not_grow(world, constant_queries):
    categories = itertools.cycle(["learn", "compete", "visit", "research", "other"])
    constant_queries(
        world["users"]["staff"],
        "/points/rules/",
        grow=lambda n: [make_rule(category=next(categories)) for _ in range(n)],
        rows=lambda r: len(r.context["rules"]),
        budget=6,
    )
