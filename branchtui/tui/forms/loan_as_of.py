"""截至日期: the date the overview and the loan screens show the book as of.

Figures as of a past date come from the records made by then (see
``domain/loans/history.py``); an empty date goes back to today.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from branchtui.domain.errors import ValidationError
from branchtui.domain.parse import parse_date
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


def as_of(app) -> dt.date:
    """The date the figures are shown as of: the one chosen, else today."""
    return getattr(app, "loans_as_of", None) or app.today


def as_of_note(app) -> str:
    """A reminder in a screen's title while a past date is shown."""
    day = as_of(app)
    return "" if day == app.today else _("（截至 {d}）").format(d=day.isoformat())


def _check(value: str):
    return parse_date(value, "date", "截至日期", required=False)


class AsOfForm(FormScreen):
    SAVE_AND_NEXT = False
    NEW_TITLE = "截至日期"
    FIELDS = [FieldSpec("date", "截至日期", placeholder=_("留空为今天"), check=_check)]

    def load(self) -> dict[str, Any]:
        day = as_of(self.app)
        return {"values": {"date": "" if day == self.app.today else day.isoformat()}, "options": {}}

    def save(self, values: dict[str, str]):
        day = _check(values.get("date", ""))
        if day and day > self.app.today:
            raise ValidationError("date", _("截至日期不能晚于今天"))
        return SimpleNamespace(id=None, day=day)

    def saved_label(self, record) -> str:
        return _("截至 {d}").format(d=(record.day or self.app.today).isoformat())

    def _saved(self, record, then_next: bool) -> None:
        self.app.loans_as_of = record.day
        super()._saved(record, then_next)
