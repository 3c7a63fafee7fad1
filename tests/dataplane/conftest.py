"""Data-plane fixtures: a ``privatelink serve`` with its DNS on a free port, a schema of its
own per module, and a DNS client that asks from any loopback source address."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from typing import Any

import dns.edns
import dns.message
import dns.query
import dns.rcode
import psycopg
import pytest

from tests.conftest import Server


def free_dns_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    while True:
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port


class DataPlaneServer(Server):
    """``privatelink serve`` with its DNS server on a port of its own."""

    def __init__(self, database_url: str, schema: str, *extra: str) -> None:
        self.dns_port = free_dns_port()
        super().__init__(
            database_url, schema, "--dns-port", str(self.dns_port), "--forwarders", *extra
        )


def drop_schema(database_url: str, schema: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def module_schema(database_url: str) -> Iterator[str]:
    schema = f"dp_{secrets.token_hex(6)}"
    yield schema
    drop_schema(database_url, schema)


def ask(
    port: int,
    name: str,
    rdtype: str = "A",
    source: str = "127.0.0.1",
    tcp: bool = False,
    subnet: str | None = None,
) -> dns.message.Message:
    """One question to our DNS server, from ``source``, over UDP (or TCP)."""
    options: list[Any] = []
    if subnet is not None:
        address, _, length = subnet.partition("/")
        options.append(dns.edns.ECSOption(address, int(length or 24)))
    query = dns.message.make_query(
        name, rdtype, use_edns=0 if options else None, options=options or None
    )
    if tcp:
        return dns.query.tcp(query, "127.0.0.1", port=port, timeout=3, source=source)
    return dns.query.udp(query, "127.0.0.1", port=port, timeout=3, source=source)


def addresses(response: dns.message.Message) -> list[str]:
    return sorted(item.address for rrset in response.answer for item in rrset)


def rcode(response: dns.message.Message) -> str:
    return dns.rcode.to_text(response.rcode())
