"""Importing the office's ledgers: read, map the columns by their headings,
check every row with the same domain rules as a typed record, then write
all of it in one transaction (or only the good rows, on request).

``plan_import`` reads and checks without writing; ``apply_import`` writes a
plan. Rows are matched to what the database holds by ID number (equipment:
by asset number, or room, name and purchase date), so importing the same
file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from branchtui.domain import access, audit
from branchtui.domain.errors import DomainError, ValidationError
from branchtui.i18n import _
from branchtui.io import cells
from branchtui.io.columns import IGNORED, KINDS, NOTE_STARTS, TOTALS, Column, find, lookup, normalise
from branchtui.io.read import ImportFileError, read_sheets

NEW, UPDATE, SAME, ERROR = "新增", "更新", "不变", "错误"
HEADER_SCAN_ROWS = 30


@dataclass
class Row:
    line: int  # the row number in the file, as Excel shows it
    cells: list
    data: dict = field(default_factory=dict)
    status: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # column label → message
    record_id: int | None = None
    changed: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return _("；").join(f"{_(label)}：{message}" if label else message
                           for label, message in self.errors.items())


@dataclass
class Plan:
    kind: str
    path: Path
    sheet: str
    header_line: int
    headers: list
    columns: dict[int, Column]  # cell index → column
    unknown: list[str]
    rows: list[Row]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def bad(self) -> list[Row]:
        return [row for row in self.rows if row.status == ERROR]

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in (NEW, UPDATE, SAME, ERROR)}


class ImportRefused(DomainError):
    """Some rows are bad and --skip-bad was not given: nothing was written."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(_("{n} 行有错误，未导入任何数据（改正后重新导入，或加 --skip-bad 只导入正确的行）").format(
            n=len(plan.bad)))


# ----------------------------------------------------------------- reading

def _find_header(rows: list[list], table: dict[str, Column]) -> tuple[int, dict[int, Column]] | None:
    """The row below any title rows whose cells name the most known columns."""
    best = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {}
        for col, cell in enumerate(row):
            column = find(table, cell) if isinstance(cell, str) else None
            if column is not None and column not in found.values():
                found[col] = column
        keys = {c.key for c in found.values()}
        if "name" in keys and len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (index, found)
    return best


def _fill_merged(rows: list[list], merged) -> None:
    """A merged cell (a branch's name spanning its members' rows) holds its
    value in its first cell only: give it to every cell it covers."""
    for (top, left), (bottom, right) in merged or ():
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, right + 1):
                while len(row) <= c:
                    row.append(None)
                if row[c] is None:
                    row[c] = value


def _is_note(row: list, columns: dict[int, Column]) -> bool:
    values = [cell for cell in row if cell not in (None, "")]
    if not values:
        return True
    if not any(row[i] not in (None, "") for i in columns if i < len(row)):
        return True  # nothing under any heading we import: a remark beside the table
    first = cells.text(values[0])
    if first.replace(" ", "").startswith(TOTALS):
        return True
    name_col = next((i for i, c in columns.items() if c.key == "name"), None)
    name_empty = name_col is None or name_col >= len(row) or row[name_col] in (None, "")
    return name_empty and first.startswith(NOTE_STARTS)


def read_plan_rows(kind: str, path: str | Path):
    """The sheet, header line, headings, mapped columns, unknown headings and data rows of a file."""
    table = lookup(KINDS[kind])
    sheets = read_sheets(path)
    for name, rows, merged in _with_merges(path, sheets):
        header = _find_header(rows, table)
        if header is None:
            continue
        index, columns = header
        _fill_merged(rows, merged)
        headers = rows[index]
        unknown = [cells.text(h) for i, h in enumerate(headers)
                   if i not in columns and cells.text(h) and normalise(h) not in IGNORED]
        data = [Row(line, row) for line, row in enumerate(rows[index + 1:], start=index + 2)
                if not _is_note(row, columns)]
        return name, index + 1, headers, columns, unknown, data
    wanted = _("、").join(c.label for c in KINDS[kind][:6])
    raise ImportFileError(_("没有找到表头：前 {n} 行里应有“姓名”等列名（如 {wanted}）").format(
        n=HEADER_SCAN_ROWS, wanted=wanted))


