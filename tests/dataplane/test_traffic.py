"""End to end: a provider's HTTP backend behind an NLB listener, a consumer's endpoint on
loopback vSwitches, requests through the endpoint domain resolved by our DNS (BW-1, DNS-5,
RES-8)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alibabacloud_privatelink20200415 import models as pl

from privatelink.infra.inventory_file import demo_inventory_text
from tests.conftest import CONSUMER, PROVIDER, free_port
from tests.dataplane.backends import Backend
from tests.dataplane.conftest import DataPlaneServer, addresses, ask
from tests.e2e.helpers import (
    REGION,
    H,
    I,
    create_endpoint,
    create_service,
    endpoint_zones,
    guarded_client,
    wait_connection,
    wait_until,
)

pytestmark = pytest.mark.e2e

IN_H = "127.16.1.9"
LIMIT_MBPS = 100


def provider_inventory(path: Path, listen_port: int, main: Backend, spare: Backend) -> Path:
    """The demo inventory with nlb-provider0001 in front of ``main`` and nlb-provider0003
    (zone h only) in front of ``spare``."""
    text = demo_inventory_text()
    old = '{port: 80, backend: "127.0.0.1:9000"}'
    spare_lb = "zones: [cn-hangzhou-h]\n    bandwidth_mbps: 10000\n"
    assert text.count(old) == 1 and text.count(spare_lb) == 1
    text = text.replace(old, f'{{port: {listen_port}, backend: "{main.address}"}}')
    text = text.replace(
        spare_lb,
        spare_lb + f'    listeners: [{{port: {listen_port}, backend: "{spare.address}"}}]\n',
    )
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def listen_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def main_backend() -> Iterator[Backend]:
    backend = Backend("A", free_port())
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def spare_backend() -> Iterator[Backend]:
    backend = Backend("B", free_port())
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture(scope="module")
def server(
    database_url: str,
    module_schema: str,
    tmp_path_factory: pytest.TempPathFactory,
    listen_port: int,
    main_backend: Backend,
    spare_backend: Backend,
) -> Iterator[DataPlaneServer]:
    inventory = provider_inventory(
        tmp_path_factory.mktemp("inv") / "inventory.yaml", listen_port, main_backend, spare_backend
    )
    srv = DataPlaneServer(
        database_url, module_schema, "--inventory", str(inventory), "--probe-interval", "0.3"
    )
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def provider(server: DataPlaneServer) -> Any:
    return guarded_client(server.endpoint, PROVIDER)


@pytest.fixture(scope="module")
def consumer(server: DataPlaneServer) -> Any:
    return guarded_client(server.endpoint, CONSUMER)


def endpoint_on(provider: Any, consumer: Any, *resources: str) -> tuple[str, str, str, dict]:
    """An auto-accepted endpoint in zones h and i, Connected: ids, domain and zones."""
    service_id = create_service(provider, *resources, auto_accept_enabled=True)
    endpoint_id = create_endpoint(consumer, service_id, (H, I))
    domain = wait_connection(consumer, endpoint_id, "Connected").endpoint_domain
    zones = wait_until(
        lambda: endpoint_zones(consumer, endpoint_id),
        lambda zs: all(z.zone_status == "Connected" for z in zs.values()),
    )
    return service_id, endpoint_id, domain, zones


def get(ip: str, port: int, domain: str, path: str = "/") -> str:
    """``curl --resolve domain:port:ip http://domain:port/path``."""
    try:
        response = httpx.get(f"http://{ip}:{port}{path}", headers={"Host": domain}, timeout=3)
    except httpx.HTTPError as error:
        return f"error: {type(error).__name__}"
    return response.text


def resolve(server: DataPlaneServer, domain: str, want: int | None = None) -> list[str]:
    return wait_until(
        lambda: addresses(ask(server.dns_port, domain, source=IN_H)),
        lambda got: len(got) == want if want is not None else bool(got),
        timeout=15,
    )


def test_bw_1_http_get_through_the_endpoint_domain_reaches_the_backend(
    server, provider, consumer, listen_port
) -> None:
    _, _, domain, _ = endpoint_on(provider, consumer)
    for ip in resolve(server, domain, want=2):
        body = wait_until(
            lambda ip=ip: get(ip, listen_port, domain), lambda text: text.startswith("hello")
        )
        assert body == "hello from backend A\n"


