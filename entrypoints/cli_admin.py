"""Admin commands of the ``privatelink`` command line (issue 12), talking to a running server
over its ``/_privatelink/`` routes: ``reset``, ``inventory add|remove|show`` (besides
``inventory --demo/--check``) and ``provisioner hold|release|step|show``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from privatelink.cli_base import app, console, fail

ServerUrl = Annotated[
    str, typer.Option("--url", envvar="PRIVATELINK_URL", help="The running server.")
]
AdminKey = Annotated[
    str | None,
    typer.Option(
        "--admin-key",
        envvar="PRIVATELINK_ADMIN_KEY",
        help="The admin key, when the server is not on this machine.",
    ),
]
DEFAULT_URL = "http://127.0.0.1:8080"
# Fields that hold ids or text even when they look like numbers (account uids).
TEXT_FIELDS = {
    "uid",
    "owner",
    "account",
    "id",
    "secret",
    "name",
    "cidr",
    "zone",
    "region",
    "vpc",
    "load_balancer",
    "backend",
}


def call(
    url: str, admin_key: str | None, method: str, path: str, body: Any = None
) -> dict[str, Any]:
    from privatelink.testing import AdminError, admin_call

    try:
        return admin_call(url, method, path, body, admin_key)
    except AdminError as error:
        fail(f"{error.code}: {error.body.get('Message')}", code=1)
    except OSError as error:
        fail(f"cannot reach the server at {url}: {error}", code=1)
    raise AssertionError  # fail() exits


def parse_item(fields: list[str]) -> dict[str, Any]:
    """``'{json or yaml}'``, or ``key=value`` pairs whose values are YAML (``zones=[a, b]``)."""
    import yaml

    if len(fields) == 1 and fields[0].lstrip().startswith("{"):
        document = yaml.safe_load(fields[0])
        if not isinstance(document, dict):
            fail("the item is not a mapping")
        return document  # type: ignore[no-any-return]
    item: dict[str, Any] = {}
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep:
            fail(f"'{field}' is not key=value")
        item[key] = value if key in TEXT_FIELDS else yaml.safe_load(value)
    return item


@app.command()
def reset(
    inventory: Annotated[
        Path | None, typer.Option("--inventory", help="Replace the inventory by this file's.")
    ] = None,
    seed: Annotated[
        bool, typer.Option("--seed", help="Go back to the inventory the server started with.")
    ] = False,
    url: ServerUrl = DEFAULT_URL,
    admin_key: AdminKey = None,
) -> None:
    """Empty a running server's store (and its caches, positions and holds) in place; the
    inventory in force is kept unless --inventory or --seed is given."""
    body: dict[str, Any] = {}
    if inventory is not None:
        from privatelink.infra.inventory_file import InventoryError, load_inventory

        try:
            body["Inventory"] = load_inventory(inventory).model_dump(mode="json")
        except InventoryError as error:
            fail(str(error))
    elif seed:
        body["Inventory"] = "seed"
    answer = call(url, admin_key, "POST", "/_privatelink/reset", body)
    console.print(f"reset: {answer['Tables']} tables emptied in {answer['Seconds']:.3f} s")


inventory_app = typer.Typer(
    help="Print or check an inventory file, or change a running server's inventory.",
    invoke_without_command=True,
)


Demo = Annotated[bool, typer.Option("--demo", help="Print the built-in demo inventory.")]
Check = Annotated[Path | None, typer.Option("--check", help="Validate an inventory file.")]


@inventory_app.callback()
def inventory_command(ctx: typer.Context, demo: Demo = False, check: Check = None) -> None:
    """Print the demo inventory, or check an inventory file; or a subcommand."""
    if ctx.invoked_subcommand is not None:
        return
    from privatelink.infra.inventory_file import demo_inventory_text

    if demo:
        sys.stdout.write(demo_inventory_text())
        return
    if check is None:
        fail("give --demo, --check FILE, or a subcommand (add, remove, show)")
    check_inventory(check)  # type: ignore[arg-type]


def check_inventory(check: Path) -> None:
    from privatelink.infra.inventory_file import InventoryError, load_inventory

    try:
        inv = load_inventory(check)
    except InventoryError as error:
        fail(str(error))
        return
    console.print(
        f"{check}: valid ({len(inv.accounts)} accounts, {len(inv.vpcs)} VPCs, "
        f"{len(inv.load_balancers)} load balancers)"
    )


@inventory_app.command("add")
def inventory_add(
    kind: Annotated[
        str,
        typer.Argument(
            help="account, access_key, region, vpc, vswitch, "
            "security_group, load_balancer or listener."
        ),
    ],
    item: Annotated[
        list[str],
        typer.Argument(
            help="The item as in the inventory file: "
            "key=value pairs, or one JSON/YAML mapping. "
            "Nested kinds name their parent (account=, vpc=, "
            "load_balancer=)."
        ),
    ],
    url: ServerUrl = DEFAULT_URL,
    admin_key: AdminKey = None,
) -> None:
    """Add an item to a running server's inventory (recorded as an event)."""
    answer = call(url, admin_key, "POST", f"/_privatelink/inventory/{kind}", parse_item(item))
    console.print(f"added {kind} (inventory version {answer['Version']})")


