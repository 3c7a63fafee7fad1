"""Threads that follow the event log: the projector (views) and the provisioner.

Each reads the notification log after its own tracking position in batches, and sleeps on
the event store's LISTEN channel when it has caught up.

Why not the eventsourcing library's ``Projection`` / ``ProjectionRunner`` /
``ApplicationSubscription`` here (its ``Application``, aggregates, recorders and ``Tracking``
are used throughout): those hand a projection one event with one ``Tracking`` at a time, so
each event becomes its own transaction on the ``TrackingRecorder``, and a reader waits with
``TrackingRecorder.wait()``, which sleeps 100 ms before its first re-check. The views here
take a batch of up to ``BATCH`` events, compact their operations to one write per row
(``projections.ops.compact``) and commit them with one tracking position in one transaction;
read-your-writes waits on ``infra.positions.PositionWatcher`` (a condition woken in-process and
by NOTIFY), not on a poll. The projection itself (``projections.views.ViewsProjection``) stays
a pure mapping of events to operations, as the library's ``Projection`` would be.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Container
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql

from privatelink.application.app import PrivateLinkApp
from privatelink.application.provisioner import STEP_EVENT_NAMES
from privatelink.infra.positions import PositionWatcher
from privatelink.infra.view_store import PostgresViews
from privatelink.projections.ops import Op, compact
from privatelink.projections.views import ViewsProjection

log = logging.getLogger("privatelink")
BATCH = 500
TRACK_WHEN_IDLE = 0.1
"""Seconds without news after which the provisioner records a position it only followed."""
GATHER = 0.05
"""Seconds the provisioner lets commits gather when the writer took every step of a read."""
FALLBACK_WAIT = 0.05
"""Longest wait of a follower whose process's writer covers its own commits."""


class LogFollower:
    """Base: a daemon thread that processes the log after ``position`` until stopped."""

    name = "follower"

    def __init__(self, app: PrivateLinkApp, url: str) -> None:
        self.app = app
        self.url = url
        self.position = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.channel: str = app.recorder.channel_name  # type: ignore[attr-defined]
        self.own_pids: Container[int] | None = None
        """The backend pids of this process's writer, when it does for its own commits what
        this follower would, or pokes it (composition): their NOTIFYs need no read."""

    def start(self) -> None:
        self.position = self.initial_position()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def poke(self, position: int = 0) -> None:
        """New events were committed in this process: look now, not at the next NOTIFY."""
        self._wake.set()

    def initial_position(self) -> int:
        raise NotImplementedError

    def process(self, notifications: list) -> int:  # type: ignore[type-arg]
        """Process a batch; the position reached (normally the batch's last)."""
        raise NotImplementedError

    def skip_ahead(self) -> None:
        """Before reading: move past what is known to be done already."""

    def _run(self) -> None:
        reconnected = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as listener:
                    listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    if reconnected:
                        # From the store again, once it answers: a crash of PostgreSQL may
                        # have lost work committed without waiting for the disk (issue 16).
                        self.position = self.initial_position()
                        self.resumed_at(self.position)
                        reconnected = False
                    self._follow(listener)
            except Exception:  # a follower must outlive a database outage
                log.exception("%s failed; retrying", self.name)
                reconnected = True
                self.lost_store()
                self._stop.wait(0.5)
                self.position = self.initial_position_safe()

    def resumed_at(self, position: int) -> None:
        """Told where the store says this follower is, after a reconnection."""

    def lost_store(self) -> None:
        """Told that following failed (the store may be down or restarting)."""

    def initial_position_safe(self) -> int:
        try:
            return self.initial_position()
        except Exception:  # noqa: BLE001
            return self.position

    def caught_up(self, idle: float) -> None:
        """Told that the log has nothing new, ``idle`` seconds after the last batch."""

    def _follow(self, listener: psycopg.Connection) -> None:
        """Read, process, wait; one read per wake-up (issue 17): the NOTIFYs already queued
        are drained first, since the read that follows covers them, and a short batch ends
        the log as it was, so the next read waits for news instead of finding nothing. With
        a writer in this process that covers its own commits (``own_pids``), only a poke or
        another session's NOTIFY is news: nothing is read for the writer's commits."""
        last, unread = time.monotonic(), True
        while not self._stop.is_set():
            news = self._wake.is_set()
            self._wake.clear()
            news = self._drain(listener) or news or unread or self.own_pids is None
            self.skip_ahead()
            batch = self._read() if news else []
            unread = len(batch) == BATCH
            if batch:
                self.position = self.process(batch)
                last = time.monotonic()
                if unread:
                    continue
            else:
                self.caught_up(time.monotonic() - last)
            self._wait_for_news(listener)

    def _drain(self, listener: psycopg.Connection) -> bool:
        """Take the NOTIFYs queued: whether one came from a session other than this
        process's writer."""
        own = self.own_pids if self.own_pids is not None else ()
        foreign = False
        for note in listener.notifies(timeout=0.0):
            foreign = foreign or note.pid not in own
        return foreign

    def _read(self) -> list:  # type: ignore[type-arg]
        return list(self.app.recorder.select_notifications(start=self.position + 1, limit=BATCH))

    def _wait_for_news(self, listener: psycopg.Connection) -> None:
        """Sleep until new events are committed: the event store NOTIFYs on every insert (from
        this process or another); a poke from this process's writer ends the wait early. With
        a writer that covers its commits, what is left to this thread is what the writer
        could not do (it pokes) and other sessions' commits (their NOTIFYs, drained before
        each read): a look every ``FALLBACK_WAIT`` seconds at most for those."""
        if self._wake.is_set():
            return
        if self.own_pids is not None:
            self._wake.wait(FALLBACK_WAIT)
            return
        for _ in listener.notifies(timeout=0.05, stop_after=1):
            return


