"""The overview tells what is true: a branch without a room shows on the 支部
card, and every note is on screen."""

from __future__ import annotations

from textual.widgets import Static

from branchtui.domain.branches import create_branch
from tests.conftest import TODAY
from tests.tui.conftest import settle


async def test_branch_card_counts_branches_without_a_room(app):
    create_branch({"name": "居民九支部", "community": "九区居委会"}, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        card = str(app.screen.query_one("#fig-branches", Static).render())
        assert "1 个支部无活动室" in card and "一居一支一室" not in card
        notes = app.screen.query_one("#missing", Static)
        text = str(notes.render())
        assert "无活动室" in text and "目标进度落后" in text
        assert notes.size.height >= len(text.splitlines()), "no note cut off"


def test_audit_changes_read_with_the_forms_labels():
    from branchtui.tui.screens.audit_log import change_text

    assert change_text('{"expected": 2}', '{"expected": 3}') == "目标数：2 → 3"
    assert "主讲人=张三" in change_text(None, '{"lecturer": "张三"}')
