"""Rules of the EndpointService aggregate: creation (SVC), whitelist (WL), resources (RES-1),
deletion (DEL-1), tenancy (SEC-3), history (AUD-1) and ClientToken records.

"Refused" is checked in full: the typed domain error with its cloud code, and no event."""

from __future__ import annotations

import inspect

import pytest
from eventsourcing.domain import DomainEvent

from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import service_domain, service_id_from_name, service_name
from privatelink.domain.errors import (
    AlreadyExists,
    DomainError,
    EndpointServiceNotFound,
    EndpointServiceResourceNotFound,
    IdempotentParameterMismatch,
    InvalidValue,
    NotFound,
    OperationDenied,
    ResourceNotSupported,
)
from privatelink.domain.idempotency import ClientTokenRecord
from privatelink.domain.service import EndpointService, ServiceOptions
from tests.unit.helpers import (
    CONSUMER_UID,
    OUTSIDER_UID,
    PROVIDER_UID,
    REGION,
    ZONE_H,
    ZONE_I,
    ZONE_J,
    alb,
    clb,
    connect,
    connected_endpoint,
    consumer,
    disconnect,
    new_endpoint,
    new_service,
    nlb,
    outsider,
    provider,
    provisioner,
    request_for,
)


def create(*resources, **options) -> EndpointService:  # type: ignore[no-untyped-def]
    pairs = [r if isinstance(r, tuple) else (r, None) for r in resources]
    return EndpointService.create(
        provider, "epsrv-test0001", REGION, pairs, ServiceOptions(**options)
    )


# -- SVC-1: one home region, one or more resources, each in zones of that region ----------------


def test_svc_1_created_service_records_one_created_event_in_its_home_region() -> None:
    service = create(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_I,)))
    events = service.collect_events()
    assert [type(e).__name__ for e in events] == ["Created"]
    assert events[0].region == REGION
    assert service.region == REGION


def test_svc_1_each_resource_is_attached_in_every_zone_of_its_load_balancer() -> None:
    service = create(nlb("nlb-1", (ZONE_H, ZONE_I)))
    assert sorted(service.resources) == [f"nlb-1|{ZONE_H}", f"nlb-1|{ZONE_I}"]
    assert service.zones == [ZONE_H, ZONE_I]


def test_svc_1_a_resource_named_with_a_zone_is_attached_in_that_zone_only() -> None:
    service = create((nlb("nlb-1", (ZONE_H, ZONE_I)), ZONE_I))
    assert list(service.resources) == [f"nlb-1|{ZONE_I}"]


def test_svc_1_a_zone_the_load_balancer_does_not_have_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        create((nlb("nlb-1", (ZONE_H,)), ZONE_J))
    assert refused.value.code == "InvalidZoneId.NotFound"


def test_svc_1_the_service_starts_creating_and_activation_makes_it_active() -> None:
    service = new_service()
    assert service.status == "Creating"
    service.activate(provisioner)
    assert service.status == "Active"
    assert [type(e).__name__ for e in service.collect_events()] == ["Activated"]


def test_svc_1_activating_an_active_service_records_nothing() -> None:
    service = new_service()
    service.activate(provisioner)
    service.collect_events()
    service.activate(provisioner)
    assert service.collect_events() == []


# -- SVC-2: NLB, ALB, and CLB only when private and pay-as-you-go ------------------------------


def test_svc_2_public_nlb_is_allowed() -> None:
    service = create(nlb(intranet=False))
    assert service.resource_type == "nlb"


def test_svc_2_public_alb_is_allowed() -> None:
    service = create(alb(intranet=False))
    assert service.resource_type == "alb"


def test_svc_2_private_pay_as_you_go_clb_is_allowed() -> None:
    service = create(clb())
    assert service.resource_type == "slb"


def test_svc_2_subscription_clb_is_refused() -> None:
    with pytest.raises(ResourceNotSupported) as refused:
        create(clb(payg=False))
    assert refused.value.code == "EndpointServiceResourceNotSupported"


def test_svc_2_public_clb_is_refused() -> None:
    with pytest.raises(ResourceNotSupported) as refused:
        create(clb(intranet=False))
    assert refused.value.code == "EndpointServiceResourceNotSupported"


