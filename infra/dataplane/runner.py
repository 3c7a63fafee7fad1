"""The data plane as it runs in ``privatelink serve``: one asyncio loop (DNS, forwarders,
prober) in a thread of its own, and a follower thread that wakes when the views move, takes
in the names the DNS-record view changed, and re-plans the forwarders of the endpoints whose
forwarding facts changed (and only theirs)."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from eventsourcing.application import AggregateNotFoundError

from privatelink.application.jobs import Command
from privatelink.application.services import MarkLoadBalancer
from privatelink.domain.base import Caller
from privatelink.domain.endpoint import Endpoint
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.infra.dataplane.dns_server import DnsServer, Resolver
from privatelink.infra.dataplane.forwarders import ForwarderSet
from privatelink.infra.dataplane.incremental import IncrementalPlan
from privatelink.infra.dataplane.plan import Plan, PlanChanges, listeners_from
from privatelink.infra.dataplane.prober import Prober, run_prober, tcp_check
from privatelink.infra.dataplane.records import NameRow, RecordSet, ZoneLocator
from privatelink.infra.positions import PositionWatcher
from privatelink.infra.settings import Settings


class Runtime(Protocol):
    """What the data plane uses of the runtime the composition root wires (infra never
    imports the entry points, so this port names it)."""

    settings: Settings
    inventory: Any
    app: Any
    views: Any
    watcher: PositionWatcher


log = logging.getLogger("privatelink.dataplane")

T = TypeVar("T")
WAKE_TIMEOUT = 0.5
COALESCE = 0.05
"""Seconds between two reloads, so a burst of writes costs one reload, not one per event. A
reload costs in proportion to what changed, not to every endpoint, so no more than this."""


class DataPlaneError(Exception):
    """The data plane cannot start: a DNS port in use, say."""


class DataPlane:
    """DNS server, ENI forwarders and health prober, following the views."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.records = RecordSet()
        self.dns_position = 0
        """The DNS-record view's position this data plane has taken in."""
        self.forwarding_names: dict[str, str] = {}
        """Endpoint domain -> endpoint id, to know whose facts a removed name took away."""
        self.planner = IncrementalPlan(listeners_from(runtime.inventory), self._replaced_ip)
        self._resync = False
        """Whether the forwarders may lag the plan (a reload failed part way)."""
        self.forwarders = ForwarderSet()
        locator = ZoneLocator.from_inventory(runtime.inventory)
        resolver = Resolver(lambda: self.records, locator)
        self.dns = DnsServer(resolver, self.settings.dns_host, self.settings.dns_port)
        self.prober = Prober(tcp_check, self._record, self._recorded_down)
        self.loop = asyncio.new_event_loop()
        self._stop = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._nudge: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._loop_thread = threading.Thread(
            target=self._run_loop, name="dataplane-loop", daemon=True
        )
        self._follower: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Bind and start everything, or raise DataPlaneError and leave nothing running."""
        self._loop_thread.start()
        position = self.runtime.watcher.position
        try:
            self.reload(apply=False)
            self._call(self._start())
        except BaseException as error:
            self._close_loop()
            if not isinstance(error, OSError):
                raise
            raise self._bind_error(error) from None
        self._follower = threading.Thread(
            target=self._follow, args=(position,), name="dataplane-follower", daemon=True
        )
        self._follower.start()
        log.debug(  # `serve` prints the DNS listener's line itself
            "data plane: %s; forwarders %s; prober %s",
            self._describe_dns(),
            "on" if self.settings.forwarders_enabled else "off",
            f"every {self.settings.probe_interval:g} s" if self.probing else "off",
        )

    def _bind_error(self, error: OSError) -> DataPlaneError:
        where = f"{self.settings.dns_host}:{self.settings.dns_port}"
        return DataPlaneError(
            f"cannot answer DNS on {where} (UDP and TCP): {error.strerror or error}; "
            "choose another port with --dns-port, or turn DNS off with --no-dns"
        )

    def stop(self) -> None:
        self._stop.set()
        if self._follower is not None:
            self._follower.join(timeout=5)
        self._close_loop()

    @property
    def probing(self) -> bool:
        return self.settings.probe_interval > 0

    def describe(self) -> str:
        """One line: the DNS listener, the forwarders and the prober."""
        forwarders = "on" if self.settings.forwarders_enabled else "off"
        prober = f"every {self.settings.probe_interval:g} s" if self.probing else "off"
        return f"{self._describe_dns()}; ENI forwarders {forwarders}; prober {prober}"

    def _describe_dns(self) -> str:
        if not self.settings.dns_enabled:
            return "DNS off"
        return f"DNS on {self.settings.dns_host}:{self.settings.dns_port} (UDP, TCP)"

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()

    def _call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()  # so it no longer reads what this thread goes on to change
            raise

    def _close_loop(self) -> None:
        if not self._loop_thread.is_alive():
            return
        try:
            self._call(self._shutdown(), timeout=5)
        except Exception:
            log.exception("data plane: stopping failed")
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._loop_thread.join(timeout=5)

    async def _start(self) -> None:
        self._stopping, self._nudge = asyncio.Event(), asyncio.Event()
        if self.settings.dns_enabled:
            await self.dns.start()
        if self.settings.forwarders_enabled:
            await self.forwarders.apply(self.plan)
        if self.probing:
            self._tasks.append(
                asyncio.create_task(
                    run_prober(
                        self.prober,
                        lambda: self.plan.probes,
                        self.settings.probe_interval,
                        self._stopping,
                        self._nudge,
                    )
                )
            )

    async def _shutdown(self) -> None:
        if self._stopping is not None and self._nudge is not None:
            self._stopping.set()
            self._nudge.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.dns.stop()
        await self.forwarders.close()

    # -- following the views ----------------------------------------------------------------

    def _follow(self, position: int) -> None:
        watcher = self.runtime.watcher
        while not self._stop.is_set():
            if not watcher.wait_for(position + 1, WAKE_TIMEOUT):
                continue
            position = watcher.position
            try:
                self.reload()
            except Exception:
                log.exception("data plane: reloading the views failed; retrying")
                # Changes are taken once: the retry carries out the whole plan instead.
                self._resync = True
                position -= 1
                self._stop.wait(1)
            self._stop.wait(COALESCE)

    @property
    def planning(self) -> bool:
        """Whether anything follows the forwarding plan (forwarders or the prober)."""
        return self.settings.forwarders_enabled or self.probing

    @property
    def plan(self) -> Plan:
        """The whole forwarding plan now (the prober reads its probes from the loop thread)."""
        return self.planner.plan

    def reload(self, apply: bool = True) -> None:
        """Take what the DNS-record view says changed (the names of the endpoints that the
        last writes touched, not every row); when an endpoint's forwarding facts changed and
        the forwarders or the prober run, re-plan that endpoint and carry out what moved."""
        views = self.runtime.views
        present, removed, self.dns_position, replaced = views.dns.read_changes(
            views.pool, self.dns_position
        )
        if replaced:
            self.records, self.forwarding_names = RecordSet(), {}
            self.planner.reset()
        self.records = self.records.changed(present, removed)
        changed = self._take_forwarding(present, removed) or replaced
        if not self.planning or not (changed or self._resync):
            return
        changes = self.planner.settle()
        if apply:
            self._carry_out(changes)

    def _carry_out(self, changes: PlanChanges) -> None:
        if self.settings.forwarders_enabled and self._resync:
            self._call(self.forwarders.apply(self.plan))
        elif self.settings.forwarders_enabled and changes:
            self._call(self.forwarders.update(changes))
        self._resync = False
        if self._nudge is not None and any(map(self.prober.is_new, changes.began())):
            # A load balancer began serving: learn its state now, not at the next interval.
            self.loop.call_soon_threadsafe(self._nudge.set)

    def _take_forwarding(self, present: list[NameRow], removed: list[str]) -> bool:
        """Keep each endpoint's forwarding facts (on its endpoint domain's row); True when
        any of them changed."""
        changed = False
        for row in present:
            if row.forwarding is not None:
                changed |= self.planner.put(row.endpoint_id, row.forwarding)
                self.forwarding_names[row.name] = row.endpoint_id
        for name in removed:
            endpoint_id = self.forwarding_names.pop(name, None)
            if endpoint_id is not None:
                changed |= self.planner.remove(endpoint_id)
        return changed

    def _replaced_ip(self, endpoint: dict[str, Any], zone: dict[str, Any]) -> str | None:
        """Started mid-migration: the endpoint aggregate still holds the old ENI's address."""
        try:
            aggregate: Endpoint = self.runtime.app.repository.get(
                Endpoint.create_id(endpoint["EndpointId"])
            )
            ip = aggregate.zones[zone["ZoneId"]].get("replaced_ip")
        except (AggregateNotFoundError, KeyError, AttributeError):
            return None
        return ip if isinstance(ip, str) else None

    # -- the prober's ports -----------------------------------------------------------------

    async def _record(self, lb_id: str, down: bool) -> None:
        caller = Caller("prober", f"probe-{uuid.uuid4()}")
        fault = MarkLoadBalancer(lb_id, down)
        await asyncio.to_thread(self.runtime.app.dispatch, fault, Command(caller, "Probe"))

    async def _recorded_down(self, lb_id: str) -> bool:
        def failed() -> bool:
            try:
                state: LoadBalancerState = self.runtime.app.repository.get(
                    LoadBalancerState.create_id(lb_id)
                )
            except AggregateNotFoundError:
                return False
            return bool(state.failed)

        return await asyncio.to_thread(failed)
