"""National ID numbers (居民身份证号码, GB 11643-1999).

Checksum and birth date come from python-stdnum (`stdnum.cn.ric`). We do not use its
region-code-by-birth-year check: an ID is often issued years after birth under a code
that did not exist in the birth year (320482 金坛市 exists only from 1993), so that check
rejects real cards. We check the province prefix instead.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from cadres.choices import Gender

PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: datetime.date
    gender: str


def normalise(value: str) -> str:
    """Full-width digits and letters to ASCII, spaces removed, check letter upper-cased."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


def id_parse(value: str) -> IdFacts:
    """Validate an 18-character ID number and return what it encodes.

    Raises ValidationError with a message a clerk can act on.
    """
    number = normalise(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号应为18位，当前为%(n)d位。"), code="length", params={"n": len(number)}
        )
    if not (
        number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(_("身份证号只能包含数字，最后一位可以是X。"), code="format")
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(_("身份证号前两位不是有效的省级行政区划代码。"), code="region")
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="birth_date") from None
    if birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(_("身份证号中的出生日期无效。"), code="birth_date")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(_("身份证号校验码不正确。"), code="checksum")
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return IdFacts(number=number, birth_date=birth, gender=gender)


def id_with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def mask(number: str) -> str:
    """`320482199003071234` → `3204**********1234`."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"
