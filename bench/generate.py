"""Bulk histories for the benchmark, made with the real aggregates and written in batches."""

from __future__ import annotations

from typing import Any

from privatelink.application.endpoints import connection_facts
from privatelink.domain.addresses import VSwitchAddresses
from privatelink.domain.base import Caller, RandomIds
from privatelink.domain.endpoint import Endpoint, EndpointOptions, ZonePlacement
from privatelink.domain.service import EndpointService, ServiceOptions

PROVIDER, CONSUMER = "1210000000000001", "1210000000000002"
BATCH = 5000


def write(app: Any, events: list[Any]) -> None:
    for start in range(0, len(events), BATCH):
        app.recorder.insert_events(
            [app.mapper.to_stored_event(e) for e in events[start : start + BATCH]]
        )


def endpoints(app: Any, count: int, per_service: int = 1000) -> int:
    """``count`` connected endpoints spread over services of ``per_service`` each."""
    ids, by = RandomIds(), Caller(PROVIDER, "bench")
    consumer = Caller(CONSUMER, "bench")
    facts = app.facts.load_balancer(PROVIDER, "nlb-provider0001", "cn-hangzhou")
    vpc = app.inventory.vpc("vpc-consumer0001")
    cidr = next(str(v.cidr) for v in vpc.vswitches if v.id == "vsw-consumer-h")
    book = VSwitchAddresses.created_by(
        Caller(CONSUMER, "bench"), vswitch_id="vsw-consumer-h", cidr=cidr
    )
    written, events = 0, list(book.collect_events())
    while written < count:
        service = EndpointService.create(
            by,
            ids.new_id("epsrv-"),
            "cn-hangzhou",
            [(facts, None)],
            ServiceOptions(auto_accept=True),
        )
        service.add_user(by, CONSUMER)
        service_facts = service.facts()
        for _ in range(min(per_service, count - written)):
            endpoint_id, eni = ids.new_id("ep-"), ids.new_id("eni-")
            ip = book.take(consumer, None, eni)
            endpoint = Endpoint.create(
                consumer,
                endpoint_id,
                "cn-hangzhou",
                "vpc-consumer0001",
                service_facts,
                [ZonePlacement("cn-hangzhou-h", "vsw-consumer-h", eni, ip)],
                [],
                EndpointOptions(),
            )
            service.request_connection(consumer, connection_facts(endpoint), ["cn-hangzhou-h"])
            events += endpoint.collect_events()
            events += service.collect_events()
            events += book.collect_events()
            written += 1
            if len(events) >= BATCH * 4:
                write(app, events)
                events = []
        events += service.collect_events()
    write(app, events)
    app.take_snapshot(book.id)
    return written


def long_history(app: Any, updates: int) -> str:
    """An endpoint renamed ``updates`` times (snapshots as the application takes them)."""
    service = app.repository.get(EndpointService.create_id(_service_of(app)))
    consumer = Caller(CONSUMER, "bench")
    endpoint_id = RandomIds().new_id("ep-")
    endpoint = Endpoint.create(
        consumer,
        endpoint_id,
        "cn-hangzhou",
        "vpc-consumer0001",
        service.facts(),
        [ZonePlacement("cn-hangzhou-h", "vsw-consumer-h", "eni-bench", "127.64.255.1")],
        [],
        EndpointOptions(),
    )
    events = list(endpoint.collect_events())
    interval = app.snapshotting_intervals[Endpoint]
    for n in range(updates - 1):
        endpoint.update_attributes(consumer, {"name": f"name-{n}"}, None)
        events += endpoint.collect_events()
        if endpoint.version % interval == 0:
            write(app, events)
            events = []
            app.snapshots.put([Endpoint.Snapshot.take(endpoint)])
    write(app, events)
    return endpoint_id


def _service_of(app: Any) -> str:
    by = Caller(PROVIDER, "bench")
    facts = app.facts.load_balancer(PROVIDER, "nlb-provider0001", "cn-hangzhou")
    service = EndpointService.create(
        by,
        RandomIds().new_id("epsrv-"),
        "cn-hangzhou",
        [(facts, None)],
        ServiceOptions(auto_accept=True),
    )
    service.add_user(by, CONSUMER)
    write(app, list(service.collect_events()))
    return str(service.service_id)
