"""Keys applied in the order they were typed, each to the widget that has focus
once the keys before it have taken effect.

Textual (8.2.8) hands a key to the focused widget by posting it on that
widget's own message queue and goes straight on to the next key. When a burst
arrives at once (fast typing, a paste, keys bunched by a slow SSH link), all of
it is queued on the widget focused at the start: in ``abc`` Tab ``def`` the Tab
only moves the focus once it has bubbled back up to the app's bindings, and by
then ``def`` already sits in the first input's queue. Focus changes made through
``Widget.focus()`` (a select opening its list, a form moving on after Enter)
are later still: they are callbacks on the app's queue.

``OrderedKeys`` holds the next key back until the previous one has been dealt
with everywhere it can have an effect: the app's queue (bindings, focus
callbacks), the current screen and the focused widget with its ancestors (where
the key went and bubbled). A key typed when all of these are quiet goes through
at once, so single keystrokes wait for nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from textual import events
from textual.message_pump import MessagePump
from textual.widget import Widget

log = logging.getLogger(__name__)


class OrderedKeys:
    """Mix into an ``App`` (before it in the bases)."""

    # A widget stuck in a handler must not freeze the keyboard: past this the key goes on anyway.
    KEY_WAIT_LIMIT = 2.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_input: deque[events.Event] = deque()
        self._key_waiter: asyncio.Task | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if not self._held_input and self._key_waiter is None and self._keys_settled(
                    busy_app=self._app_queue_busy()):
                await super().on_event(event)
            else:
                self._held_input.append(event)
                self._wait_then_release()
            return
        await super().on_event(event)

    # --- waiting ----------------------------------------------------------
    def _app_queue_busy(self) -> bool:
        """Messages waiting behind the one being handled (e.g. a focus callback)."""
        return self._pending_message is not None or not self._message_queue.empty()

    def _key_pumps(self) -> list[MessagePump]:
        """Where the previous key can still be at work: the focused widget up to the screen."""
        try:
            screen = self.screen
        except Exception:  # no screen yet, or shutting down
            return []
        node: MessagePump | None = self.focused or screen
        chain: list[MessagePump] = []
        while node is not None and node is not self:
            chain.append(node)
            node = node._parent
        if screen not in chain:
            chain.append(screen)
        return chain

    @staticmethod
    def _busy(pump: MessagePump) -> bool:
        if pump._closing or pump._closed:
            return False  # a removed widget will never get to its queue
        if isinstance(pump, Widget) and not pump.is_mounted:
            return True  # a screen still being built: its first focus is yet to come
        queue = pump._message_queue
        # Idle means parked on an empty queue, waiting for its next message; otherwise it is
        # still handling one (or its idle work) and may yet move the focus.
        return not queue.empty() or pump._pending_message is not None or not queue.ready_event._waiters

    def _keys_settled(self, busy_app: bool) -> bool:
        return not busy_app and not any(self._busy(pump) for pump in self._key_pumps())

    def _wait_then_release(self) -> None:
        if self._key_waiter is None:
            self._key_waiter = asyncio.create_task(self._wait_for_quiet(), name="ordered keys")

    async def _wait_for_quiet(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.KEY_WAIT_LIMIT
        rounds = 0
        try:
            while True:
                busy = [pump for pump in [self, *self._key_pumps()] if self._busy(pump)]
                if not busy:
                    break
                if loop.time() >= deadline:
                    log.warning("key held %.1fs behind a busy %r: passed on", self.KEY_WAIT_LIMIT, busy[0])
                    break
                # Textual's queues cannot be joined: give the others their turn, first at
                # once (the usual few steps of a key), then politely.
                rounds += 1
                await asyncio.sleep(0 if rounds < 50 else 0.002)
        finally:
            self._key_waiter = None
        if not self._closing:
            self.call_later(self._release_held)

    async def _release_held(self) -> None:
        if not self._held_input:
            return
        event = self._held_input.popleft()
        await super().on_event(event)
        if self._held_input:
            self._wait_then_release()

    async def _message_loop_exit(self) -> None:
        if self._key_waiter is not None:
            self._key_waiter.cancel()
        await super()._message_loop_exit()
