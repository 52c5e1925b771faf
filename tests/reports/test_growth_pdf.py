"""The growth record as a PDF (成长档案PDF): content of every section in Chinese set in an
embedded CJK font, the cover, page numbers and 内部资料; per-role access to the PDF page; the
command-line export."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from PIL import Image

from core.growth import GrowthKind
from reports.services.growth_pdf import growth_record_pdf, photo_data_uri
from tests import factories as f
from tests.pdfs import assert_cjk_fonts_embedded, pdf_pages, pdf_text
from tests.reports import growth_source

ROLES = ["admin", "staff", "leader", "mentor", "other_mentor", "evaluator", "cadre"]


@pytest.fixture(autouse=True)
def _source(monkeypatch):
    monkeypatch.setattr("core.growth.SOURCES", [growth_source.SOURCE])
    growth_source.FAIL_FOR.clear()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (40, 90, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_pdf_of_a_cadre_with_every_section(world):
    cadre = world["cadres"]["mentee"]
    cadre.position = "党支部书记"
    cadre.photo.save("p.png", ContentFile(_png()), save=True)
    content = growth_record_pdf(viewer=world["users"]["admin"], cadre=cadre)
    text = pdf_text(content)
    assert "李娜" in text
    assert "年轻干部成长档案" in text and "全部年度" in text
    assert "党支部书记" in text and "东浦村" in text
    for kind in GrowthKind:
        assert str(kind.label) in text, kind
        assert f"{kind.label}记录1" in text
    assert "内部资料" in text
    assert "本期间暂无记录" not in text
    assert pdf_pages(content) > 1
    assert " / " in text  # page x / y
    assert_cjk_fonts_embedded(content)
    assert b"/Subtype /Image" in content or b"/Subtype/Image" in content  # the photo


def test_photo_is_embedded_as_a_data_uri(world):
    cadre = world["cadres"]["mentee"]
    assert photo_data_uri(cadre) == ""
    cadre.photo.save("p.png", ContentFile(_png()), save=True)
    assert photo_data_uri(cadre).startswith("data:image/png;base64,")


def test_one_year_keeps_only_that_years_items(world):
    from django.utils import timezone

    year = timezone.localdate().year
    content = growth_record_pdf(viewer=world["users"]["admin"], cadre=world["cadres"]["mentee"],
                                year=year)  # fmt: skip
    text = pdf_text(content)
    assert f"{year}年度" in text
    assert "记录1" in text and "记录2" not in text


@pytest.fixture
def other_mentor(world):
    user = f.UserFactory(username="mentor2", roles=["mentor"])
    f.PairingFactory(mentor=f.MentorFactory(user=user, unit=world["units"]["town"]),
                     cadre=world["cadres"]["bystander"])  # fmt: skip
    return user


def _user(world, other_mentor, role):
    return other_mentor if role == "other_mentor" else world["users"][role]


# (whose record, expected per role in ROLES order); the evaluator reads no cadre records at
# all (403, as on the page and the API), the others only those in their scope (404 otherwise).
ACCESS = [
    ("mentee", [200, 200, 200, 200, 404, 403, 404]),
    ("self", [200, 200, 200, 404, 404, 403, 200]),
    ("bystander", [200, 200, 200, 404, 200, 403, 404]),
    ("outsider", [200, 404, 404, 404, 404, 403, 404]),
]


@pytest.mark.parametrize(("whose", "expected"), ACCESS, ids=[a[0] for a in ACCESS])
@pytest.mark.parametrize("role", ROLES)
def test_pdf_page_access_per_role(world, other_mentor, client, whose, expected, role):
    client.force_login(_user(world, other_mentor, role))
    response = client.get(f"/cadres/{world['cadres'][whose].pk}/growth/pdf/")
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_pdf_page_names_the_file_after_the_cadre(world, client_for):
    cadre = world["cadres"]["mentee"]
    response = client_for(world["users"]["staff"]).get(f"/cadres/{cadre.pk}/growth/pdf/?year=2025")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # RFC 5987: the Chinese name percent-encoded in UTF-8
    assert "filename*=utf-8''%E6%9D%8E%E5%A8%9C" in disposition
    assert "2025.pdf" in disposition
    assert response["Cache-Control"] == "private, no-store"


def test_pdf_page_refuses_a_bad_year(world, client_for):
    cadre = world["cadres"]["mentee"]
    client = client_for(world["users"]["staff"])
    assert client.get(f"/cadres/{cadre.pk}/growth/pdf/?year=abc").status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(f"/cadres/{world['cadres']['mentee'].pk}/growth/pdf/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_cli_writes_the_pdf(world, tmp_path):
    out = tmp_path / "record.pdf"
    cadre = world["cadres"]["outsider"]
    call_command("export_growth_record", str(cadre.pk), "-o", str(out), stdout=io.StringIO())
    content = out.read_bytes()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "赵敏" in text and str(GrowthKind.CAREER.label) in text
    assert_cjk_fonts_embedded(content)


def test_cli_with_a_year(world, tmp_path):
    out = tmp_path / "record.pdf"
    call_command("export_growth_record", str(world["cadres"]["self"].pk), "-o", str(out),
                 "--year", "2024", stdout=io.StringIO())  # fmt: skip
    assert "2024年度" in pdf_text(out.read_bytes())


def test_cli_refuses_an_unknown_cadre(db, tmp_path):
    with pytest.raises(CommandError, match="没有编号为 999999 的干部"):
        call_command("export_growth_record", "999999", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_the_points_trend_is_drawn(world):
    import datetime

    from django.utils import timezone

    from scoring.selectors.points_page import quarter_label
    from scoring.services import event_record
    from tests.mentoring.talks_helpers import rule

    rule("growth.pdf.test", "3")
    cadre = world["cadres"]["mentee"]
    today = timezone.localdate()
    for n, days in enumerate((200, 100, 10)):
        event_record(kind="growth.pdf.test", cadre=cadre, occurred_on=today - datetime.timedelta(days=days),
                     source=f"test:{n}", actor=world["users"]["admin"])  # fmt: skip
    text = pdf_text(growth_record_pdf(viewer=world["users"]["admin"], cadre=cadre))
    assert "季度积分趋势" in text and "暂无积分记录" not in text
    assert quarter_label(today) in text  # the chart's axis labels are text in the PDF
