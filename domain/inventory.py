"""The network inventory: what exists before PrivateLink is used (docs/INVENTORY.md).

Accounts, regions, VPCs and load balancers belong to other cloud products, read from a file
instead of emulated. The shape is a contract: every model refuses unknown keys, and the
validator checks every reference, naming the bad field first (``vpcs[0].vswitches[1].cidr: ...``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Network
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Id = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
AccountUid = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]


class _Strict(BaseModel):
    # Unknown keys are refused so a typo in a hand-written file is an error, not a silent default.
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccessKey(_Strict):
    """An AccessKey pair that signs requests for its account (RULES SEC-1)."""

    id: Id
    secret: Annotated[str, StringConstraints(min_length=1)]


class Account(_Strict):
    """A cloud account: its UID, its access keys and the quotas raised for it (RES-5, XR-6)."""

    uid: AccountUid
    name: str
    access_keys: list[AccessKey] = []
    quotas: dict[str, int] = {}


class Region(_Strict):
    """A region and the zones in it."""

    id: Id
    zones: Annotated[list[Id], Field(min_length=1)]


class VSwitch(_Strict):
    """A vSwitch: one CIDR block of a VPC in one zone."""

    id: Id
    zone: Id
    cidr: IPv4Network


class Vpc(_Strict):
    """A VPC owned by one account in one region, with its vSwitches and security groups."""

    id: Id
    owner: AccountUid
    region: Id
    cidr: IPv4Network
    vswitches: list[VSwitch]
    security_groups: list[Id] = []


class Listener(_Strict):
    """A port a load balancer serves, and the real ``host:port`` its traffic goes to."""

    port: Annotated[int, Field(ge=1, le=65535)]
    backend: str

    @field_validator("backend")
    @classmethod
    def _is_host_and_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValueError(f"backend {value!r} is not 'host:port' with a port in 1..65535")
        return value


class LoadBalancer(_Strict):
    """A load balancer a provider may attach to an endpoint service (SVC-2, SVC-4, XR-2, RES-4)."""

    id: Id
    type: Literal["nlb", "alb", "clb", "gwlb"]
    owner: AccountUid
    region: Id
    zones: Annotated[list[Id], Field(min_length=1)]
    address_type: Literal["intranet", "internet"] = "intranet"
    dual_stack: bool = False
    billing: Literal["pay-as-you-go", "subscription"] = "pay-as-you-go"
    upgraded: bool = False
    bandwidth_mbps: Annotated[int, Field(gt=0)] = 5000
    listeners: list[Listener] = []


@dataclass(frozen=True)
class _Indexes:
    accounts: dict[str, Account]
    keys: dict[str, tuple[Account, AccessKey]]
    regions: dict[str, Region]
    vpcs: dict[str, Vpc]
    vswitches: dict[str, tuple[Vpc, VSwitch]]
    load_balancers: dict[str, LoadBalancer]


class Inventory(_Strict):
    """Everything PrivateLink works on but does not own, checked as a whole when loaded."""

    accounts: list[Account]
    regions: list[Region]
    vpcs: list[Vpc] = []
    load_balancers: list[LoadBalancer] = []

    @model_validator(mode="after")
    def _check_references(self) -> Inventory:
        _check_accounts(self.accounts)
        zones_of = _check_regions(self.regions)
        known = _Known(uids={a.uid for a in self.accounts}, zones_of=zones_of)
        _check_vpcs(self.vpcs, known)
        _check_load_balancers(self.load_balancers, known)
        return self

    # Lookups. The model is frozen, so the indexes are built once, on first use.

    @cached_property
    def _index(self) -> _Indexes:
        return _Indexes(
            accounts={a.uid: a for a in self.accounts},
            keys={k.id: (a, k) for a in self.accounts for k in a.access_keys},
            regions={r.id: r for r in self.regions},
            vpcs={v.id: v for v in self.vpcs},
            vswitches={s.id: (v, s) for v in self.vpcs for s in v.vswitches},
            load_balancers={lb.id: lb for lb in self.load_balancers},
        )

    def account(self, uid: str) -> Account | None:
        return self._index.accounts.get(uid)

    def account_for_key(self, access_key_id: str) -> Account | None:
        found = self._index.keys.get(access_key_id)
        return found[0] if found else None

    def secret_for(self, access_key_id: str) -> str | None:
        found = self._index.keys.get(access_key_id)
        return found[1].secret if found else None

    def region(self, region_id: str) -> Region | None:
        return self._index.regions.get(region_id)

    def vpc(self, vpc_id: str) -> Vpc | None:
        return self._index.vpcs.get(vpc_id)

    def vswitch(self, vswitch_id: str) -> tuple[Vpc, VSwitch] | None:
        return self._index.vswitches.get(vswitch_id)

    def load_balancer(self, lb_id: str) -> LoadBalancer | None:
        return self._index.load_balancers.get(lb_id)

    def quota(self, uid: str, name: str, default: int) -> int:
        """The account's raised quota ``name``, or ``default`` when it has none (RES-5, XR-6)."""
        account = self.account(uid)
        if account is None:
            return default
        return account.quotas.get(name, default)


