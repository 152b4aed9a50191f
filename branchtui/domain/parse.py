"""Parsing what office staff type: dates, phone numbers, amounts, plain text.

Each parser returns a clean value or raises ``ValidationError`` for the
field it was given, with a Chinese message that says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from branchtui.domain.errors import ValidationError
from branchtui.i18n import _

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$"),
)


# Dates a person types for these records: births, joinings, meetings, loans.
# The bounds also keep date arithmetic (a birth date + 18 years) in range.
MIN_YEAR, MAX_YEAR = 1800, 2200
# The largest row id SQLite can store.
MAX_ID = 2**63 - 1


def _unreadable(field: str, label: str) -> ValidationError:
    return ValidationError(field, _("{label}的值无法识别").format(label=_(label)))


def _typed_text(value, field: str, label: str) -> str:
    """What was typed, as text: a string, a number, or nothing (None).

    Anything else (a list, a date object where text belongs, bytes …) is
    refused with the field's message rather than with a foreign exception.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise _unreadable(field, label)


def fold_width(text) -> str:
    """Full-width digits and punctuation (２００２．７．１) as half-width."""
    return unicodedata.normalize("NFKC", _typed_text(text, "text", "文字"))


def record_id(value) -> int | None:
    """The row id ``value`` names, or None when it cannot name a row (a
    getter then finds nothing and says so): ints and digit strings within
    SQLite's range; never a bool, a float, a huge number or an object."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 19):
            return None
        value = int(text)
    if not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return None
    return int(value)


def parse_date(value, field: str = "date", label: str = "日期", required: bool = True):
    """Accepts 2002-07-01, 20020701, 2002.7.1, 2002/7/1 and 2002年7月1日
    (and a date object; a datetime counts as its day)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _in_years(value, field, label)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        raise _unreadable(field, label)  # 20020701 as a number is not typed text
    text = fold_width(_typed_text(value, field, label)).strip()
    if not text:
        if required:
            raise ValidationError(field, _("{label}不能为空").format(label=_(label)))
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return _in_years(dt.date(year, month, day), field, label)
            except ValueError:
                raise ValidationError(
                    field, _("{label}“{text}”不是真实存在的日期").format(label=_(label), text=text)
                ) from None
    raise ValidationError(
        field,
        _("{label}格式不对：请写成 2002-07-01、20020701、2002.7.1 或 2002年7月1日").format(
            label=_(label)
        ),
    )


def _in_years(day: dt.date, field: str, label: str) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationError(field, _("{label}的年份应在 {lo} 到 {hi} 之间").format(
            label=_(label), lo=MIN_YEAR, hi=MAX_YEAR))
    return day


