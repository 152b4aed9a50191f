"""An error in a screen's handling of a database answer is logged beside the
database and shown, not lost in the worker thread."""

from __future__ import annotations

from branchtui.tui.background import run_db
from tests.tui.conftest import settle

async def test_a_failing_callback_is_logged_and_shown(app, db_path):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def broken(_result):
            raise RuntimeError("回调出错")

        run_db(app.screen, lambda: 42, broken, group="test")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("回调出错" in m and "branchtui.log" in m for m in messages), messages
    log = db_path.with_name("branchtui.log").read_text(encoding="utf-8")
    assert "回调出错" in log and "Traceback" in log