def test_svc_2_attaching_a_subscription_clb_is_refused_and_records_nothing() -> None:
    service = new_service(clb("clb-1"))
    with pytest.raises(ResourceNotSupported):
        service.attach_resource(provider, clb("clb-2", payg=False), None)
    assert service.collect_events() == []
    assert list(service.resources) == [f"clb-1|{ZONE_H}"]


def test_svc_2_attaching_a_public_clb_is_refused_and_records_nothing() -> None:
    service = new_service(clb("clb-1"))
    with pytest.raises(ResourceNotSupported) as refused:
        service.attach_resource(provider, clb("clb-2", intranet=False), None)
    assert refused.value.code == "EndpointServiceResourceNotSupported"
    assert service.collect_events() == []


def test_svc_2_a_resource_of_another_kind_than_the_service_is_refused() -> None:
    service = new_service()  # NLB service
    with pytest.raises(ResourceNotSupported):
        service.attach_resource(provider, alb("alb-1"), None)
    assert service.collect_events() == []


# -- SVC-3: options chosen at creation ---------------------------------------------------------


def test_svc_3_options_are_recorded_on_the_created_event() -> None:
    service = create(
        alb(),
        auto_accept=True,
        zone_affinity=True,
        payer="EndpointService",
        description="orders",
        tags=(("team", "a"),),
    )
    created = service.collect_events()[0]
    assert (
        created.auto_accept,
        created.zone_affinity,
        created.payer,
        created.description,
        created.tags,
    ) == (True, True, "EndpointService", "orders", [["team", "a"]])


def test_svc_3_defaults_are_manual_acceptance_no_affinity_ipv4_and_consumer_pays() -> None:
    service = create(alb())
    assert (
        service.auto_accept,
        service.zone_affinity,
        service.address_ip_version,
        service.payer,
    ) == (False, False, "IPv4", "Endpoint")


def test_svc_3_an_unknown_payer_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        create(alb(), payer="Nobody")
    assert refused.value.code == "InvalidParameter"


def test_svc_3_an_unknown_ip_version_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        create(alb(), address_ip_version="IPv6")
    assert refused.value.code == "InvalidParameter"


# -- SVC-4: DualStack only when every resource supports it --------------------------------------


def test_svc_4_dual_stack_service_of_dual_stack_resources_is_created() -> None:
    service = create(nlb("nlb-1"), nlb("nlb-2"), address_ip_version="DualStack")
    assert service.address_ip_version == "DualStack"


def test_svc_4_dual_stack_service_with_an_ipv4_only_resource_is_refused() -> None:
    with pytest.raises(ResourceNotSupported) as refused:
        create(nlb("nlb-1"), nlb("nlb-2", dual_stack=False), address_ip_version="DualStack")
    assert refused.value.code == "EndpointServiceResourceNotSupported"


def test_svc_4_dual_stack_clb_service_is_refused() -> None:
    with pytest.raises(ResourceNotSupported):
        create(clb(), address_ip_version="DualStack")


def test_svc_4_attaching_an_ipv4_only_resource_to_a_dual_stack_service_is_refused() -> None:
    service = new_service(nlb("nlb-1"), address_ip_version="DualStack")
    with pytest.raises(ResourceNotSupported) as refused:
        service.attach_resource(provider, nlb("nlb-2", dual_stack=False), None)
    assert refused.value.code == "EndpointServiceResourceNotSupported"
    assert service.collect_events() == []


def test_svc_4_switching_to_dual_stack_with_an_ipv4_only_resource_is_refused() -> None:
    service = new_service(nlb("nlb-1", dual_stack=False))
    with pytest.raises(ResourceNotSupported):
        service.update_attributes(provider, {"address_ip_version": "DualStack"})
    assert service.collect_events() == []
    assert service.address_ip_version == "IPv4"


# -- SVC-5: the payer never changes ------------------------------------------------------------


def test_svc_5_updating_attributes_cannot_change_the_payer() -> None:
    service = new_service(payer="Endpoint")
    with pytest.raises(DomainError):
        service.update_attributes(provider, {"payer": "EndpointService"})
    assert service.collect_events() == []
    assert service.payer == "Endpoint"


def test_sec_2_updating_attributes_cannot_hand_the_service_to_another_account() -> None:
    """SEC-2 (and SVC-5's reasoning): only the options of SVC-3 are attributes to update;
    an internal field such as the owner is refused and nothing is recorded."""
    service = new_service()
    with pytest.raises(DomainError):
        service.update_attributes(provider, {"owner": OUTSIDER_UID})
    assert service.collect_events() == []
    assert service.owner == PROVIDER_UID


