"""Rules of the Endpoint aggregate and of vSwitch address books: creation (EP-1, EP-3, EP-5,
EP-7), addresses (EP-4), security groups (EP-6), zones (EP-8), domains (EP-9), deletion
(DEL-3) and tenancy (SEC-3)."""

from __future__ import annotations

import pytest

from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import endpoint_domain, zone_domain
from privatelink.domain.endpoint import Endpoint, EndpointOptions
from privatelink.domain.errors import (
    AlreadyExists,
    DomainError,
    EndpointNotFound,
    EndpointServiceNotFound,
    InvalidSecurityGroupIdNotFound,
    InvalidValue,
    IpAddressUnavailable,
    NotFound,
    OperationDenied,
    ZoneNotSupported,
)
from privatelink.domain.service import EndpointService
from tests.unit.helpers import (
    CONSUMER_UID,
    OUTSIDER_UID,
    REGION,
    ZONE_H,
    ZONE_I,
    ZONE_J,
    connect,
    consumer,
    new_endpoint,
    new_service,
    outsider,
    placement,
    provider,
    request_for,
)

EP = "ep-test0001"


def listed_service(*resources: object, **options: object) -> EndpointService:
    """A service (default: dual-stack NLB in zones h and i) that lists the consumer."""
    service = new_service(*resources, **options)  # type: ignore[arg-type]
    service.add_user(provider, CONSUMER_UID)
    service.collect_events()
    return service


def create(
    service: EndpointService, zones: tuple[str, ...] = (ZONE_H,), **options: object
) -> Endpoint:
    return Endpoint.create(
        consumer,
        EP,
        REGION,
        "vpc-consumer0001",
        service.facts(),
        [placement(z) for z in zones],
        ["sg-consumer0001"],
        EndpointOptions(**options),
    )  # type: ignore[arg-type]


# -- EP-1: the service must be visible ------------------------------------------------------------


def test_ep_1_a_listed_consumer_creates_an_endpoint_recording_created() -> None:
    endpoint = create(listed_service())
    events = endpoint.collect_events()
    assert [type(e).__name__ for e in events] == ["Created"]
    assert (events[0].service_id, events[0].vpc_id, events[0].actor) == (
        "epsrv-test0001",
        "vpc-consumer0001",
        CONSUMER_UID,
    )


def test_ep_1_an_endpoint_to_a_service_that_does_not_list_the_consumer_is_refused() -> None:
    service = new_service()
    with pytest.raises(EndpointServiceNotFound) as refused:
        request_for(service)
    assert refused.value.code == "EndpointServiceNotFound"
    assert service.collect_events() == []


def test_ep_1_an_endpoint_to_a_deleted_service_is_refused() -> None:
    service = listed_service()
    service.detach_resource(provider, "nlb-1", None)
    service.delete(provider)
    service.collect_events()
    with pytest.raises(EndpointServiceNotFound):
        request_for(service)
    assert service.collect_events() == []


def test_ep_1_the_endpoint_keeps_the_service_payer() -> None:
    endpoint = create(listed_service(payer="EndpointService"))
    assert endpoint.payer == "EndpointService"


def test_ep_1_a_new_endpoint_starts_creating_and_activation_makes_it_active() -> None:
    endpoint = new_endpoint(listed_service())
    assert endpoint.status == "Creating"
    endpoint.activate(provider)
    assert endpoint.status == "Active"


# -- EP-3: zones of the service --------------------------------------------------------------------


def test_ep_3_an_endpoint_zone_the_service_does_not_serve_is_refused() -> None:
    with pytest.raises(ZoneNotSupported) as refused:
        request_for(listed_service(), (ZONE_H, ZONE_J))
    assert refused.value.code == "EndpointZoneNotSupported"


def test_ep_3_an_endpoint_without_zones_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        create(listed_service(), ())
    assert refused.value.code == "MissingParameter"


def test_ep_3_a_zone_given_twice_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        create(listed_service(), (ZONE_H, ZONE_H))
    assert refused.value.code == "InvalidParameter"


def test_ep_3_each_zone_keeps_its_vswitch_eni_and_ip() -> None:
    endpoint = create(listed_service(), (ZONE_H, ZONE_I))
    assert endpoint.zones[ZONE_I] == placement(ZONE_I).as_dict()
    assert sorted(endpoint.zones) == [ZONE_H, ZONE_I]


# -- EP-4: ENI addresses ---------------------------------------------------------------------------


def book(cidr: str = "127.16.1.0/24") -> VSwitchAddresses:
    addresses = VSwitchAddresses.created_by(consumer, vswitch_id="vsw-consumer-h", cidr=cidr)
    addresses.collect_events()
    return addresses


