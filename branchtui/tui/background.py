"""Database work off the UI thread: every call runs in a thread worker with
its own connection, and its answer comes back to a callback on the UI."""

from __future__ import annotations

from typing import Any, Callable

from textual.dom import DOMNode
from textual.worker import get_current_worker


def run_db(node: DOMNode, job: Callable[[], Any], done: Callable[[Any], None],
           failed: Callable[[Exception], None] | None = None, *, group: str = "db",
           exclusive: bool = True) -> None:
    """Run ``job`` in a thread; hand its result to ``done`` (or its error to ``failed``).

    ``exclusive`` cancels the older job of the same group, so a newer
    keystroke in a search box wins over a slower, older search.
    """
    from branchtui.store.db import database

    def work() -> None:
        worker = get_current_worker()
        try:
            with database.connection_context():
                result = job()
        except Exception as exc:  # handed to the UI, never raised in the thread
            if not worker.is_cancelled:
                node.app.call_from_thread(failed or node.app.show_error, exc)
            return
        if not worker.is_cancelled:
            node.app.call_from_thread(deliver, result)

    def deliver(result: Any) -> None:
        # An error in the screen's own handling of the answer: logged and shown,
        # never lost in the thread that waited for it.
        try:
            done(result)
        except Exception as exc:
            node.app.show_error(exc)

    node.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
