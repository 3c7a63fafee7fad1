"""Route-level tests of the console (issue 14), driven over HTTP as a browser without
JavaScript: forms, CSRF tokens and the session cookie."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from privatelink.api.console.calls import ActionFailed, call
from tests.conftest import CONSUMER, OUTSIDER, PROVIDER
from tests.console.helpers import ConsoleUser, service_name, wait_until

ERROR = re.compile(r'class="error"[^>]*>(.*?)</p>', re.DOTALL)


def errors(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", e) for e in ERROR.findall(html)]


def make_endpoint(consumer: ConsoleUser, name: str) -> str:
    page = consumer.post(
        "/console/endpoints/new",
        [
            ("RegionId", "cn-hangzhou"),
            ("ServiceName", name),
            ("VpcId", "vpc-consumer0001"),
            ("VSwitch", "vsw-consumer-h"),
            ("VSwitch", "vsw-consumer-i"),
            ("SecurityGroupId", "sg-consumer0001"),
            ("step", "create"),
        ],
    )
    assert page.status_code == 200 and "/console/endpoints/ep-" in str(page.url), errors(page.text)
    return str(page.url).rsplit("/", 1)[-1]


def shared_service(provider: ConsoleUser, **fields: str) -> tuple[str, str]:
    service_id = provider.create_service(**fields)
    assert (
        provider.post(f"/console/services/{service_id}/user-add", {"User": CONSUMER[2]}).status_code
        == 200
    )
    return service_id, service_name(provider, service_id)


def test_console_sign_in_refuses_a_wrong_secret_and_pages_need_a_session(
    app_client: TestClient,
) -> None:
    """Sign-in: an inventory access key and its secret; nothing is shown without a session."""
    assert (
        app_client.get("/console/services", follow_redirects=False).headers["location"]
        == "/console/login"
    )
    page = app_client.post(
        "/console/login", data={"AccessKeyId": PROVIDER[0], "AccessKeySecret": "wrong"}
    )
    assert page.status_code == 400 and "not right" in page.text
    page = app_client.post(
        "/console/login",
        data={"AccessKeyId": PROVIDER[0], "AccessKeySecret": PROVIDER[1]},
        follow_redirects=True,
    )
    assert page.status_code == 200 and PROVIDER[2] in page.text


def test_console_forms_need_the_session_csrf_token(provider_ui: ConsoleUser) -> None:
    """CSRF: a form without this session's token changes nothing."""
    page = provider_ui.client.post(
        "/console/services/new", data={"RegionId": "cn-hangzhou", "csrf": "forged"}
    )
    assert page.status_code == 403
    assert provider_ui.get("/console/services").text.count("/history/epsrv-") == 0


def test_console_errors_are_the_api_errors_beside_the_field(
    provider_ui: ConsoleUser, runtime: object
) -> None:
    """Same rules, same messages: a refused create shows the API's own code and message, next
    to the field it concerns."""
    form = [
        ("RegionId", "cn-hangzhou"),
        ("ServiceResourceType", "slb"),
        ("Resource", "slb|lb-provider0004|cn-hangzhou-h"),
        ("step", "create"),
    ]
    page = provider_ui.post("/console/services/new", form)
    assert page.status_code == 400
    with pytest.raises(ActionFailed) as api:
        call(
            runtime,
            PROVIDER[2],
            "CreateVpcEndpointService",  # type: ignore[arg-type]
            [
                ("RegionId", "cn-hangzhou"),
                ("ServiceResourceType", "slb"),
                ("Resource.1.ResourceId", "lb-provider0004"),
                ("Resource.1.ResourceType", "slb"),
                ("Resource.1.ZoneId", "cn-hangzhou-h"),
            ],
            "r",
        )
    shown = errors(page.text)
    assert any(
        api.value.code in e
        and api.value.message.replace("'", "&#39;") in e
        or api.value.message in e
        for e in shown
    ), shown
    bad = provider_ui.post(
        "/console/services/new",
        [
            ("RegionId", "cn-hangzhou"),
            ("ServiceResourceType", "nlb"),
            ("Resource", "nlb|nlb-provider0001|cn-hangzhou-h"),
            ("ServiceDescription", "x" * 1100),
            ("step", "create"),
        ],
    )
    assert 'id="create-ServiceDescription-error"' in bad.text, errors(bad.text)