def test_ep_4_a_given_free_address_inside_the_block_is_taken() -> None:
    addresses = book()
    assert addresses.take(consumer, "127.16.1.10", "eni-1") == "127.16.1.10"
    (taken,) = addresses.collect_events()
    assert (type(taken).__name__, taken.ip, taken.eni_id) == (
        "AddressTaken",
        "127.16.1.10",
        "eni-1",
    )


def test_ep_4_an_address_outside_the_block_is_refused() -> None:
    addresses = book()
    with pytest.raises(IpAddressUnavailable) as refused:
        addresses.take(consumer, "127.16.2.10", "eni-1")
    assert refused.value.code == "InvalidIpAddress.NotInVSwitch"
    assert addresses.collect_events() == []


def test_ep_4_an_address_that_is_not_an_ip_is_refused() -> None:
    addresses = book()
    with pytest.raises(IpAddressUnavailable) as refused:
        addresses.take(consumer, "not-an-ip", "eni-1")
    assert refused.value.code == "InvalidIpAddress"
    assert addresses.collect_events() == []


def test_ep_4_the_first_address_of_the_block_is_reserved() -> None:
    addresses = book()
    with pytest.raises(IpAddressUnavailable) as refused:
        addresses.take(consumer, "127.16.1.0", "eni-1")
    assert refused.value.code == "InvalidIpAddress.Reserved"
    assert addresses.collect_events() == []


@pytest.mark.parametrize("ip", ["127.16.1.253", "127.16.1.254", "127.16.1.255"])
def test_ep_4_the_last_three_addresses_of_the_block_are_reserved(ip: str) -> None:
    addresses = book()
    with pytest.raises(IpAddressUnavailable) as refused:
        addresses.take(consumer, ip, "eni-1")
    assert refused.value.code == "InvalidIpAddress.Reserved"
    assert addresses.collect_events() == []


def test_ep_4_the_fourth_last_address_of_the_block_is_assignable() -> None:
    assert book().take(consumer, "127.16.1.252", "eni-1") == "127.16.1.252"


def test_ep_4_an_address_already_taken_is_refused() -> None:
    addresses = book()
    addresses.take(consumer, "127.16.1.10", "eni-1")
    addresses.collect_events()
    with pytest.raises(IpAddressUnavailable) as refused:
        addresses.take(consumer, "127.16.1.10", "eni-2")
    assert refused.value.code == "InvalidIpAddress.AlreadyUsed"
    assert addresses.collect_events() == []
    assert addresses.taken == {"127.16.1.10": "eni-1"}


def test_ep_4_without_an_address_the_first_free_one_after_the_reserved_is_assigned() -> None:
    assert book().take(consumer, None, "eni-1") == "127.16.1.1"


def test_ep_4_the_assigned_address_skips_taken_ones() -> None:
    addresses = book()
    addresses.take(consumer, "127.16.1.1", "eni-1")
    assert addresses.take(consumer, None, "eni-2") == "127.16.1.2"


def test_ep_4_assignment_never_hands_out_the_reserved_last_three() -> None:
    addresses = book("127.16.1.0/29")  # .1 .. .4 assignable; .5 .6 .7 reserved
    assigned = [addresses.take(consumer, None, f"eni-{n}") for n in range(4)]
    assert assigned == ["127.16.1.1", "127.16.1.2", "127.16.1.3", "127.16.1.4"]
    addresses.collect_events()
    with pytest.raises(IpAddressUnavailable) as refused:
        addresses.take(consumer, None, "eni-5")
    assert refused.value.code == "InvalidVSwitchId.IpNotEnough"
    assert addresses.collect_events() == []


def test_ep_4_releasing_an_address_makes_it_free_again() -> None:
    addresses = book()
    addresses.take(consumer, "127.16.1.1", "eni-1")
    addresses.release(consumer, "127.16.1.1")
    assert addresses.take(consumer, "127.16.1.1", "eni-2") == "127.16.1.1"


def test_ep_4_automatic_assignment_takes_the_lowest_free_address() -> None:
    addresses = book()
    addresses.take(consumer, "127.16.1.1", "eni-1")
    addresses.take(consumer, "127.16.1.3", "eni-2")
    assert addresses.take(consumer, None, "eni-3") == "127.16.1.2"
    assert addresses.take(consumer, None, "eni-4") == "127.16.1.4"


