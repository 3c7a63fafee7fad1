"""The data plane: a DNS server answering from the endpoint record view (DNS-1..5), ENI
forwarders carrying TCP to the providers' backends at the connection's bandwidth (BW-1), and
a prober recording load balancer failures and recoveries (RES-8), all following the views.

``start_data_plane`` is the one entry point; the composition root calls it when serving.
"""

from __future__ import annotations

from contextlib import ExitStack

from privatelink.infra.dataplane.runner import DataPlane, DataPlaneError, Runtime

__all__ = ["DataPlaneError", "start_data_plane"]


def start_data_plane(runtime: Runtime, stack: ExitStack) -> None:
    """Start what the settings turn on, and register its stop on ``stack``.

    Raises DataPlaneError (with nothing left running) when it cannot start, such as when the
    DNS port is taken.
    """
    settings = runtime.settings
    if not (settings.dns_enabled or settings.forwarders_enabled or settings.probe_interval > 0):
        return
    plane = DataPlane(runtime)
    plane.start()
    runtime.dataplane = plane  # type: ignore[attr-defined]  # `serve` prints its line
    stack.callback(plane.stop)
