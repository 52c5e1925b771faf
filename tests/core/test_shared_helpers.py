"""Helpers shared by the apps: pagination links, flashing form errors, multi-sheet workbooks,
service field checks and user-scoped serializer fields."""

import datetime
from io import BytesIO

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework import serializers

from cadres.models import Unit
from cadres.selectors import units_visible_to
from core.api.serializers import ScopedFieldsMixin, request_user
from core.forms import flash_form_errors, form_saved
from core.paging import paginate
from core.services import assign_fields, current_with, refuse_unknown_fields
from core.workbooks import excel_datetime, xlsx_book


@override_settings(QINGMIAO_PAGE_SIZE=2)
def test_paginate_keeps_the_filters_but_not_page_or_format():
    request = RequestFactory().get("/x/", {"q": "张", "page": "2", "format": "xlsx"})
    page, querystring = paginate(request, list(range(5)))
    assert list(page.object_list) == [2, 3]
    assert querystring == "q=%E5%BC%A0"


def test_flash_form_errors_shows_each_message():
    class Form(forms.Form):
        a = forms.IntegerField(label="A")
        b = forms.IntegerField(label="B")

    request = RequestFactory().post("/x/")
    request.session = {}
    request._messages = FallbackStorage(request)
    form = Form({"a": "x"})
    assert not form.is_valid()
    flash_form_errors(request, form)
    assert len(list(get_messages(request))) == 2


class _NameForm(forms.Form):
    name = forms.CharField(label="名称")
    code = forms.CharField(label="代码", required=False)


def test_form_saved_calls_the_service_only_for_a_valid_post_and_returns_its_result():
    calls = []

    def save(**fields):
        calls.append(fields)
        return "saved"

    factory = RequestFactory()
    assert form_saved(factory.get("/x/"), _NameForm(), save) is None
    assert form_saved(factory.post("/x/"), _NameForm({"name": ""}), save) is None
    assert calls == []
    form = _NameForm({"name": "甲", "code": "a"})
    assert form_saved(factory.post("/x/"), form, save) == "saved"
    assert calls == [{"name": "甲", "code": "a"}]  # a plain form gives its cleaned_data

    class Picked(_NameForm):
        def service_fields(self):
            return {"name": self.cleaned_data["name"]}

    assert form_saved(factory.post("/x/"), Picked({"name": "乙", "code": "b"}), save) == "saved"
    assert calls[-1] == {"name": "乙"}  # `service_fields` wins over cleaned_data


def test_form_saved_shows_a_refusal_beside_the_fields():
    def refuse(**fields):
        raise ValidationError({"title": "名称重复。", "code": "代码无效。", "other": "不行。"})

    form = _NameForm({"name": "甲", "code": "a"})
    assert form_saved(RequestFactory().post("/x/"), form, refuse, {"title": "name"}) is None
    assert form.errors["name"] == ["名称重复。"]
    assert form.errors["code"] == ["代码无效。"]
    assert form.non_field_errors() == ["不行。"]


def test_xlsx_book_writes_each_sheet_with_bold_headers_and_widths():
    moment = timezone.make_aware(datetime.datetime(2025, 3, 1, 9, 30))
    content = xlsx_book(
        [
            {"title": "甲", "headers": ["名称", "时间"], "rows": [["a", excel_datetime(moment)]]},
            {"title": "乙", "headers": ["单位"], "rows": iter([["b"]]), "widths": {"单位": 30}},
        ]
    )
    book = load_workbook(BytesIO(content))
    first, second = book.worksheets
    assert [first.title, second.title] == ["甲", "乙"]
    assert first["A1"].font.bold and first["A2"].value == "a"
    assert first["B2"].value == datetime.datetime(2025, 3, 1, 9, 30)  # local, no zone
    assert first.column_dimensions["A"].width == 12
    assert second.column_dimensions["A"].width == 30
    assert excel_datetime(None) is None


def test_service_field_helpers():
    refuse_unknown_fields({"a": 1}, ("a", "b"))
    with pytest.raises(TypeError, match="unknown fields: \\['c'\\]"):
        refuse_unknown_fields({"a": 1, "c": 2}, ("a", "b"))

    class Thing:
        a, b = 1, 2

    thing = Thing()
    values = current_with(thing, ("a", "b"), {"b": 3})
    assert values == {"a": 1, "b": 3}
    assign_fields(thing, values)
    assert (thing.a, thing.b) == (1, 3)


class _UnitPick(ScopedFieldsMixin, serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    scoped_fields = {"unit": units_visible_to, "units": units_visible_to}


def test_scoped_fields_follow_the_requesting_user(world):
    request = RequestFactory().get("/x/")
    request.user = world["users"]["staff"]
    scoped = _UnitPick(context={"request": request})
    assert request_user(scoped) == request.user
    expected = set(units_visible_to(request.user))
    assert set(scoped.fields["unit"].queryset) == expected
    assert set(scoped.fields["units"].child_relation.queryset) == expected
    other_town = Unit.objects.exclude(pk__in=[u.pk for u in expected]).first()
    assert other_town is not None
    assert not _UnitPick(
        data={"unit": other_town.pk, "units": []}, context={"request": request}
    ).is_valid()


def test_scoped_fields_offer_nothing_without_a_request(world):
    bare = _UnitPick()
    assert request_user(bare) is None
    assert not bare.fields["unit"].queryset.exists()
    assert not bare.fields["units"].child_relation.queryset.exists()