def as_day(value, field: str = "as_of", label: str = "日期") -> dt.date | None:
    """A day handed to a figure (as of when): None, a date, or a datetime (its
    day); anything else is the field's message."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise _unreadable(field, label)
    return _in_years(value, field, label)


def clean_text(value, field: str, label: str, max_len: int, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", _typed_text(value, field, label)).strip()
    if required and not text:
        raise ValidationError(field, _("{label}不能为空").format(label=_(label)))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in "\n\t" for ch in text):
        raise ValidationError(field, _("{label}含有不可见的控制字符").format(label=_(label)))
    if len(text) > max_len:
        raise ValidationError(
            field, _("{label}太长：最多 {n} 个字，现有 {m} 个").format(label=_(label), n=max_len, m=len(text))
        )
    return text


def _is_name_char(ch: str) -> bool:
    if ch in "·•. -":
        return True
    category = unicodedata.category(ch)
    return category.startswith("L")  # letters, including every CJK ideograph


def clean_name(value, field: str = "name", label: str = "姓名", max_len: int = 30) -> str:
    text = clean_text(value, field, label, max_len, required=True)
    bad = [ch for ch in text if not _is_name_char(ch)]
    if bad:
        raise ValidationError(
            field, _("{label}只能包含汉字、字母和间隔号“·”，不能有“{ch}”").format(label=_(label), ch=bad[0])
        )
    return text


_MOBILE = re.compile(r"^1\d{10}$")
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,5})?$")


def parse_mobile(value, field: str = "phone", label: str = "手机号码") -> str:
    text = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", _typed_text(value, field, label)))
    if not text:
        return ""
    if not _MOBILE.match(text):
        raise ValidationError(field, _("{label}应为以 1 开头的 11 位数字").format(label=_(label)))
    return text


def parse_phone(value, field: str = "phone", label: str = "电话") -> str:
    """A mobile number or a landline such as 0391-2345678."""
    text = unicodedata.normalize("NFKC", _typed_text(value, field, label)).strip().replace(" ", "")
    if not text:
        return ""
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    raise ValidationError(
        field, _("{label}应为 11 位手机号码或 0391-2345678 这样的座机号码").format(label=_(label))
    )


_MONEY = re.compile(r"^(-?\d+(?:\.\d+)?)(万)?(元)?$")


def parse_money(value, field: str = "amount", label: str = "金额", required: bool = False,
                allow_zero: bool = True) -> Decimal | None:
    """Accepts 3000, 3,000.00, ¥3000, 0.3万 and 5万元; yuan as a Decimal to the fen."""
    if isinstance(value, Decimal):
        if not value.is_finite():  # NaN, Infinity: no amount of money
            raise ValidationError(field, _("{label}不是有效的数字").format(label=_(label)))
        amount = value
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        text = unicodedata.normalize("NFKC", _typed_text(value, field, label)).strip()
        text = text.replace(",", "").replace("，", "")
        text = text.lstrip("¥￥").replace(" ", "")
        if not text:
            if required:
                raise ValidationError(field, _("{label}不能为空").format(label=_(label)))
            return None
        match = _MONEY.match(text)
        if not match:
            raise ValidationError(
                field, _("{label}应为数字，如 3000、3,000.00、0.3万 或 5万元").format(label=_(label))
            )
        try:
            amount = Decimal(match.group(1)) * (10000 if match.group(2) else 1)
        except InvalidOperation:
            raise ValidationError(field, _("{label}不是有效的数字").format(label=_(label))) from None
    if amount < 0:
        raise ValidationError(field, _("{label}不能为负数").format(label=_(label)))
    if amount == 0 and not allow_zero:
        raise ValidationError(field, _("{label}必须大于零").format(label=_(label)))
    if amount >= Decimal("1000000000"):  # before quantize, which overflows on absurd input
        raise ValidationError(field, _("{label}过大，请核对").format(label=_(label)))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(field, _("{label}最多精确到分（两位小数）").format(label=_(label)))
    return amount.quantize(Decimal("0.01"))


def parse_int(value, field: str, label: str, minimum: int = 0, maximum: int = 10**9,
              required: bool = False, default: int | None = None) -> int | None:
    """A whole number in [minimum, maximum]; blank (spaces, U+3000 included)
    gives ``default`` unless ``required``."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = int(value)
    else:
        text = unicodedata.normalize("NFKC", _typed_text(value, field, label)).strip()
        if not text:
            if required:
                raise ValidationError(field, _("{label}不能为空").format(label=_(label)))
            return default
        if not re.fullmatch(r"-?\d+", text, flags=re.ASCII):
            raise ValidationError(field, _("{label}应为整数").format(label=_(label)))
        if len(text) > 20:  # far out of any range, and int() of it would be slow
            raise ValidationError(
                field, _("{label}应在 {lo} 到 {hi} 之间").format(label=_(label), lo=minimum, hi=maximum))
        number = int(text)
    if not minimum <= number <= maximum:
        raise ValidationError(
            field, _("{label}应在 {lo} 到 {hi} 之间").format(label=_(label), lo=minimum, hi=maximum)
        )
    return number


def parse_choice(value, choices, field: str, label: str, required: bool = True) -> str:
    text = _typed_text(value, field, label).strip()
    if not text and not required:
        return ""
    if text not in choices:
        raise ValidationError(
            field, _("{label}应为以下之一：{choices}").format(
                label=_(label), choices=_("、").join(_(choice) for choice in choices))
        )
    return text
