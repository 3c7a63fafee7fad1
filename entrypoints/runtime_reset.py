"""Reset a running product to an empty store (issue 12), for test suites: the followers, the
data plane and the writer stop, every table of the schema is truncated (no new PostgreSQL,
no new schema), every in-memory position, cache and provisioner hold is dropped with the
objects that held them, and the services start again from position 0.

The inventory in force (the seed and the runtime changes) is kept, or replaced; when it is
not the start-up seed, it is recorded as the first event of the new store, so a restart
against the same store serves the same inventory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from privatelink.application.provisioner_holds import ProvisionerHolds
from privatelink.application.unit_of_work import Command
from privatelink.domain.base import Caller
from privatelink.domain.inventory import Inventory
from privatelink.domain.inventory_changes import InventoryLog
from privatelink.infra.metrics import LagMeter
from privatelink.infra.positions import PositionWatcher
from privatelink.infra.reset import truncate_schema

Step = Callable[[Any], None]


def reset_runtime(
    runtime: Any,
    start_services: Step,
    stop_services: Step,
    inventory: Inventory | None = None,
    request_id: str = "reset",
) -> dict[str, Any]:
    """Empty the store and every in-memory state of ``runtime`` (a ``composition.Runtime``,
    which calls this with its own ``start_services`` / ``stop_services``: passed in, so the
    two modules do not import each other); the inventory kept or replaced."""
    started = time.perf_counter()
    serving = runtime.services is not None
    live: Any = runtime.inventory
    keep = inventory if inventory is not None else live.current
    stop_services(runtime)  # the writer's aggregate cache and the followers' positions go
    try:
        tables = empty_store(runtime, keep, request_id)
    finally:
        if serving:
            start_services(runtime)
    return {
        "Tables": len(tables),
        "InventoryRecorded": keep != live.seed,
        "Seconds": round(time.perf_counter() - started, 4),
    }


def empty_store(runtime: Any, keep: Inventory, request_id: str) -> list[str]:
    """Truncate the schema, forget every position, and restore the inventory ``keep``; the
    tables emptied."""
    live: Any = runtime.inventory
    tables = truncate_schema(runtime.url, runtime.settings.db_schema)
    forget_positions(runtime)
    live.restore(runtime.app)  # the seed again: the log of changes is gone
    if keep != live.seed:
        record_inventory(runtime, keep, request_id)
        live.restore(runtime.app)
    return tables


def forget_positions(runtime: Any) -> None:
    """New provisioner holds, lag meter and position watcher, all from position 0."""
    runtime.app.holds = ProvisionerHolds()
    runtime.lag = LagMeter()
    runtime.watcher = PositionWatcher(0, on_advance=runtime.lag.applied)


def record_inventory(runtime: Any, inventory: Inventory, request_id: str) -> None:
    """Record ``inventory`` as the first event of the emptied store."""
    by = Caller("operator", request_id)
    log = InventoryLog.created_by(by)
    log.replace(by, inventory.model_dump(mode="json"))
    runtime.app.execute(Command(Caller("operator", request_id), "AdminReset"), lambda: ({}, [log]))
