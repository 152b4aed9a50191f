"""Pilot helpers: the app on the demo town, as of a fixed day."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY


@pytest.fixture
def app(demo_db):
    from branchtui.tui.app import BranchApp

    return BranchApp(today=TODAY, keymap={})


async def settle(pilot) -> None:
    """Let database workers finish and their answers reach the screen."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type as a person (or an input method committing text) would, key by key."""
    await pilot.press(*list(text))


def valid_id(birth: dt.date, sequence: int) -> str:
    from branchtui.domain.idcard import make_id_number

    return make_id_number("410402", birth, sequence)