def _with_merges(path, sheets):
    merges = {}
    if Path(path).suffix.lower() not in (".csv", ".txt"):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(path))
            for i, name in enumerate(book.sheet_names):
                merges[name] = book.get_sheet_by_index(i).merged_cell_ranges
        except Exception:  # merges are a nicety: .xls and .ods may not report them
            pass
    for name, rows in sheets:
        yield name, rows, merges.get(name)


# ----------------------------------------------------------------- per kind

class _Branches:
    """Branch names as offices write them: the name, its community, or a slip (suggest the closest)."""

    def __init__(self, default: str | None):
        from branchtui.store.models import Branch

        self.by_name = {}
        for bid, name, community in Branch.select(Branch.id, Branch.name, Branch.community).tuples():
            self.by_name[cells.text(name)] = bid
            if community:
                self.by_name.setdefault(cells.text(community), bid)
        self.names = [cells.text(n) for n, in Branch.select(Branch.name).tuples()]
        self.default = None
        if default:
            self.default = self.resolve(default, "branch")
        self.writable: dict[int | None, bool] = {}

    def resolve(self, value, label: str = "所在支部", *, required: bool = True) -> int | None:
        name = cells.text(value)
        if not name:
            if self.default is not None:
                return self.default
            if required:
                raise ValidationError(label, _("所在支部不能为空（或用 --branch 指定）"))
            return None
        if name in self.by_name:
            return self.by_name[name]
        close = difflib.get_close_matches(name, self.names, n=1, cutoff=0.5)
        ends = [n for n in self.names if n.endswith(name) or name.endswith(n)]
        hint = close[0] if close else (ends[0] if len(ends) == 1 else None)
        if hint:
            raise ValidationError(label, _("支部“{name}”不存在，是否是“{hint}”？").format(name=name, hint=hint))
        raise ValidationError(label, _("支部“{name}”不存在").format(name=name))

    def may_write(self, branch_id: int | None) -> bool:
        if branch_id not in self.writable:
            self.writable[branch_id] = access.allowed(access.WRITE, branch_id)
        return self.writable[branch_id]


def _take(row_values: dict, errors: dict, key: str, label: str, convert, *args, **kwargs):
    try:
        return convert(row_values.get(key), *args, **kwargs)
    except ValidationError as exc:
        errors.setdefault(label, next(iter(exc.errors.values())))
        return None


def _date_cell(value, label, *, month_ok=False):
    return cells.date(value, label, label, month_ok=month_ok)


class _Kind:
    """What differs between members, borrowers and equipment."""

    model = None
    fields: tuple[str, ...] = ()

    def __init__(self, branches: _Branches, today: dt.date):
        self.branches = branches
        self.today = today

    def label(self, field_key: str) -> str:
        return next((c.label for c in KINDS[self.kind] if c.key == field_key), field_key)

    def existing(self, rows: list[Row]) -> dict:
        return {}

    def current(self, record) -> dict:
        """The record's values as the validator returns them (foreign keys as ids)."""
        return {key: record.__data__.get(key) for key in self.fields}


