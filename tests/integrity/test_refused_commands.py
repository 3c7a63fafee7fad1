"""Issue 10, "State that a refused command leaves behind": a job the writer refuses leaves
nothing in memory, in snapshots or in the log, even when it shares a batch with a job that
commits and crosses a snapshot interval."""

from __future__ import annotations

from privatelink.application.endpoints import CreateEndpoint, ZoneRequest
from privatelink.application.services import (
    DeleteEndpointService,
    DetachResource,
    MarkLoadBalancer,
    ResourceRef,
)
from privatelink.composition import Runtime
from privatelink.domain.endpoint import Endpoint, EndpointOptions
from privatelink.domain.errors import DomainError
from privatelink.domain.service import EndpointService
from privatelink.infra.check import check_store
from tests.application.helpers import (
    CONSUMER,
    PROVIDER,
    REGION,
    cmd,
    create_endpoint,
    create_service,
)
from tests.integrity.helpers import drive_to_version, one_batch, tag, wait_until

ENDPOINT_INTERVAL = 100
SERVICE_INTERVAL = 500


def tags_of(runtime: Runtime, aggregate_id: object) -> dict[str, str]:
    return {k: v for k, v in runtime.app.repository.get(aggregate_id).tags}


def test_issue10_refused_tag_resources_leaves_no_tags_on_the_first_resource(
    runtime: Runtime,
) -> None:
    """A TagResources refused on its second ResourceId (QuotaExceeded.TagNum) tags nothing:
    not the first resource, not in a snapshot taken in the same batch, not on later
    commands; and no version is skipped."""
    assert type(runtime.app).snapshotting_intervals[Endpoint] == ENDPOINT_INTERVAL
    service_id = create_service(runtime)
    first, full = create_endpoint(runtime, service_id), create_endpoint(runtime, service_id)
    tag(runtime, CONSUMER, "vpcendpoint", [full], [(f"k{i}", "v") for i in range(20)])
    first_id = Endpoint.create_id(first)
    drive_to_version(runtime, CONSUMER, "vpcendpoint", first, first_id, ENDPOINT_INTERVAL - 1)

    with one_batch(runtime.app.executor) as queue:  # type: ignore[arg-type]
        crossing = queue(lambda: tag(runtime, CONSUMER, "vpcendpoint", [first], [("a", "1")]))
        refused = queue(
            lambda: tag(runtime, CONSUMER, "vpcendpoint", [first, full], [("leak", "x")])
        )
    assert "outcome" in crossing, crossing
    assert isinstance(refused.get("error"), DomainError)
    assert refused["error"].code == "QuotaExceeded.TagNum"

    tag(runtime, CONSUMER, "vpcendpoint", [first], [("later", "1")])
    assert "leak" not in tags_of(runtime, first_id)
    last = runtime.app.events.get(first_id, desc=True, limit=1)
    assert "leak" not in dict(map(tuple, next(iter(last)).tags))  # type: ignore[attr-defined]
    assert check_store(runtime.app) == []


def test_issue10_refused_create_endpoint_leaves_no_phantom_connection(runtime: Runtime) -> None:
    """A CreateVpcEndpoint refused because its zone's only resource is down records no
    connection: DeleteVpcEndpointService later names no endpoint that never existed."""
    assert type(runtime.app).snapshotting_intervals[EndpointService] == SERVICE_INTERVAL
    service_id = create_service(runtime)
    service_key = EndpointService.create_id(service_id)
    down = runtime.app.dispatch(
        MarkLoadBalancer("nlb-provider0001", True), cmd("operator", "AdminFault")
    )
    wait_until(lambda: runtime.app.provisioner.provisioner_position() >= (down.position or 0))
    drive_to_version(
        runtime, PROVIDER, "vpcendpointservice", service_id, service_key, SERVICE_INTERVAL - 1
    )

    def create_endpoint_in_the_down_zone() -> object:
        zone = ZoneRequest("cn-hangzhou-h", "vsw-consumer-h", None)
        return runtime.app.dispatch(
            CreateEndpoint(
                REGION, "vpc-consumer0001", service_id, None, [zone], [], EndpointOptions()
            ),
            cmd(CONSUMER, "CreateVpcEndpoint"),
        )

    with one_batch(runtime.app.executor) as queue:  # type: ignore[arg-type]
        crossing = queue(
            lambda: tag(runtime, PROVIDER, "vpcendpointservice", [service_id], [("a", "1")])
        )
        refused = queue(create_endpoint_in_the_down_zone)
    assert "outcome" in crossing, crossing
    assert isinstance(refused.get("error"), DomainError), refused

    assert runtime.app.repository.get(service_key).connections == {}
    runtime.app.dispatch(
        DetachResource(REGION, service_id, ResourceRef("nlb-provider0001")), cmd(PROVIDER)
    )
    runtime.app.dispatch(DeleteEndpointService(REGION, service_id), cmd(PROVIDER))
    assert check_store(runtime.app) == []