def test_svc_5_no_command_other_than_create_and_update_attributes_takes_a_payer() -> None:
    commands = [
        name
        for name in dir(EndpointService)
        if not name.startswith("_") and inspect.isfunction(getattr(EndpointService, name))
    ]
    takes_payer = [
        name
        for name in commands
        if "payer" in inspect.signature(getattr(EndpointService, name)).parameters
    ]
    assert takes_payer == []


def test_svc_5_no_event_but_created_has_a_payer_field() -> None:
    events = [
        name
        for name in dir(EndpointService)
        if inspect.isclass(getattr(EndpointService, name))
        and issubclass(getattr(EndpointService, name), DomainEvent)
    ]
    with_payer = [
        name
        for name in events
        if "payer" in inspect.signature(getattr(EndpointService, name)).parameters
    ]
    assert with_payer == ["Created"]


# -- SVC-6 lives with the connections; SVC-7: name and domain ----------------------------------


def test_svc_7_service_name_is_com_aliyuncs_privatelink_region_id() -> None:
    service = new_service(service_id="epsrv-abc123")
    assert service.name == "com.aliyuncs.privatelink.cn-hangzhou.epsrv-abc123"
    assert service.name == service_name(REGION, "epsrv-abc123")


def test_svc_7_service_domain_is_id_region_privatelink_aliyuncs_com() -> None:
    service = new_service(service_id="epsrv-abc123")
    assert service.domain == "epsrv-abc123.cn-hangzhou.privatelink.aliyuncs.com"
    assert service.domain == service_domain(REGION, "epsrv-abc123")


def test_svc_7_service_id_is_read_back_from_the_service_name() -> None:
    assert service_id_from_name(service_name(REGION, "epsrv-abc123")) == "epsrv-abc123"


def test_svc_7_a_name_that_is_not_a_privatelink_service_name_has_no_id() -> None:
    assert service_id_from_name("com.example.cn-hangzhou.epsrv-abc123") is None
    assert service_id_from_name("com.aliyuncs.privatelink.cn-hangzhou.") is None


# -- WL: the whitelist --------------------------------------------------------------------------


def test_wl_1_the_provider_is_on_the_whitelist_at_creation() -> None:
    service = new_service()
    assert service.users == [PROVIDER_UID]
    assert service.admits(PROVIDER_UID)


def test_wl_2_an_unlisted_consumer_is_not_admitted() -> None:
    service = new_service()
    assert not service.admits(CONSUMER_UID)


def test_wl_2_an_unlisted_consumer_cannot_find_the_service() -> None:
    service = new_service()
    with pytest.raises(EndpointServiceNotFound) as refused:
        service.check_visible_to(CONSUMER_UID)
    assert refused.value.code == "EndpointServiceNotFound"


def test_wl_2_an_unlisted_consumer_cannot_request_a_connection() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    service.remove_user(provider, CONSUMER_UID)
    service.collect_events()
    with pytest.raises(EndpointServiceNotFound):
        request_for(service)
    assert service.collect_events() == []
    assert service.connections == {}


def test_wl_2_a_listed_consumer_can_find_the_service() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    service.check_visible_to(CONSUMER_UID)
    assert service.admits(CONSUMER_UID)


def test_wl_3_star_admits_every_account() -> None:
    service = new_service()
    service.add_user(provider, "*")
    assert service.admits(CONSUMER_UID) and service.admits(OUTSIDER_UID)


def test_wl_3_star_lets_any_account_request_a_connection() -> None:
    service = new_service()
    service.add_user(provider, "*")
    endpoint = new_endpoint(service)
    connect(service, endpoint)
    assert service.connection(endpoint.endpoint_id)["status"] == "Pending"


def test_wl_4_adding_a_user_records_user_added() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    events = service.collect_events()
    assert [(type(e).__name__, e.user) for e in events] == [("UserAdded", CONSUMER_UID)]


def test_wl_4_removing_a_user_records_user_removed() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    service.collect_events()
    service.remove_user(provider, CONSUMER_UID)
    events = service.collect_events()
    assert [(type(e).__name__, e.user) for e in events] == [("UserRemoved", CONSUMER_UID)]
    assert not service.admits(CONSUMER_UID)


