"""RES-8 as a domain rule, no database: a service agrees with its load balancer's current
health whatever it believed before."""

from __future__ import annotations

from privatelink.domain.service import EndpointService
from tests.unit.helpers import ZONE_H, new_service, nlb, provider


def service() -> EndpointService:
    made = new_service(nlb("nlb-1", (ZONE_H,)), nlb("nlb-2", (ZONE_H,)))
    made.collect_events()
    return made


def test_res_8_a_down_load_balancer_is_failed_in_the_service() -> None:
    made = service()
    made.agree_with_load_balancer(provider, "nlb-1", failed=True)
    assert made.failed_resources == ["nlb-1"]
    assert made.allocate(ZONE_H) == "nlb-2"


def test_res_8_an_up_load_balancer_is_healthy_in_the_service_even_if_it_was_failed() -> None:
    made = service()
    made.fail_resource(provider, "nlb-1")
    made.collect_events()
    made.agree_with_load_balancer(provider, "nlb-1", failed=False)
    assert [type(e).__name__ for e in made.collect_events()] == ["ResourceRecovered"]
    assert made.failed_resources == []


def test_res_8_agreeing_with_an_unchanged_health_records_nothing() -> None:
    made = service()
    made.agree_with_load_balancer(provider, "nlb-1", failed=False)
    assert made.collect_events() == []
