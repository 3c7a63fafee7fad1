"""The composition root: settings in, a running product out. Nothing is built at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from privatelink.api.auth import Authenticator
from privatelink.api.http import build_http_app
from privatelink.application.app import PrivateLinkApp
from privatelink.application.executor import CommandExecutor
from privatelink.application.live_inventory import LiveInventory
from privatelink.application.provisioner_holds import ProvisionerHolds
from privatelink.application.snapshotter import Snapshotter
from privatelink.application.writer_watchdog import watch_writer
from privatelink.domain.inventory import Inventory
from privatelink.infra.database import (
    ensure_schema,
    eventsourcing_env,
    open_database,
    schema_setup_lock,
)
from privatelink.infra.dataplane import start_data_plane
from privatelink.infra.edge_store import PostgresAnswerStore, PostgresNonceStore
from privatelink.infra.followers import Projector, ProvisionerRunner
from privatelink.infra.inventory_file import demo_inventory, load_inventory
from privatelink.infra.metrics import LagMeter
from privatelink.infra.pool_check import check_cheaply, check_connection
from privatelink.infra.positions import NotifyListener, PositionWatcher
from privatelink.infra.provisioning_lease import LeasedProvisionerRunner
from privatelink.infra.settings import Settings
from privatelink.infra.view_store import PostgresViews
from privatelink.infra.views_in_commit import ViewsInCommit
from privatelink.infra.write_session import PostgresWriteSession
from privatelink.runtime_reset import reset_runtime
from privatelink.services import Services

log = logging.getLogger("privatelink")


@dataclass
class Runtime:
    """Everything a server (or a CLI command) works with, wired together."""

    settings: Settings
    url: str
    inventory: Inventory
    app: PrivateLinkApp
    views: PostgresViews
    watcher: PositionWatcher
    authenticator: Authenticator
    followers: list[object] = field(default_factory=list)
    lag: LagMeter = field(default_factory=LagMeter)
    answers: PostgresAnswerStore | None = None

    def wait_for_views(self, position: int | None) -> bool:
        """Read-your-writes: block until the views include ``position``."""
        if position is None:
            return True
        return self.watcher.wait_for(position, self.settings.view_wait_timeout)

    # Issue 12: the services are stopped and started again around a reset.
    services: Services | None = None
    dataplane: Any = None
    """The running data plane (DNS, forwarders, prober), when serving with one."""

    def reset(self, inventory: Inventory | None = None) -> dict[str, object]:
        """An empty store in place, every in-memory cache and position with it (issue 12);
        the inventory in force is kept, or replaced by ``inventory``."""
        return reset_runtime(self, start_services, stop_services, inventory)


def utc_now() -> datetime:
    return datetime.now(UTC)


def read_inventory(settings: Settings) -> Inventory:
    return load_inventory(settings.inventory) if settings.inventory else demo_inventory()


@contextmanager
def open_runtime(
    settings: Settings, *, serve: bool = True, inventory: Inventory | None = None
) -> Iterator[Runtime]:
    """Start the store, the application, the views and, when serving, the followers."""
    live = LiveInventory(inventory or read_inventory(settings))
    with ExitStack() as stack:
        url = stack.enter_context(open_database(settings, supervise=serve))
        app = build_app(settings, url, live)
        stack.callback(app.close)
        app.holds = ProvisionerHolds()
        live.restore(app)
        runtime = build_runtime(settings, url, live, app, stack)
        if serve:
            start_services(runtime)
            stack.callback(stop_services, runtime)
        yield runtime


def build_app(settings: Settings, url: str, live: LiveInventory) -> PrivateLinkApp:
    """The application on the store's schema (made first when missing)."""
    with schema_setup_lock(url, settings.db_schema):
        ensure_schema(url, settings.db_schema)
        app = PrivateLinkApp(
            cast(Inventory, live),  # it answers every lookup from the current inventory
            env=eventsourcing_env(
                url, settings.db_schema, settings.pool_size, settings.store_timeout
            ),
            provision_delay=timedelta(seconds=settings.provision_delay),
        )
    check_cheaply(app.recorder.datastore.pool)  # type: ignore[attr-defined]
    return app


def build_runtime(
    settings: Settings, url: str, live: LiveInventory, app: PrivateLinkApp, stack: ExitStack
) -> Runtime:
    """The views, the edge's stores and the authenticator around ``app``."""
    pool = views_pool(url, settings)
    stack.callback(pool.close)
    views = PostgresViews(pool, settings.db_schema)
    nonces = PostgresNonceStore(pool, settings.db_schema)
    answers = PostgresAnswerStore(pool, settings.db_schema)
    with schema_setup_lock(url, settings.db_schema):
        for store in (views, nonces, answers):
            store.create_tables()
    lag = LagMeter()
    watcher = PositionWatcher(views.position(), on_advance=lag.applied)
    inventory = cast(Inventory, live)
    authenticator = Authenticator(inventory.secret_for, nonces, utc_now)
    return Runtime(
        settings, url, inventory, app, views, watcher, authenticator, lag=lag, answers=answers
    )


