"""The one table every screen uses: typed text shown as typed, long text cut
with an ellipsis, the identifying first column kept in place."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

# A cell wider than this is cut with "…": one 500-character name must not push
# every other column off an 80-column screen. The full text is in the record's own screen.
MAX_CELL = 24


def cell(value: object, limit: int = MAX_CELL) -> object:
    """A plain string becomes Text (DataTable would read "[/]" in it as markup)."""
    if isinstance(value, str):
        text = Text(value, no_wrap=True, overflow="ellipsis")
    elif isinstance(value, Text):
        text = value
    else:
        return value
    if text.cell_len > limit:
        text = text.copy()
        text.truncate(limit, overflow="ellipsis")
    return text


class Table(DataTable):
    def __init__(self, *args, fixed_columns: int = 1, max_cell: int = MAX_CELL, **kwargs) -> None:
        super().__init__(*args, fixed_columns=fixed_columns, **kwargs)
        self.max_cell = max_cell

    def add_row(self, *cells, **kwargs):
        return super().add_row(*(cell(c, self.max_cell) for c in cells), **kwargs)

    def add_rows(self, rows):
        return [self.add_row(*row) for row in rows]

    def add_column(self, label, *args, **kwargs):
        return super().add_column(cell(label), *args, **kwargs)

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, cell(value, self.max_cell), update_width=update_width)

    def update_cell_at(self, coordinate, value, *, update_width: bool = False) -> None:
        super().update_cell_at(coordinate, cell(value, self.max_cell), update_width=update_width)