def test_console_sec_3_consumer_cannot_open_the_providers_pages(
    provider_ui: ConsoleUser, consumer_ui: ConsoleUser
) -> None:
    """SEC-3: every page shows only the signed-in account's resources, also by URL."""
    service_id, _ = shared_service(provider_ui)
    assert service_id not in consumer_ui.get("/console/services").text
    for path in (
        f"/console/services/{service_id}",
        f"/console/services/{service_id}?tab=connections",
        f"/console/services/{service_id}/delete",
        f"/console/history/{service_id}",
    ):
        page = consumer_ui.get(path)
        assert page.status_code == 404, path
        assert "EndpointServiceNotFound" in page.text or "NotFound" in page.text
    page = consumer_ui.post(f"/console/services/{service_id}/user-add", {"User": "*"})
    assert page.status_code == 404
    assert (
        "*"
        not in provider_ui.get(f"/console/services/{service_id}?tab=whitelist")
        .text.split("Accounts that may connect")[1]
        .split("</table>")[0]
    )


def test_console_manual_acceptance_then_connected(
    provider_ui: ConsoleUser, consumer_ui: ConsoleUser
) -> None:
    """The guide's flow: whitelist the consumer, verify the name, create the endpoint; the
    provider allows the Pending connection; the consumer sees it Connected."""
    service_id, name = shared_service(provider_ui)
    verified = consumer_ui.post(
        "/console/endpoints/new", {"RegionId": "cn-hangzhou", "ServiceName": name, "step": "verify"}
    )
    assert f"Verified: {service_id}" in verified.text
    endpoint_id = make_endpoint(consumer_ui, name)
    connections = provider_ui.get(f"/console/services/{service_id}?tab=connections").text
    assert endpoint_id in connections and "Pending" in connections
    allowed = provider_ui.post(
        f"/console/services/{service_id}/allow", {"EndpointId": endpoint_id, "row": endpoint_id}
    )
    assert "Allowed the connection." in allowed.text, errors(allowed.text)
    wait_until(
        lambda: (
            'data-testid="connection-status"><span class="state state-connected">'
            in consumer_ui.get(f"/console/endpoints/{endpoint_id}").text
        ),
        what="Connected",
    )
    zones = consumer_ui.get(f"/console/endpoints/{endpoint_id}?tab=zones").text
    assert "cn-hangzhou-h" in zones and "eni-" in zones


def test_console_unverifiable_name_is_shown_beside_the_service_name(
    consumer_ui: ConsoleUser,
) -> None:
    page = consumer_ui.post(
        "/console/endpoints/new",
        {"RegionId": "cn-hangzhou", "ServiceName": "com.aliyuncs.nope", "step": "verify"},
    )
    assert page.status_code == 404
    assert 'id="create-ServiceName-error"' in page.text


def test_console_deny_and_delete_in_the_guides_order(
    provider_ui: ConsoleUser, consumer_ui: ConsoleUser
) -> None:
    """Deleting a connected service is refused with the API's message and the guide's order
    (reject and disconnect first); after Deny it goes."""
    service_id, name = shared_service(provider_ui, AutoAcceptEnabled="true")
    endpoint_id = make_endpoint(consumer_ui, name)
    confirm = provider_ui.get(f"/console/services/{service_id}/delete").text
    assert "you must reject and disconnect all connected interface endpoints" in confirm
    assert endpoint_id in confirm
    refused = provider_ui.post(f"/console/services/{service_id}/delete", {})
    assert refused.status_code == 409 and endpoint_id in " ".join(errors(refused.text))
    denied = provider_ui.post(
        f"/console/services/{service_id}/deny", {"EndpointId": endpoint_id, "row": endpoint_id}
    )
    assert "Denied the connection." in denied.text, errors(denied.text)
    wait_until(
        lambda: "state-disconnected" in consumer_ui.get(f"/console/endpoints/{endpoint_id}").text,
        what="Disconnected",
    )
    for resource in ("cn-hangzhou-h", "cn-hangzhou-i"):
        provider_ui.post(
            f"/console/services/{service_id}/resource-remove",
            {"ResourceId": "nlb-provider0001", "ZoneId": resource},
        )
    gone = provider_ui.post(f"/console/services/{service_id}/delete", {})
    assert gone.status_code == 200 and f"Deleted endpoint service {service_id}." in gone.text, (
        errors(gone.text)
    )