class _Members(_Kind):
    kind = "members"
    fields = ("branch", "name", "gender", "ethnicity", "birth_date", "id_number", "education", "join_date",
              "full_date", "phone", "status", "notes")

    def prepare(self, v: dict, present: set[str], errors: dict) -> tuple[dict, str | None]:
        data = {}
        number = _take(v, errors, "id_number", "身份证号码", cells.id_number)
        if number is not None:
            data["id_number"] = number
        if "branch" in present or self.branches.default is not None:
            branch = _take(v, errors, "branch", "所在支部", self.branches.resolve)
            data["branch"] = str(branch) if branch else ""
        else:
            errors["所在支部"] = _("文件中没有“所在支部”一列：请加上这一列，或用 --branch 指定支部")
        if "name" in present:
            data["name"] = cells.name(v.get("name"))
        for key in ("gender", "ethnicity", "education", "phone", "status", "notes"):
            if key in present:
                data[key] = cells.text(v.get(key))
        for key, label in (("birth_date", "出生日期"), ("join_date", "入党时间"), ("full_date", "转正时间")):
            if key in present:
                day, month_only = _take(v, errors, key, label, _date_cell, label, month_ok=True) or (None, False)
                if month_only and key == "birth_date" and number:
                    day = _birth_in(number, day)
                data[key] = day
        category = cells.text(v.get("category")).replace("党员", "")
        if category and category not in ("正式", "预备"):
            errors.setdefault("人员类别", _("人员类别应为“正式党员”或“预备党员”"))
        return data, category or None

    def check_category(self, category: str | None, values: dict, errors: dict) -> None:
        full = values.get("full_date")
        if category == "正式" and (full is None or full > self.today):
            errors.setdefault("转正时间", _("人员类别为正式党员，但没有填转正时间"))
        elif category == "预备" and full is not None and full <= self.today:
            errors.setdefault("转正时间", _("人员类别为预备党员，但填了转正时间 {d}").format(d=full.isoformat()))

    def existing(self, rows):
        from branchtui.store.models import Member

        numbers = [r.data.get("id_number") for r in rows if r.data.get("id_number")]
        found = {}
        for start in range(0, len(numbers), 500):
            for member in Member.select().where(Member.id_number << numbers[start:start + 500]):
                found[member.id_number] = member
        return found

    def base(self, record) -> dict:
        values = self.current(record)
        values["branch"] = str(record.branch_id)
        return values

    def validate(self, data, record_id):
        from branchtui.domain.members import validate_member

        return validate_member(data, member_id=record_id, today=self.today)

    def write(self, data, record_id):
        from branchtui.domain.members import create_member, update_member

        if record_id is None:
            return create_member(data, today=self.today).id
        return update_member(record_id, data, today=self.today).id

    def branch_of(self, values):
        return values.get("branch")


def _birth_in(number: str, month_start: dt.date | None) -> dt.date | None:
    """出生年月 1970.3 beside an ID number: the day is the ID's when the month agrees."""
    from branchtui.domain.idcard import parse_id_number

    try:
        info = parse_id_number(number)
    except ValidationError:
        return month_start
    if month_start and (info.birth_date.year, info.birth_date.month) == (month_start.year, month_start.month):
        return info.birth_date
    return month_start


class _Borrowers(_Kind):
    kind = "borrowers"
    fields = ("name", "id_number", "phone", "address", "status", "certificate_no", "branch", "notes")

    def prepare(self, v, present, errors):
        data = {}
        number = _take(v, errors, "id_number", "身份证号码", cells.id_number)
        if number is not None:
            data["id_number"] = number
        if "branch" in present or self.branches.default is not None:
            branch = _take(v, errors, "branch", "所在支部", self.branches.resolve, required=False)
            data["branch"] = str(branch) if branch else ""
        if "name" in present:
            data["name"] = cells.name(v.get("name"))
        for key in ("phone", "address", "status", "certificate_no", "notes"):
            if key in present:
                data[key] = cells.text(v.get(key))
        return data, None

    def check_category(self, category, values, errors):
        pass

    def existing(self, rows):
        from branchtui.store.models import Borrower

        numbers = [r.data.get("id_number") for r in rows if r.data.get("id_number")]
        found = {}
        for start in range(0, len(numbers), 500):
            for borrower in Borrower.select().where(Borrower.id_number << numbers[start:start + 500]):
                found[borrower.id_number] = borrower
        return found

    def base(self, record):
        values = self.current(record)
        values["branch"] = str(record.branch_id) if record.branch_id else ""
        values["sample"] = record.sample
        return values

    def validate(self, data, record_id):
        from branchtui.domain.loans.borrowers import validate_borrower

        values = validate_borrower(data, borrower_id=record_id, today=self.today)
        values.pop("sample", None)
        values.pop("birth_date", None)
        values.pop("gender", None)
        return values

    def write(self, data, record_id):
        from branchtui.domain.loans.borrowers import save_borrower

        return save_borrower(data, borrower_id=record_id, today=self.today).id

    def branch_of(self, values):
        return values.get("branch")


