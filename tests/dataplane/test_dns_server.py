"""DNS through a real resolver library against a running server (DNS-1..4, ACC-4, EP-9):
questions sent from different loopback source addresses prove zone affinity."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_privatelink20200415 import models as pl

from tests.conftest import CONSUMER, PROVIDER
from tests.dataplane.conftest import DataPlaneServer, addresses, ask, rcode
from tests.e2e.helpers import (
    REGION,
    H,
    I,
    J,
    allow,
    create_endpoint,
    create_service,
    endpoint_zones,
    guarded_client,
    wait_connection,
    wait_until,
)

pytestmark = pytest.mark.e2e

IN_H, IN_I, IN_J = "127.16.1.9", "127.16.2.9", "127.16.3.9"


@pytest.fixture(scope="module")
def server(database_url: str, module_schema: str) -> Iterator[DataPlaneServer]:
    srv = DataPlaneServer(database_url, module_schema, "--no-forwarders", "--probe-interval", "0")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def provider(server: DataPlaneServer) -> Any:
    return guarded_client(server.endpoint, PROVIDER)


@pytest.fixture(scope="module")
def consumer(server: DataPlaneServer) -> Any:
    return guarded_client(server.endpoint, CONSUMER)


def connected_endpoint(
    provider: Any,
    consumer: Any,
    zones: tuple[str, ...] = (H, I),
    service: dict[str, Any] | None = None,
    **endpoint: Any,
) -> tuple[str, dict[str, Any]]:
    """An auto-accepted endpoint whose every zone is Connected: its domain and its zones."""
    resources = ("nlb-provider0001", "nlb-provider0002") if J in zones else ()
    service_id = create_service(provider, *resources, auto_accept_enabled=True, **(service or {}))
    endpoint_id = create_endpoint(consumer, service_id, zones, **endpoint)
    domain = wait_connection(consumer, endpoint_id, "Connected").endpoint_domain
    found = wait_until(
        lambda: endpoint_zones(consumer, endpoint_id),
        lambda zs: all(z.zone_status == "Connected" for z in zs.values()),
    )
    return domain, found


def resolved(server: DataPlaneServer, name: str, want: list[str], **how: Any) -> list[str]:
    """The answer, once it is ``want`` (the data plane follows the views within moments)."""
    return wait_until(
        lambda: addresses(ask(server.dns_port, name, **how)), lambda got: got == sorted(want)
    )


def test_dns_1_endpoint_domain_resolves_to_every_connected_zone(server, provider, consumer) -> None:
    domain, zones = connected_endpoint(provider, consumer)
    everyone = [zones[H].eni_ip, zones[I].eni_ip]
    assert resolved(server, domain, everyone) == sorted(everyone)
    response = ask(server.dns_port, domain, tcp=True)
    assert addresses(response) == sorted(everyone)
    assert all(rrset.ttl <= 5 for rrset in response.answer)


def test_dns_1_dual_stack_endpoint_answers_aaaa(server, provider, consumer) -> None:
    domain, zones = connected_endpoint(
        provider,
        consumer,
        service={"address_ip_version": "DualStack"},
        address_ip_version="DualStack",
    )
    ipv6 = [zones[H].zone_ipv_6address, zones[I].zone_ipv_6address]
    assert all(ipv6)
    resolved(server, domain, ipv6, rdtype="AAAA")
    resolved(server, domain, [zones[H].eni_ip, zones[I].eni_ip])


def test_dns_2_zone_affinity_answers_the_askers_zone_alone(server, provider, consumer) -> None:
    domain, zones = connected_endpoint(
        provider, consumer, service={"zone_affinity_enabled": True}, zone_affinity_enabled=True
    )
    resolved(server, domain, [zones[H].eni_ip], source=IN_H)
    assert addresses(ask(server.dns_port, domain, source=IN_I)) == [zones[I].eni_ip]
    assert addresses(ask(server.dns_port, domain, source=IN_I, tcp=True)) == [zones[I].eni_ip]


def test_dns_2_client_subnet_option_names_the_askers_zone(server, provider, consumer) -> None:
    domain, zones = connected_endpoint(
        provider, consumer, service={"zone_affinity_enabled": True}, zone_affinity_enabled=True
    )
    resolved(server, domain, [zones[I].eni_ip], subnet="127.16.2.0/24")
    response = ask(server.dns_port, domain, source=IN_H, subnet="127.16.2.0/24")
    assert addresses(response) == [zones[I].eni_ip]


def test_dns_3_asker_outside_the_endpoints_zones_gets_every_zone(
    server, provider, consumer
) -> None:
    domain, zones = connected_endpoint(
        provider, consumer, service={"zone_affinity_enabled": True}, zone_affinity_enabled=True
    )
    everyone = [zones[H].eni_ip, zones[I].eni_ip]
    resolved(server, domain, everyone, source=IN_J)
    assert addresses(ask(server.dns_port, domain, source="127.0.0.1")) == sorted(everyone)


def test_dns_3_affinity_off_at_the_endpoint_gives_every_zone(server, provider, consumer) -> None:
    domain, zones = connected_endpoint(
        provider, consumer, (H, I, J), service={"zone_affinity_enabled": True}
    )
    everyone = [zones[z].eni_ip for z in (H, I, J)]
    for source in (IN_H, IN_I, IN_J):
        resolved(server, domain, everyone, source=source)


def test_dns_4_zone_domain_resolves_to_its_zone_only(server, provider, consumer) -> None:
    _, zones = connected_endpoint(provider, consumer, (H, I, J))
    for zone in zones.values():
        resolved(server, zone.zone_domain, [zone.eni_ip], source=IN_H)


def test_acc_4_only_an_accepted_connection_has_records(server, provider, consumer) -> None:
    service_id = create_service(provider, auto_accept_enabled=False)
    endpoint_id = create_endpoint(consumer, service_id)
    domain = wait_connection(consumer, endpoint_id, "Pending").endpoint_domain
    response = wait_until(lambda: ask(server.dns_port, domain), lambda r: rcode(r) == "NOERROR")
    assert addresses(response) == []
    allow(provider, service_id, endpoint_id)
    zones = wait_until(
        lambda: endpoint_zones(consumer, endpoint_id),
        lambda zs: all(z.zone_status == "Connected" for z in zs.values()),
    )
    resolved(server, domain, [zones[H].eni_ip, zones[I].eni_ip])


def test_ep_9_the_apis_endpoint_and_zone_domains_are_the_names_that_resolve(
    server, provider, consumer
) -> None:
    domain, zones = connected_endpoint(provider, consumer)
    body = consumer.list_vpc_endpoints(pl.ListVpcEndpointsRequest(region_id=REGION)).body
    (listed,) = [e for e in body.endpoints if e.endpoint_domain == domain]
    suffix = f"{listed.service_id}.{REGION}.privatelink.aliyuncs.com"
    assert domain == f"{listed.endpoint_id}.{suffix}"
    for zone_id, zone in zones.items():
        assert zone.zone_domain == f"{listed.endpoint_id}-{zone_id}.{suffix}"
        resolved(server, zone.zone_domain, [zone.eni_ip])


def test_unknown_names_in_our_zone_are_nxdomain_and_others_refused(server) -> None:
    unknown = "ep-nosuchendpoint.epsrv-nosuch.cn-hangzhou.privatelink.aliyuncs.com"
    for tcp in (False, True):
        assert rcode(ask(server.dns_port, unknown, tcp=tcp)) == "NXDOMAIN"
        assert rcode(ask(server.dns_port, "www.example.com", tcp=tcp)) == "REFUSED"
