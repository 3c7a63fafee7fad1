"""The read views, fed the events of a service's and an endpoint's life through the pure
``ViewsProjection().ops`` and applied to a tiny in-memory store written here.

The store follows the contract of ``projections.ops``: Put inserts or replaces a row, Patch
merges into an existing row only, Delete removes one row, DeleteChildren removes every row of a
kind under one parent."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, DomainEvent

from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.idempotency import ClientTokenRecord
from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put
from privatelink.projections.views import (
    CONNECTION,
    ENDPOINT,
    RESOURCE,
    SECURITY_GROUP,
    SERVICE,
    USER,
    ZONE,
    ViewsProjection,
    child_key,
    endpoint_key,
    service_key,
)
from tests.unit.helpers import (
    CONSUMER_UID,
    PROVIDER_UID,
    ZONE_H,
    ZONE_I,
    connect,
    consumer,
    new_endpoint,
    new_service,
    nlb,
    placement,
    provider,
    provisioner,
)

SVC, EP = "epsrv-test0001", "ep-test0001"
SVC_KEY, EP_KEY = service_key(SVC), endpoint_key(EP)


class Views:
    """An in-memory view store: rows by (kind, key)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}

    def apply(self, ops: list[Op]) -> None:
        for op in ops:
            if isinstance(op, Put):
                self.rows[(op.kind, op.key)] = {
                    "owner": op.owner,
                    "region": op.region,
                    "parent": op.parent,
                    "doc": dict(op.doc),
                }
            elif isinstance(op, Patch):
                row = self.rows.get((op.kind, op.key))
                if row is not None:
                    row["doc"].update(op.fields)
            elif isinstance(op, Delete):
                self.rows.pop((op.kind, op.key), None)
            elif isinstance(op, DeleteChildren):
                self.rows = {
                    k: r
                    for k, r in self.rows.items()
                    if not (k[0] == op.kind and r["parent"] == op.parent)
                }
            else:  # pragma: no cover - a new op kind must be taught to this store
                raise TypeError(op)

    def doc(self, kind: str, key: str) -> dict[str, Any] | None:
        row = self.rows.get((kind, key))
        return None if row is None else row["doc"]

    def children(self, kind: str, parent: str) -> dict[str, dict[str, Any]]:
        return {
            k: r["doc"]
            for (knd, k), r in self.rows.items()
            if knd == kind and r["parent"] == parent
        }

    def kinds_under(self, key: str) -> set[str]:
        return {kind for (kind, k), r in self.rows.items() if k == key or r["parent"] == key}