class _Equipment(_Kind):
    kind = "equipment"
    fields = ("room", "item", "name", "asset_no", "purchase_date", "cost", "funding", "condition", "notes")

    def __init__(self, branches, today):
        super().__init__(branches, today)
        from branchtui.domain.standards import current_standard
        from branchtui.store.models import Room

        self.rooms = {}
        self.room_branch = {}
        for rid, name, bid in Room.select(Room.id, Room.name, Room.branch).tuples():
            self.rooms[cells.text(name)] = rid
            self.room_branch[rid] = bid
        self.room_of_branch = {bid: rid for rid, bid in self.room_branch.items()}
        standard = current_standard()
        self.items = {cells.text(item.name): item.id for item in (standard.items if standard else ())}

    def prepare(self, v, present, errors):
        data = {}
        room = None
        room_name = cells.text(v.get("room"))
        if "branch" in present and cells.text(v.get("branch")) or not room_name:
            # A branch has one room: its name is the surer key (room names repeat).
            branch = _take(v, errors, "branch", "所在支部", self.branches.resolve)
            if branch is not None:
                room = self.room_of_branch.get(branch)
                if room is None:
                    errors.setdefault("所在支部", _("该支部还没有登记活动室"))
        else:
            room = self.rooms.get(room_name)
            if room is None:
                close = difflib.get_close_matches(room_name, list(self.rooms), n=1, cutoff=0.5)
                errors.setdefault("活动室", _("活动室“{name}”不存在").format(name=room_name)
                                  + (_("，是否是“{hint}”？").format(hint=close[0]) if close else ""))
        data["room"] = str(room) if room else ""
        item_name = cells.text(v.get("item"))
        if item_name:
            item = self.items.get(item_name)
            if item is None:
                errors.setdefault("标准项目", _("“{name}”不是现行标准的项目（{items}）").format(
                    name=item_name, items=_("、").join(self.items)))
            data["item"] = str(item or "")
        elif "item" in present:
            data["item"] = ""
        for key in ("name", "asset_no", "funding", "condition", "notes"):
            if key in present:
                data[key] = cells.text(v.get(key))
        if "cost" in present:
            cost = v.get("cost")
            data["cost"] = cells.text(cost) if not isinstance(cost, float) else f"{cost:.2f}"
        if "purchase_date" in present:
            data["purchase_date"] = (_take(v, errors, "purchase_date", "购置日期", _date_cell, "购置日期")
                                     or (None, False))[0]
        return data, None

    def check_category(self, category, values, errors):
        pass

    def key(self, data) -> tuple:
        if data.get("asset_no"):
            return (data.get("room"), "asset", data["asset_no"])
        return (data.get("room"), "name", data.get("name"), data.get("purchase_date"))

    def existing(self, rows):
        from branchtui.store.models import Equipment

        rooms = {int(r.data["room"]) for r in rows if r.data.get("room")}
        found = {}
        for piece in Equipment.select().where(Equipment.room << list(rooms)) if rooms else ():
            data = {"room": str(piece.room_id), "asset_no": piece.asset_no, "name": piece.name,
                    "purchase_date": piece.purchase_date}
            found.setdefault(self.key(data), piece)
        return found

    def base(self, record):
        values = self.current(record)
        values["room"] = str(record.room_id)
        values["item"] = str(record.item_id or "")
        return values

    def validate(self, data, record_id):
        from branchtui.domain.equipment import validate_equipment

        return validate_equipment(data, today=self.today)

    def write(self, data, record_id):
        from branchtui.domain.equipment import save_equipment

        return save_equipment(data, equipment_id=record_id, today=self.today).id

    def branch_of(self, values):
        return self.room_branch.get(values.get("room"))


HANDLERS = {"members": _Members, "borrowers": _Borrowers, "equipment": _Equipment}


def _match_key(handler, data):
    if isinstance(handler, _Equipment):
        return handler.key(data)
    return data.get("id_number")


def _field_labels(kind: str) -> dict[str, str]:
    labels = {c.key: c.label for c in KINDS[kind]}
    labels.update(room="活动室", item="标准项目", gender="性别", birth_date="出生日期")
    return labels


