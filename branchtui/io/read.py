"""Reading a sheet as rows of cells, whatever program wrote the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from branchtui.domain.errors import DomainError
from branchtui.i18n import _

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class ImportFileError(DomainError):
    """The file itself cannot be read (missing, not a spreadsheet, locked)."""


def _decode(data: bytes) -> str:
    # UTF-8 (with or without the BOM Excel adds) first; then GB18030, which
    # Chinese Excel writes for "CSV" and which contains GBK and GB2312.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件的编码：请另存为 UTF-8 或 GB18030 编码的 CSV，或 Excel 文件"))


def read_sheets(path: str | Path) -> list[tuple[str, list[list]]]:
    """Each sheet's name and rows; row i is the file's row i + 1. Cells are
    str, int, float, bool, date, datetime or None, as the file holds them."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(_("找不到文件：{path}").format(path=path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        text = _decode(path.read_bytes())
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return [(path.stem, [[cell if cell != "" else None for cell in row] for row in rows])]
    if suffix not in SPREADSHEETS:
        raise ImportFileError(_("不支持的文件类型“{suffix}”：请用 .xlsx、.xls、.ods 或 .csv").format(
            suffix=path.suffix))
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for index, name in enumerate(book.sheet_names):
            sheet = book.get_sheet_by_index(index)
            # skip_empty_area=False: rows from A1, so that row numbers are the file's
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append((name, [[None if c == "" else c for c in row] for row in rows]))
        return sheets
    except Exception as exc:  # calamine raises its own errors and zip/xml ones
        if type(exc).__name__ == "PasswordError":
            raise ImportFileError(_("文件有密码保护：请在 Excel 中取消密码后再导入")) from None
        raise ImportFileError(_("无法读取“{name}”：文件已损坏或不是表格文件（{error}）").format(
            name=path.name, error=exc)) from None
