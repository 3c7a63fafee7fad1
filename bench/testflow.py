"""What a user's test suite pays (issue 12): the per-test reset, and a typical PrivateLink
test end to end (create a service, whitelist the consumer, create an endpoint, wait until
it is Connected, delete both; here the endpoint's deletion is waited for and the service's
load balancer detached first, as the cloud requires), here through the official SDK and the same flow on moto
(``moto_server`` and boto3's ec2 endpoint services), with moto's own reset beside ours.

    python bench/testflow.py [--runs 30] [--json FILE]

Uses ``DATABASE_URL`` (a fresh schema) when set, an embedded PostgreSQL otherwise. Figures
go in bench/README.md; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import os

from bench.run import moto_server
from privatelink.testing import PrivateLinkServer, wait_until

REGION = "cn-hangzhou"


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


def timed(runs: int, call: Callable[[], Any]) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def privatelink_flow(server: PrivateLinkServer) -> Callable[[], None]:
    from alibabacloud_privatelink20200415 import models as m

    provider, consumer = server.client("provider"), server.client("consumer")

    def flow() -> None:
        svc = provider.create_vpc_endpoint_service(
            m.CreateVpcEndpointServiceRequest(
                region_id=REGION,
                auto_accept_enabled=True,
                service_resource_type="nlb",
                resource=[
                    m.CreateVpcEndpointServiceRequestResource(
                        resource_id="nlb-provider0001", resource_type="nlb"
                    )
                ],
            )
        ).body
        provider.add_user_to_vpc_endpoint_service(
            m.AddUserToVpcEndpointServiceRequest(
                region_id=REGION, service_id=svc.service_id, user_id=1210000000000002
            )
        )
        ep = consumer.create_vpc_endpoint(
            m.CreateVpcEndpointRequest(
                region_id=REGION,
                vpc_id="vpc-consumer0001",
                service_name=svc.service_name,
                zone=[
                    m.CreateVpcEndpointRequestZone(
                        zone_id="cn-hangzhou-h", v_switch_id="vsw-consumer-h"
                    )
                ],
            )
        ).body
        get = m.GetVpcEndpointAttributeRequest(region_id=REGION, endpoint_id=ep.endpoint_id)
        wait_until(
            lambda: consumer.get_vpc_endpoint_attribute(get).body.connection_status == "Connected",
            interval=0.01,
        )
        consumer.delete_vpc_endpoint(
            m.DeleteVpcEndpointRequest(region_id=REGION, endpoint_id=ep.endpoint_id)
        )
        wait_until(
            lambda: (
                not consumer.list_vpc_endpoints(
                    m.ListVpcEndpointsRequest(region_id=REGION, endpoint_id=ep.endpoint_id)
                ).body.endpoints
            ),
            interval=0.01,
        )
        provider.detach_resource_from_vpc_endpoint_service(
            m.DetachResourceFromVpcEndpointServiceRequest(
                region_id=REGION,
                service_id=svc.service_id,
                resource_id="nlb-provider0001",
                resource_type="nlb",
            )
        )
        provider.delete_vpc_endpoint_service(
            m.DeleteVpcEndpointServiceRequest(region_id=REGION, service_id=svc.service_id)
        )

    return flow


def moto_flow(endpoint: str) -> tuple[Callable[[], None], Callable[[], None]]:
    import boto3

    def clients() -> tuple[Any, Any, str, str, str]:
        ec2 = boto3.client(
            "ec2",
            region_name="us-east-1",
            endpoint_url=f"http://{endpoint}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        elb = boto3.client(
            "elbv2",
            region_name="us-east-1",
            endpoint_url=f"http://{endpoint}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a"
        )["Subnet"]["SubnetId"]
        nlb = elb.create_load_balancer(
            Name="nlb", Subnets=[subnet], Type="network", Scheme="internal"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        return ec2, elb, vpc, subnet, nlb

    state: dict[str, Any] = {}

    def setup() -> None:  # what a moto test does in its fixture: the network it needs
        state["ec2"], _, state["vpc"], state["subnet"], state["nlb"] = clients()

    def flow() -> None:
        ec2 = state["ec2"]
        svc = ec2.create_vpc_endpoint_service_configuration(
            AcceptanceRequired=False, NetworkLoadBalancerArns=[state["nlb"]]
        )["ServiceConfiguration"]
        ec2.modify_vpc_endpoint_service_permissions(
            ServiceId=svc["ServiceId"], AddAllowedPrincipals=["arn:aws:iam::123456789012:root"]
        )
        ep = ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=state["vpc"],
            ServiceName=svc["ServiceName"],
            SubnetIds=[state["subnet"]],
        )["VpcEndpoint"]
        wait_until(
            lambda: (
                ec2.describe_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"][0][
                    "State"
                ].lower()
                == "available"
            ),
            interval=0.01,
        )
        ec2.delete_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])
        ec2.delete_vpc_endpoint_service_configurations(ServiceIds=[svc["ServiceId"]])

    return setup, flow


def run(runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": runs}
    url = os.environ.get("DATABASE_URL")
    with PrivateLinkServer(database_url=url) as server:
        flow = privatelink_flow(server)
        flow()  # warm up
        out["privatelink_flow"] = summary(timed(runs, flow))

        def flow_then_reset() -> None:
            flow()
            server.reset()

        out["privatelink_flow_and_reset"] = summary(timed(runs, flow_then_reset))
        reported: list[float] = []
        out["privatelink_reset"] = summary(
            timed(runs, lambda: reported.append(server.reset()["Seconds"]))
        )
        out["privatelink_reset_in_server"] = summary(reported)
    with moto_server() as endpoint:
        setup, moto_test = moto_flow(endpoint)
        setup()
        moto_test()
        out["moto_flow"] = summary(timed(runs, moto_test))

        def moto_reset() -> None:
            request = urllib.request.Request(f"http://{endpoint}/moto-api/reset", method="POST")
            urllib.request.urlopen(request, timeout=10).read()

        def moto_flow_and_reset() -> None:  # moto's reset drops the network too: rebuild it
            setup()
            moto_test()
            moto_reset()

        out["moto_setup_flow_and_reset"] = summary(timed(runs, moto_flow_and_reset))
        out["moto_reset"] = summary(timed(runs, moto_reset))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.runs)
    for key, value in result.items():
        print(f"{key:32} {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