def test_wl_4_adding_a_user_already_listed_is_refused() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    service.collect_events()
    with pytest.raises(AlreadyExists) as refused:
        service.add_user(provider, CONSUMER_UID)
    assert refused.value.code == "EndpointServiceUserAlreadyExists"
    assert service.collect_events() == []


def test_wl_4_removing_a_user_not_listed_is_refused() -> None:
    service = new_service()
    with pytest.raises(OperationDenied) as refused:
        service.remove_user(provider, CONSUMER_UID)
    assert refused.value.code == "EndpointServiceUserNotFound"
    assert service.collect_events() == []


def test_wl_4_removing_a_user_stops_new_endpoints_of_that_user() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    service.remove_user(provider, CONSUMER_UID)
    with pytest.raises(EndpointServiceNotFound):
        request_for(service)


def test_wl_4_only_the_owner_changes_the_whitelist() -> None:
    service = new_service()
    service.add_user(provider, "*")
    service.collect_events()
    with pytest.raises(EndpointServiceNotFound):
        service.add_user(consumer, OUTSIDER_UID)
    assert service.collect_events() == []


# -- RES-1: attach and detach -------------------------------------------------------------------


def test_res_1_attaching_a_resource_records_resource_attached_per_zone() -> None:
    service = new_service(nlb("nlb-1", (ZONE_H,)))
    service.attach_resource(provider, nlb("nlb-2", (ZONE_I, ZONE_J)), None)
    events = service.collect_events()
    assert [type(e).__name__ for e in events] == ["ResourceAttached"]
    assert [(e["resource_id"], e["zone_id"]) for e in events[0].entries] == [
        ("nlb-2", ZONE_I),
        ("nlb-2", ZONE_J),
    ]
    assert service.zones == [ZONE_H, ZONE_I, ZONE_J]


def test_res_1_attaching_a_resource_already_attached_is_refused() -> None:
    service = new_service(nlb("nlb-1", (ZONE_H,)))
    with pytest.raises(AlreadyExists) as refused:
        service.attach_resource(provider, nlb("nlb-1", (ZONE_H,)), None)
    assert refused.value.code == "EndpointServiceResourceAlreadyExists"
    assert service.collect_events() == []


def test_res_1_attaching_another_zone_of_an_attached_resource_is_allowed() -> None:
    service = new_service((nlb("nlb-1", (ZONE_H, ZONE_I)), ZONE_H))
    service.attach_resource(provider, nlb("nlb-1", (ZONE_H, ZONE_I)), ZONE_I)
    assert sorted(service.resources) == [f"nlb-1|{ZONE_H}", f"nlb-1|{ZONE_I}"]


def test_res_1_detaching_a_resource_removes_it_from_every_zone() -> None:
    service = new_service(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H, ZONE_I)))
    service.detach_resource(provider, "nlb-2", None)
    events = service.collect_events()
    assert [(type(e).__name__, sorted(e.keys)) for e in events] == [
        ("ResourceDetached", [f"nlb-2|{ZONE_H}", f"nlb-2|{ZONE_I}"])
    ]
    assert list(service.resources) == [f"nlb-1|{ZONE_H}"]


def test_res_1_detaching_a_resource_in_one_zone_keeps_its_other_zones() -> None:
    service = new_service(nlb("nlb-1", (ZONE_H, ZONE_I)))
    service.detach_resource(provider, "nlb-1", ZONE_I)
    assert list(service.resources) == [f"nlb-1|{ZONE_H}"]


def test_res_1_detaching_a_resource_that_is_not_attached_is_refused() -> None:
    service = new_service()
    with pytest.raises(EndpointServiceResourceNotFound) as refused:
        service.detach_resource(provider, "nlb-404", None)
    assert refused.value.code == "EndpointServiceResourceNotFound"
    assert service.collect_events() == []


def test_res_1_another_account_cannot_attach_a_resource() -> None:
    service = new_service()
    with pytest.raises(EndpointServiceNotFound):
        service.attach_resource(outsider, nlb("nlb-2"), None)
    assert service.collect_events() == []


# -- DEL-1: deletion ----------------------------------------------------------------------------


