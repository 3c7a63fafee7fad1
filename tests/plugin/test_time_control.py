"""Issue 12, time control: a test holds one resource in its transitional state (Creating,
Connecting...) while the provisioner goes on with the others, then steps or releases it."""

from __future__ import annotations

from privatelink.testing import PrivateLinkServer
from tests.plugin.helpers import (
    create_endpoint,
    create_service,
    endpoint,
    service_status,
    whitelist,
)


def test_issue12_hold_keeps_a_resource_transitional_until_released(
    privatelink: PrivateLinkServer,
) -> None:
    """hold("*") parks every step; releasing one service lets it become Active while another
    created at the same time stays Creating; step() takes one parked step."""
    provider = privatelink.client("provider")
    privatelink.hold("*")
    held = create_service(provider)
    freed = create_service(provider, lb="nlb-provider0002")
    privatelink.wait_until(
        lambda: len(privatelink.admin("GET", "/_privatelink/provisioner")["Parked"]) == 2
    )
    assert privatelink.release(freed.service_id)["Taken"] == 1
    assert service_status(provider, freed.service_id) == "Active"  # read-your-writes
    assert service_status(provider, held.service_id) == "Creating"
    assert privatelink.step(held.service_id)["Taken"] == 1
    assert service_status(provider, held.service_id) == "Active"


def test_issue12_hold_one_endpoint_keeps_its_connection_connecting(
    privatelink: PrivateLinkServer,
) -> None:
    """Holding a service holds the steps of the endpoints connecting to it: the endpoint stays
    Creating and its connection Connecting (the steps parked, nothing lost) until the
    service is released; then they become Active and Connected."""
    provider, consumer = privatelink.client("provider"), privatelink.client("consumer")
    service = create_service(provider)
    privatelink.wait_until(lambda: service_status(provider, service.service_id) == "Active")
    whitelist(provider, service.service_id)
    privatelink.hold(service.service_id)
    ep = create_endpoint(consumer, service.service_name)
    held = privatelink.wait_until(
        lambda: (
            len(privatelink.admin("GET", "/_privatelink/provisioner")["Parked"]) == 2
            and privatelink.admin("GET", "/_privatelink/provisioner")["Parked"]
        )
    )
    assert {e["Event"] for e in held} == {"Created", "ConnectionAllowed"}
    assert all(ep.endpoint_id in e["ResourceIds"] for e in held)
    now = endpoint(consumer, ep.endpoint_id)
    assert (now.endpoint_status, now.connection_status) == ("Creating", "Connecting")
    assert privatelink.release(service.service_id)["Taken"] == 2
    now = endpoint(consumer, ep.endpoint_id)
    assert (now.endpoint_status, now.connection_status) == ("Active", "Connected")
    assert privatelink.admin("GET", "/_privatelink/provisioner")["Held"] == []


def test_issue12_reset_drops_holds_and_parked_steps(privatelink: PrivateLinkServer) -> None:
    """A reset forgets the holds: the next service becomes Active by itself."""
    provider = privatelink.client("provider")
    privatelink.hold("*")
    create_service(provider)
    privatelink.reset()
    assert privatelink.admin("GET", "/_privatelink/provisioner") | {"RequestId": ""} == {
        "Held": [],
        "Released": [],
        "Parked": [],
        "RequestId": "",
    }
    service = create_service(provider)
    privatelink.wait_until(lambda: service_status(provider, service.service_id) == "Active")


def test_issue12_step_waits_for_the_step_to_be_parked(privatelink: PrivateLinkServer) -> None:
    """step() right after the command: it waits for the provisioner to park the step, then
    takes it (the README's snippet); with nothing to take it answers Taken 0 after
    WaitSeconds."""
    provider = privatelink.client("provider")
    privatelink.hold("*")
    service = create_service(provider)
    assert privatelink.step(service.service_id)["Taken"] == 1
    assert service_status(provider, service.service_id) == "Active"
    nothing = privatelink.admin(
        "POST",
        "/_privatelink/provisioner/step",
        {"ResourceId": service.service_id, "WaitSeconds": 0},
    )
    assert nothing["Taken"] == 0