# The rules of the whole file. Each raises ValueError("<path>: <what is wrong>") on the first
# violation; pydantic wraps it, and the file loader turns it into one message.


@dataclass(frozen=True)
class _Known:
    uids: set[str]
    zones_of: dict[str, list[str]]


def _refuse_duplicates(entries: Iterable[tuple[str, str]], kind: str) -> None:
    seen: dict[str, str] = {}
    for path, value in entries:
        if value in seen:
            raise ValueError(f"{path}: duplicate {kind} {value!r} (already at {seen[value]})")
        seen[value] = path


def _check_accounts(accounts: list[Account]) -> None:
    _refuse_duplicates(
        ((f"accounts[{i}].uid", a.uid) for i, a in enumerate(accounts)), "account uid"
    )
    # Unique across accounts: a key id must name exactly one signer.
    _refuse_duplicates(
        (
            (f"accounts[{i}].access_keys[{j}].id", k.id)
            for i, a in enumerate(accounts)
            for j, k in enumerate(a.access_keys)
        ),
        "access key id",
    )


def _check_regions(regions: list[Region]) -> dict[str, list[str]]:
    _refuse_duplicates(((f"regions[{i}].id", r.id) for i, r in enumerate(regions)), "region id")
    # A zone id names one zone of one region, so it may not be listed twice anywhere.
    _refuse_duplicates(
        (
            (f"regions[{i}].zones[{j}]", z)
            for i, r in enumerate(regions)
            for j, z in enumerate(r.zones)
        ),
        "zone id",
    )
    return {r.id: r.zones for r in regions}


def _check_placement(path: str, owner: str, region: str, known: _Known) -> None:
    if owner not in known.uids:
        raise ValueError(f"{path}.owner: unknown account {owner!r}")
    if region not in known.zones_of:
        raise ValueError(f"{path}.region: unknown region {region!r}")


def _check_zone(path: str, zone: str, region: str, known: _Known) -> None:
    if zone not in known.zones_of[region]:
        raise ValueError(f"{path}: zone {zone!r} is not a zone of region {region!r}")


def _check_vpcs(vpcs: list[Vpc], known: _Known) -> None:
    _refuse_duplicates(((f"vpcs[{i}].id", v.id) for i, v in enumerate(vpcs)), "VPC id")
    _refuse_duplicates(
        (
            (f"vpcs[{i}].vswitches[{j}].id", s.id)
            for i, v in enumerate(vpcs)
            for j, s in enumerate(v.vswitches)
        ),
        "vSwitch id",
    )
    _refuse_duplicates(
        (
            (f"vpcs[{i}].security_groups[{j}]", g)
            for i, v in enumerate(vpcs)
            for j, g in enumerate(v.security_groups)
        ),
        "security group id",
    )
    for i, vpc in enumerate(vpcs):
        _check_placement(f"vpcs[{i}]", vpc.owner, vpc.region, known)
        for j, vswitch in enumerate(vpc.vswitches):
            _check_zone(f"vpcs[{i}].vswitches[{j}].zone", vswitch.zone, vpc.region, known)
        _check_vswitch_blocks(f"vpcs[{i}]", vpc)


def _check_vswitch_blocks(path: str, vpc: Vpc) -> None:
    for j, vswitch in enumerate(vpc.vswitches):
        where = f"{path}.vswitches[{j}].cidr"
        if not vswitch.cidr.subnet_of(vpc.cidr):
            raise ValueError(f"{where}: {vswitch.cidr} is not inside the VPC's CIDR {vpc.cidr}")
        for k, earlier in enumerate(vpc.vswitches[:j]):
            if vswitch.cidr.overlaps(earlier.cidr):
                raise ValueError(
                    f"{where}: {vswitch.cidr} overlaps {earlier.cidr} of "
                    f"{path}.vswitches[{k}] ({earlier.id})"
                )


def _check_load_balancers(lbs: list[LoadBalancer], known: _Known) -> None:
    _refuse_duplicates(
        ((f"load_balancers[{i}].id", lb.id) for i, lb in enumerate(lbs)), "load balancer id"
    )
    for i, lb in enumerate(lbs):
        path = f"load_balancers[{i}]"
        _check_placement(path, lb.owner, lb.region, known)
        for j, zone in enumerate(lb.zones):
            _check_zone(f"{path}.zones[{j}]", zone, lb.region, known)
        _refuse_duplicates(((f"{path}.zones[{j}]", z) for j, z in enumerate(lb.zones)), "zone")
        _refuse_duplicates(
            ((f"{path}.listeners[{j}].port", str(ls.port)) for j, ls in enumerate(lb.listeners)),
            "listener port",
        )
        if lb.type == "clb":
            _check_clb(path, lb)


def _check_clb(path: str, lb: LoadBalancer) -> None:
    # A CLB lives in one primary zone and is IPv4 only (SVC-4).
    if len(lb.zones) != 1:
        raise ValueError(
            f"{path}.zones: a CLB has exactly one zone (its primary zone), got {len(lb.zones)}"
        )
    if lb.dual_stack:
        raise ValueError(f"{path}.dual_stack: a CLB is never dual-stack")
