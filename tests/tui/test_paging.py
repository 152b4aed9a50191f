"""The members list is paged in SQL: scrolling past the last row fetches the next page."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable

from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member
from branchtui.tui.screens.branches import PAGE
from tests.conftest import TODAY
from tests.tui.conftest import settle


async def test_scrolling_down_loads_the_next_page(app):
    for i in range(PAGE):  # 74 + 200 members: two pages
        create_member({"branch": 1 + i % 8, "name": "补录党员", "join_date": "2010-07-01", "full_date": "2011-07-01",
                       "id_number": make_id_number("410402", dt.date(1970, 1, 1) + dt.timedelta(days=i), 300)},
                      today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        members = app.screen.query_one("#members", DataTable)
        assert members.row_count == PAGE
        members.focus()
        members.move_cursor(row=PAGE - 1)
        await settle(pilot)
        assert members.row_count == PAGE + 74
        assert len({str(members.get_row_at(i)[5]) for i in range(members.row_count)}) == PAGE + 74, "no row twice"


async def test_a_page_of_an_old_search_is_dropped(app, monkeypatch):
    import threading

    import branchtui.domain.members as members_domain

    for i in range(PAGE):
        create_member({"branch": 1 + i % 8, "name": "补录党员", "join_date": "2010-07-01", "full_date": "2011-07-01",
                       "id_number": make_id_number("410402", dt.date(1970, 1, 1) + dt.timedelta(days=i), 300)},
                      today=TODAY)
    new_results_shown = threading.Event()
    real_search = members_domain.search_members

    def slow_pages(query, limit=200, offset=0):
        if offset:  # the next page of the old list arrives only after the new search is on screen
            new_results_shown.wait(timeout=30)
        return real_search(query, limit=limit, offset=offset)

    monkeypatch.setattr(members_domain, "search_members", slow_pages)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        real_show = screen.show_results

        def show_then_release(results):
            real_show(results)
            new_results_shown.set()

        monkeypatch.setattr(screen, "show_results", show_then_release)
        screen.action_more_members()  # page 2 of the whole list, held back
        screen.query_one("#search").value = "wdl"  # 温东莲: one new search
        await settle(pilot)
        members = screen.query_one("#members", DataTable)
        names = [str(members.get_row_at(i)[0]) for i in range(members.row_count)]
        assert names == ["温东莲"], names[:5]
