"""Custom fields. Money is integer fen at rest and ``Decimal`` yuan in Python."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from peewee import BigIntegerField

FEN = Decimal("0.01")


def to_fen(yuan: Decimal | int | str) -> int:
    """Yuan to integer fen, rounded half up (四舍五入) as the lender does."""
    return int((Decimal(yuan).quantize(FEN, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def from_fen(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(FEN)


class MoneyField(BigIntegerField):
    """Stores integer fen; reads and writes ``Decimal`` yuan.

    Never a float and never ``DecimalField``: SQLite would keep that as REAL.
    """

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must not be a float; use Decimal")
        return to_fen(value)

    def python_value(self, value):
        return None if value is None else from_fen(value)


RATE_SCALE = 10000  # 9.4822 % a year is stored as 94822


class RateField(BigIntegerField):
    """An annual rate in percent, exact to 1/10000 of a percent, as an integer."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("rates must not be floats; use Decimal")
        return int((Decimal(value) * RATE_SCALE).to_integral_value(rounding=ROUND_HALF_UP))

    def python_value(self, value):
        return None if value is None else (Decimal(int(value)) / RATE_SCALE).normalize()
