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


def fold_width(text: str) -> str:
    """Full-width digits and punctuation (２００２．７．１) as half-width."""
    return unicodedata.normalize("NFKC", text)


def parse_date(value, field: str = "date", label: str = "日期", required: bool = True):
    """Accepts 2002-07-01, 20020701, 2002.7.1, 2002/7/1 and 2002年7月1日."""
    if isinstance(value, dt.date):
        return value
    text = fold_width(value or "").strip()
    if not text:
        if required:
            raise ValidationError(field, _("{label}不能为空").format(label=_(label)))
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
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


def clean_text(value, field: str, label: str, max_len: int, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
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
    text = re.sub(r"[\s-]", "", fold_width(value or ""))
    if not text:
        return ""
    if not _MOBILE.match(text):
        raise ValidationError(field, _("{label}应为以 1 开头的 11 位数字").format(label=_(label)))
    return text


def parse_phone(value, field: str = "phone", label: str = "电话") -> str:
    """A mobile number or a landline such as 0391-2345678."""
    text = fold_width(value or "").strip().replace(" ", "")
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
        amount = value
    else:
        text = fold_width(str(value or "")).strip().replace(",", "").replace("，", "")
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
              required: bool = False) -> int | None:
    if isinstance(value, int):
        number = value
    else:
        text = fold_width(str(value or "")).strip()
        if not text:
            if required:
                raise ValidationError(field, _("{label}不能为空").format(label=_(label)))
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError(field, _("{label}应为整数").format(label=_(label)))
        number = int(text)
    if not minimum <= number <= maximum:
        raise ValidationError(
            field, _("{label}应在 {lo} 到 {hi} 之间").format(label=_(label), lo=minimum, hi=maximum)
        )
    return number


def parse_choice(value, choices, field: str, label: str, required: bool = True) -> str:
    text = (value or "").strip()
    if not text and not required:
        return ""
    if text not in choices:
        raise ValidationError(
            field, _("{label}应为以下之一：{choices}").format(
                label=_(label), choices=_("、").join(_(choice) for choice in choices))
        )
    return text