def test_console_basic_information_whitelist_and_regions(provider_ui: ConsoleUser) -> None:
    """Basic Information switches auto-accept; the whitelist takes `*`; remote access regions
    change through the same update action."""
    service_id = provider_ui.create_service()
    page = provider_ui.post(
        f"/console/services/{service_id}/attribute", {"AutoAcceptEnabled": "true"}
    )
    assert 'data-testid="auto-accept">Yes' in page.text
    page = provider_ui.post(f"/console/services/{service_id}/user-add", {"User": "*"})
    assert "<td>*</td>" in page.text
    page = provider_ui.post(f"/console/services/{service_id}/user-add", {"User": "abc"})
    assert 'id="user-add--UserId-error"' in page.text, errors(page.text)
    page = provider_ui.post(
        f"/console/services/{service_id}/regions",
        [("Region", "cn-hangzhou"), ("Region", "cn-shanghai")],
    )
    assert "cn-shanghai" in page.text.split('data-testid="regions">')[1].split("<")[0], errors(
        page.text
    )


def test_console_history_time_travel_and_diff(provider_ui: ConsoleUser) -> None:
    """The timeline (who, request id), the page at an earlier moment (GetResourceAsOf), and the
    diff between two moments."""
    service_id = provider_ui.create_service()
    provider_ui.post(f"/console/services/{service_id}/attribute", {"AutoAcceptEnabled": "true"})
    page = provider_ui.get(f"/console/history/{service_id}").text
    moments = re.findall(r'<option value="([^"]+)"', page.split('id="at"')[1].split("</select>")[0])
    assert len(moments) >= 2
    assert PROVIDER[2] in page and "request <code>" in page
    then = provider_ui.get(f"/console/history/{service_id}", params={"at": moments[0]}).text
    assert re.search(r'data-field="AutoAcceptEnabled">False<', then)
    now = provider_ui.get(f"/console/history/{service_id}", params={"at": moments[-1]}).text
    assert re.search(r'data-field="AutoAcceptEnabled">True<', now)
    diff = provider_ui.get(
        f"/console/history/{service_id}", params={"since": moments[0], "until": moments[-1]}
    ).text
    table = diff.split('id="diff"')[1].split("</table>")[0]
    assert "AutoAcceptEnabled" in table and "false" in table and "true" in table
    step = re.findall(r'href="(\?at=[^"]+)">diff with the moment before', diff)
    assert step, "each later timeline entry links to its own diff"
    newest = provider_ui.get(f"/console/history/{service_id}" + step[0].replace("&amp;", "&"))
    assert "AutoAcceptEnabled" in newest.text.split('id="diff"')[1].split("</table>")[0]


def test_console_endpoint_history_has_dns_and_zone_chart(
    provider_ui: ConsoleUser, consumer_ui: ConsoleUser
) -> None:
    service_id, name = shared_service(provider_ui, AutoAcceptEnabled="true")
    endpoint_id = make_endpoint(consumer_ui, name)
    wait_until(
        lambda: "state-connected" in consumer_ui.get(f"/console/endpoints/{endpoint_id}").text,
        what="Connected",
    )
    page = consumer_ui.get(f"/console/history/{endpoint_id}").text
    assert 'id="dns"' in page and f"{endpoint_id}.{service_id}" in page
    assert 'data-zone="cn-hangzhou-h" data-state="Connected"' in page
    assert "<svg" in page


