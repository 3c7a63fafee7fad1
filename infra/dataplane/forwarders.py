"""ENI forwarders: each connected zone's ENI address listens on its load balancer's listener
ports and forwards every TCP connection to the listener's backend, throttled to the
connection's bandwidth (BW-1). One asyncio loop carries every byte; no thread per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import ip_address

from privatelink.infra.dataplane.plan import Plan, PlanChanges, Route

log = logging.getLogger("privatelink.dataplane")

CHUNK = 64 * 1024
BURST_SECONDS = 0.02
CONNECT_TIMEOUT = 3.0
RETRY_BIND_AFTER = 10.0


class TokenBucket:
    """A rate limit in Mbit/s. Senders reserve bytes and wait out any debt, so a change of
    rate applies to the very next chunk of live traffic."""

    def __init__(self, mbps: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._stamp = clock()
        self.rate = mbps * 1_000_000 / 8
        self.tokens = self.burst

    @property
    def burst(self) -> float:
        return max(float(CHUNK), self.rate * BURST_SECONDS)

    def set_rate(self, mbps: float) -> None:
        self._refill()
        self.rate = mbps * 1_000_000 / 8
        self.tokens = min(self.tokens, self.burst)

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.burst, self.tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self, size: int) -> float:
        """Take ``size`` bytes; the seconds to wait before sending them."""
        if self.rate <= 0:
            return 0.0
        self._refill()
        self.tokens -= size
        return max(0.0, -self.tokens / self.rate)

    async def consume(self, size: int) -> None:
        delay = self.reserve(size)
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass
class EniLimiter:
    """One ENI's limit, one bucket per direction, shared by all its connections."""

    mbps: int
    upstream: TokenBucket = field(init=False)
    downstream: TokenBucket = field(init=False)

    def __post_init__(self) -> None:
        self.upstream, self.downstream = TokenBucket(self.mbps), TokenBucket(self.mbps)

    def set(self, mbps: int) -> None:
        if mbps != self.mbps:
            self.mbps = mbps
            self.upstream.set_rate(mbps)
            self.downstream.set_rate(mbps)


class Forwarder:
    """One listening ``ENI-IP:port`` and the connections it carries."""

    def __init__(self, route: Route, limiter: EniLimiter) -> None:
        self.route = route
        self.limiter = limiter
        self.server: asyncio.Server | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        self.server = await asyncio.start_server(
            self._accept, self.route.ip, self.route.port, reuse_address=True
        )

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            await self._carry(reader, writer)
        finally:
            if task is not None:
                self.tasks.discard(task)
            writer.close()

    async def _carry(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, _, port = self.route.backend.rpartition(":")
        try:
            back_reader, back_writer = await asyncio.wait_for(
                asyncio.open_connection(host, int(port)), CONNECT_TIMEOUT
            )
        except (TimeoutError, OSError) as error:
            log.info(
                "%s:%s: backend %s unreachable (%s)",
                self.route.ip,
                self.route.port,
                self.route.backend,
                error,
            )
            return
        try:
            await asyncio.gather(
                pump(reader, back_writer, self.limiter.upstream),
                pump(back_reader, writer, self.limiter.downstream),
            )
        finally:
            back_writer.close()


async def pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, bucket: TokenBucket
) -> None:
    """Copy one direction until EOF, then half-close, so the other direction can finish."""
    try:
        while data := await reader.read(CHUNK):
            await bucket.consume(len(data))
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        writer.close()


def bindable(ip: str) -> bool:
    """Only loopback addresses (127.x on Linux) are this machine's to bind."""
    try:
        return ip_address(ip).is_loopback
    except ValueError:
        return False


class ForwarderSet:
    """Carries a plan out: opens, moves and closes forwarders, and sets ENI limits."""

    def __init__(self) -> None:
        self.forwarders: dict[tuple[str, int], Forwarder] = {}
        self.limiters: dict[str, EniLimiter] = {}
        self._failed: dict[tuple[str, int], tuple[Route, float]] = {}

    async def apply(self, plan: Plan) -> None:
        """Carry out all of ``plan``, whatever runs now: on start, and to recover when
        carrying out changes failed part way."""
        routes: dict[tuple[str, int], Route | None] = {
            key: None for key in [*self.forwarders, *self._failed] if key not in plan.routes
        }
        limits: dict[str, int | None] = {ip: None for ip in self.limiters}
        await self.update(PlanChanges({**routes, **plan.routes}, {**limits, **plan.bandwidth}))

    async def update(self, changes: PlanChanges) -> None:
        """Carry out what moved in the plan: only the changed routes and ENI limits (and a
        retry of the binds that failed a while ago), however many routes there are."""
        for key in [key for key, route in changes.routes.items() if route is None]:
            await self._remove(key)
        for ip, mbps in changes.bandwidth.items():
            if mbps is not None:
                self.limiters.setdefault(ip, EniLimiter(mbps)).set(mbps)
        for key, route in changes.routes.items():
            if route is not None:
                await self._place(key, route)
        await self._retry_failed()
        for ip in [ip for ip, mbps in changes.bandwidth.items() if mbps is None]:
            self.limiters.pop(ip, None)

    async def _remove(self, key: tuple[str, int]) -> None:
        self._failed.pop(key, None)
        forwarder = self.forwarders.pop(key, None)
        if forwarder is not None:
            await forwarder.close()
            log.info("forwarder %s:%s closed", *key)

    async def _retry_failed(self) -> None:
        """Bind again, now and then, what could not be bound (a port in use, say): the
        route itself may not change again."""
        for key, (route, _) in list(self._failed.items()):
            if key not in self.forwarders and not self._recently_failed(key, route):
                await self._open(key, route)

    async def _place(self, key: tuple[str, int], route: Route) -> None:
        current = self.forwarders.get(key)
        if current is not None:
            if current.route != route:
                log.info(
                    "forwarder %s:%s now goes to %s (%s)",
                    *(route.ip, route.port, route.backend, route.resource_id),
                )
            current.route = route
            return
        if not bindable(route.ip):
            self._failed.pop(key, None)
            return
        if self._recently_failed(key, route):
            return
        await self._open(key, route)

    async def _open(self, key: tuple[str, int], route: Route) -> None:
        forwarder = Forwarder(route, self.limiters[route.ip])
        try:
            await forwarder.open()
        except OSError as error:
            self._failed[key] = (route, time.monotonic())
            log.warning(
                "cannot listen on ENI %s:%s for %s (%s)%s",
                *(route.ip, route.port, route.resource_id, error.strerror or error),
                "; ports below 1024 need root" if route.port < 1024 else "",
            )
            return
        self._failed.pop(key, None)
        self.forwarders[key] = forwarder
        log.info(
            "forwarder %s:%s -> %s (%s, %s Mbit/s)",
            *(route.ip, route.port, route.backend, route.resource_id),
            self.limiters[route.ip].mbps,
        )

    def _recently_failed(self, key: tuple[str, int], route: Route) -> bool:
        failed = self._failed.get(key)
        return bool(
            failed and failed[0] == route and time.monotonic() - failed[1] < RETRY_BIND_AFTER
        )

    async def close(self) -> None:
        for forwarder in self.forwarders.values():
            with contextlib.suppress(Exception):
                await forwarder.close()
        self.forwarders.clear()
