"""Pilot helpers: the app on the demo town, as of a fixed day."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY


@pytest.fixture
def app(demo_db):
    from branchtui.tui.app import BranchApp

    return BranchApp(today=TODAY, keymap={})


def _pending_layout(app) -> bool:
    """A DataTable measures its new rows and columns only when its message
    queue is idle: until then a screenshot shows columns of the wrong width."""
    from textual.widgets import DataTable

    return any(table._require_update_dimensions or table._updated_cells or table._new_rows
               for table in app.screen.query(DataTable))


async def settle(pilot) -> None:
    """Let database workers finish, their answers reach the screen and every
    table lay itself out: twice in a row quiet, so a snapshot never catches
    the screen half-drawn."""
    app, quiet = pilot.app, 0
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        busy = any(not worker.is_finished for worker in app.workers) or _pending_layout(app)
        quiet = 0 if busy else quiet + 1
        if quiet >= 2:
            return
    raise AssertionError("the screen did not settle")


async def type_text(pilot, text: str) -> None:
    """Type as a person (or an input method committing text) would, key by key."""
    await pilot.press(*list(text))


def valid_id(birth: dt.date, sequence: int) -> str:
    from branchtui.domain.idcard import make_id_number

    return make_id_number("410402", birth, sequence)


def burst(pilot, *keys: str) -> None:
    """Keys arriving all at once, as a paste or a slow SSH link delivers them: posted
    together, with no pause for the app to catch up in between (``pilot.press`` waits)."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for key in keys:
        if len(key) == 1:
            event = events.Key(key if key.isalnum() else _character_to_key(key), key)
        else:
            event = events.Key(key, {"tab": "\t", "enter": "\r"}.get(key))
        event.set_sender(app)
        app._driver.send_message(event)


def chars(text: str) -> list[str]:
    return list(text)