def test_console_position_moves_with_the_views(provider_ui: ConsoleUser) -> None:
    """Live updates poll the views' position; a command moves it."""
    before = provider_ui.get("/console/position").json()["position"]
    provider_ui.create_service()
    assert provider_ui.get("/console/position").json()["position"] > before


def test_console_operator_page_is_for_this_machine_only(
    provider_ui: ConsoleUser, runtime: object
) -> None:
    """RES-8 from the console: refused unless the browser is on this machine (the test
    client is not)."""
    page = provider_ui.post("/console/operator", {"ResourceId": "nlb-provider0001", "Down": "true"})
    assert page.status_code == 403 and "Forbidden.AdminOnly" in page.text


def test_console_outsider_sees_nothing_of_others(runtime: object, provider_ui: ConsoleUser) -> None:
    provider_ui.create_service()
    with TestClient(provider_ui.client.app) as client:  # type: ignore[attr-defined]
        outsider = ConsoleUser(client).sign_in(OUTSIDER)
        assert "/console/services/epsrv-" not in outsider.get("/console/services").text


def zone_row(page: str, endpoint_id: str, zone: str) -> str:
    article = page.split(f'data-endpoint="{endpoint_id}"')[1].split("</article>")[0]
    return article.split(f'data-zone="{zone}"')[1].split("</tr>")[0]


def test_console_forcible_migration_replaces_the_zone_resource(
    provider_ui: ConsoleUser, consumer_ui: ConsoleUser
) -> None:
    """Replace a zone's CLB with forcible migration (RES-11): the zone is on the new resource,
    nothing is kept to disconnect later."""
    service_id = provider_ui.create_service(
        ServiceResourceType="slb",
        Resource="slb|lb-provider0001|cn-hangzhou-h",
        AutoAcceptEnabled="true",
    )
    provider_ui.post(
        f"/console/services/{service_id}/resource-add",
        {"Resource": "slb|lb-provider0003", "ZoneId": "cn-hangzhou-h"},
    )
    provider_ui.post(f"/console/services/{service_id}/user-add", {"User": CONSUMER[2]})
    name = service_name(provider_ui, service_id)
    page = consumer_ui.post(
        "/console/endpoints/new",
        [
            ("RegionId", "cn-hangzhou"),
            ("ServiceName", name),
            ("VpcId", "vpc-consumer0001"),
            ("VSwitch", "vsw-consumer-h"),
            ("step", "create"),
        ],
    )
    endpoint_id = str(page.url).rsplit("/", 1)[-1]
    url = f"/console/services/{service_id}?tab=connections"
    wait_until(
        lambda: (
            "state-connected" in zone_row(provider_ui.get(url).text, endpoint_id, "cn-hangzhou-h")
        ),
        what="Connected",
    )
    row = zone_row(provider_ui.get(url).text, endpoint_id, "cn-hangzhou-h")
    old = "lb-provider0001" if "<td>lb-provider0001" in row else "lb-provider0003"
    new = "lb-provider0003" if old == "lb-provider0001" else "lb-provider0001"
    provider_ui.post(
        f"/console/services/{service_id}/resource-auto",
        {"ResourceId": old, "ZoneId": "cn-hangzhou-h", "AutoAllocatedEnabled": "false"},
    )
    done = provider_ui.post(
        f"/console/services/{service_id}/replace",
        {
            "EndpointId": endpoint_id,
            "ZoneId": "cn-hangzhou-h",
            "ResourceId": new,
            "ResourceReplaceMode": "Force",
            "row": f"{endpoint_id}/cn-hangzhou-h",
        },
    )
    assert "Replacing the zone&#39;s service resource." in done.text, errors(done.text)
    wait_until(
        lambda: f"<td>{new}" in zone_row(provider_ui.get(url).text, endpoint_id, "cn-hangzhou-h"),
        what="the new resource",
    )
    assert "replacing" not in zone_row(provider_ui.get(url).text, endpoint_id, "cn-hangzhou-h")


