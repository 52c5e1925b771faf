"""Pinyin search keys: a clerk finds 张伟 by typing `zhangwei` or `zw`."""

import pytest

from cadres.pinyin import pinyin_keys


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("张伟", ("zhangwei", "zw")),
        ("李娜", ("lina", "ln")),
        ("王 芳", ("wangfang", "wf")),
    ],
)
def test_full_pinyin_and_initials(name, keys):
    assert pinyin_keys(name) == keys


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("曾国藩", ("zengguofan", "zgf")),  # pypinyin alone reads 曾 as "ceng"
        ("单雄信", ("shanxiongxin", "sxx")),  # not "dan"
        ("解缙", ("xiejin", "xj")),  # not "jie"
        ("仇英", ("qiuying", "qy")),  # not "chou"
        ("朴树", ("piaoshu", "ps")),  # not "pu"
        ("区伟", ("ouwei", "ow")),  # not "qu"
    ],
)
def test_polyphonic_surnames_are_read_as_surnames(name, keys):
    assert pinyin_keys(name) == keys


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("欧阳修", ("ouyangxiu", "oyx")),
        ("长孙无忌", ("zhangsunwuji", "zswj")),  # 长 as zhang, not chang
        ("尉迟恭", ("yuchigong", "ycg")),  # 尉 as yu, not wei
    ],
)
def test_compound_surnames_are_matched_before_single_ones(name, keys):
    assert pinyin_keys(name) == keys


def test_the_surname_reading_applies_only_to_the_first_character():
    # 曾 inside a given name keeps its ordinary reading.
    assert pinyin_keys("王曾") == ("wangceng", "wc")


def test_u_umlaut_is_typed_as_v():
    assert pinyin_keys("吕布") == ("lvbu", "lb")


def test_keys_are_lower_case_ascii_even_with_latin_letters_in_the_name():
    assert pinyin_keys("王芳A") == ("wangfanga", "wfa")
