"""The one table of use cases: each typed command's class -> its handler."""

from __future__ import annotations

from privatelink.application import connections as conn
from privatelink.application import endpoints as ep
from privatelink.application import services as svc
from privatelink.application import tagging as tags
from privatelink.application import zone_connections as zones
from privatelink.application.use_case import Handler, UseCase

HANDLERS: dict[type[UseCase], Handler] = {
    # provider: services, resources, whitelist (application.services)
    svc.CreateEndpointService: svc.create_endpoint_service,
    svc.UpdateEndpointService: svc.update_endpoint_service,
    svc.DeleteEndpointService: svc.delete_endpoint_service,
    svc.AttachResource: svc.attach_resource,
    svc.DetachResource: svc.detach_resource,
    svc.SetAutoAllocation: svc.set_auto_allocation,
    svc.MarkLoadBalancer: svc.mark_load_balancer,
    svc.AddUser: svc.add_user,
    svc.RemoveUser: svc.remove_user,
    # consumer: endpoints, zones, security groups (application.endpoints)
    ep.CreateEndpoint: ep.create_endpoint,
    ep.UpdateEndpoint: ep.update_endpoint,
    ep.DeleteEndpoint: ep.delete_endpoint,
    ep.AddZone: ep.add_zone,
    ep.RemoveZone: ep.remove_zone,
    ep.AttachSecurityGroup: ep.attach_security_group,
    ep.DetachSecurityGroup: ep.detach_security_group,
    # provider: connections (application.connections)
    conn.EnableConnection: conn.enable_connection,
    conn.DisableConnection: conn.disable_connection,
    conn.ChangeConnectionBandwidth: conn.change_connection_bandwidth,
    # provider: zone connections (application.zone_connections)
    zones.DisableZoneConnection: zones.disable_zone_connection,
    zones.EnableZoneConnection: zones.enable_zone_connection,
    zones.ChangeZoneResource: zones.change_zone_resource,
    # tags and resource groups (application.tagging)
    tags.TagResources: tags.tag_resources,
    tags.UntagResources: tags.untag_resources,
    tags.ChangeResourceGroup: tags.change_resource_group,
}

USE_CASE_MODULES = (svc, ep, conn, zones, tags)
"""The modules that declare use cases (the dispatch test checks the table against them)."""
