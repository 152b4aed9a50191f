"""Cell values of real Excel files turned into what the domain parsers take,
with a message for each trap a clerk's file holds."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from branchtui.domain.errors import ValidationError
from branchtui.i18n import _

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel counts a 29 Feb 1900 that never was)
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
# Full-width digits and Latin letters (ＡＢ１２) and the ideographic space as
# their half-width selves; Chinese punctuation (，；：) stays as written.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code).isalnum()}
_FOLD[0x3000] = 0x20
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")


def text(value) -> str:
    """A cell as clean text: full-width digits, letters and spaces folded,
    numbers without Excel's trailing .0 (a phone number stored as a number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    folded = unicodedata.normalize("NFC", str(value)).translate(_FOLD)
    return folded.strip()


_PADDED_NAME = re.compile(r"^[\u3400-\u9fff](?:\s*[\u3400-\u9fff])+$")


def name(value) -> str:
    """A Chinese name padded to line up in a printed roster (李　娟, 王 小 明) is
    the name without the padding; a foreign name keeps its spaces."""
    cleaned = text(value)
    return re.sub(r"\s+", "", cleaned) if _PADDED_NAME.match(cleaned) else cleaned


def id_number(value, label: str = "身份证号码") -> str:
    """The ID number as typed, or the message that Excel already lost its last digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{int(value)}" if float(value).is_integer() else f"{value}"
        raise ValidationError("id_number", _(
            "{label}被 Excel 存成了数字（读到 {shown}）：Excel 只保留 15 位有效数字，末几位已经丢失，"
            "无法恢复。请把这一列设为“文本”格式，再重新输入这些号码").format(label=_(label), shown=shown))
    cleaned = text(value).replace(" ", "")
    if _SCIENTIFIC.match(cleaned):
        raise ValidationError("id_number", _(
            "{label}显示为科学计数法（{shown}）：Excel 把它当成数字，末几位已经丢失。"
            "请把这一列设为“文本”格式，再重新输入这些号码").format(label=_(label), shown=cleaned))
    if "*" in cleaned:
        raise ValidationError("id_number", _(
            "{label}是遮盖过的（{shown}）：这份文件是按只读或其他支部的权限导出的，请用含完整号码的文件导入").format(
            label=_(label), shown=cleaned))
    return cleaned.upper()


def date(value, field: str, label: str, *, month_ok: bool = False):
    """A date cell, an Excel serial number, or text (2002-07-01, 2002.7.1,
    2002年7月1日; with ``month_ok`` also 2002年7月 and 2002.7, as the 1st).

    Returns (date or None, month_only)."""
    if value is None or value == "":
        return None, False
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 18000101 <= number <= 21001231:  # 20020701 typed as a number
            return parse_text_date(f"{int(number)}", field, label, month_ok=month_ok)
        if 1 <= number < 2958466:  # an Excel serial, up to 9999-12-31
            return EXCEL_EPOCH + dt.timedelta(days=int(number)), False
        raise ValidationError(field, _("{label}“{v}”不是日期").format(label=_(label), v=value))
    return parse_text_date(text(value), field, label, month_ok=month_ok)


def parse_text_date(value: str, field: str, label: str, *, month_ok: bool = False):
    from branchtui.domain.parse import parse_date

    if month_ok:
        match = _MONTH_ONLY.match(value)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                raise ValidationError(field, _("{label}“{text}”不是真实存在的日期").format(
                    label=_(label), text=value))
            return dt.date(year, month, 1), True
    return parse_date(value, field, label, required=False), False
