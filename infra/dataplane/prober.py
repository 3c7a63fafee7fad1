"""The health prober (DNS-5, RES-8): every few seconds, checks the path of every connected
zone, per load balancer with listeners: each listener's backend must accept a TCP connection.

A change of state is recorded through the application as the load balancer's failure or
recovery, so the provisioner fails zones over (or marks them unhealthy), the DNS view follows,
and the audit log shows who found what and when. A state that did not change records nothing;
nor does a backend that has never answered (it may not be started yet): a failure is an
answering backend that stops answering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

log = logging.getLogger("privatelink.dataplane")

Check = Callable[[str], Awaitable[bool]]
Record = Callable[[str, bool], Awaitable[None]]
RecordedDown = Callable[[str], Awaitable[bool]]


async def tcp_check(backend: str, timeout: float = 1.0) -> bool:
    """True when ``host:port`` accepts a TCP connection within ``timeout`` seconds."""
    host, _, port = backend.rpartition(":")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
    except (TimeoutError, OSError, ValueError):
        return False
    writer.close()
    return True


class Prober:
    """Probes load balancers and records their changes of state.

    ``check`` probes one backend; ``record(lb, down)`` records a failure or recovery;
    ``recorded_down(lb)`` tells whether the log already holds the load balancer as failed
    (asked once, on the first probe of each load balancer).
    """

    def __init__(self, check: Check, record: Record, recorded_down: RecordedDown) -> None:
        self.check = check
        self.record = record
        self.recorded_down = recorded_down
        self.state: dict[str, bool] = {}
        """Last probed state per load balancer: True when up."""
        self._backends: dict[str, tuple[str, ...]] = {}

    def targets(self, probes: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """The load balancers serving a zone, and those found down (a failed-over load
        balancer serves none, but must still be seen to recover)."""
        return {**self.remembered, **probes}

    async def round(self, probes: dict[str, tuple[str, ...]]) -> None:
        """One probe of every target, then one event per change of state."""
        targets = self.targets(probes)
        self._backends.update(targets)
        results = await asyncio.gather(*(self._probe(b) for b in targets.values()))
        for lb_id, up in zip(targets, results):
            await self._observe(lb_id, up)

    async def _probe(self, backends: Sequence[str]) -> bool:
        return all(await asyncio.gather(*(self.check(b) for b in backends)))

    async def _observe(self, lb_id: str, up: bool) -> None:
        previous = self.state.get(lb_id)
        self.state[lb_id] = up
        if up and previous is not True:
            # Recover only what the log holds as failed: a backend first seen silent (not
            # started yet, say) was never recorded down.
            if await self.recorded_down(lb_id):
                await self._record(lb_id, down=False)
        elif not up and previous is True:
            await self._record(lb_id, down=True)

    async def _record(self, lb_id: str, down: bool) -> None:
        log.warning("prober: load balancer %s is %s", lb_id, "down" if down else "up again")
        try:
            await self.record(lb_id, down)
        except Exception as error:  # noqa: BLE001 - a refused record must not stop probing
            log.info("prober: recording %s %s answered %s", lb_id, "down" if down else "up", error)

    def is_new(self, lb_id: str) -> bool:
        return lb_id not in self.state

    @property
    def remembered(self) -> dict[str, tuple[str, ...]]:
        return {
            lb: self._backends[lb]
            for lb, up in self.state.items()
            if not up and lb in self._backends
        }


async def run_prober(
    prober: Prober,
    probes: Callable[[], dict[str, tuple[str, ...]]],
    interval: float,
    stopping: asyncio.Event,
    nudge: asyncio.Event,
) -> None:
    """Probe every ``interval`` seconds, and at once when nudged (a load balancer started
    serving a zone), until ``stopping`` is set (which nudges too)."""
    while not stopping.is_set():
        nudge.clear()
        try:
            await prober.round(probes())
        except Exception:
            log.exception("prober: a round failed")
        try:
            await asyncio.wait_for(nudge.wait(), interval)
        except TimeoutError:
            pass