def test_ep_4_automatic_assignment_wraps_around_to_freed_addresses() -> None:
    addresses = book("127.16.1.0/29")
    for n in range(4):
        addresses.take(consumer, None, f"eni-{n}")
    addresses.release(consumer, "127.16.1.2")
    assert addresses.take(consumer, None, "eni-5") == "127.16.1.2"


def test_ep_4_releasing_records_address_released() -> None:
    addresses = book()
    addresses.take(consumer, "127.16.1.1", "eni-1")
    addresses.collect_events()
    addresses.release(consumer, "127.16.1.1")
    (released,) = addresses.collect_events()
    assert (type(released).__name__, released.ip) == ("AddressReleased", "127.16.1.1")


def test_ep_4_releasing_a_free_address_records_nothing() -> None:
    addresses = book()
    addresses.release(consumer, "127.16.1.1")
    assert addresses.collect_events() == []


# -- EP-5: DualStack only for DualStack services ---------------------------------------------------


def test_ep_5_dual_stack_endpoint_of_a_dual_stack_service_is_created() -> None:
    service = listed_service(address_ip_version="DualStack")
    assert create(service, address_ip_version="DualStack").address_ip_version == "DualStack"


def test_ep_5_dual_stack_endpoint_of_an_ipv4_service_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        create(listed_service(), address_ip_version="DualStack")
    assert refused.value.code == "InvalidParameter.AddressIpVersion"


def test_ep_5_ipv4_endpoint_of_a_dual_stack_service_is_created() -> None:
    service = listed_service(address_ip_version="DualStack")
    assert create(service).address_ip_version == "IPv4"


def test_ep_5_switching_an_endpoint_of_an_ipv4_service_to_dual_stack_is_refused() -> None:
    service = listed_service()
    endpoint = new_endpoint(service)
    with pytest.raises(InvalidValue) as refused:
        endpoint.update_attributes(consumer, {"address_ip_version": "DualStack"}, service.facts())
    assert refused.value.code == "InvalidParameter.AddressIpVersion"
    assert endpoint.collect_events() == []


# -- EP-6: security groups -------------------------------------------------------------------------


def test_ep_6_security_groups_given_twice_are_kept_once() -> None:
    endpoint = Endpoint.create(
        consumer,
        EP,
        REGION,
        "vpc-consumer0001",
        listed_service().facts(),
        [placement(ZONE_H)],
        ["sg-1", "sg-2", "sg-1"],
        EndpointOptions(),
    )
    assert endpoint.security_groups == ["sg-1", "sg-2"]


def test_ep_6_attaching_a_security_group_records_it() -> None:
    endpoint = new_endpoint(listed_service())
    endpoint.attach_security_group(consumer, "sg-consumer0002")
    (attached,) = endpoint.collect_events()
    assert (type(attached).__name__, attached.group_id) == (
        "SecurityGroupAttached",
        "sg-consumer0002",
    )
    assert endpoint.security_groups == ["sg-consumer0001", "sg-consumer0002"]


def test_ep_6_attaching_an_attached_security_group_is_refused() -> None:
    endpoint = new_endpoint(listed_service())
    with pytest.raises(AlreadyExists) as refused:
        endpoint.attach_security_group(consumer, "sg-consumer0001")
    assert refused.value.code == "EndpointSecurityGroupAlreadyAttached"
    assert endpoint.collect_events() == []


def test_ep_6_detaching_a_security_group_not_attached_is_refused() -> None:
    endpoint = new_endpoint(listed_service())
    with pytest.raises(InvalidSecurityGroupIdNotFound) as refused:
        endpoint.detach_security_group(consumer, "sg-consumer0002")
    assert refused.value.code == "InvalidSecurityGroupId.NotFound"
    assert endpoint.collect_events() == []


# -- EP-7: zone affinity ---------------------------------------------------------------------------


def test_ep_7_zone_affinity_on_a_service_with_affinity_is_allowed() -> None:
    endpoint = create(listed_service(zone_affinity=True), zone_affinity=True)
    assert endpoint.zone_affinity is True


def test_ep_7_zone_affinity_on_a_service_without_affinity_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        create(listed_service(zone_affinity=False), zone_affinity=True)
    assert refused.value.code == "InvalidParameter.ZoneAffinityEnabled"


def test_ep_7_the_consumer_turns_zone_affinity_on() -> None:
    service = listed_service(zone_affinity=True)
    endpoint = new_endpoint(service)
    endpoint.update_attributes(consumer, {"zone_affinity": True}, service.facts())
    (updated,) = endpoint.collect_events()
    assert updated.changes == {"zone_affinity": True}
    assert endpoint.zone_affinity is True


