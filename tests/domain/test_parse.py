"""Parsing what office staff type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from branchtui.domain.errors import ValidationError
from branchtui.domain.parse import (
    clean_name,
    clean_text,
    parse_date,
    parse_int,
    parse_mobile,
    parse_money,
    parse_phone,
)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# ----------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text",
    [
        "2002-07-01",
        "20020701",
        "2002.7.1",
        "2002/7/1",
        "2002年7月1日",
        "2002年07月01日",
        "2002年7月1",
        "  2002-7-1  ",
        "２００２－０７－０１",  # full-width digits and dash
        "２００２年７月１日",
        "２００２．７．１",
    ],
)
def test_parse_date_accepts_office_formats(text):
    assert parse_date(text) == dt.date(2002, 7, 1)


def test_parse_date_passes_dates_through():
    day = dt.date(1999, 12, 31)
    assert parse_date(day) is day


def test_parse_date_leap_day():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["2002-02-30", "2023-02-29", "2002-13-01", "2002.4.31", "20020000"])
def test_parse_date_refuses_impossible_dates(text):
    with pytest.raises(ValidationError) as info:
        parse_date(text, field="join_date", label="入党日期")
    assert info.value.errors.keys() == {"join_date"}
    message = info.value.errors["join_date"]
    assert "入党日期" in message
    assert "不是真实存在的日期" in message


@pytest.mark.parametrize("text", ["hello", "2002-07", "02-07-01", "2002-07-01x", "七月一日", "2002--07-01",
                                  "200207011"])
def test_parse_date_refuses_garbage(text):
    with pytest.raises(ValidationError) as info:
        parse_date(text, field="birth_date", label="出生日期")
    assert info.value.field == "birth_date"
    message = str(info.value)
    assert _has_chinese(message)
    assert message.startswith("出生日期")


def test_parse_date_empty():
    with pytest.raises(ValidationError) as info:
        parse_date("  ", field="founded", label="成立日期")
    assert info.value.errors == {"founded": "成立日期不能为空"}
    assert parse_date("", required=False) is None
    assert parse_date(None, required=False) is None


@settings(max_examples=100, deadline=None)
@given(
    year=st.integers(1, 9999),
    month=st.integers(0, 19),
    day=st.integers(0, 39),
    style=st.sampled_from(["{y:04d}-{m}-{d}", "{y:04d}{m:02d}{d:02d}", "{y:04d}.{m}.{d}",
                           "{y:04d}/{m:02d}/{d:02d}", "{y:04d}年{m}月{d}日"]),
)
def test_parse_date_matches_the_calendar(year, month, day, style):
    text = style.format(y=year, m=month, d=day)
    try:
        expected = dt.date(year, month, day)
        if not 1800 <= year <= 2200:  # beyond any record's dates (and 18 years on from 9982 overflows)
            raise ValueError(year)
    except ValueError:
        with pytest.raises(ValidationError):
            parse_date(text)
    else:
        assert parse_date(text) == expected


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789０１２-./年月日 ", max_size=16)))
def test_whatever_parse_date_accepts_is_a_real_date(text):
    try:
        result = parse_date(text)
    except ValidationError as exc:
        assert exc.field == "date"
        return
    assert isinstance(result, dt.date)
    assert dt.date.min <= result <= dt.date.max


# ----------------------------------------------------------------------- money


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3000", Decimal("3000.00")),
        ("3,000.00", Decimal("3000.00")),
        ("¥3000", Decimal("3000.00")),
        ("￥3,000", Decimal("3000.00")),
        ("0.3万", Decimal("3000.00")),
        ("5万元", Decimal("50000.00")),
        ("1.6万", Decimal("16000.00")),
        ("12.5元", Decimal("12.50")),
        ("０.０１", Decimal("0.01")),
        ("0", Decimal("0.00")),
    ],
)
def test_parse_money_accepts(text, expected):
    result = parse_money(text)
    assert result == expected
    assert result.as_tuple().exponent == -2


def test_parse_money_empty_is_none_unless_required():
    assert parse_money("") is None
    with pytest.raises(ValidationError) as info:
        parse_money("", field="build_cost", label="建设投入", required=True)
    assert info.value.errors == {"build_cost": "建设投入不能为空"}


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("-5", "负数"),
        ("-0.3万", "负数"),
        ("3.001", "两位小数"),
        ("12.345元", "两位小数"),
        ("abc", "应为数字"),
        ("3000x", "应为数字"),
        ("1e5", "应为数字"),
        ("10亿", "应为数字"),
    ],
)
def test_parse_money_refuses(text, fragment):
    with pytest.raises(ValidationError) as info:
        parse_money(text, field="build_cost", label="建设投入")
    assert info.value.field == "build_cost"
    assert fragment in info.value.errors["build_cost"]
    assert "建设投入" in info.value.errors["build_cost"]


def test_parse_money_refuses_zero_when_asked():
    with pytest.raises(ValidationError):
        parse_money("0", allow_zero=False)


def test_parse_money_refuses_huge_amounts():
    with pytest.raises(ValidationError) as info:
        parse_money("1000000000")
    assert "过大" in str(info.value)


def test_parse_money_refuses_absurdly_long_numbers():
    """30 digits: must be a ValidationError ("过大"), not a decimal crash."""
    with pytest.raises(ValidationError):
        parse_money("1" * 30)


# ---------------------------------------------------------------- phone numbers


@pytest.mark.parametrize("text, expected", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("", ""),
    (None, ""),
])
def test_parse_mobile_accepts(text, expected):
    assert parse_mobile(text) == expected


@pytest.mark.parametrize("text", ["23812345678", "1381234567", "138123456789", "1381234567a", "0391-2345678"])
def test_parse_mobile_refuses(text):
    with pytest.raises(ValidationError) as info:
        parse_mobile(text, field="phone")
    assert info.value.field == "phone"
    assert "11 位" in str(info.value)


@pytest.mark.parametrize("text", ["0391-2345678", "03912345678", "0375-4920111", "2345678",
                                  "13812345678", "010-87654321-123"])
def test_parse_phone_accepts(text):
    assert parse_phone(text) == text


def test_parse_phone_strips_spaces():
    assert parse_phone(" 0391 2345678 ") == "03912345678"
    assert parse_phone("") == ""


@pytest.mark.parametrize("text", ["12345", "0391-1234567", "abc", "0391-234567x", "1234567890123"])
def test_parse_phone_refuses(text):
    with pytest.raises(ValidationError) as info:
        parse_phone(text, field="tel", label="联系电话")
    assert info.value.errors.keys() == {"tel"}
    assert "联系电话" in info.value.errors["tel"]


# ------------------------------------------------------------------------ text


def test_clean_text_trims_and_normalises():
    assert clean_text("  一区居委会 ", "community", "所在社区", 60) == "一区居委会"
    assert clean_text(None, "notes", "备注", 10) == ""
    assert clean_text("第一行\n第二行\t完", "notes", "备注", 20) == "第一行\n第二行\t完"


@pytest.mark.parametrize("text", ["abc\x00def", "abc\x07", "a\x1bb", "零宽\u200b空格", "\ufeff开头"])
def test_clean_text_refuses_control_characters(text):
    with pytest.raises(ValidationError) as info:
        clean_text(text, "notes", "备注", 100)
    assert info.value.errors == {"notes": "备注含有不可见的控制字符"}


def test_clean_text_length_limit():
    assert clean_text("字" * 10, "name", "名称", 10) == "字" * 10
    with pytest.raises(ValidationError) as info:
        clean_text("字" * 11, "name", "名称", 10)
    assert info.value.field == "name"
    assert "10" in str(info.value) and "11" in str(info.value)


def test_clean_text_required():
    with pytest.raises(ValidationError) as info:
        clean_text("   ", "name", "支部名称", 40, required=True)
    assert info.value.errors == {"name": "支部名称不能为空"}


@pytest.mark.parametrize("name", ["张彩风", "阿依古丽·买买提", "Mary Smith", "欧阳 娜娜", "买买提•艾力"])
def test_clean_name_accepts(name):
    assert clean_name(name) == name


@pytest.mark.parametrize("name", ["张三3", "李四😀", "王五!", "赵六_", "１２３"])
def test_clean_name_refuses_digits_and_symbols(name):
    with pytest.raises(ValidationError) as info:
        clean_name(name)
    assert info.value.field == "name"
    assert "姓名只能包含" in str(info.value)


def test_clean_name_refuses_empty():
    with pytest.raises(ValidationError) as info:
        clean_name("  ")
    assert info.value.errors == {"name": "姓名不能为空"}


def test_parse_int():
    assert parse_int("４５", "area_m2", "面积", minimum=1) == 45
    assert parse_int("", "area_m2", "面积") is None
    with pytest.raises(ValidationError):
        parse_int("0", "area_m2", "面积", minimum=1)
    with pytest.raises(ValidationError):
        parse_int("4.5", "area_m2", "面积")


# ---------------------------------------------------- no parser ever crashes

PARSERS = {
    "parse_date": lambda t: parse_date(t, field="f"),
    "parse_money": lambda t: parse_money(t, field="f"),
    "parse_mobile": lambda t: parse_mobile(t, field="f"),
    "parse_phone": lambda t: parse_phone(t, field="f"),
    "clean_text": lambda t: clean_text(t, "f", "字段", 30),
    "clean_name": lambda t: clean_name(t, field="f"),
    "parse_int": lambda t: parse_int(t, "f", "字段"),
}

TYPED = st.one_of(
    st.text(),
    st.text(alphabet="0123456789０１２٣.,，-/年月日万元¥￥ X", max_size=40),
)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parsers_only_ever_raise_validation_error(name):
    parser = PARSERS[name]

    @settings(max_examples=80, deadline=None)
    @given(TYPED)
    @example("1" * 30)
    @example("9" * 27 + ".99")
    @example("\x00")
    def check(text):
        try:
            parser(text)
        except ValidationError as exc:
            assert exc.errors.keys() == {"f"}

    check()
