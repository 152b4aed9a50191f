"""Resident ID numbers (GB 11643)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from branchtui.domain.errors import ValidationError
from branchtui.domain.idcard import IdInfo, make_id_number, mask, parse_id_number

CHECK_CHARS = "0123456789X"


def _refused(number):
    with pytest.raises(ValidationError) as info:
        parse_id_number(number)
    assert info.value.errors.keys() == {"id_number"}
    return info.value.errors["id_number"]


def _weighted_check(body17: str) -> str:
    """GB 11643 check character, computed independently of stdnum."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body17, weights))
    return "10X98765432"[total % 11]


def test_make_id_number_follows_the_standard():
    number = make_id_number("410402", dt.date(1980, 5, 17), 7)
    assert len(number) == 18
    assert number[:17] == "41040219800517007"
    assert number[17] == _weighted_check(number[:17])


def test_well_known_sample_number():
    # The sample number printed in GB 11643 itself.
    info = parse_id_number("11010519491231002X")
    assert info == IdInfo("11010519491231002X", dt.date(1949, 12, 31), "女")


@pytest.mark.parametrize("sequence, gender", [(7, "男"), (8, "女"), (1, "男"), (100, "女"), (999, "男")])
def test_valid_number_gives_birth_date_and_gender(sequence, gender):
    birth = dt.date(1980, 5, 17)
    number = make_id_number("410402", birth, sequence)
    info = parse_id_number(number)
    assert info.number == number
    assert info.birth_date == birth
    assert info.gender == gender
    assert int(number[16]) % 2 == (1 if gender == "男" else 0)


def test_lowercase_x_spaces_and_full_width_are_accepted():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"
    assert parse_id_number(" 110105 19491231 002X ").number == "11010519491231002X"
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert parse_id_number(full_width).number == "11010519491231002X"


def test_wrong_checksum_refused():
    number = make_id_number("410402", dt.date(1980, 5, 17), 7)
    wrong = "0" if number[-1] != "0" else "1"
    assert "校验位" in _refused(number[:-1] + wrong)


@pytest.mark.parametrize("number", ["41040219800517007", "4104021980051700741", "410402800517007", ""])
def test_wrong_length_refused(number):
    message = _refused(number)
    assert ("18 位" in message) or ("不能为空" in message)


@pytest.mark.parametrize("number", ["4104021980O5170074", "A10402198005170074", "41040219800517X074"])
def test_letters_refused(number):
    assert "前 17 位应为数字" in _refused(number)


def test_letter_as_check_character_refused():
    number = make_id_number("410402", dt.date(1980, 5, 17), 7)
    _refused(number[:-1] + "A")


@pytest.mark.parametrize("body", ["41040219800230007", "41040219801301007", "41040219810229007",
                                  "41040219800000007"])
def test_impossible_birth_date_refused(body):
    number = body + _weighted_check(body)  # valid checksum, so the date is what fails
    assert "出生日期不存在" in _refused(number)


def test_unknown_region_refused():
    number = make_id_number("419999", dt.date(1980, 5, 17), 7)
    assert "地区代码不存在" in _refused(number)


def test_unknown_province_refused():
    number = make_id_number("990101", dt.date(1980, 5, 17), 7)
    _refused(number)


def test_county_code_newer_than_birth_year_is_accepted():
    """410402 (新华区, 平顶山) exists from 1983; a member born in 1950 got it
    when numbers were issued in the 1980s. Deliberately accepted."""
    birth = dt.date(1950, 3, 8)
    number = make_id_number("410402", birth, 21)
    info = parse_id_number(number)
    assert info.birth_date == birth
    assert info.gender == "男"


def test_mask():
    assert mask("410402198005170071") == "4104**********0071"
    number = make_id_number("360402", dt.date(1990, 1, 2), 7)
    masked = mask(number)
    assert masked[:4] == "3604" and masked[-4:] == number[-4:]
    assert masked[4:14] == "*" * 10
    assert len(masked) == 18
    assert mask("1234") == "1234"


# ------------------------------------------------------------------ property

REGIONS = ("110101", "110105", "310101", "410402", "410403", "320102", "440305", "510104")


@settings(max_examples=80, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    birth=st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2010, 12, 31)),
    sequence=st.integers(0, 999),
    data=st.data(),
)
def test_changing_the_check_character_invalidates(region, birth, sequence, data):
    number = make_id_number(region, birth, sequence)
    info = parse_id_number(number)
    assert info.birth_date == birth
    assert info.gender == ("男" if sequence % 2 else "女")
    other = data.draw(st.sampled_from([c for c in CHECK_CHARS if c != number[-1]]))
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number[:-1] + other)
    assert exc.value.field == "id_number"
    assert "校验位" in str(exc.value)


@settings(max_examples=80, deadline=None)
@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2005, 12, 31)),
    sequence=st.integers(0, 999),
    position=st.integers(0, 16),
    delta=st.integers(1, 9),
)
def test_changing_any_single_digit_invalidates(birth, sequence, position, delta):
    number = make_id_number("410402", birth, sequence)
    digit = str((int(number[position]) + delta) % 10)
    changed = number[:position] + digit + number[position + 1:]
    with pytest.raises(ValidationError):
        parse_id_number(changed)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=25))
def test_arbitrary_text_only_raises_validation_error(text):
    try:
        info = parse_id_number(text)
    except ValidationError as exc:
        assert exc.field == "id_number"
    else:
        assert len(info.number) == 18