def test_console_zones_and_enis_add_and_remove_a_zone(
    provider_ui: ConsoleUser, consumer_ui: ConsoleUser
) -> None:
    """Zones and ENIs tab: Add Zone with a chosen IP; a taken IP is refused beside the IP."""
    _, name = shared_service(provider_ui, AutoAcceptEnabled="true")
    page = consumer_ui.post(
        "/console/endpoints/new",
        [
            ("RegionId", "cn-hangzhou"),
            ("ServiceName", name),
            ("VpcId", "vpc-consumer0001"),
            ("VSwitch", "vsw-consumer-h"),
            ("ip.vsw-consumer-h", "127.16.1.77"),
            ("step", "create"),
        ],
    )
    endpoint_id = str(page.url).rsplit("/", 1)[-1]
    zones = consumer_ui.get(f"/console/endpoints/{endpoint_id}?tab=zones").text
    assert "127.16.1.77" in zones
    added = consumer_ui.post(
        f"/console/endpoints/{endpoint_id}/zone-add",
        {"VSwitchId": "vsw-consumer-i", "ip": "127.16.2.9"},
    )
    assert "Added the zone." in added.text and "127.16.2.9" in added.text, errors(added.text)
    again = consumer_ui.post(
        "/console/endpoints/new",
        [
            ("RegionId", "cn-hangzhou"),
            ("ServiceName", name),
            ("VpcId", "vpc-consumer0001"),
            ("VSwitch", "vsw-consumer-h"),
            ("ip.vsw-consumer-h", "127.16.1.77"),
            ("step", "create"),
        ],
    )
    assert again.status_code >= 400 and errors(again.text), again.text[-2000:]


def test_console_inter_region_endpoint(provider_ui: ConsoleUser, consumer_ui: ConsoleUser) -> None:
    """Create Endpoint with inter-region on: verify the name in the service's region, then
    create the endpoint in the consumer's other region (XR)."""
    service_id = provider_ui.create_service(
        SupportedRegionList="cn-shanghai", AutoAcceptEnabled="true"
    )
    provider_ui.post(f"/console/services/{service_id}/user-add", {"User": CONSUMER[2]})
    name = service_name(provider_ui, service_id)
    form = [
        ("RegionId", "cn-shanghai"),
        ("InterRegion", "true"),
        ("ServiceRegionId", "cn-hangzhou"),
        ("ServiceName", name),
    ]
    verified = consumer_ui.post("/console/endpoints/new", [*form, ("step", "verify")])
    assert f"Verified: {service_id}" in verified.text, errors(verified.text)
    assert "vsw-consumer-sh-e" in verified.text  # the VPCs of the endpoint's region
    created = consumer_ui.post(
        "/console/endpoints/new",
        [
            *form,
            ("VpcId", "vpc-consumer0002"),
            ("VSwitch", "vsw-consumer-sh-e"),
            ("VSwitch", "vsw-consumer-sh-f"),
            ("CrossRegionBandwidth", "100"),
            ("step", "create"),
        ],
    )
    assert "/console/endpoints/ep-" in str(created.url), errors(created.text)
    assert "cn-hangzhou" in created.text and "inter-region 100 Mbps" in created.text


def test_console_is_built_on_its_first_request_with_the_cloud_shaped_errors(
    app_client: TestClient,
) -> None:
    """Issue 12 (start to ready): the console is not imported until asked for; then ``/console``
    itself and paths under it answer as before, an unknown one in the cloud's shape."""
    home = app_client.get("/console", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/console/login"
    assert app_client.get("/console/login").status_code == 200
    missing = app_client.get("/console/no-such-page")
    assert missing.status_code == 404
    assert {"Code", "Message", "RequestId"} <= set(missing.json())


def test_building_the_server_does_not_import_the_console() -> None:
    """Issue 12: importing and building the HTTP app leaves the console's modules unloaded."""
    import subprocess
    import sys

    probe = (
        "import sys; from privatelink.api.http import build_http_app; "
        "from types import SimpleNamespace as N; build_http_app(N()); "
        "print(sorted(m for m in sys.modules if m.startswith('privatelink.api.console.') or m == 'privatelink.api.console'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
