"""Issue 12, the command line against a running server: ``privatelink reset``,
``privatelink inventory add|remove|show`` and ``privatelink provisioner hold|release``."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from privatelink.cli import app
from privatelink.testing import PrivateLinkServer
from tests.plugin.helpers import create_service, service_ids

runner = CliRunner()


def run(server: PrivateLinkServer, *args: str) -> str:
    result = runner.invoke(app, [*args, "--url", server.url])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_issue12_cli_reset_empties_the_running_server(privatelink: PrivateLinkServer) -> None:
    """`privatelink reset` empties the store of the server at --url."""
    provider = privatelink.client("provider")
    create_service(provider)
    run(privatelink, "reset")
    assert service_ids(provider) == []


def test_issue12_cli_inventory_add_show_remove(privatelink: PrivateLinkServer) -> None:
    """`inventory add` takes key=value pairs (YAML values) or one mapping; `show` prints the
    inventory in force and, with --history, the change events; `remove` takes it back."""
    run(
        privatelink,
        "inventory",
        "add",
        "account",
        "uid=1210000000000042",
        "name=cli",
        "access_keys=[{id: LTAI5tCli00000042, secret: s}]",
    )
    run(
        privatelink,
        "inventory",
        "add",
        "vpc",
        '{id: vpc-cli001, owner: "1210000000000042", region: cn-hangzhou, '
        "cidr: 10.60.0.0/16, vswitches: []}",
    )
    shown = yaml.safe_load(run(privatelink, "inventory", "show"))
    assert "vpc-cli001" in {v["id"] for v in shown["vpcs"]}
    assert privatelink.client("cli") is not None
    run(privatelink, "inventory", "remove", "vpc", "vpc-cli001")
    events = [
        json.loads(line) for line in run(privatelink, "inventory", "show", "--history").splitlines()
    ]
    assert [e["type"] for e in events] == ["Opened", "ItemAdded", "ItemAdded", "ItemRemoved"]
    refused = runner.invoke(
        app, ["inventory", "remove", "vpc", "vpc-cli001", "--url", privatelink.url]
    )
    assert refused.exit_code == 1 and "does not exist" in refused.output


def test_issue12_cli_provisioner_hold_and_release(privatelink: PrivateLinkServer) -> None:
    """`provisioner hold` parks every step; `provisioner release` takes them."""
    run(privatelink, "provisioner", "hold")
    provider = privatelink.client("provider")
    service = create_service(provider)
    privatelink.wait_until(lambda: privatelink.admin("GET", "/_privatelink/provisioner")["Parked"])
    run(privatelink, "provisioner", "release", service.service_id)
    assert privatelink.admin("GET", "/_privatelink/provisioner")["Parked"] == []
