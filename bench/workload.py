"""Load generators for the benchmark, each run in its own client process."""

from __future__ import annotations

import time
from typing import Any

CONSUMER = ("LTAI5tConsumerDemo0002", "consumer-demo-secret")


def consumer_client(endpoint: str) -> Any:
    """The official SDK's client, as the consumer account."""
    from alibabacloud_privatelink20200415.client import Client
    from alibabacloud_tea_openapi.models import Config

    return Client(
        Config(
            access_key_id=CONSUMER[0],
            access_key_secret=CONSUMER[1],
            endpoint=endpoint,
            protocol="http",
            region_id="cn-hangzhou",
        )
    )


def privatelink_zones(endpoint: str, _: str, seconds: float) -> list[float]:
    """DescribeZones through the official SDK: the product's cheapest signed call (the
    signature checked, its nonce remembered in the store, the answer from the inventory; no
    decision and no event)."""
    from alibabacloud_privatelink20200415 import models as m

    client = consumer_client(endpoint)
    request = m.DescribeZonesRequest(region_id="cn-hangzhou")
    return timed(lambda: client.describe_zones(request), seconds)


def privatelink_creates(endpoint: str, service_id: str, seconds: float) -> list[float]:
    """CreateVpcEndpoint through the official SDK; each answer is durable and visible."""
    from alibabacloud_privatelink20200415 import models as m

    client = consumer_client(endpoint)
    request = m.CreateVpcEndpointRequest(
        region_id="cn-hangzhou",
        vpc_id="vpc-consumer0001",
        service_id=service_id,
        zone=[
            m.CreateVpcEndpointRequestZone(zone_id="cn-hangzhou-h", v_switch_id="vsw-consumer-h")
        ],
    )
    return timed(lambda: client.create_vpc_endpoint(request), seconds)


def moto_creates(endpoint: str, _: str, seconds: float) -> list[float]:
    """CreateVpcEndpoint against moto's AWS emulator through boto3."""
    import boto3

    ec2 = boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=f"http://{endpoint}",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    return timed(
        lambda: ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=vpc,
            ServiceName="com.amazonaws.us-east-1.s3",
            SubnetIds=[subnet],
        ),
        seconds,
    )


def raw_commits(url: str, table: str, seconds: float) -> list[float]:
    """Single-row INSERT + COMMIT per transaction: the durability floor."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return timed(lambda: conn.execute(f"INSERT INTO {table} (v) VALUES (1)"), seconds)


_READY: Any = None  # the barrier all client processes of one load pass before timing


def start_together(ready: Any) -> None:
    """A client process's initializer: the barrier of its load (bench/run.py ``load``)."""
    global _READY
    _READY = ready


def timed(call: Any, seconds: float) -> list[float]:
    """Latencies of ``call`` for ``seconds``, after one call that is not timed: a client's
    first call pays for its own start (the Alibaba SDK loads the system's CA bundle when it
    makes its HTTP session, ~60 ms here even for http; boto3 loads its models), which is no
    server's latency; with eight clients starting at once on two cores those first calls took
    ~300 ms each and were most of the 1 % above p99 (issue 17). Every target gets the same.
    Then it waits for the load's other clients to be as far (``start_together``)."""
    call()
    if _READY is not None:
        _READY.wait(timeout=300)
    latencies = []
    deadline = time.perf_counter() + seconds
    while (start := time.perf_counter()) < deadline:
        call()
        latencies.append(time.perf_counter() - start)
    return latencies