def test_ep_7_the_consumer_turns_zone_affinity_off() -> None:
    service = listed_service(zone_affinity=True)
    endpoint = new_endpoint(service, zone_affinity=True)
    endpoint.update_attributes(consumer, {"zone_affinity": False}, service.facts())
    assert endpoint.zone_affinity is False


def test_ep_7_turning_zone_affinity_on_when_the_service_lacks_it_is_refused() -> None:
    service = listed_service(zone_affinity=False)
    endpoint = new_endpoint(service)
    with pytest.raises(InvalidValue) as refused:
        endpoint.update_attributes(consumer, {"zone_affinity": True}, service.facts())
    assert refused.value.code == "InvalidParameter.ZoneAffinityEnabled"
    assert endpoint.collect_events() == []


# -- EP-8: zones after creation --------------------------------------------------------------------


def test_ep_8_adding_a_served_zone_records_zone_added() -> None:
    service = listed_service()
    endpoint = new_endpoint(service, (ZONE_H,))
    endpoint.add_zone(consumer, placement(ZONE_I))
    (added,) = endpoint.collect_events()
    assert (type(added).__name__, added.zone) == ("ZoneAdded", placement(ZONE_I).as_dict())
    assert sorted(endpoint.zones) == [ZONE_H, ZONE_I]


def test_ep_8_adding_a_zone_the_service_does_not_serve_is_refused() -> None:
    """EP-3 is the service's rule: the connection refuses the zone (before the endpoint adds
    it, as AddZoneToVpcEndpoint asks)."""
    service = listed_service()
    endpoint = new_endpoint(service, (ZONE_H,))
    connect(service, endpoint)
    service.collect_events()
    with pytest.raises(ZoneNotSupported) as refused:
        service.add_connection_zone(consumer, EP, ZONE_J)
    assert refused.value.code == "EndpointZoneNotSupported"
    assert service.collect_events() == [] and endpoint.collect_events() == []


def test_ep_8_adding_a_zone_the_endpoint_has_is_refused() -> None:
    service = listed_service()
    endpoint = new_endpoint(service, (ZONE_H,))
    with pytest.raises(AlreadyExists) as refused:
        endpoint.add_zone(consumer, placement(ZONE_H))
    assert refused.value.code == "EndpointZoneAlreadyExists"
    assert endpoint.collect_events() == []


def test_ep_8_removing_a_zone_records_zone_removed_and_returns_the_zone() -> None:
    endpoint = new_endpoint(listed_service(), (ZONE_H, ZONE_I))
    removed = endpoint.remove_zone(consumer, ZONE_I)
    assert removed == placement(ZONE_I).as_dict()
    (event,) = endpoint.collect_events()
    assert (type(event).__name__, event.zone_id) == ("ZoneRemoved", ZONE_I)
    assert list(endpoint.zones) == [ZONE_H]


def test_ep_8_removing_the_last_zone_is_refused() -> None:
    endpoint = new_endpoint(listed_service(), (ZONE_H,))
    with pytest.raises(OperationDenied) as refused:
        endpoint.remove_zone(consumer, ZONE_H)
    assert refused.value.code == "EndpointOperationDenied"
    assert endpoint.collect_events() == []
    assert list(endpoint.zones) == [ZONE_H]


def test_ep_8_removing_a_zone_the_endpoint_lacks_is_refused() -> None:
    endpoint = new_endpoint(listed_service(), (ZONE_H,))
    with pytest.raises(InvalidValue) as refused:
        endpoint.remove_zone(consumer, ZONE_I)
    assert refused.value.code == "EndpointZoneNotFound"
    assert endpoint.collect_events() == []


def test_ep_8_another_account_cannot_add_a_zone() -> None:
    service = listed_service()
    endpoint = new_endpoint(service, (ZONE_H,))
    with pytest.raises(EndpointNotFound):
        endpoint.add_zone(outsider, placement(ZONE_I))
    assert endpoint.collect_events() == []


# -- EP-9: domain names ----------------------------------------------------------------------------


def test_ep_9_endpoint_domain_is_endpoint_service_region_privatelink_aliyuncs_com() -> None:
    endpoint = new_endpoint(listed_service())
    assert endpoint.domain == "ep-test0001.epsrv-test0001.cn-hangzhou.privatelink.aliyuncs.com"
    assert endpoint.domain == endpoint_domain(EP, "epsrv-test0001", REGION)


