"""The rows of endpoints, their zones and security groups: one pure handler per event."""

from __future__ import annotations

from privatelink.domain.endpoint import Endpoint
from privatelink.domain.states import EndpointStatus
from privatelink.projections import docs
from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put
from privatelink.projections.view_rows import (
    ENDPOINT,
    SECURITY_GROUP,
    ZONE,
    child_key,
    security_group_put,
    view_ops,
)


@view_ops.register
def _(e: Endpoint.Created) -> list[Op]:
    key = str(e.originator_id)
    return [
        Put(ENDPOINT, key, e.actor, e.region, docs.endpoint_doc(e)),
        *(
            Put(ZONE, child_key(key, z), e.actor, e.region, docs.zone_doc(e, zone), key)
            for z, zone in e.zones.items()
        ),
        *(security_group_put(key, e.actor, e.region, g) for g in e.security_groups),
    ]


@view_ops.register
def _(e: Endpoint.Activated) -> list[Op]:
    return [Patch(ENDPOINT, str(e.originator_id), {"EndpointStatus": EndpointStatus.ACTIVE})]


@view_ops.register
def _(e: Endpoint.AttributesUpdated) -> list[Op]:
    return [Patch(ENDPOINT, str(e.originator_id), docs.renamed(e.changes, docs.ENDPOINT_FIELDS))]


@view_ops.register
def _(e: Endpoint.ZoneAdded) -> list[Op]:
    key = str(e.originator_id)
    return [
        Put(
            ZONE,
            child_key(key, e.zone["zone_id"]),
            e.actor,
            e.region,
            docs.zone_doc(e, e.zone),
            key,
        )
    ]


@view_ops.register
def _(e: Endpoint.ZoneRemoved) -> list[Op]:
    return [Delete(ZONE, child_key(str(e.originator_id), e.zone_id))]


@view_ops.register
def _(e: Endpoint.ZoneEniReplaced) -> list[Op]:
    return [
        Patch(ZONE, child_key(str(e.originator_id), e.zone_id), {"EniId": e.eni_id, "EniIp": e.ip})
    ]


@view_ops.register
def _(e: Endpoint.SecurityGroupAttached) -> list[Op]:
    return [security_group_put(str(e.originator_id), e.actor, "", e.group_id)]


@view_ops.register
def _(e: Endpoint.SecurityGroupDetached) -> list[Op]:
    return [Delete(SECURITY_GROUP, child_key(str(e.originator_id), e.group_id))]


@view_ops.register
def _(e: Endpoint.Deleted) -> list[Op]:
    key = str(e.originator_id)
    return [
        Delete(ENDPOINT, key),
        DeleteChildren(ZONE, key),
        DeleteChildren(SECURITY_GROUP, key),
    ]