@inventory_app.command("remove")
def inventory_remove(
    kind: str,
    ident: Annotated[str, typer.Argument(help="Its id (an account's uid; a listener: LB:PORT).")],
    url: ServerUrl = DEFAULT_URL,
    admin_key: AdminKey = None,
) -> None:
    """Remove an item from a running server's inventory (recorded as an event)."""
    answer = call(url, admin_key, "DELETE", f"/_privatelink/inventory/{kind}/{ident}")
    console.print(f"removed {kind} {ident} (inventory version {answer['Version']})")


@inventory_app.command("show")
def inventory_show(
    history: Annotated[bool, typer.Option("--history", help="The changes, as events.")] = False,
    url: ServerUrl = DEFAULT_URL,
    admin_key: AdminKey = None,
) -> None:
    """Print a running server's inventory in force (YAML), or its change events (JSON lines)."""
    if history:
        for event in call(url, admin_key, "GET", "/_privatelink/inventory/history")["Events"]:
            sys.stdout.write(json.dumps(event) + "\n")
        return
    import yaml

    document = call(url, admin_key, "GET", "/_privatelink/inventory")["Inventory"]
    sys.stdout.write(yaml.safe_dump(document, sort_keys=False))


provisioner_app = typer.Typer(
    help="Hold a resource in its transitional state, step it, release it (a running server).",
    no_args_is_help=True,
)


def _provisioner(verb: str, resource_id: str, url: str, admin_key: str | None) -> None:
    answer = call(
        url, admin_key, "POST", f"/_privatelink/provisioner/{verb}", {"ResourceId": resource_id}
    )
    console.print(
        f"{verb} {resource_id}: {answer.get('Taken', 0)} step(s) taken; held: "
        f"{', '.join(answer['Held']) or 'nothing'}; parked: {len(answer['Parked'])}"
    )


@provisioner_app.command("hold")
def provisioner_hold(
    resource_id: Annotated[str, typer.Argument(help="An id, or '*'.")] = "*",
    url: ServerUrl = DEFAULT_URL,
    admin_key: AdminKey = None,
) -> None:
    """Park the asynchronous steps of RESOURCE_ID ('*': every resource)."""
    _provisioner("hold", resource_id, url, admin_key)


@provisioner_app.command("release")
def provisioner_release(
    resource_id: Annotated[str, typer.Argument()] = "*",
    url: ServerUrl = DEFAULT_URL,
    admin_key: AdminKey = None,
) -> None:
    """Take RESOURCE_ID's parked steps and stop holding it."""
    _provisioner("release", resource_id, url, admin_key)


@provisioner_app.command("step")
def provisioner_step(
    resource_id: str, url: ServerUrl = DEFAULT_URL, admin_key: AdminKey = None
) -> None:
    """Take RESOURCE_ID's oldest parked step; it stays held."""
    _provisioner("step", resource_id, url, admin_key)


app.add_typer(inventory_app, name="inventory")
app.add_typer(provisioner_app, name="provisioner")
