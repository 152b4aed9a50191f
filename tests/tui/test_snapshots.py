"""SVG snapshots of the main screens at 80x24 and 120x40 (the demo town as
of a fixed day). Update with: .venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-update"""

from __future__ import annotations

import pytest

from tests.tui.conftest import settle


@pytest.fixture(scope="session")
def store():
    """A screen is drawn the same from either store: snapshots on SQLite only
    (their names stay as they are); the Pilot flows run on both."""
    return "sqlite"


async def _settled(pilot):
    await settle(pilot)


def test_overview_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled)


def test_overview_120x40(app, snap_compare):
    assert snap_compare(app, terminal_size=(120, 40), run_before=_settled)


def test_member_form_80x24(app, snap_compare):
    async def open_form(pilot):
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_form)


def test_branches_search_80x24(app, snap_compare):
    async def search(pilot):
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"jm")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=search)


def test_rooms_matrix_80x24(app, snap_compare):
    async def matrix(pilot):
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("down", "down", "right", "right", "right", "space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=matrix)
