"""The rows of services, their resources and users, and the tags of both services and
endpoints: one pure handler per event.
"""

from __future__ import annotations

from privatelink.domain.events import ResourceEvents, TagEvents
from privatelink.domain.service import EndpointService
from privatelink.domain.states import ConnectionStatus, ServiceStatus
from privatelink.projections import docs
from privatelink.projections.ops import Delete, DeleteChildren, Op, Patch, Put
from privatelink.projections.view_rows import (
    CONNECTION,
    ENDPOINT,
    RESOURCE,
    SERVICE,
    USER,
    child_key,
    endpoint_key,
    tagged_kind,
    view_ops,
)


@view_ops.register
def _(e: EndpointService.Created) -> list[Op]:
    key = str(e.originator_id)
    return [
        Put(SERVICE, key, e.actor, e.region, docs.service_doc(e)),
        *(
            Put(RESOURCE, child_key(key, k), e.actor, e.region, docs.resource_doc(r), key)
            for k, r in e.resources.items()
        ),
        Put(USER, child_key(key, e.actor), e.actor, e.region, {"UserId": e.actor}, key),
    ]


@view_ops.register
def _(e: EndpointService.Activated) -> list[Op]:
    return [Patch(SERVICE, str(e.originator_id), {"ServiceStatus": ServiceStatus.ACTIVE})]


@view_ops.register
def _(e: EndpointService.AttributesUpdated) -> list[Op]:
    return [Patch(SERVICE, str(e.originator_id), docs.renamed(e.changes, docs.SERVICE_FIELDS))]


@view_ops.register
def _(e: EndpointService.SupportedRegionsChanged) -> list[Op]:
    return [
        Patch(
            SERVICE,
            str(e.originator_id),
            {"SupportedRegionSet": docs.supported_regions(e.regions[0], e.regions)},
        )
    ]


@view_ops.register
def _(e: ResourceEvents.AutoAllocationSwitched) -> list[Op]:
    key = str(e.originator_id)
    return [Patch(RESOURCE, child_key(key, k), {"AutoAllocatedEnabled": e.enabled}) for k in e.keys]


@view_ops.register
def _(e: ResourceEvents.ResourceAttached) -> list[Op]:
    key = str(e.originator_id)
    return [
        Put(
            RESOURCE,
            child_key(key, f"{r['resource_id']}|{r['zone_id']}"),
            e.actor,
            r["region"],
            docs.resource_doc(r),
            key,
        )
        for r in e.entries
    ]


@view_ops.register
def _(e: ResourceEvents.ResourceDetached) -> list[Op]:
    return [Delete(RESOURCE, child_key(str(e.originator_id), k)) for k in e.keys]


@view_ops.register
def _(e: EndpointService.UserAdded) -> list[Op]:
    key = str(e.originator_id)
    return [Put(USER, child_key(key, e.user), e.actor, "", {"UserId": e.user}, key)]


@view_ops.register
def _(e: EndpointService.UserRemoved) -> list[Op]:
    return [Delete(USER, child_key(str(e.originator_id), e.user))]


@view_ops.register
def _(e: EndpointService.Deleted) -> list[Op]:
    key = str(e.originator_id)
    return [
        Delete(SERVICE, key),
        DeleteChildren(RESOURCE, key),
        DeleteChildren(USER, key),
        *(
            op
            for endpoint_id in e.endpoint_ids
            for op in (
                Delete(CONNECTION, endpoint_key(endpoint_id)),
                Patch(
                    ENDPOINT,
                    endpoint_key(endpoint_id),
                    {"ConnectionStatus": ConnectionStatus.SERVICE_DELETED},
                ),
            )
        ),
    ]


# -- tags and resource groups -----------------------------------------------------------


@view_ops.register
def _(e: TagEvents.TagsChanged) -> list[Op]:
    return [Patch(tagged_kind(e), str(e.originator_id), {"Tags": docs.tags(e.tags)})]


@view_ops.register
def _(e: TagEvents.ResourceGroupChanged) -> list[Op]:
    return [Patch(tagged_kind(e), str(e.originator_id), {"ResourceGroupId": e.resource_group_id})]
