"""National ID numbers (身份证号): what a clerk types in, what the product reads out of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadres.choices import Gender
from cadres.idcard import id_parse, id_with_check_digit, mask, normalise

VALID = "11010519491231002X"  # the GB 11643 specimen: born 1949-12-31, female, check digit X


def refusal(value: str) -> tuple[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        id_parse(value)
    return caught.value.code, caught.value.messages


def test_a_valid_number_yields_its_birth_date_and_gender():
    facts = id_parse(VALID)

    assert facts.number == VALID
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.gender == Gender.FEMALE


def test_an_odd_17th_digit_means_male():
    number = id_with_check_digit("32048219900307123")

    facts = id_parse(number)

    assert facts.gender == Gender.MALE
    assert facts.birth_date == datetime.date(1990, 3, 7)


def test_full_width_digits_spaces_and_a_lower_case_x_are_accepted():
    typed = " １１０１０５ １９４９１２３１ ００２ｘ "

    assert normalise(typed) == VALID
    assert id_parse(typed).number == VALID


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("1101051949123100", "length", "身份证号应为18位，当前为16位。"),
        ("", "length", "身份证号应为18位，当前为0位。"),
        ("11010519491231002Y", "format", "身份证号只能包含数字，最后一位可以是X。"),
        ("1101051949123X0021", "format", "身份证号只能包含数字，最后一位可以是X。"),
        ("99010519491231002X", "region", "身份证号前两位不是有效的省级行政区划代码。"),
        ("110105194902300021", "birth_date", "身份证号中的出生日期无效。"),
        ("110105194912310021", "checksum", "身份证号校验码不正确。"),
    ],
)
def test_invalid_numbers_are_refused_with_an_actionable_message(value, code, message):
    assert refusal(value) == (code, [message])


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    number = id_with_check_digit(f"110105{tomorrow:%Y%m%d}002")

    assert refusal(number) == ("birth_date", ["身份证号中的出生日期无效。"])


def test_a_birth_date_before_1900_is_refused():
    number = id_with_check_digit("11010518991231002")

    assert refusal(number) == ("birth_date", ["身份证号中的出生日期无效。"])


def test_a_region_code_created_after_the_birth_year_is_accepted():
    # 320482 (金坛) exists only from 1993; people born earlier hold cards issued under it.
    number = id_with_check_digit("32048219800101002")

    assert id_parse(number).birth_date == datetime.date(1980, 1, 1)


def test_id_with_check_digit_completes_a_number_that_passes_validation():
    assert id_with_check_digit("11010519491231002") == VALID


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("320482199003071234", "3204**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("", ""),
        ("12345678", "********"),
        ("123456789", "1234*6789"),
    ],
)
def test_mask_keeps_only_the_first_and_last_four_characters(number, masked):
    assert mask(number) == masked
