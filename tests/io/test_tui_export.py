"""Ctrl+E on the list screens writes every matching row and says where."""

from __future__ import annotations

from tests.tui.conftest import app, settle, type_text  # noqa: F401  (app is a fixture)


def _rows(path):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


async def test_ctrl_e_on_members_and_loans(app, tmp_path, monkeypatch):
    monkeypatch.setenv("BRANCHTUI_EXPORT_DIR", str(tmp_path / "out"))
    notes = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify = lambda message, **kw: notes.append(str(message))
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await type_text(pilot, "zhang")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        files = sorted((tmp_path / "out").glob("党员名单-*.xlsx"))
        assert len(files) == 1 and any(str(files[0]) in n for n in notes), notes
        rows = _rows(files[0])
        assert "查找：zhang" in rows[1][0]
        shown = app.screen.query_one("#members").row_count
        assert shown and len([r for r in rows[4:] if r[0]]) == shown

        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        files = sorted((tmp_path / "out").glob("贷款台账-*.xlsx"))
        assert len(files) == 1
        loans = [r for r in _rows(files[0])[4:] if isinstance(r[0], float)]
        assert len(loans) == 49