class Life:
    """A service (NLB in zones h and i, consumer listed) and one endpoint, each step projected
    as the application would save it (the endpoint's events before the service's)."""

    def __init__(self, **options: Any) -> None:
        self.views = Views()
        self.projection = ViewsProjection()
        self.log: list[DomainEvent] = []
        self.service = new_service(drain=False, **options)
        self.service.add_user(provider, CONSUMER_UID)
        self.project(self.service)

    def project(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            for event in aggregate.collect_events():
                self.log.append(event)
                self.views.apply(self.projection.ops(event))

    def activate_service(self) -> Life:
        self.service.activate(provisioner)
        self.project(self.service)
        return self

    def create_endpoint(self, zones: tuple[str, ...] = (ZONE_H,)) -> Life:
        self.endpoint = new_endpoint(self.service, zones, drain=False)
        connect(self.service, self.endpoint)
        self.project(self.endpoint, self.service)
        return self

    def activate_endpoint(self) -> Life:
        self.endpoint.activate(provisioner)
        self.project(self.endpoint)
        return self

    def allow(self) -> Life:
        self.service.allow_connection(provider, EP)
        self.project(self.service)
        return self

    def establish(self) -> Life:
        self.service.complete_connection(provisioner, EP)
        self.project(self.service)
        return self

    def deny(self) -> Life:
        self.service.deny_connection(provider, EP)
        self.project(self.service)
        return self

    def disconnect(self) -> Life:
        self.service.complete_disconnection(provisioner, EP)
        self.project(self.service)
        return self

    def add_zone(self, zone_id: str) -> Life:
        self.endpoint.add_zone(consumer, placement(zone_id))
        self.service.add_connection_zone(consumer, EP, zone_id)
        self.project(self.endpoint, self.service)
        return self

    def remove_zone(self, zone_id: str) -> Life:
        self.endpoint.remove_zone(consumer, zone_id)
        self.service.remove_connection_zone(consumer, EP, zone_id)
        self.project(self.endpoint, self.service)
        return self

    def delete_endpoint(self) -> Life:
        self.endpoint.delete(consumer)
        self.service.close_connection(consumer, EP)
        self.project(self.endpoint, self.service)
        return self

    def delete_service(self) -> Life:
        self.service.detach_resource(provider, "nlb-1", None)
        self.service.delete(provider)
        self.project(self.service)
        return self

    def connected(self, zones: tuple[str, ...] = (ZONE_H,)) -> Life:
        return (
            self.activate_service().create_endpoint(zones).activate_endpoint().allow().establish()
        )

    # -- documents --------------------------------------------------------------------------

    @property
    def service_doc(self) -> dict[str, Any] | None:
        return self.views.doc(SERVICE, SVC_KEY)

    @property
    def endpoint_doc(self) -> dict[str, Any] | None:
        return self.views.doc(ENDPOINT, EP_KEY)

    @property
    def connection_doc(self) -> dict[str, Any] | None:
        return self.views.doc(CONNECTION, EP_KEY)

    def zone(self, zone_id: str) -> dict[str, Any] | None:
        return self.views.doc(ZONE, child_key(EP_KEY, zone_id))

    def zone_statuses(self) -> dict[str, str]:
        return {d["ZoneId"]: d["ZoneStatus"] for d in self.views.children(ZONE, EP_KEY).values()}


# -- services --------------------------------------------------------------------------------------


def test_svc_1_a_created_service_shows_creating() -> None:
    doc = Life().service_doc
    assert doc is not None
    assert (doc["ServiceId"], doc["ServiceStatus"], doc["RegionId"]) == (
        SVC,
        "Creating",
        "cn-hangzhou",
    )


def test_svc_1_an_activated_service_shows_active() -> None:
    doc = Life().activate_service().service_doc
    assert doc is not None and doc["ServiceStatus"] == "Active"


def test_svc_3_the_service_view_shows_the_creation_options() -> None:
    doc = Life(auto_accept=True, zone_affinity=True, payer="EndpointService").service_doc
    assert doc is not None
    assert (
        doc["AutoAcceptEnabled"],
        doc["ZoneAffinityEnabled"],
        doc["Payer"],
        doc["AddressIpVersion"],
        doc["ServiceResourceType"],
    ) == (True, True, "EndpointService", "IPv4", "nlb")


def test_svc_7_the_service_view_shows_name_and_domain() -> None:
    doc = Life().service_doc
    assert doc is not None
    assert doc["ServiceName"] == "com.aliyuncs.privatelink.cn-hangzhou.epsrv-test0001"
    assert doc["ServiceDomain"] == "epsrv-test0001.cn-hangzhou.privatelink.aliyuncs.com"


def test_svc_6_an_auto_accept_change_patches_the_service_only() -> None:
    life = Life().connected()
    life.service.update_attributes(provider, {"auto_accept": True})
    life.project(life.service)
    assert life.service_doc is not None and life.service_doc["AutoAcceptEnabled"] is True
    assert life.connection_doc is not None
    assert life.connection_doc["ConnectionStatus"] == "Connected"


def test_svc_1_the_service_row_belongs_to_the_provider_in_its_region() -> None:
    row = Life().views.rows[(SERVICE, SVC_KEY)]
    assert (row["owner"], row["region"]) == (PROVIDER_UID, "cn-hangzhou")


# -- resources and whitelist -----------------------------------------------------------------------


def test_res_1_the_resource_view_has_one_row_per_resource_and_zone() -> None:
    resources = Life().views.children(RESOURCE, SVC_KEY)
    assert sorted((d["ResourceId"], d["ZoneId"]) for d in resources.values()) == [
        ("nlb-1", ZONE_H),
        ("nlb-1", ZONE_I),
    ]


def test_res_1_an_attached_resource_appears_in_the_resource_view() -> None:
    life = Life()
    life.service.attach_resource(provider, nlb("nlb-2", (ZONE_H,)), None)
    life.project(life.service)
    assert life.views.doc(RESOURCE, child_key(SVC_KEY, f"nlb-2|{ZONE_H}")) is not None


def test_res_1_a_detached_resource_leaves_the_resource_view() -> None:
    life = Life()
    life.service.detach_resource(provider, "nlb-1", ZONE_I)
    life.project(life.service)
    assert list(life.views.children(RESOURCE, SVC_KEY)) == [child_key(SVC_KEY, f"nlb-1|{ZONE_H}")]


def test_wl_1_the_whitelist_view_holds_the_provider_and_added_users() -> None:
    users = Life().views.children(USER, SVC_KEY)
    assert sorted(d["UserId"] for d in users.values()) == sorted([PROVIDER_UID, CONSUMER_UID])


def test_wl_4_a_removed_user_leaves_the_whitelist_view() -> None:
    life = Life()
    life.service.remove_user(provider, CONSUMER_UID)
    life.project(life.service)
    assert [d["UserId"] for d in life.views.children(USER, SVC_KEY).values()] == [PROVIDER_UID]


# -- connections -----------------------------------------------------------------------------------


def test_acc_1_a_requested_connection_shows_pending_on_connection_and_endpoint() -> None:
    life = Life().activate_service().create_endpoint()
    assert life.connection_doc is not None and life.endpoint_doc is not None
    assert life.connection_doc["ConnectionStatus"] == "Pending"
    assert life.endpoint_doc["ConnectionStatus"] == "Pending"


def test_acc_1_a_requested_connection_shows_every_zone_waiting() -> None:
    life = Life().activate_service().create_endpoint((ZONE_H, ZONE_I))
    assert life.zone_statuses() == {ZONE_H: "Wait", ZONE_I: "Wait"}


def test_acc_1_the_connection_view_names_the_endpoint_owner_vpc_and_service() -> None:
    doc = Life().activate_service().create_endpoint().connection_doc
    assert doc is not None
    assert (
        doc["EndpointId"],
        doc["ServiceId"],
        doc["EndpointOwnerId"],
        doc["EndpointVpcId"],
        doc["EndpointRegionId"],
        doc["ResourceOwner"],
    ) == (EP, SVC, int(CONSUMER_UID), "vpc-consumer0001", "cn-hangzhou", False)


def test_acc_1_the_connection_row_belongs_to_the_provider_under_the_service() -> None:
    row = Life().activate_service().create_endpoint().views.rows[(CONNECTION, EP_KEY)]
    assert (row["owner"], row["parent"]) == (PROVIDER_UID, SVC_KEY)


def test_acc_2_with_auto_accept_the_view_shows_connecting_with_no_provider_action() -> None:
    life = Life(auto_accept=True).activate_service().create_endpoint()
    assert life.connection_doc is not None
    assert life.connection_doc["ConnectionStatus"] == "Connecting"
    zone = life.zone(ZONE_H)
    assert zone is not None
    assert (zone["ZoneStatus"], zone["ResourceId"]) == ("Connecting", "nlb-1")


def test_acc_3_an_allowed_connection_shows_connecting_and_the_resource_of_each_zone() -> None:
    life = Life().activate_service().create_endpoint((ZONE_H, ZONE_I)).allow()
    assert life.endpoint_doc is not None and life.endpoint_doc["ConnectionStatus"] == "Connecting"
    assert {z: (life.zone(z) or {}).get("ResourceId") for z in (ZONE_H, ZONE_I)} == {
        ZONE_H: "nlb-1",
        ZONE_I: "nlb-1",
    }
    assert life.zone_statuses() == {ZONE_H: "Connecting", ZONE_I: "Connecting"}


def test_acc_3_an_established_connection_shows_connected_everywhere() -> None:
    life = Life().connected((ZONE_H, ZONE_I))
    assert life.connection_doc is not None and life.endpoint_doc is not None
    assert life.connection_doc["ConnectionStatus"] == "Connected"
    assert life.endpoint_doc["ConnectionStatus"] == "Connected"
    assert life.zone_statuses() == {ZONE_H: "Connected", ZONE_I: "Connected"}


def test_acc_3_the_connection_modified_time_is_the_time_of_its_last_change() -> None:
    life = Life().connected()
    established = life.log[-1]
    assert life.connection_doc is not None
    assert life.connection_doc["ModifiedTime"] == established.timestamp.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_acc_5_a_denied_connection_shows_disconnecting_in_every_zone() -> None:
    life = Life().connected((ZONE_H, ZONE_I)).deny()
    assert life.connection_doc is not None
    assert life.connection_doc["ConnectionStatus"] == "Disconnecting"
    assert life.zone_statuses() == {ZONE_H: "Disconnecting", ZONE_I: "Disconnecting"}


def test_acc_5_a_disconnected_connection_shows_disconnected_in_every_zone() -> None:
    life = Life().connected((ZONE_H, ZONE_I)).deny().disconnect()
    assert life.connection_doc is not None and life.endpoint_doc is not None
    assert life.connection_doc["ConnectionStatus"] == "Disconnected"
    assert life.endpoint_doc["ConnectionStatus"] == "Disconnected"
    assert life.zone_statuses() == {ZONE_H: "Disconnected", ZONE_I: "Disconnected"}


def test_acc_5_a_connection_allowed_again_shows_connected_again() -> None:
    life = Life().connected().deny().disconnect().allow().establish()
    assert life.endpoint_doc is not None and life.endpoint_doc["ConnectionStatus"] == "Connected"
    assert life.zone_statuses() == {ZONE_H: "Connected"}


# -- endpoints -------------------------------------------------------------------------------------


def test_ep_1_a_created_endpoint_shows_creating_then_active() -> None:
    life = Life().activate_service().create_endpoint()
    assert life.endpoint_doc is not None and life.endpoint_doc["EndpointStatus"] == "Creating"
    life.activate_endpoint()
    assert life.endpoint_doc["EndpointStatus"] == "Active"


def test_ep_1_the_endpoint_view_names_service_vpc_and_payer() -> None:
    doc = Life(payer="EndpointService").activate_service().create_endpoint().endpoint_doc
    assert doc is not None
    assert (
        doc["ServiceId"],
        doc["ServiceName"],
        doc["VpcId"],
        doc["Payer"],
        doc["ResourceOwner"],
    ) == (
        SVC,
        "com.aliyuncs.privatelink.cn-hangzhou.epsrv-test0001",
        "vpc-consumer0001",
        "EndpointService",
        False,
    )


def test_ep_6_the_endpoint_security_groups_are_in_the_view() -> None:
    life = Life().activate_service().create_endpoint()
    groups = life.views.children(SECURITY_GROUP, EP_KEY)
    assert [d["SecurityGroupId"] for d in groups.values()] == ["sg-consumer0001"]


def test_ep_9_the_endpoint_view_shows_the_endpoint_domain() -> None:
    doc = Life().activate_service().create_endpoint().endpoint_doc
    assert doc is not None
    assert doc["EndpointDomain"] == (
        "ep-test0001.epsrv-test0001.cn-hangzhou.privatelink.aliyuncs.com"
    )


def test_ep_9_each_zone_view_shows_its_zone_domain_eni_and_ip() -> None:
    zone = Life().activate_service().create_endpoint().zone(ZONE_H)
    assert zone is not None
    expected = placement(ZONE_H)
    assert (zone["ZoneDomain"], zone["EniId"], zone["EniIp"], zone["VSwitchId"]) == (
        "ep-test0001-cn-hangzhou-h.epsrv-test0001.cn-hangzhou.privatelink.aliyuncs.com",
        expected.eni_id,
        expected.ip,
        expected.vswitch_id,
    )


def test_ep_8_a_zone_added_to_a_connected_endpoint_shows_connecting_with_a_resource() -> None:
    zone = Life().connected((ZONE_H,)).add_zone(ZONE_I).zone(ZONE_I)
    assert zone is not None
    assert (zone["ZoneStatus"], zone["ResourceId"]) == ("Connecting", "nlb-1")


def test_ep_8_an_added_zone_once_established_shows_connected() -> None:
    life = Life().connected((ZONE_H,)).add_zone(ZONE_I).establish()
    assert life.zone_statuses() == {ZONE_H: "Connected", ZONE_I: "Connected"}


def test_ep_8_a_zone_added_to_a_pending_endpoint_shows_wait_without_resource() -> None:
    zone = Life().activate_service().create_endpoint((ZONE_H,)).add_zone(ZONE_I).zone(ZONE_I)
    assert zone is not None
    assert (zone["ZoneStatus"], zone["ResourceId"]) == ("Wait", "")


def test_ep_8_a_removed_zone_leaves_the_zone_view() -> None:
    life = Life().connected((ZONE_H, ZONE_I)).remove_zone(ZONE_I)
    assert life.zone(ZONE_I) is None
    assert life.zone_statuses() == {ZONE_H: "Connected"}


# -- deletion --------------------------------------------------------------------------------------


def test_del_3_a_deleted_endpoint_leaves_no_endpoint_zone_group_or_connection_row() -> None:
    life = Life().connected((ZONE_H, ZONE_I)).delete_endpoint()
    assert life.views.kinds_under(EP_KEY) == set()


def test_del_3_deleting_an_endpoint_keeps_the_service_rows() -> None:
    life = Life().connected().delete_endpoint()
    assert life.service_doc is not None
    assert len(life.views.children(RESOURCE, SVC_KEY)) == 2


def test_del_2_a_deleted_service_marks_its_linked_endpoint_service_deleted() -> None:
    life = Life().connected().deny().disconnect().delete_service()
    assert life.endpoint_doc is not None
    assert life.endpoint_doc["ConnectionStatus"] == "ServiceDeleted"


def test_del_2_a_deleted_service_leaves_no_service_resource_user_or_connection_row() -> None:
    life = Life().connected().deny().disconnect().delete_service()
    assert life.service_doc is None
    assert life.views.children(RESOURCE, SVC_KEY) == {}
    assert life.views.children(USER, SVC_KEY) == {}
    assert life.connection_doc is None


def test_del_2_the_linked_endpoint_stays_in_the_view_with_its_zones() -> None:
    life = Life().connected().deny().disconnect().delete_service()
    assert life.zone_statuses() == {ZONE_H: "Disconnected"}


def test_del_2_deleting_a_service_leaves_the_rows_of_another_service() -> None:
    life = Life()
    other = new_service(service_id="epsrv-other0001", drain=False)
    life.project(other)
    life.delete_service()
    other_key = service_key("epsrv-other0001")
    assert life.views.doc(SERVICE, other_key) is not None
    assert len(life.views.children(RESOURCE, other_key)) == 2
    assert len(life.views.children(USER, other_key)) == 1


def test_del_2_a_service_whose_endpoints_were_deleted_patches_no_endpoint() -> None:
    life = Life().connected().delete_endpoint()
    deleted = life.service
    deleted.detach_resource(provider, "nlb-1", None)
    deleted.delete(provider)
    (event,) = [e for e in deleted.collect_events() if type(e).__name__ == "Deleted"]
    assert event.endpoint_ids == []
    assert not [op for op in life.projection.ops(event) if isinstance(op, Patch)]


# -- purity and rebuild (AUD-3) --------------------------------------------------------------------


def test_aud_3_the_projection_gives_the_same_ops_for_the_same_event() -> None:
    life = Life().connected()
    projection = ViewsProjection()
    assert [projection.ops(e) for e in life.log] == [life.projection.ops(e) for e in life.log]


def test_aud_3_views_rebuilt_from_the_whole_log_equal_the_live_views() -> None:
    life = Life().connected((ZONE_H,)).add_zone(ZONE_I).establish().deny()
    rebuilt = Views()
    projection = ViewsProjection()
    for event in life.log:
        rebuilt.apply(projection.ops(event))
    assert rebuilt.rows == life.views.rows


def test_aud_3_address_book_and_client_token_events_change_no_view() -> None:
    book = VSwitchAddresses.created_by(consumer, vswitch_id="vsw-consumer-h", cidr="127.16.1.0/24")
    book.take(consumer, None, "eni-1")
    record = ClientTokenRecord(
        account=CONSUMER_UID,
        action="CreateVpcEndpoint",
        token="t",
        fingerprint="f",
        result={},
        actor=consumer.account,
        request_id=consumer.request_id,
    )
    events = [*book.collect_events(), *record.collect_events()]
    assert [ViewsProjection().ops(e) for e in events] == [[], [], []]
