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