def plan_import(kind: str, path: str | Path, *, branch: str | None = None, today: dt.date | None = None,
                progress: Callable[[int, int], None] | None = None) -> Plan:
    """Read ``path`` and check every row; nothing is written."""
    if kind == "loans":
        from branchtui.io.loan_import import plan_loans

        return plan_loans(path, branch=branch, today=today, progress=progress)
    if kind not in HANDLERS:
        raise ImportFileError(_("不能导入“{kind}”：可导入 {kinds}").format(
            kind=kind, kinds=", ".join(KINDS)))
    today = today or dt.date.today()
    sheet, header_line, headers, columns, unknown, rows = read_plan_rows(kind, path)
    branches = _Branches(branch)
    handler = HANDLERS[kind](branches, today)
    labels = _field_labels(kind)
    present = {c.key for c in columns.values()}
    categories = {}
    for row in rows:
        values = {column.key: (row.cells[i] if i < len(row.cells) else None) for i, column in columns.items()}
        row.data, categories[row.line] = handler.prepare(values, present, row.errors)
    existing = handler.existing(rows)
    seen: dict = {}
    for done, row in enumerate(rows, start=1):
        key = _match_key(handler, row.data)
        record = existing.get(key) if key else None
        if key and key in seen:
            row.errors.setdefault(labels.get("id_number", ""), _("与第 {line} 行重复").format(line=seen[key]))
        elif key:
            seen[key] = row.line
        if record is not None:
            row.record_id = record.id
            row.data = {**handler.base(record), **row.data}
        if not row.errors:
            try:
                values = handler.validate(row.data, row.record_id)
            except ValidationError as exc:
                for key_, message in exc.errors.items():
                    row.errors.setdefault(labels.get(key_, key_), message)
            else:
                handler.check_category(categories.get(row.line), values, row.errors)
                if not row.errors and not branches.may_write(handler.branch_of(values)):
                    row.errors[""] = _("您没有写入该支部记录的权限")
                if not row.errors and record is not None:
                    now = handler.current(record)
                    row.changed = tuple(labels.get(k, k) for k in values if k in now and now[k] != values[k])
        row.status = ERROR if row.errors else NEW if record is None else UPDATE if row.changed else SAME
        if progress:
            progress(done, len(rows))
    return Plan(kind, Path(path), sheet, header_line, headers, columns, unknown, rows)


@dataclass(frozen=True)
class Outcome:
    created: int
    updated: int
    unchanged: int
    skipped: int
    errors_file: Path | None


def apply_import(plan: Plan, *, skip_bad: bool = False, today: dt.date | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Write a plan in one transaction: every good row, or nothing while any row is bad
    (unless ``skip_bad``: then the bad rows go to FILE.errors.xlsx)."""
    if plan.bad and not skip_bad:
        raise ImportRefused(plan)
    today = today or dt.date.today()
    if plan.kind == "loans":
        from branchtui.io.loan_import import write_loans

        def write_rows(rows, tick):
            write_loans(rows, tick, today=today)
    else:
        handler = HANDLERS[plan.kind](_Branches(None), today)

        def write_rows(rows, tick):
            for row in rows:
                row.record_id = handler.write(row.data, row.record_id)
                tick()

    todo = [row for row in plan.rows if row.status in (NEW, UPDATE)]
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress:
            progress(done, len(todo))

    line = None
    try:
        with audit.transaction():
            for row in todo:
                line = row.line
                # The rules are checked again here, in the transaction: the
                # plan may be minutes old and others write too.
                write_rows([row], tick)
            line = None
            audit.record("import", None, "import", None, {
                "kind": plan.kind, "file": plan.path.name, "sheet": plan.sheet,
                "created": [r.record_id for r in todo if r.status == NEW],
                "updated": [r.record_id for r in todo if r.status == UPDATE],
                "skipped_lines": [r.line for r in plan.bad]})
    except DomainError as exc:
        where = _("第 {line} 行：").format(line=line) if line else ""
        raise DomainError(_("导入已撤销，未写入任何数据。{where}{reason}").format(where=where, reason=exc)) from None
    errors_file = None
    if plan.bad:
        from branchtui.io.xlsx import write_errors

        errors_file = write_errors(plan)
    return Outcome(plan.count(NEW), plan.count(UPDATE), plan.count(SAME), len(plan.bad), errors_file)