def test_ep_9_zone_domain_is_endpoint_dash_zone_service_region_suffix() -> None:
    endpoint = new_endpoint(listed_service())
    assert endpoint.zone_domain(ZONE_H) == (
        "ep-test0001-cn-hangzhou-h.epsrv-test0001.cn-hangzhou.privatelink.aliyuncs.com"
    )
    assert endpoint.zone_domain(ZONE_H) == zone_domain(EP, ZONE_H, "epsrv-test0001", REGION)


def test_ep_9_every_zone_has_its_own_domain() -> None:
    endpoint = new_endpoint(listed_service(), (ZONE_H, ZONE_I))
    assert len({endpoint.zone_domain(z) for z in endpoint.zones} | {endpoint.domain}) == 3


# -- DEL-3: deletion at any time -------------------------------------------------------------------


def test_del_3_deleting_an_endpoint_returns_its_zones() -> None:
    endpoint = new_endpoint(listed_service(), (ZONE_H, ZONE_I))
    zones = endpoint.delete(consumer)
    assert sorted(z["zone_id"] for z in zones) == [ZONE_H, ZONE_I]
    assert {z["ip"] for z in zones} == {placement(ZONE_H).ip, placement(ZONE_I).ip}


def test_del_3_deleting_an_endpoint_records_deleted() -> None:
    endpoint = new_endpoint(listed_service())
    endpoint.delete(consumer)
    assert [type(e).__name__ for e in endpoint.collect_events()] == ["Deleted"]
    assert endpoint.deleted


def test_del_3_a_deleted_endpoint_cannot_be_deleted_again() -> None:
    endpoint = new_endpoint(listed_service())
    endpoint.delete(consumer)
    endpoint.collect_events()
    with pytest.raises(EndpointNotFound) as refused:
        endpoint.delete(consumer)
    assert refused.value.code == "EndpointNotFound"
    assert endpoint.collect_events() == []


def test_del_3_another_account_cannot_delete_the_endpoint() -> None:
    endpoint = new_endpoint(listed_service())
    with pytest.raises(EndpointNotFound):
        endpoint.delete(provider)
    assert endpoint.collect_events() == []
    assert not endpoint.deleted


# -- SEC-3: foreign is answered like missing -------------------------------------------------------


def test_sec_3_a_foreign_endpoint_is_not_found_like_a_deleted_one() -> None:
    service = listed_service()
    foreign = new_endpoint(service)
    deleted = new_endpoint(service)
    deleted.delete(consumer)
    with pytest.raises(NotFound) as for_foreign:
        foreign.check_owned_by(OUTSIDER_UID)
    with pytest.raises(NotFound) as for_deleted:
        deleted.check_owned_by(CONSUMER_UID)
    assert type(for_foreign.value) is type(for_deleted.value) is EndpointNotFound
    assert for_foreign.value.code == for_deleted.value.code == "EndpointNotFound"
    assert for_foreign.value.message == for_deleted.value.message


def test_sec_3_the_provider_cannot_change_a_consumers_endpoint() -> None:
    service = listed_service()
    endpoint = new_endpoint(service)
    with pytest.raises(EndpointNotFound):
        endpoint.update_attributes(provider, {"name": "mine"}, service)
    assert endpoint.collect_events() == []


def test_sec_2_updating_attributes_cannot_hand_the_endpoint_to_another_account() -> None:
    """SEC-2: only name, description, zone affinity, IP version, bandwidth and policy are
    attributes to update; the owner is refused and nothing is recorded."""
    service = listed_service()
    endpoint = new_endpoint(service)
    with pytest.raises(DomainError):
        endpoint.update_attributes(consumer, {"owner": OUTSIDER_UID}, service.facts())
    assert endpoint.collect_events() == []
    assert endpoint.owner == CONSUMER_UID


# -- AUD-1 on the endpoint -------------------------------------------------------------------------


def test_aud_1_every_endpoint_event_carries_actor_request_id_and_timestamp() -> None:
    service = listed_service(zone_affinity=True)
    endpoint = new_endpoint(service, (ZONE_H,), drain=False)
    endpoint.activate(consumer)
    endpoint.update_attributes(consumer, {"name": "web", "zone_affinity": True}, service.facts())
    endpoint.add_zone(consumer, placement(ZONE_I))
    endpoint.remove_zone(consumer, ZONE_I)
    endpoint.attach_security_group(consumer, "sg-consumer0002")
    endpoint.detach_security_group(consumer, "sg-consumer0002")
    endpoint.delete(consumer)
    events = endpoint.collect_events()
    assert len(events) == 8
    for e in events:
        assert (e.actor, e.request_id) == (CONSUMER_UID, "req-2"), type(e).__name__
        assert e.timestamp.tzinfo is not None
