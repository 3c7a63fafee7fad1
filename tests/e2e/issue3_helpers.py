"""What the end-to-end tests of resources, bandwidth, regions and tags share: zone
connections through the SDK, inter-region endpoints, and marking load balancers down or up.

Like ``tests/e2e/helpers.py``, everything here goes through the official SDK (or the admin
route and CLI a user would use)."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg
from alibabacloud_privatelink20200415 import models as pl

from tests.conftest import Server
from tests.e2e.helpers import (
    REGION,
    connection,
    create_endpoint,
    get_endpoint,
    resource_type,
    wait_connection,
    wait_until,
)

# These suites drive the control plane only: no DNS server, forwarders nor health prober, so
# that a server of theirs neither competes for the data plane's fixed ports (DNS 8053, ENI
# listener ports) with another server on the machine nor sees load balancers change on its own.
CONTROL_PLANE_ONLY = ("--no-dns", "--no-forwarders", "--probe-interval", "0")

SHANGHAI, SINGAPORE = "cn-shanghai", "ap-southeast-1"
SH_E, SG_A = "cn-shanghai-e", "ap-southeast-1a"
REMOTE = {  # the consumer's VPC, a vSwitch and a security group in each other region
    SHANGHAI: ("vpc-consumer0002", {SH_E: "vsw-consumer-sh-e"}, "sg-consumer0003"),
    SINGAPORE: ("vpc-consumer0003", {SG_A: "vsw-consumer-sg-a"}, "sg-consumer0004"),
}


@contextmanager
def control_plane_server(database_url: str, *extra: str) -> Iterator[Server]:
    """A ``privatelink serve`` on a schema of its own (dropped afterwards), data plane off."""
    schema = f"e2e_{secrets.token_hex(6)}"
    srv = Server(database_url, schema, *CONTROL_PLANE_ONLY, *extra)
    try:
        yield srv
    finally:
        srv.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# -- zone connections (provider side) ---------------------------------------------------------


def zone_connection(provider: Any, service_id: str, endpoint_id: str, zone_id: str) -> Any:
    """The zone of the connection as ListVpcEndpointConnections shows it."""
    zones = {z.zone_id: z for z in connection(provider, service_id, endpoint_id).zones}
    return zones[zone_id]


def wait_zone(
    provider: Any, service_id: str, endpoint_id: str, zone_id: str, predicate: Callable[[Any], bool]
) -> Any:
    return wait_until(
        lambda: zone_connection(provider, service_id, endpoint_id, zone_id), predicate
    )


def wait_zone_status(
    provider: Any, service_id: str, endpoint_id: str, zone_id: str, status: str
) -> Any:
    return wait_zone(provider, service_id, endpoint_id, zone_id, lambda z: z.zone_status == status)


def set_auto_allocation(
    provider: Any, service_id: str, resource_id: str, enabled: bool, zone_id: str | None = None
) -> None:
    provider.update_vpc_endpoint_service_resource_attribute(
        pl.UpdateVpcEndpointServiceResourceAttributeRequest(
            region_id=REGION,
            service_id=service_id,
            resource_id=resource_id,
            zone_id=zone_id,
            auto_allocated_enabled=enabled,
        )
    )


def change_zone_resource(
    provider: Any,
    service_id: str,
    endpoint_id: str,
    zone_id: str,
    resource_id: str | None = None,
    **mode: str,
) -> None:
    """UpdateVpcEndpointZoneConnectionResourceAttribute with ``resource_allocate_mode`` or
    ``resource_replace_mode``."""
    provider.update_vpc_endpoint_zone_connection_resource_attribute(
        pl.UpdateVpcEndpointZoneConnectionResourceAttributeRequest(
            region_id=REGION,
            service_id=service_id,
            endpoint_id=endpoint_id,
            zone_id=zone_id,
            resource_id=resource_id,
            resource_type=resource_type(resource_id) if resource_id else None,
            **mode,
        )
    )


def disable_zone(
    provider: Any,
    service_id: str,
    endpoint_id: str,
    zone_id: str,
    replaced_resource: bool | None = None,
) -> None:
    provider.disable_vpc_endpoint_zone_connection(
        pl.DisableVpcEndpointZoneConnectionRequest(
            region_id=REGION,
            service_id=service_id,
            endpoint_id=endpoint_id,
            zone_id=zone_id,
            replaced_resource=replaced_resource,
        )
    )


def enable_zone(provider: Any, service_id: str, endpoint_id: str, zone_id: str) -> None:
    provider.enable_vpc_endpoint_zone_connection(
        pl.EnableVpcEndpointZoneConnectionRequest(
            region_id=REGION, service_id=service_id, endpoint_id=endpoint_id, zone_id=zone_id
        )
    )


def connected_endpoint(consumer: Any, service_id: str, zones: Sequence[str]) -> str:
    """A new endpoint (of an auto-accept service) once it is Connected; its id."""
    endpoint_id = create_endpoint(consumer, service_id, zones=zones)
    wait_connection(consumer, endpoint_id, "Connected")
    return endpoint_id


# -- inter-region endpoints (XR) ---------------------------------------------------------------


def remote_endpoint_request(
    service_id: str, region: str, **options: Any
) -> pl.CreateVpcEndpointRequest:
    vpc_id, vswitches, group = REMOTE[region]
    return pl.CreateVpcEndpointRequest(
        region_id=region,
        vpc_id=vpc_id,
        service_id=service_id,
        service_region_id=REGION,
        zone=[
            pl.CreateVpcEndpointRequestZone(zone_id=z, v_switch_id=v) for z, v in vswitches.items()
        ],
        security_group_id=[group],
        **options,
    )


def create_remote_endpoint(consumer: Any, service_id: str, region: str, **options: Any) -> str:
    body = consumer.create_vpc_endpoint(remote_endpoint_request(service_id, region, **options)).body
    return str(body.endpoint_id)


def get_remote_endpoint(consumer: Any, endpoint_id: str, region: str) -> Any:
    return consumer.get_vpc_endpoint_attribute(
        pl.GetVpcEndpointAttributeRequest(region_id=region, endpoint_id=endpoint_id)
    ).body


def wait_remote_connection(consumer: Any, endpoint_id: str, region: str, status: str) -> Any:
    return wait_until(
        lambda: get_remote_endpoint(consumer, endpoint_id, region),
        lambda e: e.connection_status == status,
    )


def update_remote_endpoint(consumer: Any, endpoint_id: str, region: str, **changes: Any) -> None:
    consumer.update_vpc_endpoint_attribute(
        pl.UpdateVpcEndpointAttributeRequest(region_id=region, endpoint_id=endpoint_id, **changes)
    )


# -- marking load balancers down or up (RES-8) --------------------------------------------------


def admin_fault(server_endpoint: str, resource_id: str, down: bool) -> httpx.Response:
    """``POST /admin/faults`` as an operator on the same machine."""
    return httpx.post(
        f"http://{server_endpoint}/admin/faults",
        json={"ResourceId": resource_id, "Down": down},
        timeout=30,
    )


def cli_fault(
    database_url: str, schema: str, resource_id: str, down: bool
) -> subprocess.CompletedProcess[str]:
    """``privatelink fault ID --down|--up`` against the server's database and schema."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "privatelink",
            "fault",
            resource_id,
            "--down" if down else "--up",
            "--database-url",
            database_url,
            "--schema",
            schema,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def schema_of(server: Any) -> str:
    """The PostgreSQL schema a ``Server`` was started with."""
    return str(server.args[server.args.index("--schema") + 1])


def endpoint_bandwidth(consumer: Any, endpoint_id: str) -> int:
    return int(get_endpoint(consumer, endpoint_id).bandwidth)