class Projector(LogFollower):
    """Applies events to the views, a batch per transaction with its tracking position."""

    name = "projector"

    def __init__(
        self, app: PrivateLinkApp, url: str, views: PostgresViews, watcher: PositionWatcher
    ) -> None:
        super().__init__(app, url)
        self.views = views
        self.watcher = watcher
        self.projection = ViewsProjection()

    def initial_position(self) -> int:
        return self.views.position()

    def resumed_at(self, position: int) -> None:
        self.watcher.rewind(position)

    def lost_store(self) -> None:
        self.watcher.suspect()

    def skip_ahead(self) -> None:
        """The writer writes the views of its own commits (infra/views_in_commit.py) and
        moves the watcher: those need no reading."""
        if not self.watcher.unsure:
            self.position = max(self.position, self.watcher.position)

    def process(self, notifications: list) -> int:  # type: ignore[type-arg]
        ops: list[Op] = []
        for notification in notifications:
            ops.extend(self.projection.ops_for(self.app.mapper.to_domain_event(notification)))
        last = int(notifications[-1].id)
        if not self.views.apply(compact(ops), last, after=self.position):
            # The writer wrote views meanwhile: read again from where they are.
            return self.views.position()
        self.watcher.advance(last)
        return last


class ProvisionerRunner(LogFollower):
    """Runs the provisioner's steps, each once its provisioning delay has passed."""

    name = "provisioner"

    def __init__(
        self,
        app: PrivateLinkApp,
        url: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(app, url)
        self.clock = clock
        self.untracked = 0  # the last position followed and not recorded, if any
        self.tracked = 0
        self.moved = 0.0  # when the position last skipped ahead

    def initial_position(self) -> int:
        position = self.app.provisioner.provisioner_position()
        self.app.provisioner.followed(position, restart=True)
        return position

    def skip_ahead(self) -> None:
        """Past the commits whose steps the writer took, every one since the log this thread
        processed (``Provisioner.covered``): those need no reading (issue 17)."""
        followed = self.app.provisioner.followed()
        if followed > self.position:
            self.position = self.untracked = followed
            self.moved = time.monotonic()

    def process(self, notifications: list) -> int:  # type: ignore[type-arg]
        """The due steps of a batch go to the writer together; a step not yet due (a
        provisioning delay) first flushes those before it, then waits."""
        due: list[tuple[Any, int]] = []
        provisioner = self.app.provisioner
        for notification in notifications:
            if notification.topic.rsplit(".", 1)[-1] not in STEP_EVENT_NAMES:
                continue
            if provisioner.was_taken(notification.originator_id, notification.originator_version):
                continue  # the writer took it in the same commit (issue 17)
            event = self.app.mapper.to_domain_event(notification)
            when = self.app.provisioner.provisioning_due(event)
            if when > self.clock() and due:
                self.app.provisioner.provision_all(due)
                due = []
            self._sleep_until(when)
            if self._stop.is_set():
                return self.position
            due.append((event, notification.id))
        return self._finish(due, notifications[-1].id)

    def _finish(self, due: list[tuple[Any, int]], last: int) -> int:
        if due:
            self.app.provisioner.provision_all(due)
        self.app.provisioner.followed(last)
        self.untracked = 0 if due and due[-1][1] == last else last
        if not due:
            # The writer took every step: let a few commits gather before the next read.
            self._stop.wait(GATHER)
        return last

    def caught_up(self, idle: float) -> None:
        """Record how far the log was followed when every step of it was taken by the writer
        (nothing else records it then): once idle for a moment, or every so many events, so a
        restart does not walk a long stretch of log again."""
        idle = min(idle, time.monotonic() - self.moved)
        if self.untracked and (idle >= TRACK_WHEN_IDLE or self.untracked - self.tracked > BATCH):
            self.tracked = self.untracked
            self.untracked = 0
            self.app.provisioner.track(self.tracked)

    def _sleep_until(self, due: datetime) -> None:
        delay = (due - self.clock()).total_seconds()
        if delay > 0:
            self._stop.wait(delay)
