"""Ctrl+P from anywhere finds every area's keys, by pinyin initials too, in Chinese."""

from __future__ import annotations

from textual.command import CommandList

from tests.tui.conftest import settle, type_text


def offered(app) -> list[str]:
    options = app.screen.query_one(CommandList).options
    return [str(getattr(o.prompt, "renderable", o.prompt)) for o in options]


async def test_palette_finds_other_areas_by_initials_and_runs_there(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "xzdy")  # 新增党员
        await settle(pilot)
        shown = offered(app)
        assert any("新增党员" in s for s in shown), shown
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "branches"
        assert app.screen.__class__.__name__ == "MemberForm"


async def test_palette_says_no_match_in_chinese(app, monkeypatch):
    from branchtui.tui.palette import ChinesePalette

    monkeypatch.setattr(ChinesePalette, "_NO_MATCHES_COUNTDOWN", 0.001)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "qqqqqqq")
        await settle(pilot)
        await settle(pilot)
        shown = " ".join(offered(app))
        assert "没有找到匹配的命令" in shown and "No matches" not in shown
