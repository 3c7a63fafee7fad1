"""Read-your-writes: wait until the views have applied a given position of the event log.

The projector announces each committed batch in-process (when it runs here) and with a
PostgreSQL NOTIFY (for ``privatelink project`` running elsewhere); waiting is on a condition,
never a fixed sleep.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

log = logging.getLogger("privatelink")


class PositionWatcher:
    """Knows the highest position the views reached, and wakes those waiting for it."""

    def __init__(self, initial: int = 0, on_advance: Callable[[int], None] | None = None) -> None:
        self._position = initial
        self.high_water = initial
        """The highest position the views ever reached here: answers were given from it."""
        self.unsure = False
        """The projector lost the store: until it is back and has said where the views really
        are, they may have lost rows (``suspect``/``rewind``)."""
        self._changed = threading.Condition()
        self.on_advance = on_advance

    @property
    def position(self) -> int:
        return self._position

    def advance(self, position: int) -> None:
        with self._changed:
            if position <= self._position:
                return
            self._position = position
            self.high_water = max(self.high_water, position)
            self._changed.notify_all()
        if self.on_advance is not None:
            self.on_advance(position)

    def suspect(self) -> None:
        """The projector lost its connection: the store may be restarting, and the views may
        come back behind where they were."""
        with self._changed:
            self.unsure = True

    def rewind(self, position: int) -> None:
        """The views are really at ``position``, below what was seen: a crash of PostgreSQL
        lost view rows committed without waiting for the disk (the events are durable, and
        the projector applies them again). Until they are back, ``caught_up`` is false."""
        with self._changed:
            self.unsure = False
            if position < self._position:
                log.warning(
                    "the views went back from position %d to %d (the store restarted); "
                    "reads wait until they are rebuilt",
                    self._position,
                    position,
                )
                self._position = position
            self._changed.notify_all()

    def caught_up(self, timeout: float) -> bool:
        """Wait (at most ``timeout``) until the views are back where answers were given
        from; immediate whenever they never went back."""
        if self._position >= self.high_water and not self.unsure:
            return True
        with self._changed:
            return self._changed.wait_for(
                lambda: self._position >= self.high_water and not self.unsure, timeout
            )

    def wait_for(self, position: int, timeout: float) -> bool:
        """True once the views reached ``position``; False after ``timeout`` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._position >= position, timeout)


class NotifyListener:
    """Feeds a watcher from the projector's NOTIFY messages (any process)."""

    def __init__(self, url: str, channel: str, watcher: PositionWatcher) -> None:
        self.url = url
        self.channel = channel
        self.watcher = watcher
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="views-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except psycopg.Error as error:
                log.warning("views listener lost its connection (%s); reconnecting", error)
                self._stop.wait(0.5)

    def _listen(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("LISTEN {}").format(psycopg.sql.Identifier(self.channel)))
            while not self._stop.is_set():
                for note in conn.notifies(timeout=0.1):
                    self.watcher.advance(int(note.payload))
