"""A fix for Textual's DataTable (8.2.8), installed once by the app.

DataTable caches every rendered cell under a key that leaves out the
column's width, and measures new rows only when its message queue is idle.
A paint that falls between ``add_row()`` and that idle pass caches the cells
cut to the header's width, and they stay cut after the columns have been
measured (the overview's branch names read "居民" until F5; a snapshot
failed one run in four on a loaded machine). Dropping the caches whenever
measuring changed a column's width makes the next paint right.
"""

from __future__ import annotations

from textual.widgets import DataTable

_measure = DataTable._update_dimensions


def _widths(table: DataTable) -> list[int]:
    return [column.get_render_width(table) for column in table.ordered_columns]


def _update_dimensions(self: DataTable, new_rows) -> None:
    before = _widths(self)
    _measure(self, new_rows)
    if _widths(self) != before:
        self._clear_caches()
        self.refresh()


def install() -> None:
    if DataTable._update_dimensions is not _update_dimensions:
        DataTable._update_dimensions = _update_dimensions
