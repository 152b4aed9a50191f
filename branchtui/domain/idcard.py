"""Resident ID numbers (居民身份证, GB 11643) via stdnum.cn.ric."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from branchtui.domain.errors import ValidationError
from branchtui.domain.parse import fold_width
from branchtui.i18n import _


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # 男 / 女


def parse_id_number(value, field: str = "id_number", label: str = "身份证号码") -> IdInfo:
    from stdnum import exceptions
    from stdnum.cn import ric

    text = fold_width(value or "").strip().upper().replace(" ", "")
    label = _(label)
    if not text:
        raise ValidationError(field, _("{label}不能为空").format(label=label))
    try:
        number = ric.validate(text)
    except exceptions.InvalidLength:
        raise ValidationError(field, _("{label}应为 18 位，现为 {n} 位").format(label=label, n=len(text))) from None
    except exceptions.InvalidFormat:
        raise ValidationError(field, _("{label}前 17 位应为数字，末位为数字或 X").format(label=label)) from None
    except exceptions.InvalidChecksum:
        raise ValidationError(field, _("{label}校验位不对，请核对每一位").format(label=label)) from None
    except (exceptions.InvalidComponent, KeyError):  # stdnum raises KeyError for some unknown codes
        number = _accept_older_region(text, field, label)
    gender = "男" if int(number[16]) % 2 else "女"
    birth = ric.get_birth_date(number)
    # A birth year of 3000 passes the checksum: the mistake is in this number, said here.
    if not dt.date(1900, 1, 1) <= birth <= dt.date.today():
        raise ValidationError(field, _("{label}中的出生日期 {date} 不可能，请核对第 7–14 位").format(
            label=label, date=birth.isoformat()))
    return IdInfo(number, birth, gender)


def _accept_older_region(number: str, field: str, label: str) -> str:
    """stdnum refuses a county code created after the birth year, but numbers
    were issued from 1984 on, so a member born in 1950 carries a code from
    the 1980s. A real birth date and a region code known at any time pass."""
    from stdnum import exceptions, numdb
    from stdnum.cn import ric

    try:
        ric.get_birth_date(number)
    except exceptions.InvalidComponent:
        raise ValidationError(field, _("{label}中的出生日期不存在").format(label=label)) from None
    parts = numdb.get("cn/loc").info(number[:6])
    if "".join(part for part, _props in parts) != number[:6] or not parts[-1][1]:
        raise ValidationError(field, _("{label}中的地区代码不存在").format(label=label))
    return number


def mask(number: str) -> str:
    """3604**********0071: region and the last four only."""
    if not isinstance(number, str):
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else number


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A valid number for generated (demo) people: sequence's parity is the gender."""
    from stdnum.cn import ric

    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")
