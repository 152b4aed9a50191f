"""Typed text is shown as typed on every screen: names that look like markup
(``[/]``, ``[bold]``, ``[link=…]``) neither break a screen nor vanish."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.tui.conftest import settle

HOSTILE = {
    "branch": "居民[/]一支部",
    "community": "[bold]东关社区",
    "note": "[/b]",
    "item": "[/]VCD",
    "room": "[link=https://example.org]活动室",
    "business": "[bold red]洗车",
    "topic": "[/][b]学习",
    "campaign": "[@click=app.quit]先进性教育",
}


@pytest.fixture
def hostile(demo_db):
    from branchtui.store.models import (
        Activity, Branch, Campaign, FiguresCache, Loan, Member, Room, StandardItem,
    )

    Branch.update(name=HOSTILE["branch"], community=HOSTILE["community"]).where(
        Branch.id == Branch.select().order_by(Branch.id).first().id).execute()
    Member.update(notes=HOSTILE["note"]).execute()
    StandardItem.update(name=HOSTILE["item"]).where(StandardItem.name == "VCD").execute()
    Room.update(name=HOSTILE["room"], address=HOSTILE["note"]).execute()
    Loan.update(business=HOSTILE["business"]).execute()
    Activity.update(topic=HOSTILE["topic"]).execute()
    Campaign.update(name=HOSTILE["campaign"]).execute()
    FiguresCache.delete().execute()
    return HOSTILE


def screen_text(app) -> str:
    """Every cell and every static text of the current screen, as plain text."""
    parts = []
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts.extend(str(value) for value in table.get_row_at(row))
    for widget in app.screen.query("Static"):
        parts.append(str(widget.render()))
    return "\n".join(parts)


async def visit(pilot, *keys: str) -> str:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return screen_text(pilot.app)


async def test_every_screen_shows_hostile_names_literally(app, hostile):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert hostile["branch"] in shown
        shown = await visit(pilot, "enter")  # branch detail
        assert hostile["branch"] in shown and hostile["community"] in shown
        await visit(pilot, "escape")
        assert hostile["topic"] is not None
        await visit(pilot, "f9")  # audit viewer
        await visit(pilot, "escape")
        shown = await visit(pilot, "f3")
        assert hostile["branch"] in shown and hostile["community"] in shown
        await visit(pilot, "ctrl+o")  # the edit form, names in its fields and selects
        await visit(pilot, "escape", "escape")
        await visit(pilot, "ctrl+n")
        await visit(pilot, "escape", "escape")
        shown = await visit(pilot, "f4")
        shown = await visit(pilot, "ctrl+r")  # room detail
        assert hostile["room"] in shown
        await visit(pilot, "escape")
        shown = await visit(pilot, "f9")  # standards and their items
        assert hostile["item"] in shown
        await visit(pilot, "escape")
        shown = await visit(pilot, "f6")
        assert hostile["business"] in shown
        shown = await visit(pilot, "enter")  # loan detail
        assert hostile["business"] in shown
        await visit(pilot, "escape")
        shown = await visit(pilot, "f7")
        assert hostile["topic"] in shown
        await visit(pilot, "ctrl+t")  # targets
        await visit(pilot, "escape")
        shown = await visit(pilot, "f9")  # campaign
        assert hostile["campaign"] in shown
        await visit(pilot, "escape")
        await visit(pilot, "f10")  # registers
        await visit(pilot, "escape")
        await visit(pilot, "f8")  # honours
        await visit(pilot, "escape")
        await visit(pilot, "f1")
        await visit(pilot, "f1")
        assert app.is_running, "no screen broke on the names"