def test_bw_1_bandwidth_limit_holds_and_applies_to_live_traffic(
    server, provider, consumer, listen_port
) -> None:
    service_id, endpoint_id, domain, _ = endpoint_on(provider, consumer)
    ip = resolve(server, domain)[0]
    wait_until(lambda: get(ip, listen_port, domain), lambda text: text.startswith("hello"))
    with httpx.stream(
        "GET", f"http://{ip}:{listen_port}/stream", headers={"Host": domain}, timeout=5
    ) as response:
        chunks = response.iter_raw(65536)
        started = time.monotonic()
        while time.monotonic() - started < 0.3:
            next(chunks)
        provider.update_vpc_endpoint_connection_attribute(
            pl.UpdateVpcEndpointConnectionAttributeRequest(
                region_id=REGION,
                service_id=service_id,
                endpoint_id=endpoint_id,
                bandwidth=LIMIT_MBPS,
            )
        )
        changed = time.monotonic()
        measured, window_start = 0, changed + 0.8
        while (now := time.monotonic()) < window_start + 2.0:
            size = len(next(chunks))
            if now >= window_start:
                measured += size
        elapsed = time.monotonic() - window_start
    mbps = measured * 8 / elapsed / 1_000_000
    assert LIMIT_MBPS * 0.85 <= mbps <= LIMIT_MBPS * 1.15, f"{mbps:.1f} Mbit/s"


def test_forwarder_closes_when_its_zone_disconnects(
    server, provider, consumer, listen_port
) -> None:
    service_id, endpoint_id, domain, zones = endpoint_on(provider, consumer)
    ip_h, ip_i = zones[H].eni_ip, zones[I].eni_ip
    wait_until(lambda: get(ip_i, listen_port, domain), lambda text: text.startswith("hello"))
    provider.disable_vpc_endpoint_zone_connection(
        pl.DisableVpcEndpointZoneConnectionRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id, zone_id=I
        )
    )
    wait_until(lambda: addresses(ask(server.dns_port, domain)), lambda got: got == [ip_h])
    assert wait_until(
        lambda: get(ip_i, listen_port, domain), lambda text: text == "error: ConnectError"
    )
    assert get(ip_h, listen_port, domain) == "hello from backend A\n"


def test_dns_5_res_8_a_dead_backend_leaves_dns_or_fails_over_and_comes_back(
    server, provider, consumer, listen_port, main_backend
) -> None:
    _, _, alone, _ = endpoint_on(provider, consumer)
    _, _, spared, spared_zones = endpoint_on(
        provider, consumer, "nlb-provider0001", "nlb-provider0003"
    )
    ip_h = spared_zones[H].eni_ip
    resolve(server, alone, want=2)
    assert (
        wait_until(lambda: get(ip_h, listen_port, spared), lambda text: text.startswith("hello"))
        == "hello from backend A\n"
    )
    main_backend.stop()
    try:
        # Only nlb-provider0001 serves `alone`: both its records leave DNS (DNS-5).
        resolve(server, alone, want=0)
        # `spared` has nlb-provider0003 in zone h: that zone fails over to it (RES-8) and its
        # ENI now forwards to backend B; zone i has nowhere to go and leaves DNS.
        assert resolve(server, spared, want=1) == [ip_h]
        assert (
            wait_until(
                lambda: get(ip_h, listen_port, spared), lambda text: text.startswith("hello")
            )
            == "hello from backend B\n"
        )
    finally:
        main_backend.start()
    resolve(server, alone, want=2)
    resolve(server, spared, want=2)
    assert "load balancer nlb-provider0001 is down" in server.output()


def test_sigterm_stops_serve_cleanly_while_traffic_flows(
    server, provider, consumer, listen_port
) -> None:
    """Runs last in this module: it stops the module's server."""
    _, _, domain, _ = endpoint_on(provider, consumer)
    ip = resolve(server, domain)[0]
    wait_until(lambda: get(ip, listen_port, domain), lambda text: text.startswith("hello"))
    with httpx.stream(
        "GET", f"http://{ip}:{listen_port}/stream", headers={"Host": domain}, timeout=5
    ) as response:
        next(response.iter_raw(65536))
        started = time.monotonic()
        server.process.terminate()
        assert server.process.wait(timeout=15) == 0
    assert time.monotonic() - started < 10
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", server.dns_port))  # the DNS port is free again