def test_del_1_delete_is_refused_while_a_connection_is_live() -> None:
    service = new_service(auto_accept=True)
    service.add_user(provider, CONSUMER_UID)
    connected_endpoint(service)
    with pytest.raises(OperationDenied) as refused:
        service.delete(provider)
    assert refused.value.code == "EndpointServiceConnectionDependence"
    assert service.collect_events() == []
    assert not service.deleted


def test_del_1_delete_is_refused_while_a_connection_is_pending() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    connect(service, new_endpoint(service))
    service.collect_events()
    with pytest.raises(OperationDenied) as refused:
        service.delete(provider)
    assert refused.value.code == "EndpointServiceConnectionDependence"
    assert service.collect_events() == []


def test_del_1_delete_is_refused_while_resources_are_attached() -> None:
    service = new_service()
    with pytest.raises(OperationDenied) as refused:
        service.delete(provider)
    assert refused.value.code == "EndpointServiceResourceDependence"
    assert service.collect_events() == []


def test_del_1_delete_is_allowed_once_disconnected_and_detached() -> None:
    service = new_service(auto_accept=True)
    service.add_user(provider, CONSUMER_UID)
    endpoint = connected_endpoint(service)
    disconnect(service, endpoint.endpoint_id)
    service.detach_resource(provider, "nlb-1", None)
    service.collect_events()
    service.delete(provider)
    events = service.collect_events()
    assert [(type(e).__name__, e.endpoint_ids) for e in events] == [
        ("Deleted", [endpoint.endpoint_id])
    ]
    assert service.deleted


def test_del_1_only_the_owner_deletes_the_service() -> None:
    service = new_service()
    service.detach_resource(provider, "nlb-1", None)
    service.collect_events()
    with pytest.raises(EndpointServiceNotFound):
        service.delete(outsider)
    assert service.collect_events() == []


# -- SEC-3: foreign is answered like missing -----------------------------------------------------


def test_sec_3_a_foreign_service_is_not_found_like_a_deleted_one() -> None:
    foreign = new_service()
    deleted = new_service()
    deleted.detach_resource(provider, "nlb-1", None)
    deleted.delete(provider)
    with pytest.raises(NotFound) as for_foreign:
        foreign.check_owned_by(CONSUMER_UID)
    with pytest.raises(NotFound) as for_deleted:
        deleted.check_owned_by(PROVIDER_UID)
    assert type(for_foreign.value) is type(for_deleted.value) is EndpointServiceNotFound
    assert for_foreign.value.code == for_deleted.value.code == "EndpointServiceNotFound"
    assert for_foreign.value.message == for_deleted.value.message


def test_sec_3_a_deleted_service_is_not_visible_even_to_listed_users() -> None:
    service = new_service()
    service.add_user(provider, "*")
    service.detach_resource(provider, "nlb-1", None)
    service.delete(provider)
    with pytest.raises(EndpointServiceNotFound):
        service.check_visible_to(CONSUMER_UID)


# -- AUD-1: every event carries time, actor and request id --------------------------------------


def test_aud_1_every_service_event_carries_actor_request_id_and_timestamp() -> None:
    service = new_service(drain=False, auto_accept=True)
    service.activate(provisioner)
    service.add_user(provider, CONSUMER_UID)
    endpoint = new_endpoint(service, (ZONE_H,))
    connect(service, endpoint)
    service.complete_connection(provisioner, endpoint.endpoint_id)
    service.add_connection_zone(consumer, endpoint.endpoint_id, ZONE_I)
    service.remove_connection_zone(consumer, endpoint.endpoint_id, ZONE_I)
    service.update_attributes(provider, {"description": "changed"})
    service.deny_connection(provider, endpoint.endpoint_id)
    service.complete_disconnection(provisioner, endpoint.endpoint_id)
    service.close_connection(consumer, endpoint.endpoint_id)
    service.remove_user(provider, CONSUMER_UID)
    service.detach_resource(provider, "nlb-1", None)
    service.delete(provider)
    events = service.collect_events()
    assert len(events) == 15
    for e in events:
        assert e.actor and e.request_id and e.timestamp.tzinfo is not None, type(e).__name__


def test_aud_1_the_event_names_the_caller_of_the_command() -> None:
    service = new_service()
    service.add_user(provider, CONSUMER_UID)
    (event,) = service.collect_events()
    assert (event.actor, event.request_id) == (provider.account, provider.request_id)


