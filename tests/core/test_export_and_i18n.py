"""The xlsx export of the filtered list, and the language switch."""

from io import BytesIO

from openpyxl import load_workbook

from cadres.models import Cadre
from cadres.roster import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def _rows(response) -> list[list]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_staff_export_has_roster_headers_full_ids_and_only_their_subtree(world, client):
    client.force_login(world["users"]["staff"])
    rows = _rows(client.get("/cadres/export.xlsx"))
    assert rows[0] == HEADERS
    by_name = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"张伟", "李娜", "王芳"}  # not 赵敏 of the other town
    mentee = world["cadres"]["mentee"]
    assert by_name["李娜"]["身份证号"] == mentee.id_number
    assert by_name["李娜"]["性别"] == "女"
    assert by_name["李娜"]["干部类别"] == "村（社区）"
    assert by_name["李娜"]["单位"] == "金城镇/东浦村"
    assert by_name["李娜"]["出生日期"] == mentee.birth_date.isoformat()
    assert by_name["李娜"]["是否后备干部"] == "否"


def test_export_follows_the_filters(world, client):
    client.force_login(world["users"]["staff"])
    rows = _rows(client.get("/cadres/export.xlsx?category=village"))
    assert [row[0] for row in rows[1:]] == ["李娜"]


def test_leader_export_masks_id_numbers(world, client):
    client.force_login(world["users"]["leader"])
    rows = _rows(client.get("/cadres/export.xlsx"))
    ids = [row[HEADERS.index("身份证号")] for row in rows[1:]]
    assert len(ids) == 3
    for value in ids:
        assert value[:4] == "3204" and value[4:14] == "*" * 10 and len(value) == 18
    assert not any(c.id_number in ids for c in Cadre.objects.all())


def test_export_neutralises_formula_like_text(world, client):
    Cadre.objects.filter(pk=world["cadres"]["bystander"].pk).update(
        position='=HYPERLINK("http://evil")', major="+1", school="@SUM(A1)"
    )
    client.force_login(world["users"]["staff"])
    rows = _rows(client.get("/cadres/export.xlsx?q=王芳"))
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["职务"] == '\'=HYPERLINK("http://evil")'
    assert row["专业"] == "'+1"
    assert row["毕业院校"] == "'@SUM(A1)"


def test_pages_speak_english_when_asked(world, client):
    client.force_login(world["users"]["staff"])
    chinese = client.get("/cadres/").content.decode()
    assert "干部档案" in chinese
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cadres/"})
    assert response.status_code == 302
    english = client.get("/cadres/").content.decode()
    assert "Cadre records" in english
    assert "Export to Excel" in english
    assert 'lang="en"' in english


def test_api_errors_follow_the_language(world, client):
    client.force_login(world["users"]["staff"])
    payload = {
        "cohort": world["cohort"].pk,
        "cadre": world["cadres"]["mentee"].pk,
        "joined_on": "2022-02-01",
    }
    response = client.post(
        "/api/v1/enrolments/", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["cadre"] == ["李娜 is already in this cohort."]