def views_pool(url: str, settings: Settings) -> ConnectionPool:
    """The pool of the views and the edge's stores. A short wait for a connection: when the
    store is down, a read answers 503 promptly instead of hanging until the client gives up.
    Autocommit: a read is one round trip, not BEGIN, the read and COMMIT (issue 17); what
    must be atomic says so with ``conn.transaction()``."""
    return ConnectionPool(
        url,
        kwargs={"autocommit": True},
        min_size=1,
        max_size=settings.pool_size,
        open=True,
        timeout=settings.store_timeout,
        check=check_connection,
    )


def start_services(runtime: Runtime) -> None:
    """The followers, the data plane and the writer, with their stops on ``runtime.services``."""
    runtime.services = Services()
    try:
        start_followers(runtime, runtime.services)  # type: ignore[arg-type]
        start_data_plane(runtime, runtime.services)  # type: ignore[arg-type]
        start_executor(runtime, runtime.services)  # type: ignore[arg-type]
    except BaseException:
        stop_services(runtime)
        raise


def stop_services(runtime: Runtime) -> None:
    """Stop them all at once; a follower waiting on the views' position is woken first."""
    services, runtime.services = runtime.services, None
    if services is not None:
        services.close(before=lambda: runtime.watcher.advance(2**62))


def start_executor(runtime: Runtime, stack: ExitStack) -> None:
    """Commands of this process go through one writer that commits them in batches."""
    projectors = [f for f in runtime.followers if isinstance(f, Projector)]
    provisioners = [f for f in runtime.followers if isinstance(f, ProvisionerRunner)]

    def committed(position: int, projected: bool) -> None:
        runtime.lag.commit(position)
        if runtime.app.provisioner.followed() < position:  # it called for steps left to it
            for provisioner in provisioners:
                provisioner.poke(position)
        if projected:  # the views were written in the commit itself
            runtime.watcher.advance(position)
            runtime.lag.applied(position)  # the listener may have seen the views' NOTIFY first
            return
        for projector in projectors:
            projector.poke(position)

    session = PostgresWriteSession(
        runtime.app.recorder,
        runtime.settings.db_schema,
        runtime.settings.store_timeout * 2,
        # The writer writes the views in its commits: its turn holds their position.
        hold=runtime.views.hold_in_turn if projectors else None,
    )
    # The requests' signature nonces are remembered in the turn that decides their commands.
    nonces = runtime.authenticator.nonces
    session.nonces = nonces if hasattr(nonces, "remembering") else None
    executor = CommandExecutor(
        runtime.app.uow,
        session,
        committed,
        answer_within=runtime.settings.store_timeout * 2,
        steps=runtime.app.provisioner,
        # With the projector in this process, the writer writes the views of its own commits.
        views=ViewsInCommit(runtime.app.mapper, runtime.views) if projectors else None,
    )
    cover(session, projectors + ([] if runtime.app.provisioner.provision_delay else provisioners))
    snapshotter = Snapshotter(runtime.app)
    snapshotter.start()
    runtime.app.uow.snapshotter = snapshotter
    stack.callback(stop_snapshotter, runtime.app, snapshotter)
    executor.start()
    runtime.app.executor = executor
    stack.callback(detach_executor, runtime.app, executor)
    stack.enter_context(watch_writer(executor, runtime.settings.store_timeout * 5))


def cover(session: PostgresWriteSession, followers: list[Any]) -> None:
    """These followers' work on the writer's own commits is done by the writer (the views
    written, the steps taken), which pokes them when it is not (with a provisioning delay,
    every step is left to the provisioner): they know its NOTIFYs by its connection's pid,
    and look again when it takes a new connection."""

    def poke() -> None:
        for follower in followers:
            follower.poke()

    for follower in followers:
        follower.own_pids = session.pids
    session.on_connection = poke


def stop_snapshotter(app: PrivateLinkApp, snapshotter: Snapshotter) -> None:
    app.uow.snapshotter = None
    snapshotter.stop()


def detach_executor(app: PrivateLinkApp, executor: CommandExecutor) -> None:
    app.executor = None
    executor.stop()


def start_followers(runtime: Runtime, stack: ExitStack) -> None:
    settings = runtime.settings
    listener = NotifyListener(runtime.url, runtime.views.channel, runtime.watcher)
    listener.start()
    stack.callback(listener.stop)
    followers: list[Projector | ProvisionerRunner] = [
        LeasedProvisionerRunner(runtime.app, runtime.url, settings.db_schema)
    ]
    if settings.run_projector:
        followers.append(Projector(runtime.app, runtime.url, runtime.views, runtime.watcher))
    for follower in followers:
        follower.start()
        stack.callback(follower.stop)
    runtime.followers = list(followers)


def create_app(settings: Settings) -> FastAPI:
    """The composition root of the server: the runtime opens with the app and closes with it."""
    stack = ExitStack()
    runtime = stack.enter_context(open_runtime(settings))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            stack.close()

    return build_http_app(runtime, lifespan=lifespan)