def test_aud_1_the_creator_is_recorded_as_actor_and_becomes_owner() -> None:
    service = new_service(drain=False)
    (event,) = service.collect_events()
    assert (event.actor, event.request_id, service.owner) == (PROVIDER_UID, "req-1", PROVIDER_UID)


def test_aud_1_address_book_events_carry_actor_and_request_id() -> None:
    book = VSwitchAddresses.created_by(consumer, vswitch_id="vsw-consumer-h", cidr="127.16.1.0/24")
    book.collect_events()
    book.take(consumer, None, "eni-1")
    book.release(consumer, "127.16.1.1")
    for e in book.collect_events():
        assert (e.actor, e.request_id) == (CONSUMER_UID, "req-2")
        assert e.timestamp is not None


def test_aud_1_address_book_opened_event_carries_actor_and_request_id() -> None:
    book = VSwitchAddresses.created_by(consumer, vswitch_id="vsw-consumer-h", cidr="127.16.1.0/24")
    (opened,) = book.collect_events()
    assert (opened.actor, opened.request_id) == (CONSUMER_UID, "req-2")


def test_aud_1_client_token_recorded_event_carries_actor_and_request_id() -> None:
    (recorded,) = token_record().collect_events()
    assert (recorded.actor, recorded.request_id) == (CONSUMER_UID, "req-2")


def test_aud_1_a_later_command_does_not_rewrite_an_event_already_recorded() -> None:
    """AUD-1: an event is a fact; what the aggregate does afterwards must not change it.

    Fails today: ``EndpointService.__init__`` keeps the very entry dicts of the ``Created``
    event (``dict(resources)`` copies only the outer dict; ``_resource_attached`` likewise
    stores the event's ``entries``), and ``_auto_allocation_switched``
    (domain/service_resources.py) then sets ``["auto_allocated"]`` in place, so a pending
    ``Created``/``ResourceAttached`` event not yet saved is rewritten.
    """
    service = new_service(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)), drain=False)
    service.set_auto_allocation(provider, "nlb-1", ZONE_H, False)
    created = service.collect_events()[0]
    assert created.resources[f"nlb-1|{ZONE_H}"]["auto_allocated"] is True


# -- ClientToken records ---------------------------------------------------------------------------


def token_record(fingerprint: str = "fp-1") -> ClientTokenRecord:
    return ClientTokenRecord(
        account=CONSUMER_UID,
        action="CreateVpcEndpoint",
        token="tok-1",
        fingerprint=fingerprint,
        result={"EndpointId": "ep-test0001"},
        actor=consumer.account,
        request_id=consumer.request_id,
    )


def test_client_token_replay_with_the_same_parameters_returns_the_first_answer() -> None:
    assert token_record("fp-1").replay("fp-1") == {"EndpointId": "ep-test0001"}


def test_client_token_replay_records_nothing() -> None:
    record = token_record()
    record.collect_events()
    record.replay("fp-1")
    assert record.collect_events() == []


def test_client_token_replay_answer_is_a_copy() -> None:
    record = token_record()
    record.replay("fp-1")["EndpointId"] = "ep-other"
    assert record.replay("fp-1") == {"EndpointId": "ep-test0001"}


def test_client_token_reused_with_other_parameters_is_refused() -> None:
    record = token_record("fp-1")
    record.collect_events()
    with pytest.raises(IdempotentParameterMismatch) as refused:
        record.replay("fp-2")
    assert refused.value.code == "IdempotentParameterMismatch"
    assert record.collect_events() == []


def test_client_token_record_id_is_the_same_for_the_same_account_action_and_token() -> None:
    assert ClientTokenRecord.create_id(
        CONSUMER_UID, "CreateVpcEndpoint", "tok-1"
    ) == ClientTokenRecord.create_id(CONSUMER_UID, "CreateVpcEndpoint", "tok-1")


def test_client_token_record_id_differs_per_account_and_per_action() -> None:
    base = ClientTokenRecord.create_id(CONSUMER_UID, "CreateVpcEndpoint", "tok-1")
    assert base != ClientTokenRecord.create_id(OUTSIDER_UID, "CreateVpcEndpoint", "tok-1")
    assert base != ClientTokenRecord.create_id(CONSUMER_UID, "DeleteVpcEndpoint", "tok-1")
