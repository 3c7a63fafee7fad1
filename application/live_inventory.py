"""The inventory in force while the server runs: the start-up seed (the inventory file) with
the recorded runtime changes applied (``domain.inventory_changes``).

``LiveInventory`` stands in for an ``Inventory`` everywhere (the application's facts, the
authenticator, the API): it forwards every lookup to the current one, so an added account,
VPC or load balancer is seen by the very next request.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from eventsourcing.application import AggregateNotFoundError

from privatelink.application.jobs import Command
from privatelink.domain.errors_denied import OperationDeniedLoadBalancerInUse
from privatelink.domain.inventory import Inventory
from privatelink.domain.inventory_changes import InventoryLog, apply_change, check_kind, fold
from privatelink.domain.load_balancers import LoadBalancerState
from privatelink.domain.records import InventoryChange

if TYPE_CHECKING:
    from privatelink.application.app import PrivateLinkApp

log = logging.getLogger("privatelink")


class LiveInventory:
    """A swappable inventory: lookups go to ``current``."""

    def __init__(self, seed: Inventory) -> None:
        self.seed = seed
        self.current = seed
        self.version = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["current"], name)

    def secret_for(self, access_key_id: str) -> str | None:
        """Bound once by the authenticator, so it looks in the current inventory each time."""
        return self.current.secret_for(access_key_id)

    def set(self, inventory: Inventory, version: int) -> None:
        with self._lock:
            if version >= self.version:
                self.current, self.version = inventory, version

    def restore(self, app: PrivateLinkApp) -> list[str]:
        """At start-up (and after a reset): the seed plus the recorded changes."""
        log_ = read_log(app)
        if log_ is None:
            with self._lock:
                self.current, self.version = self.seed, 0
            return []
        inventory, skipped = fold(self.seed, log_.changes)
        for reason in skipped:
            log.warning("inventory change no longer applies to the seed, skipped: %s", reason)
        with self._lock:
            self.current, self.version = inventory, log_.version
        return skipped


def read_log(app: PrivateLinkApp) -> InventoryLog | None:
    try:
        return app.repository.get(InventoryLog.create_id())
    except AggregateNotFoundError:
        return None


def _log_for(app: PrivateLinkApp, command: Command) -> InventoryLog:
    try:
        return app.uow.load(InventoryLog, InventoryLog.create_id())
    except Exception:  # noqa: BLE001 - NotFound: the first change opens the log
        return InventoryLog.created_by(command.caller)


def _check_removable(app: PrivateLinkApp, kind: str, ident: str) -> None:
    if kind != "load_balancer":
        return
    try:
        state = app.uow.load(LoadBalancerState, LoadBalancerState.create_id(ident))
    except Exception:  # noqa: BLE001 - never attached
        return
    if state.services:
        raise OperationDeniedLoadBalancerInUse(
            f"The load balancer '{ident}' backs the endpoint service(s) "
            f"{', '.join(state.services)}; detach it first."
        )


def change_inventory(
    app: PrivateLinkApp, live: LiveInventory, command: Command, change: InventoryChange
) -> Inventory:
    """Check and record one change; the live inventory follows once it is committed."""
    if change["op"] != "replace":
        check_kind(change["kind"])
    if change["op"] == "remove":
        _check_removable(app, change["kind"], str(change["id"]))

    def decide() -> tuple[dict[str, Any], list[Any]]:
        log_ = _log_for(app, command)
        current, _ = fold(live.seed, log_.changes)
        apply_change(current, change)  # refuses an invalid result before anything is recorded
        if change["op"] == "add":
            log_.add(command.caller, change["kind"], change["item"])
        elif change["op"] == "remove":
            log_.remove(command.caller, change["kind"], str(change["id"]))
        else:
            log_.replace(command.caller, change["inventory"])
        return {"Version": log_.version}, [log_]

    app.execute(command, decide)
    live.restore(app)
    return live.current
