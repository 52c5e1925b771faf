"""Pages of written output (信息宣传): access per role, the cadre's own pieces, submitting
on one's own and on a cadre's behalf, review with points, evidence access, the summary,
the export and constant query counts."""

import io
import itertools

import openpyxl
import pytest

from scoring.models import PointEntry
from tests import factories as f
from tests.training.writing_helpers import DAY, PNG, ROLES, expect, pdf, points, rule, submit
from training.models import Writing
from training.services import writing as services

_names = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pieces(world):
    """The cadre's own piece, the mentee's, and one in the other town."""
    c = world["cadres"]
    return {
        "own": submit(c["self"], title="我的稿件"),
        "mentee": submit(c["mentee"], actor=world["users"]["staff"], title="帮带对象的稿件"),
        "bystander": submit(c["bystander"], actor=world["users"]["staff"], title="同事的稿件"),
        "other": submit(c["outsider"], actor=None, title="东湖镇稿件"),
    }


PAGES = [
    ("list", "/training/writing/", expect(_=200, evaluator=403)),
    ("list filtered", "/training/writing/?kind=news&level=none&year=2025", expect(_=200, evaluator=403)),
    ("export", "/training/writing/export/", expect(_=200, evaluator=403)),
    ("mine", "/training/writing/mine/", expect(_=403, admin=200, cadre=200)),
    ("queue", "/training/writing/review/", expect(_=403, admin=200, staff=200)),
    ("new", "/training/writing/new/", expect(_=403, admin=200, staff=200, cadre=200)),
    ("own detail", "/training/writing/{own}/", expect(_=200, evaluator=403, mentor=404)),
    ("mentee's detail", "/training/writing/{mentee}/", expect(_=200, evaluator=403, cadre=404)),
    ("colleague's detail", "/training/writing/{bystander}/",
     expect(_=200, evaluator=403, cadre=404, mentor=404)),
    ("other town's detail", "/training/writing/{other}/", expect(_=404, admin=200, evaluator=403)),
    ("own evidence", "/training/writing/{own}/evidence/",
     expect(_=200, evaluator=403, mentor=404)),
    ("colleague's evidence", "/training/writing/{bystander}/evidence/",
     expect(_=200, evaluator=403, cadre=404, mentor=404)),
    ("other town's evidence", "/training/writing/{other}/evidence/",
     expect(_=404, admin=200, evaluator=403)),
    ("edit own", "/training/writing/{own}/edit/", expect(_=403, admin=200, staff=200, cadre=200)),
    ("edit colleague's", "/training/writing/{bystander}/edit/",
     expect(_=403, admin=200, staff=200, cadre=404)),
    ("edit other town's", "/training/writing/{other}/edit/",
     expect(_=403, admin=200, staff=404, cadre=404)),
]  # fmt: skip


def _path(url, pieces):
    return url.format(**{k: v.pk for k, v in pieces.items()})


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(world, pieces, client, name, url, expected, role):
    client.force_login(world["users"][role])
    assert client.get(_path(url, pieces)).status_code == expected[ROLES.index(role)]


