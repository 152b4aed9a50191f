"""The new-loan form fills what it can: 推荐支部 from the borrower, and a schedule
preview that one mistyped date does not blank."""

from __future__ import annotations

from textual.widgets import Static

from branchtui.domain.branches import branch_choices
from branchtui.domain.loans.borrowers import search_borrowers
from tests.tui.conftest import settle, type_text


async def open_loan_form(pilot):
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    return pilot.app.screen


async def test_branch_follows_the_chosen_borrower(app):
    branch_ids = {name: str(bid) for name, bid in branch_choices()}
    borrowers = [b for b in search_borrowers(limit=2000) if b.branch]
    first, other = borrowers[0], next(b for b in borrowers if b.branch != borrowers[0].branch)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_loan_form(pilot)
        form.set_value("borrower", str(first.id))
        await pilot.pause()
        assert form.values()["branch"] == branch_ids[first.branch]
        form.set_value("borrower", str(other.id))
        await pilot.pause()
        assert form.values()["branch"] == branch_ids[other.branch]


async def test_preview_survives_a_mistyped_unrelated_date(app):
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_loan_form(pilot)
        form.widget("amount").focus()
        await type_text(pilot, "30000")
        form.widget("approved").focus()
        await type_text(pilot, "2026-13-45")
        await pilot.pause()
        preview = str(form.query_one("#preview", Static).render())
        assert "首期" in preview and "利息合计" in preview


async def test_loan_search_runs_once_per_pause_in_typing(app, monkeypatch):
    from branchtui.tui.screens.loans import LoansScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoansScreen)
        loads = []
        real_reload = screen.reload
        monkeypatch.setattr(screen, "reload", lambda: (loads.append(1), real_reload()))
        monkeypatch.setattr(screen, "SEARCH_PAUSE", 0.2)
        search = screen.query_one("#search")
        for text in ("洗", "洗车", "洗车店"):
            search.value = text
        for _ in range(100):  # the pause in typing: wait for the one search it starts
            await pilot.pause(0.05)
            if loads:
                break
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(loads) == 1, "three keystrokes, one search of the book"