POSTS = [
    ("submit (invalid)", "/training/writing/new/", expect(_=403, admin=200, staff=200, cadre=200)),
    ("edit other town's", "/training/writing/{other}/edit/",
     expect(_=403, admin=200, staff=404, cadre=404)),
    ("verify own", "/training/writing/{own}/verify/", expect(_=403, admin=302, staff=302)),
    ("verify other town's", "/training/writing/{other}/verify/",
     expect(_=403, admin=302, staff=404)),
    ("return own", "/training/writing/{own}/return/", expect(_=403, admin=302, staff=302)),
    ("return other town's", "/training/writing/{other}/return/",
     expect(_=403, admin=302, staff=404)),
    ("withdraw colleague's", "/training/writing/{bystander}/withdraw/",
     expect(_=403, admin=302, staff=302, cadre=404)),
    ("withdraw other town's", "/training/writing/{other}/withdraw/",
     expect(_=403, admin=302, staff=404, cadre=404)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_write_access_per_role(world, pieces, client, name, url, expected, role):
    client.force_login(world["users"][role])
    before = list(Writing.objects.order_by("pk").values_list("pk", "status", "review_comment"))
    status = client.post(_path(url, pieces), {"comment": "请补充", "level": "town"}).status_code
    assert status == expected[ROLES.index(role)]
    if status in (403, 404):
        after = list(Writing.objects.order_by("pk").values_list("pk", "status", "review_comment"))
        assert after == before


def test_anonymous_is_sent_to_login(pieces, client):
    for path in ("/training/writing/", f"/training/writing/{pieces['own'].pk}/evidence/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_another_cadre_guessing_the_evidence_url_gets_404(world, pieces, client):
    other_user = f.UserFactory(username="wangfang", roles=["cadre"])
    bystander = world["cadres"]["bystander"]
    bystander.user = other_user
    bystander.save(update_fields=["user"])
    client.force_login(other_user)
    assert client.get(f"/training/writing/{pieces['own'].pk}/evidence/").status_code == 404
    response = client.get(f"/training/writing/{pieces['bystander'].pk}/evidence/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert f"writing-{pieces['bystander'].pk}-evidence.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_cadre_submits_their_own_piece_and_sees_it(world, client_for):
    client = client_for(world["users"]["cadre"])
    page = client.get("/training/writing/new/").content.decode()
    assert 'type="hidden" name="cadre"' in page  # a cadre submits only their own
    data = {
        "cadre": world["cadres"]["self"].pk, "kind": "news", "title": "村里来了新书记",
        "outlet": "金城日报", "published_on": "2025-04-15", "level": "district",
        "evidence": pdf(),
    }  # fmt: skip
    response = client.post("/training/writing/new/", data)
    writing = Writing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/writing/{writing.pk}/"
    assert (writing.cadre, writing.status, writing.level) == (
        world["cadres"]["self"], "submitted", "district",
    )  # fmt: skip
    mine = client.get("/training/writing/mine/").content.decode()
    assert "村里来了新书记" in mine
    assert "待审核" in mine

    # The same title on the same day again: saved, with a warning.
    data["evidence"] = pdf()
    response = client.post("/training/writing/new/", data, follow=True)
    assert Writing.objects.count() == 2
    assert "请确认不是重复提交" in response.content.decode()


def test_cadre_cannot_submit_for_someone_else(world, client_for):
    client = client_for(world["users"]["cadre"])
    data = {
        "cadre": world["cadres"]["bystander"].pk, "kind": "news", "title": "冒名稿件",
        "outlet": "金城日报", "published_on": "2025-04-15", "level": "",
    }  # fmt: skip
    response = client.post("/training/writing/new/", data)
    assert response.status_code == 200
    assert not Writing.objects.exists()


def test_form_errors_are_shown_beside_the_fields(world, client_for):
    client = client_for(world["users"]["cadre"])
    data = {
        "cadre": world["cadres"]["self"].pk, "kind": "news", "title": "没有佐证",
        "outlet": "", "published_on": "2025-04-15", "level": "city",
    }  # fmt: skip
    content = client.post("/training/writing/new/", data).content.decode()
    assert "请填写采用单位或媒体。" in content
    assert "填写了采用层级的，须上传佐证材料" in content
    data.update(outlet="金城日报", evidence=io.BytesIO(b"GIF89a not allowed"))
    data["evidence"].name = "shot.gif"
    content = client.post("/training/writing/new/", data).content.decode()
    assert "文件须为PDF、JPEG、PNG格式。" in content
    assert not Writing.objects.exists()


def test_staff_submit_on_behalf_and_review_with_points(world, client_for):
    rule("training.writing.adopted.city", "6", "XC-03")
    rule("training.writing.adopted.district", "3", "XC-02")
    mentee = world["cadres"]["mentee"]
    client = client_for(world["users"]["staff"])
    page = client.get("/training/writing/new/").content.decode()
    assert "赵敏" not in page  # another town's cadre is not offered
    evidence = io.BytesIO(PNG)
    evidence.name = "shot.png"
    client.post("/training/writing/new/", {
        "cadre": mentee.pk, "kind": "online_comment", "title": "网评：让数据多跑路",
        "outlet": "市网信办", "published_on": "2025-04-15", "level": "city", "evidence": evidence,
    })  # fmt: skip
    writing = Writing.objects.get()
    assert writing.submitted_by == world["users"]["staff"]
    queue = client.get("/training/writing/review/").content.decode()
    assert "网评：让数据多跑路" in queue

    response = client.post(f"/training/writing/{writing.pk}/verify/", {"level": "city"})
    assert response.status_code == 302
    assert points(mentee) == 6
    client.get("/training/writing/")  # the flash message is shown there
    assert (
        'data-testid="writing-row"' not in client.get("/training/writing/review/").content.decode()
    )

    # Corrected from 市 to 区 on re-review.
    client.post(f"/training/writing/{writing.pk}/verify/", {"level": "district", "comment": "核实"})
    assert points(mentee) == 3
    # Returned after verification: the points go.
    response = client.post(f"/training/writing/{writing.pk}/return/", {"comment": ""}, follow=True)
    assert "退回时须填写审核意见。" in response.content.decode()
    client.post(f"/training/writing/{writing.pk}/return/", {"comment": "采用证明不全"})
    writing.refresh_from_db()
    assert writing.status == "returned"
    assert points(mentee) == 0
    assert PointEntry.objects.count() == 4


def test_cadre_edits_a_returned_piece_and_withdraws_another(world, client_for):
    me = world["cadres"]["self"]
    returned = submit(me, title="待修改")
    services.writing_return(writing=returned, actor=world["users"]["staff"], comment="标题有误")
    pending = submit(me, title="不想要了", level="", evidence=False)
    client = client_for(world["users"]["cadre"])
    form = client.get(f"/training/writing/{returned.pk}/edit/").content.decode()
    assert "退回意见：标题有误" in form
    response = client.post(f"/training/writing/{returned.pk}/edit/", {
        "cadre": me.pk, "kind": "gov_info", "title": "已修改", "outlet": "区委办",
        "published_on": "2025-04-15", "level": "city",
    })  # fmt: skip
    assert response.status_code == 302
    returned.refresh_from_db()
    assert (returned.title, returned.status) == ("已修改", "submitted")
    assert returned.evidence  # the earlier file is kept

    response = client.post(f"/training/writing/{pending.pk}/withdraw/")
    assert response["Location"] == "/training/writing/mine/"
    assert not Writing.objects.filter(pk=pending.pk).exists()

    services.writing_verify(writing=returned, actor=world["users"]["staff"])
    assert client.get(f"/training/writing/{returned.pk}/edit/").status_code == 404
    assert client.post(f"/training/writing/{returned.pk}/withdraw/").status_code == 404


def test_list_filters_and_summary(world, client_for):
    c, staff = world["cadres"], world["users"]["staff"]
    a = submit(c["self"], title="甲稿", kind="news", level="town")
    services.writing_verify(writing=a, actor=staff)
    submit(c["mentee"], title="乙稿", kind="gov_info", level="city")
    submit(c["bystander"], title="丙稿", kind="gov_info", level="", evidence=False,
           published_on=DAY.replace(year=2024))  # fmt: skip
    client = client_for(staff)

    def titles(query):
        content = client.get(f"/training/writing/?{query}").content.decode()
        return [t for t in ("甲稿", "乙稿", "丙稿") if t in content]

    assert titles("") == ["甲稿", "乙稿", "丙稿"]
    assert titles("kind=news") == ["甲稿"]
    assert titles("level=none") == ["丙稿"]
    assert titles("level=city") == ["乙稿"]
    assert titles("status=accepted") == ["甲稿"]
    assert titles(f"unit={world['units']['village'].pk}") == ["乙稿"]
    assert titles("year=2024") == ["丙稿"]
    assert titles("q=ln") == ["乙稿"]
    content = client.get("/training/writing/").content.decode()
    assert 'data-testid="writing-total">3<' in content


def test_summary_counts_by_level_and_kind(world):
    from training.selectors.writing import writing_summary

    c = world["cadres"]
    submit(c["self"], kind="news", level="town")
    submit(c["self"], kind="news", level="town", title="二")
    submit(c["mentee"], kind="gov_info", level="", evidence=False)
    summary = writing_summary(Writing.objects.all())
    assert summary["kinds"] == ["政务信息", "网评", "新闻报道"]
    by_level = {row["level"]: row["cells"] for row in summary["rows"]}
    assert by_level["镇"] == [0, 0, 2]
    assert by_level["未采用"] == [1, 0, 0]
    assert summary["totals"] == [1, 0, 2]
    assert summary["total"] == 3


def test_export_opens_in_openpyxl_and_is_scoped(world, pieces, client_for):
    services.writing_verify(writing=pieces["own"], actor=world["users"]["staff"])
    response = client_for(world["users"]["staff"]).get("/training/writing/export/?status=accepted")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "干部", "单位", "类别", "标题")
    assert [r[4] for r in rows[1:]] == ["我的稿件"]
    assert rows[1][7:9] == ("市", "已通过")

    all_rows = client_for(world["users"]["staff"]).get("/training/writing/export/").content
    titles = {r[4] for r in list(openpyxl.load_workbook(io.BytesIO(all_rows)).active.values)[1:]}
    assert titles == {"我的稿件", "帮带对象的稿件", "同事的稿件"}  # not 东湖镇

    mine = client_for(world["users"]["cadre"]).get("/training/writing/export/").content
    titles = {r[4] for r in list(openpyxl.load_workbook(io.BytesIO(mine)).active.values)[1:]}
    assert titles == {"我的稿件"}


def test_export_neutralises_formulas(world, client_for):
    submit(world["cadres"]["self"], title='=HYPERLINK("http://x")')
    content = client_for(world["users"]["staff"]).get("/training/writing/export/").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=2, column=5).value == '\'=HYPERLINK("http://x")'


# --- query counts ----------------------------------------------------------------------------

N = 5


def _grow(world, n):
    staff = world["users"]["staff"]
    for index in range(n):
        unit = f.make_unit(f"科室{next(_names)}", world["units"]["town"])
        cadre = f.CadreFactory(unit=unit)
        writing = submit(cadre, actor=staff, title=f"稿件{index}", evidence=index % 2 == 0,
                         level="town" if index % 2 == 0 else "")  # fmt: skip
        if index % 3 == 0:
            services.writing_verify(writing=writing, actor=staff)


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/training/writing/", 'data-testid="writing-row"'),
        ("/training/writing/?kind=gov_info&status=submitted", 'data-testid="writing-row"'),
        ("/training/writing/review/", 'data-testid="writing-row"'),
    ],
)
def test_list_queries_are_constant(
    world, client, url, marker, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(world["users"]["staff"])
    _grow(world, N)
    client.get(url)
    with django_assert_max_num_queries(16) as small:
        response = client.get(url)
    shown = response.content.decode().count(marker)
    assert shown > 0
    _grow(world, 4 * N)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.content.decode().count(marker) > shown


def test_my_page_queries_are_constant(
    world, client, django_assert_max_num_queries, django_assert_num_queries
):
    me = world["cadres"]["self"]
    client.force_login(world["users"]["cadre"])
    for index in range(N):
        submit(me, title=f"稿{index}")
    with django_assert_max_num_queries(12) as small:
        client.get("/training/writing/mine/")
    for index in range(4 * N):
        submit(me, title=f"稿{N + index}")
    with django_assert_num_queries(len(small)):
        response = client.get("/training/writing/mine/")
    assert response.content.decode().count('data-testid="writing-row"') == 5 * N
